"""The descriptor each family package exports as `FAMILY`: everything the processor registry,
the CLI and the portal need to serve, build and show the family, with ordinary imports.

Adding a family means adding its package and one line in processors/families.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import Message
from sawtooth_sdk.processor.handler import TransactionHandler

from smartblocks.ledger.messages import to_dict

from .addressing import infix_of, namespace
from .store import Codec, ProtoCodec


@dataclass(frozen=True)
class RecordKind:
    """One type of record in the family's state: its 2-hex address infix and its codec."""

    infix: str
    name: str  # "day_rollup"
    codec: Codec[Any]
    # How a person names one record, e.g. "meter m-17 (ELECTRICITY_IMPORT, site s-1)".
    describe: Callable[[Any], str] | None = None


def proto_kind(
    infix: str,
    name: str,
    message_class: type[Message],
    describe: Callable[[Any], str] | None = None,
) -> RecordKind:
    return RecordKind(infix, name, ProtoCodec(message_class), describe)


@dataclass(frozen=True)
class Family:
    name: str
    versions: tuple[str, ...]
    handler: type[TransactionHandler]
    # bytes -> a message (protobuf) or plain data, for showing a payload to a person.
    decode_payload: Callable[[bytes], Any]
    records: Sequence[RecordKind]
    # Integer fields holding Unix seconds, shown as ISO 8601 times.
    time_fields: frozenset[str] = field(default_factory=frozenset)
    summary: str = ""
    # Sawtooth's own families: a fixed namespace (sawtooth_settings "000000") instead of
    # sha512(name)[:6], and addresses without our 2-hex record type, so the family says which
    # kind of record an address holds (`records` then lists no infixes).
    fixed_namespace: str | None = None
    kind_of: Callable[[str], RecordKind | None] | None = None

    @property
    def namespace(self) -> str:
        return self.fixed_namespace or namespace(self.name)

    def record_kind(self, address: str) -> RecordKind | None:
        if self.kind_of is not None:
            return self.kind_of(address) if address.startswith(self.namespace) else None
        infix = infix_of(address, self.namespace)
        return next((k for k in self.records if k.infix == infix), None)

    def show(self, value: Any) -> Any:
        """A record or payload as JSON-ready data: see ledger.messages.to_dict."""
        if isinstance(value, Message):
            return to_dict(value, time_fields=self.time_fields)
        return value

    def show_record(self, address: str, data: bytes) -> tuple[str, Any]:
        """(kind name, record as JSON-ready data); ValueError if it is not this family's."""
        kind = self.record_kind(address)
        if kind is None:
            raise ValueError(f"{address} is not a {self.name} record address")
        return kind.name, self.show(kind.codec.decode(data))

    def show_payload(self, data: bytes) -> Any:
        return self.show(self.decode_payload(data))
