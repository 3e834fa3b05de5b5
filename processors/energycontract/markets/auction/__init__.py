"""A local double auction per time step: subscription with a deposit over the members' own
meters, sealed bids and asks per step, gate closure by ledger time, on-chain clearing at a
uniform price, delivery checked against meters, imbalances at the supplier's price, finalize
(docs/market-auction.md).

Record types 40..4f of the EnergyContract namespace are this mechanism's (docs/addressing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind
from smartblocks.protos.energycontract_pb2 import EnergyContractPayload

from . import actions, payload, records

Action = EnergyContractPayload.Action

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {
    Action.AUCTION_OPEN: ("auction_open", payload.check_open),
    Action.AUCTION_SUBSCRIBE: ("auction_subscribe", payload.check_subscribe),
    Action.ORDER_SUBMIT: ("order_submit", payload.check_order),
    Action.AUCTION_CLEAR: ("auction_clear", payload.check_clear),
    Action.AUCTION_SETTLE_STEP: ("auction_settle_step", payload.check_settle),
    Action.AUCTION_FINALIZE: ("auction_finalize", payload.check_finalize),
}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {
    Action.AUCTION_OPEN: actions.auction_open,
    Action.AUCTION_SUBSCRIBE: actions.auction_subscribe,
    Action.ORDER_SUBMIT: actions.order_submit,
    Action.AUCTION_CLEAR: actions.auction_clear,
    Action.AUCTION_SETTLE_STEP: actions.auction_settle_step,
    Action.AUCTION_FINALIZE: actions.auction_finalize,
}
RECORDS: tuple[RecordKind, ...] = records.KINDS
TIME_FIELDS: frozenset[str] = frozenset(
    {
        "start",
        "end",
        "opened_at",
        "subscribed_at",
        "submitted_at",
        "cleared_at",
        "settled_at",
        "finalized_at",
    }
)
