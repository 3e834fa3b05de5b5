"""Batches accepted but not yet in a block, in arrival order, and the limits on them.

A pending batch is *ready* or *waiting*. A waiting batch cannot run yet: a family it needs has
no registered processor, or it names a dependency that is neither committed nor in a batch that
runs before it. It is parked under what it waits for, so choosing a block never looks at it
again until that changes (a processor of the family registers; a pending batch holding the
dependency leaves the queue). Choosing a block therefore costs the same with 10 or 10,000
waiting batches. A batch still waiting `wait_timeout` seconds after it arrived becomes INVALID,
with what it waited for as the reason.

Limits (PendingLimits; `smartblocks devnet --max-pending...`): all pending batches (count and
bytes), each batch signer's share (count and bytes), each family's share, and the waiting ones.
A submission that would break one is refused whole with QUEUE_FULL (REST: 429), as Sawtooth
refuses batches beyond its queue limit.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus

from .batches import PendingBatch
from .limits import DEFAULT_QUEUE_LIMIT, MIB, PendingLimits
from .processors import FamilyKey

__all__ = ["DEFAULT_QUEUE_LIMIT", "PendingLimits", "PendingQueue", "Wait"]


@dataclass(frozen=True, slots=True)
class Wait:
    """What a batch waits for: processors of `families`, or the transaction `dependency` that
    its transaction `txn_id` names. `txn_id` is the transaction blamed if the wait runs out."""

    txn_id: str
    families: tuple[FamilyKey, ...] = ()
    dependency: str | None = None

    def reason(self, waited: float) -> str:
        if self.families:
            names = ", ".join(f"{family} {version}" for family, version in self.families)
            return (
                f"no processor of family {names} registered within {waited:g} s of the batch's "
                "arrival; submit it again once one is registered"
            )
        return (
            f"dependency {self.dependency} was not committed within {waited:g} s of the "
            "batch's arrival"
        )


def absent_families(batch: PendingBatch, served: Callable[[FamilyKey], bool]) -> Wait | None:
    """A Wait for the families of `batch` no processor serves, or None."""
    absent = tuple(sorted(f for f in batch.families if not served(f)))
    if not absent:
        return None
    blamed = next(t.id for t in batch.txns if (t.family, t.version) in absent)
    return Wait(blamed, families=absent)


def unmet_dependency(batch: PendingBatch, available: Callable[[str], bool]) -> Wait | None:
    """A Wait for the first dependency that is neither earlier in the batch nor `available`."""
    earlier: set[str] = set()
    for txn in batch.txns:
        for dep in txn.dependencies:
            if dep not in earlier and not available(dep):
                return Wait(txn.id, dependency=dep)
        earlier.add(txn.id)
    return None


def _mib(size: int) -> str:
    return f"{size / MIB:.1f} MiB"


class PendingQueue:
    def __init__(self, limits: PendingLimits | None = None) -> None:
        self.limits = limits or PendingLimits()
        self._batches: dict[str, PendingBatch] = {}  # every pending batch, arrival order
        self._ready: dict[str, PendingBatch] = {}  # the ones not waiting, arrival order
        self._ready_stale = False  # batches came back from waiting: rebuild in arrival order
        self._waiting: dict[str, Wait] = {}
        self._on_family: dict[FamilyKey, set[str]] = {}  # family -> ids of batches waiting
        self._on_txn: dict[str, set[str]] = {}  # transaction id -> ids of batches waiting
        self._txns: Counter[str] = Counter()  # transactions in pending batches
        self._bytes = 0
        self._signer_batches: Counter[str] = Counter()
        self._signer_bytes: Counter[str] = Counter()
        self._family_batches: Counter[FamilyKey] = Counter()

    def __contains__(self, batch_id: str) -> bool:
        return batch_id in self._batches

    def __len__(self) -> int:
        return len(self._batches)

    @property
    def waiting_count(self) -> int:
        return len(self._waiting)

    @property
    def size(self) -> int:
        """The serialized size of the pending batches, in bytes."""
        return self._bytes

    def has_txn(self, txn_id: str) -> bool:
        """Whether a pending batch holds this transaction."""
        return txn_id in self._txns

    def has_room_for(self, count: int) -> bool:
        return len(self._batches) + count <= self.limits.max_batches

    def refusal(self, batches: Sequence[tuple[PendingBatch, Wait | None]]) -> str | None:
        """Why adding these (batch, what it waits for) pairs would break a limit, or None."""
        limits = self.limits
        count = len(self._batches) + len(batches)
        if count > limits.max_batches:
            return f"{len(self._batches)} batches are pending; the limit is {limits.max_batches}"
        size = self._bytes + sum(len(b.raw) for b, _ in batches)
        if size > limits.max_bytes:
            return (
                f"{_mib(self._bytes)} of batches are pending; the limit is {_mib(limits.max_bytes)}"
            )
        signers: Counter[str] = Counter()
        signer_bytes: Counter[str] = Counter()
        families: Counter[FamilyKey] = Counter()
        for batch, _ in batches:
            signers[batch.signer] += 1
            signer_bytes[batch.signer] += len(batch.raw)
            families.update(batch.families)
        for signer, added in signers.items():
            if self._signer_batches[signer] + added > limits.max_per_signer:
                return (
                    f"signer {signer[:16]}… has {self._signer_batches[signer]} batches pending; "
                    f"the limit per signer is {limits.max_per_signer}"
                )
            if self._signer_bytes[signer] + signer_bytes[signer] > limits.max_bytes_per_signer:
                return (
                    f"signer {signer[:16]}… has {_mib(self._signer_bytes[signer])} of batches "
                    f"pending; the limit per signer is {_mib(limits.max_bytes_per_signer)}"
                )
        for family, added in families.items():
            if self._family_batches[family] + added > limits.max_per_family:
                return (
                    f"{self._family_batches[family]} pending batches hold {family[0]} "
                    f"{family[1]} transactions; the limit per family is {limits.max_per_family}"
                )
        waiting = sum(1 for _, wait in batches if wait is not None)
        if waiting and len(self._waiting) + waiting > limits.max_waiting:
            return (
                f"{len(self._waiting)} batches are waiting for a processor or a dependency; "
                f"the limit is {limits.max_waiting}"
            )
        return None

    def add(self, batch: PendingBatch, wait: Wait | None = None) -> None:
        self._batches[batch.id] = batch
        self._bytes += len(batch.raw)
        self._signer_batches[batch.signer] += 1
        self._signer_bytes[batch.signer] += len(batch.raw)
        self._family_batches.update(batch.families)
        self._txns.update(t.id for t in batch.txns)
        if wait is None:
            self._ready[batch.id] = batch
        else:
            self._park(batch.id, wait)

    def wait(self, batch: PendingBatch, wait: Wait) -> None:
        """`batch` cannot run until what `wait` names changes: leave it out of in_order()."""
        if batch.id in self._batches and batch.id not in self._waiting:
            self._ready.pop(batch.id, None)
            self._park(batch.id, wait)

    def _park(self, batch_id: str, wait: Wait) -> None:
        self._waiting[batch_id] = wait
        for family in wait.families:
            self._on_family.setdefault(family, set()).add(batch_id)
        if wait.dependency is not None:
            self._on_txn.setdefault(wait.dependency, set()).add(batch_id)

    def _unpark(self, batch_id: str) -> None:
        wait = self._waiting.pop(batch_id, None)
        if wait is None:
            return
        for family in wait.families:
            _discard(self._on_family, family, batch_id)
        if wait.dependency is not None:
            _discard(self._on_txn, wait.dependency, batch_id)
        if batch_id in self._batches:
            self._ready_stale = True

    def unpark_served(self, served: Callable[[FamilyKey], bool]) -> None:
        """Batches waiting for a family that now has a processor are ready again."""
        for family in [f for f in self._on_family if served(f)]:
            for batch_id in list(self._on_family.get(family, ())):
                self._unpark(batch_id)

    def remove(self, batch_ids: Iterable[str]) -> None:
        """These batches left the queue (committed, invalid or expired); batches waiting for a
        transaction they held are looked at again."""
        gone: list[str] = []
        for batch_id in list(batch_ids):
            batch = self._batches.pop(batch_id, None)
            if batch is None:
                continue
            self._unpark(batch_id)
            self._ready.pop(batch_id, None)
            self._bytes -= len(batch.raw)
            _decrement(self._signer_batches, batch.signer, 1)
            _decrement(self._signer_bytes, batch.signer, len(batch.raw))
            for family in batch.families:
                _decrement(self._family_batches, family, 1)
            for txn in batch.txns:
                _decrement(self._txns, txn.id, 1)
                gone.append(txn.id)
        for txn_id in gone:
            for waiter in list(self._on_txn.get(txn_id, ())):
                self._unpark(waiter)

    def in_order(self) -> list[PendingBatch]:
        """The batches that are not waiting, in arrival order."""
        if self._ready_stale:
            self._ready = {i: b for i, b in self._batches.items() if i not in self._waiting}
            self._ready_stale = False
        return list(self._ready.values())

    def waiting_families(self) -> dict[FamilyKey, int]:
        """Families without a processor: how many pending batches wait for each."""
        return {family: len(ids) for family, ids in self._on_family.items() if ids}

    def expired(self, now: float | None = None) -> list[tuple[str, bytes]]:
        """The INVALID statuses (batch id, serialized ClientBatchStatus) of the waiting batches
        that arrived `wait_timeout` seconds or more before `now`. The caller records them, then
        removes the batches."""
        now = time.monotonic() if now is None else now
        timeout = self.limits.wait_timeout
        statuses: list[tuple[str, bytes]] = []
        for batch_id, wait in list(self._waiting.items()):
            batch = self._batches[batch_id]
            if now - batch.arrived >= timeout:
                status = ClientBatchStatus(
                    batch_id=batch_id,
                    status=ClientBatchStatus.INVALID,
                    invalid_transactions=[
                        ClientBatchStatus.InvalidTransaction(
                            transaction_id=wait.txn_id, message=wait.reason(timeout)
                        )
                    ],
                )
                statuses.append((batch_id, status.SerializeToString()))
        return statuses


def _discard(index: dict, key: object, batch_id: str) -> None:
    ids = index.get(key)
    if ids is not None:
        ids.discard(batch_id)
        if not ids:
            del index[key]


def _decrement(counter: Counter, key: object, amount: int) -> None:
    counter[key] -= amount
    if counter[key] <= 0:
        del counter[key]
