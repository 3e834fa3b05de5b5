"""Limits of the aggregator agreements (docs/market-aggregation.md#limits). They bound what one
sweep reads: per member two meters' heads and the day rollups the epoch touches."""

MAX_EPOCH_S = 7 * 86_400  # an epoch spans at most 8 UTC days (it need not start at midnight)
MAX_MEMBERS = 200  # a community's size limit may not exceed this
MAX_WINDOW_S = 90 * 86_400  # data grace and dispute window
MAX_CAPACITY_W = 10**9  # 1 GW
MAX_PRICE = 10**9  # micro-units per kWh (1,000 a kWh)
MAX_DEPOSIT = 10**15  # micro-units
MAX_ENERGY = 10**15  # mWh
MAX_TEXT = 256
