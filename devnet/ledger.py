"""The chain as the rest of devnet sees it: head, state at the head, batch statuses, waiters.

Everything runs on one asyncio loop, so no locks: a commit happens between two awaits.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus

from .chainstore import BlockRecord, ChainStore
from .pending import PendingQueue

HEAD_CACHE_LIMIT = 200_000


class Ledger:
    def __init__(self, store: ChainStore, queue: PendingQueue) -> None:
        self.store = store
        self.queue = queue
        self._head = store.head()
        # Values at the head's state root, so execution rarely walks the tree.
        self._head_values: dict[str, bytes | None] = {}
        self._changed: asyncio.Future[None] | None = None

    @property
    def head(self) -> BlockRecord:
        assert self._head is not None, "the chain has no genesis block"
        return self._head

    @property
    def has_head(self) -> bool:
        return self._head is not None

    def read_head(self, address: str) -> bytes | None:
        values = self._head_values
        if address in values:
            return values[address]
        value = self.store.merkle.get(self.head.state_root, address)
        if len(values) >= HEAD_CACHE_LIMIT:
            values.clear()
        values[address] = value
        return value

    def advance(self, record: BlockRecord, changes: dict[str, bytes | None]) -> None:
        """The block `record` is committed with these changes: move the head."""
        self._head = record
        values = self._head_values
        if len(values) + len(changes) > HEAD_CACHE_LIMIT:
            values.clear()
        values.update(changes)
        self.notify()

    # -- batch statuses ----------------------------------------------------------------------

    def status(self, batch_id: str) -> ClientBatchStatus:
        if self.store.batch_block_num(batch_id) is not None:
            return ClientBatchStatus(batch_id=batch_id, status=ClientBatchStatus.COMMITTED)
        if batch_id in self.queue:
            return ClientBatchStatus(batch_id=batch_id, status=ClientBatchStatus.PENDING)
        invalid = self.store.invalid_status(batch_id)
        if invalid is not None:
            return ClientBatchStatus.FromString(invalid)
        return ClientBatchStatus(batch_id=batch_id, status=ClientBatchStatus.UNKNOWN)

    def statuses(self, batch_ids: Sequence[str]) -> list[ClientBatchStatus]:
        return [self.status(b) for b in batch_ids]

    def expire_waiting(self) -> list[str]:
        """Batches that waited too long for a processor or a dependency become INVALID, with
        what they waited for as the reason; their ids."""
        expired = self.queue.expired()
        if expired:
            self.store.record_invalid(expired)  # before removal: never UNKNOWN in between
            self.queue.remove(batch_id for batch_id, _ in expired)
            self.notify()
        return [batch_id for batch_id, _ in expired]

    def notify(self) -> None:
        """Wake everyone waiting for a status change."""
        if self._changed is not None and not self._changed.done():
            self._changed.set_result(None)
        self._changed = None

    async def wait_for_change(self) -> None:
        if self._changed is None:
            self._changed = asyncio.get_running_loop().create_future()
        await asyncio.shield(self._changed)

    async def wait_statuses(
        self, batch_ids: Sequence[str], timeout: float
    ) -> list[ClientBatchStatus]:
        """Statuses once none is PENDING, or as they are when `timeout` runs out."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            statuses = self.statuses(batch_ids)
            remaining = deadline - loop.time()
            if remaining <= 0 or all(s.status != ClientBatchStatus.PENDING for s in statuses):
                return statuses
            try:
                await asyncio.wait_for(self.wait_for_change(), remaining)
            except TimeoutError:
                return self.statuses(batch_ids)
