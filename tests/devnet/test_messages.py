"""The messages the devnet builds are Sawtooth's, and what a client sent is kept as sent."""

from __future__ import annotations

import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchSubmitRequest
from sawtooth_sdk.protobuf.client_status_pb2 import ClientStatusGetResponse
from sawtooth_sdk.protobuf.events_pb2 import Event, EventFilter, EventList, EventSubscription
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import (
    StateChange,
    StateChangeList,
    TransactionReceipt,
)

from smartblocks.devnet.batches import Txn
from smartblocks.devnet.events import Subscription, block_events, select
from smartblocks.devnet.executor import TxnOutcome, process_request
from smartblocks.devnet.receipts import effects, state_changes
from smartblocks.devnet.rest_api import status_extras
from smartblocks.devnet.scheduler import BlockOutcome
from smartblocks.ledger.keys import Signer
from smartblocks.protos.devnet_wire_pb2 import SubmittedBatches
from tests.devnet.helpers import kv_batch

HEADER = TransactionHeader(family_name="kv", family_version="1.0", inputs=["ab" * 35], nonce="n")
TXN = Txn("t" * 128, HEADER.SerializeToString(), b"payload", "kv", "1.0", (), (), ())
EVENT = Event(
    event_type="t/x",
    attributes=[Event.Attribute(key="k", value="v"), Event.Attribute(key="", value="")],
    data=b"d" * 200,
)


@pytest.mark.parametrize("raw", [False, True], ids=["expanded", "raw"])
def test_process_request_in_either_header_style(raw: bool) -> None:
    expected = TpProcessRequest(payload=b"payload", signature="t" * 128, context_id="ctx")
    if raw:
        expected.header_bytes = TXN.header_bytes
    else:
        expected.header.CopyFrom(HEADER)
    encoded = process_request(TXN, "ctx", raw)
    assert encoded == expected.SerializeToString()
    assert TpProcessRequest.FromString(encoded) == expected


def test_receipts_list_changes_by_address_and_keep_empty_items() -> None:
    writes = {"cd" * 35: b"1", "ab" * 35: None}
    outcome = TxnOutcome(True, writes, [EVENT, Event()], [b"x", b""])
    [(txn_id, receipt)] = effects(BlockOutcome(outcomes=[(TXN, outcome)])).receipts
    expected = TransactionReceipt(
        state_changes=[
            StateChange(address="ab" * 35, type=StateChange.DELETE),
            StateChange(address="cd" * 35, value=b"1", type=StateChange.SET),
        ],
        events=[EVENT, Event()],
        data=[b"x", b""],
        transaction_id="t" * 128,
    )
    assert txn_id == TXN.id and receipt == expected.SerializeToString()


def test_block_events_and_filters() -> None:
    delta = state_changes({"ab" * 35: b"v", "cd" * 35: None})
    encoded = block_events("b" * 128, 7, "r" * 64, "p" * 128, [EVENT], delta)
    events = EventList.FromString(encoded).events
    assert [e.event_type for e in events] == [
        "sawtooth/block-commit",
        "t/x",
        "sawtooth/state-delta",
    ]
    assert [(a.key, a.value) for a in events[0].attributes] == [
        ("block_id", "b" * 128),
        ("block_num", "7"),
        ("state_root_hash", "r" * 64),
        ("previous_block_id", "p" * 128),
    ]
    assert [(a.key, a.value) for a in events[2].attributes] == [
        ("address", "ab" * 35),
        ("address", "cd" * 35),
    ]
    changes = StateChangeList.FromString(events[2].data).state_changes
    assert [c.type for c in changes] == [StateChange.SET, StateChange.DELETE]
    wanted = Subscription(
        EventSubscription(
            event_type="t/x",
            filters=[EventFilter(key="k", match_string="v", filter_type=EventFilter.SIMPLE_ANY)],
        )
    )
    assert select(events, [wanted]) == [EVENT]
    assert select(events, [Subscription(EventSubscription(event_type="nothing"))]) == []


def test_submitted_batches_are_the_bytes_sent() -> None:
    signer = Signer.generate()
    batches = [kv_batch(signer, ("set", "a", 1)), kv_batch(signer, ("set", "b", 2))]
    request = ClientBatchSubmitRequest(batches=batches).SerializeToString()
    split = SubmittedBatches.FromString(request).batches
    assert list(split) == [b.SerializeToString() for b in batches]
    # Fields out of number order and an unknown field: protobuf would write it differently.
    batch = batches[0]
    odd = (
        Batch(transactions=batch.transactions).SerializeToString()
        + Batch(header_signature=batch.header_signature, header=batch.header).SerializeToString()
        + b"\xf8\x06\x01"  # field 111, a varint
    )
    assert Batch.FromString(odd).SerializeToString() != odd
    sent = SubmittedBatches(batches=[odd]).SerializeToString()
    assert ClientBatchSubmitRequest.FromString(sent).batches[0] == Batch.FromString(odd)
    assert list(SubmittedBatches.FromString(sent).batches) == [odd]


def test_status_extras_ride_along_in_a_status_response() -> None:
    response = ClientStatusGetResponse(status=ClientStatusGetResponse.OK, endpoint="tcp://x:1")
    encoded = status_extras.encode(response.SerializeToString(), {"block_num": 3})
    parsed = ClientStatusGetResponse.FromString(encoded)  # a Sawtooth parser skips the extras
    assert (parsed.status, parsed.endpoint) == (response.status, response.endpoint)
    assert status_extras.decode(encoded) == {"block_num": 3}
    assert status_extras.decode(response.SerializeToString()) == {}
    assert status_extras.decode(b"\xff") == {}
    not_json = response.SerializeToString() + b"\xc2\x3e\x01\xff"  # field 1000: 1 byte, 0xff
    assert status_extras.decode(not_json) == {}
