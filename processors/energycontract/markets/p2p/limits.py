"""Limits of the P2P market (docs/market-p2p.md#limits). They bound what one settlement reads:
two meters' day rollups and claims over at most MAX_WINDOW_HOURS hours (8 days each)."""

from smartblocks.processors.kit.payload import MAX_ID_LENGTH

from .addressing import ESCROW_PREFIX

MAX_OFFER_ID = MAX_ID_LENGTH - len(ESCROW_PREFIX)  # the escrow id "p2p:<offer>" is an id too
MAX_WINDOW_HOURS = 168  # a week
MAX_NAME = 100
# After a window's end, a settlement waits for both meters' data to reach it, for at most this
# long; then it settles on the data there is (missing hours deliver nothing).
DATA_GRACE_S = 86_400
