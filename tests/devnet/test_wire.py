"""The hand-built encodings equal protobuf's own."""

from __future__ import annotations

import pytest
from sawtooth_sdk.protobuf import state_context_pb2 as sc
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchSubmitRequest
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.devnet import parsing, wire
from smartblocks.ledger.keys import Signer
from tests.devnet.helpers import kv_batch

HEADER = TransactionHeader(family_name="kv", family_version="1.0", inputs=["ab" * 35], nonce="n")


@pytest.mark.parametrize("content", [b"", b"x" * 300])
def test_message(content: bytes) -> None:
    expected = Message(message_type=5, correlation_id="c-1", content=content)
    assert wire.message(5, "c-1", content) == expected.SerializeToString()


@pytest.mark.parametrize("raw", [False, True])
def test_process_request(raw: bool) -> None:
    header = HEADER.SerializeToString()
    encoded = wire.process_request(header, b"payload", "s" * 128, "ctx", raw)
    parsed = TpProcessRequest.FromString(encoded)
    assert parsed.payload == b"payload" and parsed.signature == "s" * 128
    assert parsed.context_id == "ctx"
    if raw:
        assert parsed.header_bytes == header and not parsed.HasField("header")
    else:
        assert parsed.header == HEADER
    expected = TpProcessRequest(payload=b"payload", signature="s" * 128, context_id="ctx")
    if raw:
        expected.header_bytes = header
    else:
        expected.header.CopyFrom(HEADER)
    assert encoded == expected.SerializeToString()


def test_state_responses() -> None:
    entries = [("a" * 70, b"v"), ("b" * 70, b"")]
    expected = sc.TpStateGetResponse(
        entries=[sc.TpStateEntry(address=a, data=d) for a, d in entries],
        status=sc.TpStateGetResponse.OK,
    )
    assert wire.state_entries(entries, 1) == expected.SerializeToString()
    denied = sc.TpStateSetResponse(status=sc.TpStateSetResponse.AUTHORIZATION_ERROR)
    assert wire.address_list([], 2) == denied.SerializeToString()


def test_repeated_field_splits_a_submit_request() -> None:
    signer = Signer.generate()
    batches = [kv_batch(signer, ("set", "a", 1)), kv_batch(signer, ("set", "b", 2))]
    data = ClientBatchSubmitRequest(batches=batches).SerializeToString()
    assert list(wire.repeated_field(data, 1)) == [b.SerializeToString() for b in batches]
    with pytest.raises(ValueError):
        list(wire.repeated_field(data[:-3], 1))


def test_state_requests_parse_as_protobuf_writes_them() -> None:
    entries = [("a" * 70, b"v"), ("b" * 70, b"")]
    set_request = sc.TpStateSetRequest(
        context_id="ctx", entries=[sc.TpStateEntry(address=a, data=d) for a, d in entries]
    )
    assert parsing.state_set_request(set_request.SerializeToString()) == ("ctx", entries)
    delete = sc.TpStateDeleteRequest(context_id="ctx", addresses=["a" * 70, "b" * 70])
    assert parsing.state_get_request(delete.SerializeToString()) == ("ctx", ["a" * 70, "b" * 70])
    assert wire.address_list(["a" * 70], 1) == (
        sc.TpStateDeleteResponse(addresses=["a" * 70], status=1).SerializeToString()
    )
