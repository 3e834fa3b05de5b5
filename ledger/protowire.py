"""The protobuf wire format by hand: varints and fields, written and read from plain values.

Pure-Python protobuf (3.20.3, docs/protobuf.md) costs tens of microseconds per message object;
the processor runtime (processors/runtime/frames.py) and devnet (devnet/wire.py) encode and
decode their busiest messages with these instead. They live here because processors and devnet
may not import each other. Writers put fields in number order and leave empty proto3 fields
out, as protobuf serializes them, so the bytes are the same; each user's tests compare them with
protobuf's own output.
"""

from __future__ import annotations


def varint(value: int) -> bytes:
    if value < 0x80:  # most keys, lengths and enums: skip the loop
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
    """A length-delimited field, written even when empty (a repeated field's empty item)."""
    return varint(field_number << 3 | 2) + varint(len(data)) + data


def varint_field(field_number: int, value: int) -> bytes:
    """A proto3 integer or enum field: omitted when 0, as protobuf does."""
    return varint(field_number << 3) + varint(value) if value else b""


def string_field(field_number: int, text: str) -> bytes:
    """A proto3 string field: omitted when empty, as protobuf does."""
    return length_delimited(field_number, text.encode()) if text else b""


def bytes_field(field_number: int, data: bytes) -> bytes:
    """A proto3 (singular) bytes field: omitted when empty."""
    return length_delimited(field_number, data) if data else b""


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """(value, position after it); IndexError when the data ends inside it."""
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


def fields(data: bytes, *, skip_fixed_width: bool) -> list[tuple[int, int | bytes]]:
    """Every (field number, value) of a message: ints for varints, bytes for length-delimited
    fields; ValueError when malformed. Fixed-width fields (none of the messages read here has
    one) are skipped with `skip_fixed_width`, else a ValueError, so a caller that can fall back
    to protobuf hands such a message to it."""
    out: list[tuple[int, int | bytes]] = []
    pos, end = 0, len(data)
    try:
        while pos < end:
            key, pos = read_varint(data, pos)
            wire_type = key & 7
            if wire_type == 2:
                length, pos = read_varint(data, pos)
                if pos + length > end:
                    raise ValueError("truncated field")
                out.append((key >> 3, data[pos : pos + length]))
                pos += length
            elif wire_type == 0:
                value, pos = read_varint(data, pos)
                out.append((key >> 3, value))
            elif wire_type in (1, 5) and skip_fixed_width:
                pos += 8 if wire_type == 1 else 4
            else:
                raise ValueError(f"unsupported wire type {wire_type}")
    except IndexError:
        raise ValueError("truncated varint") from None
    if pos != end:
        raise ValueError("truncated message")
    return out
