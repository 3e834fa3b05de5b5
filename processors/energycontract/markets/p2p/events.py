"""Event types the P2P market emits (attributes in docs/market-p2p.md#events); token movements
are EnergyContract's `energycontract/funds` events."""

OFFER_CHANGED = "energycontract/p2p-offer"  # offer_id, status, action, seller, buyer
AGGREGATOR_CHANGED = "energycontract/p2p-aggregator"  # aggregator, currency, fee_ppm, rate_ppm
