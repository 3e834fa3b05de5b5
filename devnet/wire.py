"""Hand-built protobuf encodings of the few messages devnet sends most.

Pure-Python protobuf costs tens of microseconds per message object; at thousands of messages a
second that is most of a core. These helpers write the same bytes straight from strings and
bytes, with the field writers of ledger/protowire.py (shared with the processor runtime). Tests
compare them with protobuf's.
"""

from __future__ import annotations

from collections.abc import Iterable

from smartblocks.ledger import protowire
from smartblocks.ledger.protowire import bytes_field, length_delimited, string_field, varint_field


def message(message_type: int, correlation_id: str, content: bytes) -> bytes:
    """validator_pb2.Message."""
    out = varint_field(1, message_type)
    if correlation_id:
        out += length_delimited(2, correlation_id.encode())
    if content:
        out += length_delimited(3, content)
    return out


def process_request(
    header_bytes: bytes, payload: bytes, signature: str, context_id: str, raw_header: bool
) -> bytes:
    """TpProcessRequest. A submitted header is already a serialized TransactionHeader, so the
    EXPANDED style embeds it as is; the RAW style sends it in header_bytes instead."""
    out = b"" if raw_header else length_delimited(1, header_bytes)
    if payload:
        out += length_delimited(2, payload)
    out += length_delimited(3, signature.encode()) + length_delimited(4, context_id.encode())
    if raw_header:
        out += length_delimited(5, header_bytes)
    return out


def state_entries(entries: Iterable[tuple[str, bytes]], status: int) -> bytes:
    """TpStateGetResponse: entries (address, data), then status."""
    parts = []
    for address, data in entries:
        entry = length_delimited(1, address.encode())
        if data:
            entry += length_delimited(2, data)
        parts.append(length_delimited(1, entry))
    parts.append(varint_field(2, status))
    return b"".join(parts)


def address_list(addresses: Iterable[str], status: int) -> bytes:
    """TpStateSetResponse / TpStateDeleteResponse: addresses, then status."""
    parts = [length_delimited(1, a.encode()) for a in addresses]
    parts.append(varint_field(2, status))
    return b"".join(parts)


def repeated_field(data: bytes, field_number: int) -> list[bytes]:
    """The raw bytes of each occurrence of a length-delimited field; ValueError if malformed."""
    return [
        value
        for number, value in fields(data)
        if number == field_number and isinstance(value, bytes)
    ]


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """Every (field number, value) of a message; fixed-width fields are skipped."""
    return protowire.fields(data, skip_fixed_width=True)


def event(event_type: str, attributes: Iterable[tuple[str, str]], data: bytes = b"") -> bytes:
    """events_pb2.Event: event_type, attributes (key, value), data."""
    parts = [string_field(1, event_type)]
    for key, value in attributes:
        parts.append(length_delimited(2, string_field(1, key) + string_field(2, value)))
    parts.append(bytes_field(3, data))
    return b"".join(parts)


# transaction_receipt_pb2.StateChange.Type
STATE_CHANGE_SET = 1
STATE_CHANGE_DELETE = 2


def state_change(address: str, value: bytes | None) -> bytes:
    """StateChange: a SET of `value`, or a DELETE when `value` is None."""
    if value is None:
        return string_field(1, address) + varint_field(3, STATE_CHANGE_DELETE)
    return string_field(1, address) + bytes_field(2, value) + varint_field(3, STATE_CHANGE_SET)


def transaction_receipt(
    transaction_id: str,
    changes: Iterable[bytes],
    events: Iterable[bytes],
    data: Iterable[bytes],
) -> bytes:
    """TransactionReceipt from encoded StateChanges and Events: state_changes, events, data,
    transaction_id (repeated fields keep empty items, as protobuf does)."""
    parts = [length_delimited(1, change) for change in changes]
    parts.extend(length_delimited(2, item) for item in events)
    parts.extend(length_delimited(3, item) for item in data)
    parts.append(string_field(4, transaction_id))
    return b"".join(parts)
