"""Markets and agreements on EnergyContract's token accounts (docs/markets.md).

Each mechanism is a package that exports the same four names, merged here into the family's
payload checks, action table and record kinds:

    CHECKS       action -> (oneof body field, check)   (payload rules that need no state)
    ACTIONS      action -> fn(body, signer, store)     (rules that need state; writes)
    RECORDS      the kit's RecordKinds of its state records (explorer, portal)
    TIME_FIELDS  names of its Unix-seconds fields (shown as times by the portal)

They live in the EnergyContract family, not a family of their own, because they move money:
the token accounts are records of this family's namespace, and a Sawtooth network may confine
each family to its own namespace (setting sawtooth.validator.transaction_families), so only this
family's processor can pay out atomically with a market's own records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from smartblocks.processors.kit.family import RecordKind

from . import aggregation, auction, p2p, supplier

_MECHANISMS = (p2p, aggregation, supplier, auction)

CHECKS: Mapping[int, tuple[str, Callable[[Any], None]]] = {
    action: check for mechanism in _MECHANISMS for action, check in mechanism.CHECKS.items()
}
ACTIONS: Mapping[int, Callable[[Any, str, Any], None]] = {
    action: fn for mechanism in _MECHANISMS for action, fn in mechanism.ACTIONS.items()
}
RECORDS: tuple[RecordKind, ...] = tuple(kind for m in _MECHANISMS for kind in m.RECORDS)
TIME_FIELDS: frozenset[str] = frozenset().union(*(m.TIME_FIELDS for m in _MECHANISMS))
