"""Peer-to-peer trade through a local aggregator: offers, picks paid into escrow, proof of delivery
from both parties' meters, the aggregator's fee, token purchase (docs/market-p2p.md).

Record types 10..1f of the EnergyContract namespace are this mechanism's (docs/addressing.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {}
RECORDS: tuple[RecordKind, ...] = ()
TIME_FIELDS: frozenset[str] = frozenset()
