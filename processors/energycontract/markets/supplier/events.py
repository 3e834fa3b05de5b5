"""Event types the automated supplier emits (attributes in docs/market-supplier.md)."""

SUPPLIER_CHANGED = "energycontract/supplier"  # supplier_id, action, member, period
