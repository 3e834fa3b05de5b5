"""Event types the aggregator agreements emit (attributes in docs/market-aggregation.md#events);
token movements are EnergyContract's `energycontract/funds` events."""

COMMUNITY_CHANGED = "energycontract/aggregation-community"  # community_id, action, der, members
EPOCH_SWEPT = "energycontract/aggregation-epoch"  # community_id, epoch, members, paid, penalties
EPOCH_DISPUTED = "energycontract/aggregation-dispute"  # community_id, epoch, der, status
