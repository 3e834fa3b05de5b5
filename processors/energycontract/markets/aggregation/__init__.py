"""Aggregator agreements: DERs join a community with a deposit held in the vault, epochs swept from
both parties' meters, disputes carrying evidence, resolution by the operator (docs/market-
aggregation.md).

Record types 20..2f of the EnergyContract namespace are this mechanism's (docs/addressing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {}
RECORDS: tuple[RecordKind, ...] = ()
TIME_FIELDS: frozenset[str] = frozenset()
