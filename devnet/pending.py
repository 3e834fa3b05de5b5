"""Batches accepted but not yet in a block, in arrival order."""

from __future__ import annotations

from collections.abc import Iterable

from .batches import PendingBatch

DEFAULT_QUEUE_LIMIT = 10_000


class PendingQueue:
    def __init__(self, limit: int = DEFAULT_QUEUE_LIMIT) -> None:
        self.limit = limit
        self._batches: dict[str, PendingBatch] = {}

    def __contains__(self, batch_id: str) -> bool:
        return batch_id in self._batches

    def __len__(self) -> int:
        return len(self._batches)

    def has_room_for(self, count: int) -> bool:
        return len(self._batches) + count <= self.limit

    def add(self, batch: PendingBatch) -> None:
        self._batches[batch.id] = batch

    def remove(self, batch_ids: Iterable[str]) -> None:
        for batch_id in batch_ids:
            self._batches.pop(batch_id, None)

    def in_order(self) -> list[PendingBatch]:
        return list(self._batches.values())
