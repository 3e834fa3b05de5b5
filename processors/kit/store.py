"""One record store per transaction: the only way a family's actions touch global state.

Reads go through `load` (one get_state for many addresses) and a cache; writes and deletes are
buffered and sent by `flush` in one set_state (sorted by address) and one delete_state, after
the action has checked every rule. Every address is checked against the transaction's declared
inputs (reads) and outputs (writes) first, so a transaction built without an address it needs
fails with a message naming that address and record, instead of the validator's bare
authorization error.

A record is named by a `Ref`: its address, how messages describe it, and its codec. Families
export functions that make refs (e.g. `blockmeter.records.day_rollup(meter, day)`), so another
family reads them typed, in its own transaction. Writes are allowed only inside the writing
family's own namespaces: other families' records are read-only views.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from google.protobuf.message import Message
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from .addressing import ADDRESS_LENGTH

T = TypeVar("T")
M = TypeVar("M", bound=Message)


class Codec(Protocol[T]):
    def decode(self, data: bytes) -> T: ...
    def encode(self, value: T) -> bytes: ...


class ProtoCodec(Generic[M]):
    """A protobuf record. Deterministic bytes: our records have no maps and sorted repeats."""

    def __init__(self, message_class: type[M]):
        self.message_class = message_class

    def decode(self, data: bytes) -> M:
        record = self.message_class()
        record.ParseFromString(data)
        return record

    def encode(self, value: M) -> bytes:
        return value.SerializeToString()


@dataclass(frozen=True, slots=True)
class Ref(Generic[T]):
    address: str
    description: str  # "meter m-17", as rejection messages name the record
    codec: Codec[T]


def proto_ref(address: str, description: str, message_class: type[M]) -> Ref[M]:
    return Ref(address, description, ProtoCodec(message_class))


class Declared:
    """A transaction's inputs or outputs: Sawtooth lets each be a whole address or a prefix.
    Whole addresses are looked up in a set, so a transaction that lists hundreds of them (an
    epoch sweep, a clearing) is not checked in quadratic time."""

    def __init__(self, declared: Sequence[str]):
        self._addresses = frozenset(a for a in declared if len(a) == ADDRESS_LENGTH)
        self._prefixes = tuple(p for p in declared if len(p) != ADDRESS_LENGTH)

    def covers(self, address: str) -> bool:
        return address in self._addresses or address.startswith(self._prefixes)


class RecordStore:
    def __init__(
        self,
        context: Any,
        inputs: Sequence[str],
        outputs: Sequence[str],
        namespaces: Sequence[str],
    ):
        self._context = context
        self._inputs = Declared(inputs)
        self._outputs = Declared(outputs)
        self._namespaces = list(namespaces)
        self._cache: dict[str, bytes | None] = {}
        self._writes: dict[str, bytes | None] = {}  # None: delete
        self._events: list[tuple[str, list[tuple[str, str]], bytes]] = []

    # -- reading --------------------------------------------------------------------------

    def load(self, refs: Iterable[Ref[Any]]) -> None:
        """Fetch the records not yet cached, in one request."""
        wanted: list[str] = []
        for ref in refs:
            if ref.address in self._cache or ref.address in wanted:
                continue
            if not self._inputs.covers(ref.address):
                raise InvalidTransaction(
                    f"transaction must list {ref.description} (address {ref.address}) in its inputs"
                )
            wanted.append(ref.address)
        if not wanted:
            return
        found = {e.address: e.data for e in self._context.get_state(wanted)}
        for address in wanted:
            self._cache[address] = found.get(address) or None

    def get(self, ref: Ref[T]) -> T | None:
        """The record, with this transaction's own writes applied; None if absent."""
        self.load([ref])
        data = self._writes.get(ref.address, self._cache[ref.address])
        if data is None:
            return None
        try:
            return ref.codec.decode(data)
        except Exception:
            # State written by a family always decodes; anything else is not ours to fix.
            raise InvalidTransaction(f"{ref.description} at {ref.address} is corrupt") from None

    # -- writing (buffered until flush) ---------------------------------------------------

    def _check_writable(self, ref: Ref[Any]) -> None:
        if not any(ref.address.startswith(ns) for ns in self._namespaces):
            # A programming error, not bad input: another family's records are read-only.
            raise InvalidTransaction(
                f"{ref.description} (address {ref.address}) belongs to another family and is "
                "read-only here"
            )
        if not self._outputs.covers(ref.address):
            raise InvalidTransaction(
                f"transaction must list {ref.description} (address {ref.address}) in its outputs"
            )

    def put(self, ref: Ref[T], value: T) -> None:
        self._check_writable(ref)
        self._writes[ref.address] = ref.codec.encode(value)

    def delete(self, ref: Ref[Any]) -> None:
        self._check_writable(ref)
        self._writes[ref.address] = None

    def emit(
        self, event_type: str, attributes: Sequence[tuple[str, str]], data: bytes = b""
    ) -> None:
        self._events.append((event_type, list(attributes), data))

    def flush(self) -> None:
        """Send the buffered writes (sorted by address), deletes and events."""
        sets = {a: d for a, d in sorted(self._writes.items()) if d is not None}
        deletes = sorted(a for a, d in self._writes.items() if d is None)
        if sets:
            self._context.set_state(sets)
        if deletes:
            self._context.delete_state(deletes)
        for event_type, attributes, data in self._events:
            self._context.add_event(event_type, attributes, data or None)
        self._cache.update(self._writes)
        self._writes.clear()
        self._events.clear()
