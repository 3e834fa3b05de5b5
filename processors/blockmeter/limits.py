"""Limits of the BlockMeter family, enforced by payload.py (device keys: actions.py) and
documented in docs/blockmeter.md.

They bound the work and the state one transaction can cause, so a validator's apply time and a
block's size stay predictable whatever a client sends.
"""

from smartblocks.processors.kit.arithmetic import INT64_MAX, INT64_MIN
from smartblocks.processors.kit.payload import MAX_ID_LENGTH, MAX_TEXT_LENGTH

MAX_PAYLOAD_BYTES = 256 * 1024
# 10,000 values: an hour of 1 s data with room to spare, or 104 days of 15 min data.
MAX_VALUES = 10_000
MAX_INTERVAL_S = 86_400
# A window may cover at most 62 UTC days, so one transaction touches at most 63 day rollups
# and 4 month rollups.
MAX_WINDOW_S = 62 * 86_400
# A register's first value after a gap may count what it measured over the gap, checked against
# the plausibility bound over the gap, for gaps up to a week (an outage of the gateway, a
# weekend without network). After a longer gap the value sets the register anew, uncounted.
MAX_GAP_CREDIT_S = 7 * 86_400
# A window may end at most this long after ledger time (the previous block's timestamp): room
# for a gateway clock that runs fast and for a block that takes long to publish, never for a
# window in the future that would block the meter's later readings.
MAX_WINDOW_AHEAD_S = 900
# 9999-12-31T23:59:59Z: every window must end by then, so every date has four digits.
MAX_TIMESTAMP = 253_402_300_799
MAX_DEVICE_KEYS = 16

__all__ = [
    "INT64_MAX",
    "INT64_MIN",
    "MAX_DEVICE_KEYS",
    "MAX_GAP_CREDIT_S",
    "MAX_ID_LENGTH",
    "MAX_INTERVAL_S",
    "MAX_PAYLOAD_BYTES",
    "MAX_TEXT_LENGTH",
    "MAX_TIMESTAMP",
    "MAX_VALUES",
    "MAX_WINDOW_AHEAD_S",
    "MAX_WINDOW_S",
]
