"""The BlockMeter transaction family: sites, meters, device keys and signed interval readings."""
