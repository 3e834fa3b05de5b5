"""Dev-mode block publishing: wait between min-wait and max-wait after batches arrive, execute
them, commit a block of the valid ones. No empty blocks.

Unlike Sawtooth, a batch whose family has no registered processor does not stall the chain:
it stays PENDING, the batches that can run are published, and `missing` says what it waits for.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass

from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, TransactionReceipt

from smartblocks.ledger.keys import Signer

from .batches import PendingBatch
from .chainstore import BlockRecord, ChainStore, NewBatch
from .events import block_events
from .executor import Executor
from .genesis import DEVMODE_CONSENSUS, seal
from .ledger import Ledger
from .processors import FamilyKey, ProcessorRegistry
from .scheduler import BlockOutcome, BlockScheduler, InvalidTxn
from .subscriptions import EventHub

LOGGER = logging.getLogger(__name__)


@dataclass
class PublishingRules:
    min_wait: float = 0.0
    max_wait: float = 0.1
    max_batches_per_block: int = 100


def invalid_status(batch_id: str, txn_id: str, message: str, extended_data: bytes = b"") -> bytes:
    return ClientBatchStatus(
        batch_id=batch_id,
        status=ClientBatchStatus.INVALID,
        invalid_transactions=[
            ClientBatchStatus.InvalidTransaction(
                transaction_id=txn_id, message=message, extended_data=extended_data
            )
        ],
    ).SerializeToString()


def replay_status(store: ChainStore, batch: PendingBatch) -> bytes | None:
    """The INVALID status of a batch that holds a transaction already in a block, else None."""
    committed = store.committed_txns(t.id for t in batch.txns)
    if not committed:
        return None
    txn_id = min(committed)
    num = store.txn_block_num(txn_id)
    return invalid_status(batch.id, txn_id, f"transaction {txn_id} is already in block {num}")


def _state_changes(writes: dict[str, bytes | None]) -> list[StateChange]:
    changes = []
    for address in sorted(writes):
        value = writes[address]
        if value is None:
            changes.append(StateChange(address=address, type=StateChange.DELETE))
        else:
            changes.append(StateChange(address=address, value=value, type=StateChange.SET))
    return changes


class Publisher:
    def __init__(
        self,
        ledger: Ledger,
        registry: ProcessorRegistry,
        executor: Executor,
        events: EventHub,
        signer: Signer,
        rules: PublishingRules,
    ) -> None:
        self._ledger = ledger
        self._registry = registry
        self._executor = executor
        self._events = events
        self._signer = signer
        self.rules = rules
        self._wake = asyncio.Event()
        # Families that pending batches need and no processor serves: family -> batch count.
        self.missing: dict[FamilyKey, int] = {}
        self.blocks_published = 0

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            ready = self._select()
            if not ready:
                continue
            wait = random.uniform(self.rules.min_wait, self.rules.max_wait)
            delay = ready[0].arrived + wait - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
                ready = self._select()
            if ready:
                try:
                    await self._publish(ready)
                except Exception:
                    # Nothing was committed (one SQLite transaction); the batches stay queued.
                    LOGGER.exception("publishing a block failed; trying again in a second")
                    await asyncio.sleep(1.0)
            if len(self._ledger.queue):
                self._wake.set()

    # -- choosing batches --------------------------------------------------------------------

    def _select(self) -> list[PendingBatch]:
        store = self._ledger.store
        chosen: list[PendingBatch] = []
        chosen_txns: set[str] = set()
        missing: dict[FamilyKey, int] = {}
        newly_invalid: list[tuple[str, bytes]] = []
        for batch in self._ledger.queue.in_order():
            if len(chosen) >= self.rules.max_batches_per_block:
                break
            absent = [f for f in sorted(batch.families) if not self._registry.has(f)]
            if absent:
                for family in absent:
                    missing[family] = missing.get(family, 0) + 1
                continue
            replayed = replay_status(store, batch)
            if replayed is not None:
                newly_invalid.append((batch.id, replayed))
                continue
            ids = [t.id for t in batch.txns]
            if chosen_txns.intersection(ids):
                continue  # the same transaction in an earlier batch: decide after that one
            if not self._dependencies_met(batch, chosen_txns):
                continue
            chosen.append(batch)
            chosen_txns.update(ids)
        if newly_invalid:
            store.record_invalid(newly_invalid)
            self._ledger.queue.remove(b for b, _ in newly_invalid)
            self._ledger.notify()
        for family in missing.keys() - self.missing.keys():
            LOGGER.warning(
                "waiting for a %s %s processor: %d batch(es) pending on it",
                family[0],
                family[1],
                missing[family],
            )
        self.missing = missing
        return chosen

    def _dependencies_met(self, batch: PendingBatch, chosen_txns: set[str]) -> bool:
        store = self._ledger.store
        earlier_in_batch: set[str] = set()
        for txn in batch.txns:
            for dep in txn.dependencies:
                if dep in chosen_txns or dep in earlier_in_batch:
                    continue
                if store.txn_block_num(dep) is None:
                    return False
            earlier_in_batch.add(txn.id)
        return True

    # -- executing and committing ------------------------------------------------------------

    async def _publish(self, batches: list[PendingBatch]) -> None:
        ledger = self._ledger
        parent = ledger.head
        began = time.perf_counter()
        scheduler = BlockScheduler(batches, ledger.read_head, self._executor.execute)
        outcome = await scheduler.run()
        execute_seconds = time.perf_counter() - began
        if ledger.head.id != parent.id:
            raise RuntimeError("the head moved during execution")  # one publisher only
        invalid = [
            (batch.id, invalid_status(batch.id, t.txn_id, t.message, t.extended_data))
            for batch, t in outcome.invalid
        ]
        for batch, t in outcome.invalid:
            LOGGER.info("batch %s invalid: %s", batch.id[:16], _describe(t))
        if outcome.valid:
            self._commit(parent, outcome, invalid, execute_seconds)
        else:
            ledger.store.record_invalid(invalid)
        ledger.queue.remove([b.id for b in outcome.valid] + [b.id for b, _ in outcome.invalid])
        ledger.notify()

    def _commit(
        self,
        parent: BlockRecord,
        outcome: BlockOutcome,
        invalid: list[tuple[str, bytes]],
        execute_seconds: float,
    ) -> None:
        ledger = self._ledger
        began = time.perf_counter()
        changes: dict[str, bytes | None] = {}
        receipts: list[tuple[str, bytes]] = []
        processor_events = []
        for txn, result in outcome.outcomes:
            changes.update(result.writes)
            processor_events.extend(result.events)
            receipt = TransactionReceipt(
                transaction_id=txn.id,
                state_changes=_state_changes(result.writes),
                events=result.events,
                data=result.data,
            )
            receipts.append((txn.id, receipt.SerializeToString()))
        sets = {a: v for a, v in changes.items() if v is not None}
        # Deleting what the parent state does not hold is a no-op, not an error.
        deletes = [a for a, v in changes.items() if v is None and ledger.read_head(a) is not None]
        applied = {a: changes[a] for a in [*sets, *deletes]}
        delta = _state_changes(applied)
        batch_ids = [b.id for b in outcome.valid]
        num = parent.num + 1

        def sealer(root: str) -> tuple[bytes, str]:
            return seal(self._signer, num, parent.id, batch_ids, root, DEVMODE_CONSENSUS)

        event_list = None

        def make_events(record: BlockRecord) -> bytes:
            nonlocal event_list
            event_list = block_events(
                record.id, num, record.state_root, parent.id, processor_events, delta
            )
            return event_list.SerializeToString()

        record = ledger.store.commit_block(
            num,
            parent.state_root,
            sets,
            deletes,
            sealer,
            [NewBatch(b.id, b.raw, [t.id for t in b.txns]) for b in outcome.valid],
            receipts,
            make_events,
            invalid,
        )
        self.blocks_published += 1
        LOGGER.info(
            "block %d %s: %d batch(es), %d transaction(s); executed in %.3f s, committed in %.3f s",
            num,
            record.id[:16],
            len(outcome.valid),
            len(outcome.outcomes),
            execute_seconds,
            time.perf_counter() - began,
        )
        ledger.advance(record, applied)
        assert event_list is not None
        self._events.publish(event_list)


def _describe(txn: InvalidTxn) -> str:
    return f"transaction {txn.txn_id[:16]}: {txn.message or 'no message'}"
