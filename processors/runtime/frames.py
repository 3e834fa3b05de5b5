"""Hand-written protobuf encodings of the messages a processor sends and reads most.

Pure-Python protobuf (3.20.3, docs/protobuf.md) costs tens of microseconds per message object,
more than the messaging itself; these functions write and read the same bytes (fields in number
order, empty proto3 fields left out, as protobuf serializes them) from plain values. Anything
they cannot read raises ValueError, and the caller falls back to protobuf. tests compare them
with protobuf's own output.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Frame(NamedTuple):
    """A validator_pb2.Message as received: the fields the runtime and the SDK read."""

    message_type: int
    correlation_id: str
    content: bytes


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, data: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _text(number: int, text: str) -> bytes:
    return _field(number, text.encode()) if text else b""


def message(message_type: int, correlation_id: str, content: bytes) -> bytes:
    """validator_pb2.Message."""
    out = _varint(1 << 3) + _varint(message_type) if message_type else b""
    return out + _text(2, correlation_id) + (_field(3, content) if content else b"")


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) of each varint or length-delimited field; ValueError otherwise."""
    out: list[tuple[int, int | bytes]] = []
    pos, end = 0, len(data)
    try:
        while pos < end:
            key, pos = _read_varint(data, pos)
            if key & 7 == 2:
                length, pos = _read_varint(data, pos)
                if pos + length > end:
                    raise ValueError("truncated field")
                out.append((key >> 3, data[pos : pos + length]))
                pos += length
            elif key & 7 == 0:
                value, pos = _read_varint(data, pos)
                out.append((key >> 3, value))
            else:
                raise ValueError(f"unexpected wire type {key & 7}")
    except IndexError:
        raise ValueError("truncated varint") from None
    return out


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def read_message(data: bytes) -> Frame:
    message_type, correlation_id, content = 0, "", b""
    for number, value in fields(data):
        if number == 1 and isinstance(value, int):
            message_type = value
        elif number == 2 and isinstance(value, bytes):
            correlation_id = value.decode()
        elif number == 3 and isinstance(value, bytes):
            content = value
        else:
            raise ValueError(f"unexpected field {number} in a Message")
    return Frame(message_type, correlation_id, content)


# -- state_context_pb2 ---------------------------------------------------------------------


def state_get_request(context_id: str, addresses: Iterable[str]) -> bytes:
    """TpStateGetRequest (also the layout of TpStateDeleteRequest)."""
    return _text(1, context_id) + b"".join(_field(2, a.encode()) for a in addresses)


def state_set_request(context_id: str, entries: Iterable[tuple[str, bytes]]) -> bytes:
    """TpStateSetRequest: context_id, then entries (address, data) in the given order."""
    parts = [_text(1, context_id)]
    for address, data in entries:
        parts.append(_field(2, _text(1, address) + (_field(2, data) if data else b"")))
    return b"".join(parts)


def event_add_request(
    context_id: str, event_type: str, attributes: Iterable[tuple[str, str]], data: bytes
) -> bytes:
    """TpEventAddRequest with its Event."""
    event = _text(1, event_type)
    for key, value in attributes:
        event += _field(2, _text(1, key) + _text(2, value))
    if data:
        event += _field(3, data)
    return _text(1, context_id) + _field(2, event)


def state_get_response(data: bytes) -> tuple[list[tuple[str, bytes]], int]:
    """TpStateGetResponse: ([(address, data)], status)."""
    entries, status = [], 0
    for number, value in fields(data):
        if number == 1 and isinstance(value, bytes):
            address, payload = "", b""
            for inner, item in fields(value):
                if inner == 1 and isinstance(item, bytes):
                    address = item.decode()
                elif inner == 2 and isinstance(item, bytes):
                    payload = item
                else:
                    raise ValueError("unexpected field in a TpStateEntry")
            entries.append((address, payload))
        elif number == 2 and isinstance(value, int):
            status = value
        else:
            raise ValueError("unexpected field in a TpStateGetResponse")
    return entries, status


def address_response(data: bytes) -> tuple[list[str], int]:
    """TpStateSetResponse / TpStateDeleteResponse: (addresses, status)."""
    addresses, status = [], 0
    for number, value in fields(data):
        if number == 1 and isinstance(value, bytes):
            addresses.append(value.decode())
        elif number == 2 and isinstance(value, int):
            status = value
        else:
            raise ValueError("unexpected field in a state response")
    return addresses, status


def status_response(data: bytes) -> int:
    """TpEventAddResponse / TpReceiptAddDataResponse: status."""
    status = 0
    for number, value in fields(data):
        if number == 1 and isinstance(value, int):
            status = value
        else:
            raise ValueError("unexpected field in a status response")
    return status
