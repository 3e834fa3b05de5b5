"""Registered transaction processors and the round-robin choice among them.

Several processors of one family and version share its transactions; each holds at most its
max_occupancy transactions at a time, as in Sawtooth.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field

LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_OCCUPANCY = 10
MAX_PROTOCOL_VERSION = 1

FamilyKey = tuple[str, str]


class ProcessorLost(Exception):
    """The processor holding a transaction went away; the transaction is sent elsewhere."""


@dataclass(eq=False)
class Processor:
    identity: bytes
    family: str
    version: str
    namespaces: tuple[str, ...]
    max_occupancy: int
    raw_header: bool
    in_flight: set[asyncio.Future] = field(default_factory=set)
    served: int = 0
    gone: bool = False

    @property
    def has_room(self) -> bool:
        return len(self.in_flight) < self.max_occupancy


class ProcessorRegistry:
    def __init__(self) -> None:
        self._by_family: dict[FamilyKey, list[Processor]] = {}
        self._next: dict[FamilyKey, int] = {}
        self._waiting: dict[FamilyKey, deque[asyncio.Future[None]]] = {}

    def register(self, processor: Processor) -> None:
        key = (processor.family, processor.version)
        self._by_family.setdefault(key, []).append(processor)
        LOGGER.info(
            "processor registered: %s %s (max occupancy %d)",
            processor.family,
            processor.version,
            processor.max_occupancy,
        )
        self._wake(key, everyone=True)

    def unregister(self, identity: bytes) -> list[Processor]:
        """Forget every registration of this connection; its in-flight work is re-dispatched."""
        removed: list[Processor] = []
        for key, processors in list(self._by_family.items()):
            keep = [p for p in processors if p.identity != identity]
            gone = [p for p in processors if p.identity == identity]
            if not gone:
                continue
            removed.extend(gone)
            if keep:
                self._by_family[key] = keep
            else:
                del self._by_family[key]
            LOGGER.info("processor gone: %s %s", key[0], key[1])
        for processor in removed:
            processor.gone = True
            for future in list(processor.in_flight):
                if not future.done():
                    future.set_exception(ProcessorLost())
        return removed

    def processors(self, key: FamilyKey) -> list[Processor]:
        return list(self._by_family.get(key, ()))

    def identities(self) -> set[bytes]:
        return {p.identity for ps in self._by_family.values() for p in ps}

    def has(self, key: FamilyKey) -> bool:
        return key in self._by_family

    def families(self) -> list[FamilyKey]:
        return sorted(self._by_family)

    async def acquire(self, key: FamilyKey) -> Processor:
        """The next processor of this family with room, waiting for one if needed."""
        while True:
            processor = self._pick(key)
            if processor is not None:
                return processor
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiting.setdefault(key, deque()).append(waiter)
            await waiter

    def release(self, processor: Processor, job: asyncio.Future) -> None:
        processor.in_flight.discard(job)
        self._wake((processor.family, processor.version), everyone=False)

    def _pick(self, key: FamilyKey) -> Processor | None:
        processors = self._by_family.get(key)
        if not processors:
            return None
        start = self._next.get(key, 0)
        count = len(processors)
        for offset in range(count):
            processor = processors[(start + offset) % count]
            if processor.has_room:
                self._next[key] = (start + offset + 1) % count
                processor.served += 1
                return processor
        return None

    def _wake(self, key: FamilyKey, everyone: bool) -> None:
        waiting = self._waiting.get(key)
        while waiting:
            waiter = waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                if not everyone:
                    return
