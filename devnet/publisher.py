"""Dev-mode block publishing: a random time between min-wait and max-wait after the previous
block, execute the batches that are ready, commit a block of the valid ones. No empty blocks.

Unlike Sawtooth, a batch whose family has no registered processor does not stall the chain:
it stays PENDING, the batches that can run are published, and `missing` says what it waits for.

As in Sawtooth 1.2, the batch injectors named by the on-chain setting
sawtooth.validator.batch_injectors put their batches first in each block (injector.py), and the
on-chain block validation rules (validation_rules.py) decide which batches a block may hold. The
block_info injector's batch needs a block_info processor: without one no block is published
(Sawtooth's publisher waits too; a block without it would end the chain of BlockInfo records).
A block whose only valid batches are injected ones is not published (as in Sawtooth).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus

from smartblocks.ledger.keys import Signer

from . import validation_rules
from .batches import PendingBatch, check_batch
from .chainstore import BlockRecord, ChainStore, NewBatch
from .context import Reader
from .events import block_events
from .executor import Executor
from .genesis import DEVMODE_CONSENSUS, seal
from .injector import (
    BLOCK_INFO,
    BLOCK_INFO_FAMILY,
    KNOWN_INJECTORS,
    BlockInfoInjector,
    injector_names,
    read_setting,
)
from .ledger import Ledger
from .pending import Wait, absent_families, unmet_dependency
from .processors import FamilyKey, ProcessorRegistry
from .receipts import effects, state_changes
from .scheduler import BlockOutcome, BlockScheduler, InvalidTxn
from .stages import EVENT_DELIVERY, RECEIPTS_EVENTS, SCHEDULING, STAGES
from .subscriptions import EventHub
from .validation_rules import Rule, Txn

LOGGER = logging.getLogger(__name__)


@dataclass
class PublishingRules:
    min_wait: float = 0.0
    max_wait: float = 0.03
    max_batches_per_block: int = 100


class BlockRefused(Exception):
    """The block would break the on-chain validation rules: nothing is committed."""


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


class Publisher:
    def __init__(
        self,
        ledger: Ledger,
        registry: ProcessorRegistry,
        executor: Executor,
        events: EventHub,
        signer: Signer,
        rules: PublishingRules,
        *,
        clock: Callable[[], float] = time.time,
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
        self.block_info = BlockInfoInjector(signer, clock)
        self._unknown_injectors: set[str] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        # As Sawtooth's devmode engine: the next block goes out a random time between min_wait
        # and max_wait after the previous one, drawn once per height; batches that arrive in
        # that time join it (clients answering the last commit land in one block, not one
        # block each), and a batch that arrives later goes into a block at once.
        publish_at = loop.time() + self._wait()
        while True:
            await self._wake.wait()
            self._wake.clear()
            ready = self._select()
            if not ready:
                continue
            delay = publish_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
                ready = self._select()
            if ready:
                try:
                    await self._publish(ready)
                except BlockRefused as exc:
                    LOGGER.error("block not published: %s; trying again in a second", exc)
                    await asyncio.sleep(1.0)
                except Exception:
                    # Nothing was committed (one SQLite transaction); the batches stay queued.
                    LOGGER.exception("publishing a block failed; trying again in a second")
                    await asyncio.sleep(1.0)
                publish_at = loop.time() + self._wait()
            if len(self._ledger.queue):
                self._wake.set()

    # -- choosing batches --------------------------------------------------------------------

    def _wait(self) -> float:
        return random.uniform(self.rules.min_wait, self.rules.max_wait)

    def _injectors(self, read: Reader) -> list[str]:
        """The known injectors the setting at the head enables, in its order; an unknown name
        is logged once and skipped (Sawtooth's publisher fails on it and publishes nothing)."""
        names = injector_names(read)
        for name in sorted(set(names) - set(KNOWN_INJECTORS) - self._unknown_injectors):
            self._unknown_injectors.add(name)
            LOGGER.warning(
                "unknown batch injector %r in setting sawtooth.validator.batch_injectors "
                "(known: %s); ignored",
                name,
                ", ".join(KNOWN_INJECTORS),
            )
        return [name for name in names if name in KNOWN_INJECTORS]

    def _select(self) -> list[PendingBatch]:
        """The queued batches for the next block, in order; the injected batches go before."""
        clock = STAGES.start()
        try:
            return self._choose()
        finally:
            STAGES.stop(SCHEDULING, clock, 0)

    def _choose(self) -> list[PendingBatch]:
        store = self._ledger.store
        read = self._ledger.read_head
        injecting = self._injectors(read)
        if injecting and not self._registry.has(BLOCK_INFO_FAMILY):
            # The injected batch runs first in every block: everything waits for its processor.
            self._note_missing({BLOCK_INFO_FAMILY: len(self._ledger.queue)}, injector=True)
            return []
        rules = validation_rules.parse(read_setting(read, validation_rules.SETTING))
        validator_key = self._signer.public_key
        injected = [Txn(BLOCK_INFO, validator_key) for _ in injecting]
        block_txns = list(injected)  # the block so far, for the rules
        chosen: list[PendingBatch] = []
        chosen_txns: set[str] = set()
        queue = self._ledger.queue
        queue.unpark_served(self._registry.has)  # waiting batches whose processor registered
        newly_invalid: list[tuple[str, bytes]] = []
        # Injected batches count towards the limit, but the first queued batch always goes in
        # with them (Sawtooth injects as it adds a candidate block's first batch).
        limit = max(1, self.rules.max_batches_per_block - len(injecting))
        for batch in self._ledger.queue.in_order():
            if len(chosen) >= limit:
                break
            wait = absent_families(batch, self._registry.has)
            if wait is not None:
                queue.wait(batch, wait)  # not looked at again until a processor registers
                continue
            replayed = replay_status(store, batch)
            if replayed is not None:
                newly_invalid.append((batch.id, replayed))
                continue
            ids = [t.id for t in batch.txns]
            if chosen_txns.intersection(ids):
                continue  # the same transaction in an earlier batch: decide after that one
            wait = self._unmet_dependency(batch, chosen_txns)
            if wait is not None:
                queue.wait(batch, wait)  # looked at again when a batch holding it leaves the queue
                continue
            own = [Txn(t.family, t.signer) for t in batch.txns]
            if rules:
                broken = validation_rules.check(rules, block_txns + own, validator_key)
                if broken is not None:
                    # Sawtooth leaves it out of this block; one it can never be in is INVALID.
                    if validation_rules.check(rules, injected + own, validator_key) is not None:
                        newly_invalid.append((batch.id, _refused(batch, broken)))
                    continue
            chosen.append(batch)
            chosen_txns.update(ids)
            block_txns += own
        if newly_invalid:
            store.record_invalid(newly_invalid)
            self._ledger.queue.remove(b for b, _ in newly_invalid)
            self._ledger.notify()
        self._note_missing(queue.waiting_families())
        return chosen

    def _note_missing(self, missing: dict[FamilyKey, int], *, injector: bool = False) -> None:
        """Remember what pending batches wait for; log each family when it starts waiting."""
        missing = {family: count for family, count in missing.items() if count}
        for family in missing.keys() - self.missing.keys():
            if injector:
                LOGGER.warning(
                    "the block_info batch injector is enabled (sawtooth.validator."
                    "batch_injectors) and no block_info 1.0 processor is registered: no block is "
                    "published until one registers; %d batch(es) pending",
                    missing[family],
                )
                continue
            LOGGER.warning(
                "waiting for a %s %s processor: %d batch(es) pending on it",
                family[0],
                family[1],
                missing[family],
            )
        self.missing = missing

    def _unmet_dependency(self, batch: PendingBatch, chosen_txns: set[str]) -> Wait | None:
        """The dependency the batch waits for: neither committed nor earlier in the block."""
        store = self._ledger.store
        return unmet_dependency(
            batch, lambda dep: dep in chosen_txns or store.txn_block_num(dep) is not None
        )

    # -- executing and committing ------------------------------------------------------------

    async def _publish(self, batches: list[PendingBatch]) -> None:
        ledger = self._ledger
        parent = ledger.head
        began = time.perf_counter()
        injected = self._inject(parent)
        injected_ids = {b.id for b in injected}
        clock = STAGES.start()
        scheduler = BlockScheduler(injected + batches, ledger.read_head, self._executor.execute)
        STAGES.stop(SCHEDULING, clock, 0)
        outcome = await scheduler.run()
        execute_seconds = time.perf_counter() - began
        if ledger.head.id != parent.id:
            raise RuntimeError("the head moved during execution")  # one publisher only
        invalid = []
        for batch, t in outcome.invalid:
            if batch.id in injected_ids:
                # As in Sawtooth: the block goes ahead without it (if the rules allow).
                LOGGER.warning("the injected batch %s is invalid: %s", batch.id[:16], _describe(t))
                continue
            LOGGER.info("batch %s invalid: %s", batch.id[:16], _describe(t))
            invalid.append(
                (batch.id, invalid_status(batch.id, t.txn_id, t.message, t.extended_data))
            )
        # A block of injected batches alone is not published (as in Sawtooth).
        publish = any(b.id not in injected_ids for b in outcome.valid)
        broken = self._broken_rule(outcome.valid) if publish else None
        if publish and broken is None:
            self._commit(parent, outcome, invalid, execute_seconds)
            ledger.queue.remove(b.id for b in outcome.valid)
        else:
            ledger.store.record_invalid(invalid)
        ledger.queue.remove(b.id for b, _ in outcome.invalid)
        ledger.notify()
        if broken is not None:
            # Sawtooth's block validator would reject the block; its valid batches stay queued.
            raise BlockRefused(f"it would break the block validation rule {broken}")

    def _inject(self, parent: BlockRecord) -> list[PendingBatch]:
        """The injectors' batches for the block after `parent`, parsed like submitted ones."""
        read = self._ledger.read_head
        batches = []
        for name in self._injectors(read):
            if name == BLOCK_INFO:
                batch = self.block_info.block_start(parent, read)
                batches.append(check_batch(batch.SerializeToString()))
        return batches

    def _broken_rule(self, valid: list[PendingBatch]) -> str | None:
        """The on-chain validation rule a block of these batches breaks, if any. The batches
        were chosen to keep the rules, but an injected or a chosen batch may have turned out
        invalid since."""
        read = self._ledger.read_head
        rules: list[Rule] = validation_rules.parse(read_setting(read, validation_rules.SETTING))
        txns = [Txn(t.family, t.signer) for b in valid for t in b.txns]
        return validation_rules.check(rules, txns, self._signer.public_key)

    def _commit(
        self,
        parent: BlockRecord,
        outcome: BlockOutcome,
        invalid: list[tuple[str, bytes]],
        execute_seconds: float,
    ) -> None:
        ledger = self._ledger
        began = time.perf_counter()
        clock = STAGES.start()
        done = effects(outcome)
        changes, receipts, processor_events = done.changes, done.receipts, done.events
        sets = {a: v for a, v in changes.items() if v is not None}
        # Deleting what the parent state does not hold is a no-op, not an error.
        deletes = [a for a, v in changes.items() if v is None and ledger.read_head(a) is not None]
        applied = {a: changes[a] for a in [*sets, *deletes]}
        delta = state_changes(applied)
        STAGES.stop(RECEIPTS_EVENTS, clock, len(outcome.outcomes))
        batch_ids = [b.id for b in outcome.valid]
        num = parent.num + 1

        def sealer(root: str) -> tuple[bytes, str]:
            return seal(self._signer, num, parent.id, batch_ids, root, DEVMODE_CONSENSUS)

        event_list = None

        def make_events(record: BlockRecord) -> bytes:
            nonlocal event_list
            clock = STAGES.start()
            event_list = block_events(
                record.id, num, record.state_root, parent.id, processor_events, delta
            )
            STAGES.stop(RECEIPTS_EVENTS, clock, 0)
            return event_list

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
        clock = STAGES.start()
        self._events.publish(event_list)
        STAGES.stop(EVENT_DELIVERY, clock)
        STAGES.dump()


def _refused(batch: PendingBatch, broken: str) -> bytes:
    return invalid_status(
        batch.id,
        batch.txns[0].id,
        f"batch can be in no block: it breaks the block validation rule {broken} "
        f"(setting {validation_rules.SETTING})",
    )


def _describe(txn: InvalidTxn) -> str:
    return f"transaction {txn.txn_id[:16]}: {txn.message or 'no message'}"
