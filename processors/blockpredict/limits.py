"""Limits of the BlockPredict family, enforced by payload.py and actions.py and documented in
docs/blockpredict.md. They bound what one transaction reads and writes: a forecast covers at
most 31 days, so scoring reads at most 32 day rollups (a period off midnight touches one more
day) and writes the score and at most 3 month records (31 days from 31 January 12:00 reach
March)."""

from smartblocks.processors.kit.payload import MAX_ID_LENGTH

RESOLUTIONS_S = (900, 3_600, 86_400)
MAX_PERIOD_S = 31 * 86_400
MAX_VALUES = MAX_PERIOD_S // 900  # 2,976: 31 days of quarter hours
# A value is at most 10^15 in the meter's unit (1 TWh in mWh) either way, so sums of a slot
# and of a forecast stay far inside 64 bits.
MAX_ABS_VALUE = 10**15
# 2,976 values of at most 8 bytes each (zigzag varints of 10^15), names and ids: well inside.
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_MODEL_TEXT = 64
MAX_FORECASTERS = 32
# 9999-12-31T23:59:59Z, as for BlockMeter windows.
MAX_TIMESTAMP = 253_402_300_799

__all__ = [
    "MAX_ABS_VALUE",
    "MAX_FORECASTERS",
    "MAX_ID_LENGTH",
    "MAX_MODEL_TEXT",
    "MAX_PAYLOAD_BYTES",
    "MAX_PERIOD_S",
    "MAX_TIMESTAMP",
    "MAX_VALUES",
    "RESOLUTIONS_S",
]
