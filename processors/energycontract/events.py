"""Event types EnergyContract emits (attributes in docs/energycontract.md#events). The contract
manager and the portal subscribe to them."""

CONTRACT_CHANGED = "energycontract/contract"  # contract_id, status, action
SETTLED = "energycontract/settled"  # contract_id, period, status, avoided
DISPUTED = "energycontract/disputed"  # contract_id, period, status
FUNDS_MOVED = "energycontract/funds"  # currency, from, to, amount, reason
