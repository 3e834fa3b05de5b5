"""BlockPortal: the auditable web window onto the ledger (explorer, ledger states, meters)."""
