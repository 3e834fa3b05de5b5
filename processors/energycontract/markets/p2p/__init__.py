"""Peer-to-peer trade through a local aggregator: offers, picks paid into escrow, proof of delivery
from both parties' meters, the aggregator's fee, token purchase (docs/market-p2p.md).

Record types 10..1f of the EnergyContract namespace are this mechanism's (docs/addressing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind, proto_kind
from smartblocks.processors.kit.payload import short_key
from smartblocks.protos.energycontract_pb2 import EnergyContractPayload
from smartblocks.protos.market_p2p_pb2 import Aggregator, MeterClaims, Offer

from . import actions, payload
from .addressing import RecordType

Action = EnergyContractPayload.Action

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {
    Action.AGGREGATOR_SET: ("aggregator_set", payload.check_aggregator_set),
    Action.TOKENS_BUY: ("tokens_buy", payload.check_tokens_buy),
    Action.OFFER_ADD: ("offer_add", payload.check_offer_add),
    Action.OFFER_CANCEL: ("offer_cancel", payload.check_offer_cancel),
    Action.OFFER_PICK: ("offer_pick", payload.check_offer_pick),
    Action.OFFER_SETTLE: ("offer_settle", payload.check_offer_settle),
}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {
    Action.AGGREGATOR_SET: actions.aggregator_set,
    Action.TOKENS_BUY: actions.tokens_buy,
    Action.OFFER_ADD: actions.offer_add,
    Action.OFFER_CANCEL: actions.offer_cancel,
    Action.OFFER_PICK: actions.offer_pick,
    Action.OFFER_SETTLE: actions.offer_settle,
}
RECORDS: tuple[RecordKind, ...] = (
    proto_kind(
        RecordType.AGGREGATOR.value,
        "p2p_aggregator",
        Aggregator,
        lambda a: f"aggregator {a.name} ({short_key(a.aggregator)}, {a.currency})",
    ),
    proto_kind(
        RecordType.OFFER.value,
        "p2p_offer",
        Offer,
        lambda o: f"offer {o.offer_id} ({Offer.Status.Name(o.status)})",
    ),
    proto_kind(
        RecordType.METER_CLAIMS.value,
        "p2p_meter_claims",
        MeterClaims,
        lambda c: f"claims on meter {c.meter_id} {c.day}",
    ),
)
TIME_FIELDS: frozenset[str] = frozenset(
    {
        "updated_at",
        "window_start",
        "window_end",
        "expires_at",
        "added_at",
        "picked_at",
        "cancelled_at",
    }
)
