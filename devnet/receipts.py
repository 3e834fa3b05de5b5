"""What a block's executed transactions leave behind: their state changes, receipts and events,
collected the same way for block 0 (genesis.py) and every later block (publisher.py).

Receipts and events are written as bytes (wire.py) straight from the processors' encoded
events: building protobuf objects for them cost more than the rest of the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import wire
from .scheduler import BlockOutcome


def state_changes(writes: dict[str, bytes | None]) -> list[tuple[str, bytes]]:
    """(address, encoded StateChange) sorted by address, as Sawtooth lists them (None in
    `writes`: a delete)."""
    return [(address, wire.state_change(address, writes[address])) for address in sorted(writes)]


@dataclass
class Effects:
    changes: dict[str, bytes | None] = field(default_factory=dict)  # the last write wins
    receipts: list[tuple[str, bytes]] = field(default_factory=list)  # (txn id, receipt)
    events: list[bytes] = field(default_factory=list)  # the processors' Events, in order


def effects(outcome: BlockOutcome) -> Effects:
    """The valid transactions' writes, receipts and events, in execution order."""
    collected = Effects()
    for txn, result in outcome.outcomes:
        collected.changes.update(result.writes)
        collected.events.extend(result.events)
        changes = [encoded for _, encoded in state_changes(result.writes)]
        receipt = wire.transaction_receipt(txn.id, changes, result.events, result.data)
        collected.receipts.append((txn.id, receipt))
    return collected
