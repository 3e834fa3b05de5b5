"""The devnet's state: Sawtooth's Merkle-Radix tree stored in SQLite (see README.md)."""
