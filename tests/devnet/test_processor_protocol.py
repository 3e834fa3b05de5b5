"""The processor protocol against the real runtime: authorization, deletes, receipts, events,
retries, missing families, several processors, a processor lost mid-work."""

from __future__ import annotations

import asyncio
import signal

from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus
from sawtooth_sdk.protobuf.client_event_pb2 import (
    ClientEventsSubscribeRequest,
    ClientEventsSubscribeResponse,
)
from sawtooth_sdk.protobuf.client_receipt_pb2 import (
    ClientReceiptGetRequest,
    ClientReceiptGetResponse,
)
from sawtooth_sdk.protobuf.client_status_pb2 import ClientStatusGetRequest
from sawtooth_sdk.protobuf.events_pb2 import EventSubscription
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.devnet.rest_api import status_extras
from smartblocks.ledger.transactions import make_batch, make_transaction
from tests.devnet.conftest import until
from tests.devnet.helpers import kv_batch, start_processor, stop_process
from tests.support.runtime_handlers import address, namespace

COMMITTED = ClientBatchStatus.COMMITTED
INVALID = ClientBatchStatus.INVALID
PENDING = ClientBatchStatus.PENDING


def ops_txn(signer, op: str, inputs=None, outputs=None, **kwargs):
    a = address("testops", "a")
    return make_transaction(
        signer,
        "testops",
        "1.0",
        op.encode(),
        inputs if inputs is not None else [a],
        outputs if outputs is not None else [a],
        **kwargs,
    )


def ops_batch(signer, op: str, **kwargs):
    return make_batch(signer, [ops_txn(signer, op, **kwargs)])


async def receipt(client, txn_id: str):
    response = await client.ask(
        Message.CLIENT_RECEIPT_GET_REQUEST,
        ClientReceiptGetRequest(transaction_ids=[txn_id]),
        ClientReceiptGetResponse,
    )
    assert response.status == ClientReceiptGetResponse.OK
    return response.receipts[0]


async def test_reads_outside_inputs_and_writes_outside_outputs_are_refused(
    devnet, ops, client, signer
) -> None:
    other = address("testops", "b")
    # The handler reads inputs[0] and writes outputs[0]: a bare namespace is no address.
    bad_read = ops_batch(signer, "copy", inputs=[namespace("testops")], outputs=[other])
    bad_write = ops_batch(signer, "copy", inputs=[other], outputs=[namespace("testops")])
    statuses = await client.commit(bad_read, bad_write)
    assert [s.status for s in statuses] == [INVALID, INVALID]


async def test_set_empty_bytes_is_a_set_and_delete_is_recorded(devnet, ops, client, signer) -> None:
    a = address("testops", "a")
    copy = ops_txn(signer, "copy", inputs=[address("testops", "empty")], outputs=[a])
    delete = ops_txn(signer, "delete", inputs=[a], outputs=[a])
    first, second = make_batch(signer, [copy]), make_batch(signer, [delete])
    assert [s.status for s in await client.commit(first)] == [COMMITTED]
    assert devnet.store.merkle.get(devnet.ledger.head.state_root, a) == b"!"
    assert [s.status for s in await client.commit(second)] == [COMMITTED]
    assert devnet.store.merkle.get(devnet.ledger.head.state_root, a) is None
    changes = (await receipt(client, delete.header_signature)).state_changes
    assert [(c.address, c.type) for c in changes] == [(a, StateChange.DELETE)]


async def test_receipt_data_and_events_reach_receipts_and_subscribers(
    devnet, ops, client, signer
) -> None:
    subscribed = await client.ask(
        Message.CLIENT_EVENTS_SUBSCRIBE_REQUEST,
        ClientEventsSubscribeRequest(subscriptions=[EventSubscription(event_type="testops/done")]),
        ClientEventsSubscribeResponse,
    )
    assert subscribed.status == ClientEventsSubscribeResponse.OK
    with_data, with_event = ops_txn(signer, "receipt"), ops_txn(signer, "event")
    statuses = await client.commit(make_batch(signer, [with_data, with_event]))
    assert [s.status for s in statuses] == [COMMITTED]
    assert list((await receipt(client, with_data.header_signature)).data) == [b"receipt-1"]
    events = (await receipt(client, with_event.header_signature)).events
    assert [(e.event_type, e.data) for e in events] == [("testops/done", b"event-data")]
    delivered = await asyncio.wait_for(client.events.get(), 10)
    assert [e.event_type for e in delivered.events] == ["testops/done"]
    assert [(a.key, a.value) for a in delivered.events[0].attributes] == [("meter", "m1")]


