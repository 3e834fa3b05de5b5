"""Hand-written protobuf encodings of the messages a processor sends and reads most.

Pure-Python protobuf (3.20.3, docs/protobuf.md) costs tens of microseconds per message object,
more than the messaging itself; these functions write and read the same bytes from plain values
with ledger/protowire.py (shared with devnet). Anything they cannot read raises ValueError, and
the caller falls back to protobuf. tests compare them with protobuf's own output.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from smartblocks.ledger import protowire
from smartblocks.ledger.protowire import bytes_field, length_delimited, string_field, varint_field


class Frame(NamedTuple):
    """A validator_pb2.Message as received: the fields the runtime and the SDK read."""

    message_type: int
    correlation_id: str
    content: bytes


def message(message_type: int, correlation_id: str, content: bytes) -> bytes:
    """validator_pb2.Message."""
    out = varint_field(1, message_type)
    return out + string_field(2, correlation_id) + bytes_field(3, content)


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """(field number, value) of each varint or length-delimited field; ValueError otherwise (the
    caller then falls back to protobuf)."""
    return protowire.fields(data, skip_fixed_width=False)


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
    return string_field(1, context_id) + b"".join(
        length_delimited(2, a.encode()) for a in addresses
    )


def state_set_request(context_id: str, entries: Iterable[tuple[str, bytes]]) -> bytes:
    """TpStateSetRequest: context_id, then entries (address, data) in the given order."""
    parts = [string_field(1, context_id)]
    for address, data in entries:
        parts.append(length_delimited(2, string_field(1, address) + bytes_field(2, data)))
    return b"".join(parts)


def event_add_request(
    context_id: str, event_type: str, attributes: Iterable[tuple[str, str]], data: bytes
) -> bytes:
    """TpEventAddRequest with its Event."""
    event = string_field(1, event_type)
    for key, value in attributes:
        event += length_delimited(2, string_field(1, key) + string_field(2, value))
    if data:
        event += length_delimited(3, data)
    return string_field(1, context_id) + length_delimited(2, event)


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
