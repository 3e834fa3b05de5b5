"""The hand-built encodings equal protobuf's own."""

from __future__ import annotations

import pytest
from sawtooth_sdk.protobuf import state_context_pb2 as sc
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchSubmitRequest
from sawtooth_sdk.protobuf.events_pb2 import Event, EventFilter, EventList, EventSubscription
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import (
    StateChange,
    StateChangeList,
    TransactionReceipt,
)
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


EVENT = Event(
    event_type="t/x",
    attributes=[Event.Attribute(key="k", value="v"), Event.Attribute(key="", value="")],
    data=b"d" * 200,
)


@pytest.mark.parametrize(
    "event", [EVENT, Event(), Event(event_type="only"), Event(data=b"\x00")], ids=str
)
def test_event(event: Event) -> None:
    attributes = [(a.key, a.value) for a in event.attributes]
    assert wire.event(event.event_type, attributes, event.data) == event.SerializeToString()


@pytest.mark.parametrize("value", [b"v" * 300, b"", None])
def test_state_change(value: bytes | None) -> None:
    if value is None:
        expected = StateChange(address="ab" * 35, type=StateChange.DELETE)
    else:
        expected = StateChange(address="ab" * 35, value=value, type=StateChange.SET)
    assert wire.state_change("ab" * 35, value) == expected.SerializeToString()


def test_transaction_receipt() -> None:
    changes = [StateChange(address="cd" * 35, value=b"1", type=StateChange.SET)]
    expected = TransactionReceipt(
        transaction_id="t" * 128, state_changes=changes, events=[EVENT, Event()], data=[b"x", b""]
    )
    encoded = wire.transaction_receipt(
        "t" * 128,
        [c.SerializeToString() for c in changes],
        [EVENT.SerializeToString(), b""],
        [b"x", b""],
    )
    assert encoded == expected.SerializeToString()


def test_block_events_and_filters() -> None:
    from smartblocks.devnet.events import Subscription, block_events, select

    delta = [("ab" * 35, wire.state_change("ab" * 35, b"v")), ("cd" * 35, wire.state_change(
        "cd" * 35, None))]  # fmt: skip
    encoded = block_events("b" * 128, 7, "r" * 64, "p" * 128, [EVENT.SerializeToString()], delta)
    events = EventList.FromString(encoded).events
    assert [e.event_type for e in events] == [
        "sawtooth/block-commit",
        "t/x",
        "sawtooth/state-delta",
    ]
    assert events[0].attributes[1] == Event.Attribute(key="block_num", value="7")
    assert [a.value for a in events[2].attributes] == ["ab" * 35, "cd" * 35]
    changes = StateChangeList.FromString(events[2].data).state_changes
    assert [c.type for c in changes] == [StateChange.SET, StateChange.DELETE]
    wanted = Subscription(
        EventSubscription(
            event_type="t/x",
            filters=[EventFilter(key="k", match_string="v", filter_type=EventFilter.SIMPLE_ANY)],
        )
    )
    assert select(encoded, [wanted]) == [EVENT.SerializeToString()]
    assert select(encoded, [Subscription(EventSubscription(event_type="nothing"))]) == []
