"""What a block's executed transactions leave behind: their state changes, receipts and events,
collected the same way for block 0 (genesis.py) and every later block (publisher.py).

Receipts are Sawtooth's TransactionReceipt, built as Sawtooth builds them, so they are the same
bytes a Sawtooth 1.2 validator stores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, TransactionReceipt

from .scheduler import BlockOutcome


def state_changes(writes: dict[str, bytes | None]) -> list[StateChange]:
    """The StateChanges of `writes` sorted by address, as Sawtooth lists them (None in
    `writes`: a delete)."""
    return [
        StateChange(address=address, type=StateChange.DELETE)
        if value is None
        else StateChange(address=address, value=value, type=StateChange.SET)
        for address, value in sorted(writes.items())
    ]


@dataclass
class Effects:
    changes: dict[str, bytes | None] = field(default_factory=dict)  # the last write wins
    receipts: list[tuple[str, bytes]] = field(default_factory=list)  # (txn id, receipt)
    events: list[Event] = field(default_factory=list)  # the processors' Events, in order


def effects(outcome: BlockOutcome) -> Effects:
    """The valid transactions' writes, receipts and events, in execution order."""
    collected = Effects()
    for txn, result in outcome.outcomes:
        collected.changes.update(result.writes)
        collected.events.extend(result.events)
        receipt = TransactionReceipt(
            state_changes=state_changes(result.writes),
            events=result.events,
            data=result.data,
            transaction_id=txn.id,
        )
        collected.receipts.append((txn.id, receipt.SerializeToString()))
    return collected
