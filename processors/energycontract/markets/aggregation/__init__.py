"""Aggregator agreements: DERs join a community with a deposit held in the vault, epochs swept from
both parties' meters, disputes carrying evidence, resolution by the operator (docs/market-
aggregation.md).

Record types 20..2f of the EnergyContract namespace are this mechanism's (docs/addressing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind, proto_kind
from smartblocks.processors.kit.payload import short_key
from smartblocks.protos.energycontract_pb2 import EnergyContractPayload
from smartblocks.protos.market_aggregation_pb2 import Community, Dispute, Epoch, Member

from . import actions, payload
from .addressing import RecordType

Action = EnergyContractPayload.Action

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {
    Action.COMMUNITY_OPEN: ("community_open", payload.check_open),
    Action.DER_JOIN: ("der_join", payload.check_join),
    Action.DER_ADMIT: ("der_admit", payload.check_admit),
    Action.DER_LEAVE: ("der_leave", payload.check_leave),
    Action.EPOCH_SWEEP: ("epoch_sweep", payload.check_sweep),
    Action.EPOCH_DISPUTE: ("epoch_dispute", payload.check_dispute),
    Action.EPOCH_RESOLVE: ("epoch_resolve", payload.check_resolve),
}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {
    Action.COMMUNITY_OPEN: actions.open_community,
    Action.DER_JOIN: actions.join,
    Action.DER_ADMIT: actions.admit,
    Action.DER_LEAVE: actions.leave,
    Action.EPOCH_SWEEP: actions.sweep,
    Action.EPOCH_DISPUTE: actions.dispute,
    Action.EPOCH_RESOLVE: actions.resolve,
}
RECORDS: tuple[RecordKind, ...] = (
    proto_kind(
        RecordType.COMMUNITY.value,
        "aggregation_community",
        Community,
        lambda c: f"community {c.community_id} ({len(c.members)} members)",
    ),
    proto_kind(
        RecordType.MEMBER.value,
        "aggregation_member",
        Member,
        lambda m: f"member {short_key(m.der)} of community {m.community_id}",
    ),
    proto_kind(
        RecordType.EPOCH.value,
        "aggregation_epoch",
        Epoch,
        lambda e: f"epoch {e.epoch} of community {e.community_id}",
    ),
    proto_kind(
        RecordType.DISPUTE.value,
        "aggregation_dispute",
        Dispute,
        lambda d: f"dispute of {short_key(d.der)} on epoch {d.epoch} of {d.community_id}",
    ),
)
TIME_FIELDS: frozenset[str] = frozenset(
    {
        "first_epoch_start",
        "opened_at",
        "applied_at",
        "joined_at",
        "leaves_at",
        "start",
        "end",
        "swept_at",
        "hour_start",
        "raised_at",
        "resolved_at",
    }
)
