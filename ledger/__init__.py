"""The shared core: what every SmartBlocks part needs to talk to a Sawtooth ledger. Keys,
transactions and batches, the REST API client, the validator client (ZMQ) and the event
follower; the default endpoints, the one backoff, and the errors they share."""
