"""Hand-built protobuf encodings of the few messages devnet sends most.

Pure-Python protobuf costs tens of microseconds per message object; at thousands of messages a
second that is most of a core. These helpers write the same bytes (fields in number order, as
protobuf serializes them) straight from strings and bytes. Tests compare them with protobuf's.
"""

from __future__ import annotations

from collections.abc import Iterable


def varint(value: int) -> bytes:
    if value < 0x80:
        return bytes((value,))
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def length_delimited(field_number: int, data: bytes) -> bytes:
    return varint(field_number << 3 | 2) + varint(len(data)) + data


def varint_field(field_number: int, value: int) -> bytes:
    return varint(field_number << 3) + varint(value) if value else b""


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


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def repeated_field(data: bytes, field_number: int) -> list[bytes]:
    """The raw bytes of each occurrence of a length-delimited field; ValueError if malformed."""
    return [
        value
        for number, value in fields(data)
        if number == field_number and isinstance(value, bytes)
    ]


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """Every (field number, value) of a message: ints for varints, bytes for length-delimited
    fields; ValueError when malformed. Fixed-width fields are skipped (none of ours has one)."""
    out: list[tuple[int, int | bytes]] = []
    pos, end = 0, len(data)
    try:
        while pos < end:
            key, pos = _read_varint(data, pos)
            wire_type = key & 7
            if wire_type == 2:
                length, pos = _read_varint(data, pos)
                if pos + length > end:
                    raise ValueError("truncated field")
                out.append((key >> 3, data[pos : pos + length]))
                pos += length
            elif wire_type == 0:
                value, pos = _read_varint(data, pos)
                out.append((key >> 3, value))
            elif wire_type == 1:
                pos += 8
            elif wire_type == 5:
                pos += 4
            else:
                raise ValueError(f"unsupported wire type {wire_type}")
    except IndexError:
        raise ValueError("truncated varint") from None
    if pos != end:
        raise ValueError("truncated message")
    return out


def string_field(field_number: int, text: str) -> bytes:
    """A proto3 string field: omitted when empty, as protobuf does."""
    return length_delimited(field_number, text.encode()) if text else b""


def bytes_field(field_number: int, data: bytes) -> bytes:
    """A proto3 (singular) bytes field: omitted when empty."""
    return length_delimited(field_number, data) if data else b""


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
