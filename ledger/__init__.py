"""What every SmartBlocks client needs to talk to a Sawtooth ledger: keys, transactions and
batches, the REST API client."""
