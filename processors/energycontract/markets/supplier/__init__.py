"""The automated supplier: users declare their usage before a period; rewards and penalties from
how far metered usage fell from it and a historical performance factor (docs/market-supplier.md).

Record types 30..3f of the EnergyContract namespace are this mechanism's (docs/addressing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {}
RECORDS: tuple[RecordKind, ...] = ()
TIME_FIELDS: frozenset[str] = frozenset()
