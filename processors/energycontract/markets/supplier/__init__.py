"""The automated supplier: users declare their usage before a period; rewards and penalties from
how far metered usage fell from it and a historical performance factor (docs/market-supplier.md).

Record types 30..3f of the EnergyContract namespace are this mechanism's (docs/addressing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind
from smartblocks.protos.energycontract_pb2 import EnergyContractPayload

from . import actions, payload, records

Action = EnergyContractPayload.Action

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {
    Action.SUPPLIER_OPEN: ("supplier_open", payload.check_open),
    Action.SUPPLIER_JOIN: ("supplier_join", payload.check_join),
    Action.USAGE_DECLARE: ("usage_declare", payload.check_declare),
    Action.SUPPLIER_SETTLE: ("supplier_settle", payload.check_settle),
    Action.SUPPLIER_LEAVE: ("supplier_leave", payload.check_leave),
}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {
    Action.SUPPLIER_OPEN: actions.supplier_open,
    Action.SUPPLIER_JOIN: actions.supplier_join,
    Action.USAGE_DECLARE: actions.usage_declare,
    Action.SUPPLIER_SETTLE: actions.supplier_settle,
    Action.SUPPLIER_LEAVE: actions.supplier_leave,
}
RECORDS: tuple[RecordKind, ...] = records.KINDS
TIME_FIELDS: frozenset[str] = frozenset(
    {"start", "end", "opened_at", "joined_at", "declared_at", "settled_at", "left_at"}
)
