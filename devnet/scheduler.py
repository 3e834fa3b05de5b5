"""Executes a candidate block's batches with as many transactions in flight as their declared
addresses allow, giving the same results as executing them one by one in block order.

A transaction waits only for earlier transactions whose outputs overlap its inputs (and for
the transactions it names as dependencies). It reads each address from the latest earlier
write of a batch that is known to be valid (or of its own batch), else from the parent state.
Across batches it waits until the earlier batch is resolved, so a batch that turns out invalid
never leaks its writes. A batch is atomic: one invalid transaction discards all its writes.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .batches import PendingBatch, Txn
from .context import Reader
from .executor import TxnOutcome
from .ids import overlaps
from .stages import SCHEDULING, STAGES

Execute = Callable[[Txn, Reader], Awaitable[TxnOutcome]]


class BatchResult(enum.Enum):
    RUNNING = "running"
    VALID = "valid"
    INVALID = "invalid"
    # Names a dependency in a batch of this block that did not make it: back to the queue.
    DEFERRED = "deferred"


@dataclass(slots=True)
class InvalidTxn:
    txn_id: str
    message: str
    extended_data: bytes


@dataclass
class BlockOutcome:
    valid: list[PendingBatch] = field(default_factory=list)
    invalid: list[tuple[PendingBatch, InvalidTxn]] = field(default_factory=list)
    deferred: list[PendingBatch] = field(default_factory=list)
    # Outcomes of the valid batches' transactions, in block order.
    outcomes: list[tuple[Txn, TxnOutcome]] = field(default_factory=list)


class _Slot:
    __slots__ = ("batch", "index", "outcome", "started", "txn", "waiting_for")

    def __init__(self, index: int, batch: int, txn: Txn) -> None:
        self.index = index
        self.batch = batch
        self.txn = txn
        self.waiting_for = 0
        self.started = False
        self.outcome: TxnOutcome | None = None


class BlockScheduler:
    def __init__(self, batches: list[PendingBatch], parent_read: Reader, execute: Execute) -> None:
        self._batches = batches
        self._parent_read = parent_read
        self._execute = execute
        self._slots: list[_Slot] = []
        self._result = [BatchResult.RUNNING] * len(batches)
        self._left = [len(b.txns) for b in batches]
        self._invalid: dict[int, InvalidTxn] = {}
        # Who to notify: slots waiting for a slot to finish (same batch) or a batch to resolve.
        self._after_slot: dict[int, list[int]] = {}
        self._after_batch: dict[int, list[int]] = {}
        # Batches whose transactions name transactions of earlier batches of this block.
        self._batch_deps: list[set[int]] = [set() for _ in batches]
        self._dependent_batches: dict[int, list[int]] = {}
        self._writes: dict[str, list[tuple[int, int, bytes | None]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._unresolved = len(batches)
        self._done = asyncio.Event()
        self._plan()

    # -- planning ----------------------------------------------------------------------------

    def _plan(self) -> None:
        exact_writers: dict[str, list[int]] = {}
        prefix_writers: list[tuple[str, int]] = []
        index_of_txn: dict[str, int] = {}
        for b, batch in enumerate(self._batches):
            for txn in batch.txns:
                slot = _Slot(len(self._slots), b, txn)
                self._slots.append(slot)
                earlier: set[int] = set()
                for address in txn.inputs:
                    if len(address) == 70:
                        earlier.update(exact_writers.get(address, ()))
                    else:
                        for written, writers in exact_writers.items():
                            if written.startswith(address):
                                earlier.update(writers)
                    for prefix, writer in prefix_writers:
                        if overlaps(prefix, address):
                            earlier.add(writer)
                for dep in txn.dependencies:
                    if dep in index_of_txn:
                        earlier.add(index_of_txn[dep])
                        dep_batch = self._slots[index_of_txn[dep]].batch
                        if dep_batch != b:
                            self._batch_deps[b].add(dep_batch)
                self._wire(slot, earlier)
                for address in txn.outputs:
                    if len(address) == 70:
                        exact_writers.setdefault(address, []).append(slot.index)
                    else:
                        prefix_writers.append((address, slot.index))
                index_of_txn[txn.id] = slot.index
        for dependent, named in enumerate(self._batch_deps):
            for earlier_batch in named:
                self._dependent_batches.setdefault(earlier_batch, []).append(dependent)

    def _wire(self, slot: _Slot, earlier: set[int]) -> None:
        batches_waited: set[int] = set()
        for index in earlier:
            other = self._slots[index]
            if other.batch == slot.batch:
                self._after_slot.setdefault(index, []).append(slot.index)
                slot.waiting_for += 1
            elif other.batch not in batches_waited:
                batches_waited.add(other.batch)
                self._after_batch.setdefault(other.batch, []).append(slot.index)
                slot.waiting_for += 1

    # -- running -----------------------------------------------------------------------------

    async def run(self) -> BlockOutcome:
        if not self._batches:
            return BlockOutcome()
        for slot in self._slots:
            if slot.waiting_for == 0:
                self._start(slot)
        await self._done.wait()
        # Transactions of invalid batches may still be running: let them finish first.
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        return self._outcome()

    def _start(self, slot: _Slot) -> None:
        if slot.started or self._result[slot.batch] is not BatchResult.RUNNING:
            return
        slot.started = True
        task = asyncio.create_task(self._run_slot(slot))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_slot(self, slot: _Slot) -> None:
        outcome = await self._execute(slot.txn, lambda address: self._read(slot, address))
        clock = STAGES.start()
        try:
            self._record(slot, outcome)
        finally:
            STAGES.stop(SCHEDULING, clock)

    def _record(self, slot: _Slot, outcome: TxnOutcome) -> None:
        slot.outcome = outcome
        if self._result[slot.batch] is not BatchResult.RUNNING:
            return
        if not outcome.valid:
            self._invalid[slot.batch] = InvalidTxn(
                slot.txn.id, outcome.message, outcome.extended_data
            )
            self._resolve(slot.batch, BatchResult.INVALID)
            return
        for address, value in outcome.writes.items():
            self._writes.setdefault(address, []).append((slot.index, slot.batch, value))
        for waiting in self._after_slot.get(slot.index, ()):
            self._release(waiting)
        self._left[slot.batch] -= 1
        if self._left[slot.batch] == 0:
            self._try_resolve_valid(slot.batch)

    def _try_resolve_valid(self, batch: int) -> None:
        if self._left[batch] != 0 or self._result[batch] is not BatchResult.RUNNING:
            return
        results = [self._result[dep] for dep in self._batch_deps[batch]]
        if any(r is BatchResult.RUNNING for r in results):
            return
        if all(r is BatchResult.VALID for r in results):
            self._resolve(batch, BatchResult.VALID)
        else:
            self._resolve(batch, BatchResult.DEFERRED)

    def _resolve(self, batch: int, result: BatchResult) -> None:
        self._result[batch] = result
        self._unresolved -= 1
        for waiting in self._after_batch.get(batch, ()):
            self._release(waiting)
        for dependent in self._dependent_batches.get(batch, ()):
            if result is BatchResult.VALID:
                self._try_resolve_valid(dependent)
            elif self._result[dependent] is BatchResult.RUNNING:
                self._resolve(dependent, BatchResult.DEFERRED)
        if self._unresolved == 0:
            self._done.set()

    def _release(self, index: int) -> None:
        slot = self._slots[index]
        slot.waiting_for -= 1
        if slot.waiting_for == 0:
            self._start(slot)

    def _read(self, slot: _Slot, address: str) -> bytes | None:
        best = -1
        value: bytes | None = None
        for index, batch, written in self._writes.get(address, ()):
            visible = batch == slot.batch or self._result[batch] is BatchResult.VALID
            if best < index < slot.index and visible:
                best = index
                value = written
        if best >= 0:
            return value
        return self._parent_read(address)

    def _outcome(self) -> BlockOutcome:
        result = BlockOutcome()
        for b, batch in enumerate(self._batches):
            state = self._result[b]
            if state is BatchResult.VALID:
                result.valid.append(batch)
            elif state is BatchResult.INVALID:
                result.invalid.append((batch, self._invalid[b]))
            else:
                result.deferred.append(batch)
        for slot in self._slots:
            if self._result[slot.batch] is BatchResult.VALID:
                assert slot.outcome is not None
                result.outcomes.append((slot.txn, slot.outcome))
        return result
