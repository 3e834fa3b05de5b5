"""Event types the local double auction emits (attributes in docs/market-auction.md)."""

AUCTION_CHANGED = "energycontract/auction"  # auction_id, action, step, member
