"""`smartblocks up`: run a whole SmartBlocks stack on one machine as supervised child processes."""
