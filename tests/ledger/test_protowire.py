"""The shared wire-format helpers: varints as protobuf writes them, and reading fields back.

tests/devnet/test_wire.py and tests/processors/runtime/test_frames.py compare whole messages
with protobuf's output; these cover what the two users rely on differently."""

from __future__ import annotations

import pytest
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger import protowire


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**32, 2**63 - 1])
def test_varint_reads_back(value: int) -> None:
    encoded = protowire.varint(value)
    assert protowire.read_varint(encoded, 0) == (value, len(encoded))


def test_fields_read_what_protobuf_wrote() -> None:
    data = Message(message_type=5, correlation_id="c", content=b"x").SerializeToString()
    assert protowire.fields(data, skip_fixed_width=False) == [(1, 5), (2, b"c"), (3, b"x")]


def test_fixed_width_fields_are_skipped_or_refused() -> None:
    fixed64 = protowire.varint(4 << 3 | 1) + bytes(8)  # field 4, wire type 1
    data = protowire.varint_field(1, 7) + fixed64
    assert protowire.fields(data, skip_fixed_width=True) == [(1, 7)]
    with pytest.raises(ValueError, match="wire type 1"):
        protowire.fields(data, skip_fixed_width=False)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"\x0a\x05ab", "truncated field"),
        (b"\x08", "truncated varint"),
        (b"\x08" + b"\xff" * 10 + b"\x01", "varint too long"),
    ],
)
def test_malformed_data_is_a_value_error(data: bytes, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        protowire.fields(data, skip_fixed_width=True)


def test_empty_proto3_fields_are_left_out() -> None:
    assert protowire.varint_field(1, 0) == protowire.string_field(2, "") == b""
    assert protowire.bytes_field(3, b"") == b""
    assert protowire.length_delimited(3, b"") == b"\x1a\x00"  # a repeated field's empty item
