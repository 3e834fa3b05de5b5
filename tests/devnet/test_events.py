"""Event subscriptions: block-commit and state-delta, filters, catch-up, get, unsubscribe."""

from __future__ import annotations

import asyncio

from sawtooth_sdk.protobuf.client_event_pb2 import (
    ClientEventsGetRequest,
    ClientEventsGetResponse,
    ClientEventsSubscribeRequest,
    ClientEventsSubscribeResponse,
    ClientEventsUnsubscribeRequest,
    ClientEventsUnsubscribeResponse,
)
from sawtooth_sdk.protobuf.events_pb2 import EventFilter, EventSubscription
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, StateChangeList
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.processors.kv.addressing import NAMESPACE, value_address
from tests.devnet.helpers import ZmqClient, kv_batch

COMMIT = EventSubscription(event_type="sawtooth/block-commit")
Subscribe = ClientEventsSubscribeResponse


async def subscribe(client: ZmqClient, *subscriptions, last_known=()):
    return await client.ask(
        Message.CLIENT_EVENTS_SUBSCRIBE_REQUEST,
        ClientEventsSubscribeRequest(
            subscriptions=list(subscriptions), last_known_block_ids=list(last_known)
        ),
        Subscribe,
    )


def attributes(event) -> dict[str, str]:
    return {a.key: a.value for a in event.attributes}


async def test_block_commit_and_state_delta_events(devnet, kv, client, signer) -> None:
    delta = EventSubscription(
        event_type="sawtooth/state-delta",
        filters=[EventFilter(key="address", match_string=f"^{NAMESPACE}", filter_type=3)],
    )
    assert (await subscribe(client, COMMIT, delta)).status == Subscribe.OK
    await client.commit(kv_batch(signer, ("set", "e", 7)))
    events = (await asyncio.wait_for(client.events.get(), 10)).events
    assert [e.event_type for e in events] == ["sawtooth/block-commit", "sawtooth/state-delta"]
    head = devnet.ledger.head
    assert attributes(events[0]) == {
        "block_id": head.id,
        "block_num": str(head.num),
        "state_root_hash": head.state_root,
        "previous_block_id": head.previous_id,
    }
    changes = StateChangeList.FromString(events[1].data).state_changes
    assert [(c.address, c.type) for c in changes] == [(value_address("e"), StateChange.SET)]


async def test_filters_select_events(devnet, kv, client, signer) -> None:
    unmatched = EventSubscription(
        event_type="sawtooth/block-commit",
        filters=[EventFilter(key="block_num", match_string="999", filter_type=1)],
    )
    assert (await subscribe(client, unmatched)).status == Subscribe.OK
    await client.commit(kv_batch(signer, ("set", "f", 1)))
    other = ZmqClient(devnet.url)
    try:
        matched = EventSubscription(
            event_type="sawtooth/block-commit",
            filters=[
                EventFilter(key="block_num", match_string=str(devnet.ledger.head.num + 1),
                            filter_type=EventFilter.SIMPLE_ALL),
            ],
        )  # fmt: skip
        assert (await subscribe(other, matched)).status == Subscribe.OK
        await client.commit(kv_batch(signer, ("set", "g", 1)))
        events = (await asyncio.wait_for(other.events.get(), 10)).events
        assert [e.event_type for e in events] == ["sawtooth/block-commit"]
        assert client.events.empty()
    finally:
        await other.close()


async def test_bad_regex_is_an_invalid_filter(devnet, client) -> None:
    bad = EventSubscription(
        event_type="sawtooth/block-commit",
        filters=[EventFilter(key="block_num", match_string="(", filter_type=3)],
    )
    assert (await subscribe(client, bad)).status == Subscribe.INVALID_FILTER


async def test_catch_up_after_a_subscriber_was_away(devnet, kv, client, signer) -> None:
    genesis_id = devnet.ledger.head.id
    for name in ("h1", "h2", "h3"):
        await client.commit(kv_batch(signer, (("set", name, 1))))
    committed = devnet.ledger.head.num
    response = await subscribe(client, COMMIT, last_known=[genesis_id])
    assert response.status == Subscribe.OK
    nums = []
    for _ in range(committed):
        events = (await asyncio.wait_for(client.events.get(), 10)).events
        nums.append(int(attributes(events[0])["block_num"]))
    assert nums == list(range(1, committed + 1))
    # Live events follow the catch-up without a gap.
    await client.commit(kv_batch(signer, ("set", "h4", 1)))
    events = (await asyncio.wait_for(client.events.get(), 10)).events
    assert int(attributes(events[0])["block_num"]) == committed + 1


async def test_null_block_id_catches_up_from_genesis_and_highest_known_wins(
    devnet, kv, client, signer
) -> None:
    genesis_id = devnet.ledger.head.id
    await client.commit(kv_batch(signer, ("set", "n1", 1)))
    first_id = devnet.ledger.head.id
    await client.commit(kv_batch(signer, ("set", "n2", 1)))
    head = devnet.ledger.head.num
    # "0000000000000000" is Sawtooth's null block id: every block, genesis included.
    assert (await subscribe(client, COMMIT, last_known=["0" * 16])).status == Subscribe.OK
    nums = []
    for _ in range(head + 1):
        events = (await asyncio.wait_for(client.events.get(), 10)).events
        nums.append(int(attributes(events[0])["block_num"]))
    assert nums == list(range(head + 1))
    # Several known ids, in any order: resume after the highest-numbered one.
    response = await subscribe(client, COMMIT, last_known=[genesis_id, first_id, "f" * 128])
    assert response.status == Subscribe.OK
    events = (await asyncio.wait_for(client.events.get(), 10)).events
    assert int(attributes(events[0])["block_num"]) == head


async def test_unknown_last_known_block_and_events_get(devnet, kv, client, signer) -> None:
    unknown = "f" * 128
    assert (await subscribe(client, COMMIT, last_known=[unknown])).status == Subscribe.UNKNOWN_BLOCK
    await client.commit(kv_batch(signer, ("set", "i", 1)))
    head = devnet.ledger.head
    got = await client.ask(
        Message.CLIENT_EVENTS_GET_REQUEST,
        ClientEventsGetRequest(subscriptions=[COMMIT], block_ids=[head.id]),
        ClientEventsGetResponse,
    )
    assert got.status == ClientEventsGetResponse.OK
    assert attributes(got.events[0])["block_id"] == head.id
    missing = await client.ask(
        Message.CLIENT_EVENTS_GET_REQUEST,
        ClientEventsGetRequest(subscriptions=[COMMIT], block_ids=[unknown]),
        ClientEventsGetResponse,
    )
    assert missing.status == ClientEventsGetResponse.UNKNOWN_BLOCK


async def test_unsubscribe_stops_events(devnet, kv, client, signer) -> None:
    assert (await subscribe(client, COMMIT)).status == Subscribe.OK
    response = await client.ask(
        Message.CLIENT_EVENTS_UNSUBSCRIBE_REQUEST,
        ClientEventsUnsubscribeRequest(),
        ClientEventsUnsubscribeResponse,
    )
    assert response.status == ClientEventsUnsubscribeResponse.OK
    assert devnet.events.subscriber_count == 0
    await client.commit(kv_batch(signer, ("set", "j", 1)))
    assert client.events.empty()