async def test_invalid_transaction_keeps_message_and_extended_data(
    devnet, ops, client, signer
) -> None:
    [status] = await client.commit(ops_batch(signer, "invalid"))
    assert status.status == INVALID
    assert status.invalid_transactions[0].message == "reading out of range: 7 > 5"
    assert status.invalid_transactions[0].extended_data == b"\x07\x05"


async def test_internal_error_is_retried_with_backoff_while_others_commit(
    devnet, ops, client, signer
) -> None:
    sent = []
    original = devnet.endpoint.request

    def counting(identity, message_type, content):
        if message_type == Message.TP_PROCESS_REQUEST:
            sent.append(content)
        return original(identity, message_type, content)

    devnet.endpoint.request = counting
    stuck = ops_batch(signer, "internal", inputs=[address("testops", "x")], outputs=[])
    assert await client.submit(stuck) == 1
    [status] = await client.statuses(stuck.header_signature, timeout=1)
    assert status.status == PENDING
    # A backoff, not a busy loop: a handful of attempts in a second.
    assert 2 <= len(sent) <= 8


async def test_missing_family_waits_and_the_rest_is_published(devnet, ops, client, signer) -> None:
    waiting = kv_batch(signer, ("set", "later", 1))
    ready = ops_batch(signer, "ok")
    assert await client.submit(waiting, ready) == 1
    [status] = await client.statuses(ready.header_signature)
    assert status.status == COMMITTED
    [status] = await client.statuses(waiting.header_signature, wait=False)
    assert status.status == PENDING
    reply = await client.request(Message.CLIENT_STATUS_GET_REQUEST, ClientStatusGetRequest())
    extras = status_extras.decode(reply.content)
    assert extras["missing_families"] == [{"family": "kv", "version": "1.0", "pending_batches": 1}]
    process = start_processor(devnet.url, "kv")
    try:
        [status] = await client.statuses(waiting.header_signature)
        assert status.status == COMMITTED
    finally:
        await asyncio.to_thread(stop_process, process)


async def test_malformed_address_makes_the_batch_invalid_with_the_reason(
    devnet, ops, client, signer
) -> None:
    batch = ops_batch(signer, "ok", inputs=["ABC"], outputs=[])
    [status] = await client.commit(batch)
    assert status.status == INVALID
    assert "malformed address 'ABC' in inputs" in status.invalid_transactions[0].message


async def test_two_processors_share_work_and_a_lost_one_is_replaced(devnet, client, signer) -> None:
    first = start_processor(devnet.url, "kv")
    second = start_processor(devnet.url, "kv")
    try:
        await until(lambda: len(devnet.registry.processors(("kv", "1.0"))) == 2)
        batches = [
            kv_batch(signer, *[("set", f"s{b}-{i}", i) for i in range(20)]) for b in range(5)
        ]
        statuses = await client.commit(*batches)
        assert {s.status for s in statuses} == {COMMITTED}
        assert all(p.served > 0 for p in devnet.registry.processors(("kv", "1.0")))
        # Kill one while work is in flight: its transactions go to the other.
        more = [kv_batch(signer, *[("set", f"t{b}-{i}", i) for i in range(20)]) for b in range(10)]
        assert await client.submit(*more) == 1
        first.send_signal(signal.SIGKILL)
        statuses = await client.statuses(*[b.header_signature for b in more])
        assert {s.status for s in statuses} == {COMMITTED}
        await until(lambda: len(devnet.registry.processors(("kv", "1.0"))) == 1)
    finally:
        await asyncio.to_thread(stop_process, first)
        await asyncio.to_thread(stop_process, second)
