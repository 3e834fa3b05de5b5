"""A local double auction per time step: sealed bids and asks, gate closure by ledger time,
deterministic clearing on-chain, matched quantities checked against meters, imbalances at the
supplier's price (docs/market-auction.md).

Record types 40..4f of the EnergyContract namespace are this mechanism's (docs/addressing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {}
RECORDS: tuple[RecordKind, ...] = ()
TIME_FIELDS: frozenset[str] = frozenset()
