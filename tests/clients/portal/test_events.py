"""The event follower against a fake validator speaking Sawtooth 1.2's subscription protocol."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from smartblocks.ledger.events import NULL_BLOCK_ID, BlockEvents, EventFollower

STEP = 10.0  # generous bound for one event to arrive; never reached when things work


class MemoryIndex:
    """What a follower's caller keeps: the chain it has seen, rewound on a fork."""

    def __init__(self) -> None:
        self.blocks: list[BlockEvents] = []

    def known_block_ids(self, skip: int, limit: int) -> Sequence[str]:
        newest_first = [b.block_id for b in reversed(self.blocks)]
        return newest_first[skip : skip + limit]

    def apply(self, block: BlockEvents) -> None:
        del self.blocks[block.block_num :]
        self.blocks.append(block)


async def take(it, index: MemoryIndex, n: int) -> list[BlockEvents]:
    got = []
    for _ in range(n):
        block = await asyncio.wait_for(anext(it), STEP)
        index.apply(block)
        got.append(block)
    return got


def follower(validator, index, **kw) -> EventFollower:
    return EventFollower(validator.url, index, backoff_initial=0.05, request_timeout=2.0, **kw)


async def test_catches_up_from_genesis_then_follows_live_commits(chain, validator):
    for _ in range(3):
        chain.add_block(state_changes=[("ab" * 35, b"v")])
    index = MemoryIndex()
    f = follower(validator, index)
    it = f.blocks()
    try:
        first = await take(it, index, 3)
        assert [b.block_num for b in first] == [0, 1, 2]
        assert first[0].previous_block_id == NULL_BLOCK_ID
        assert validator.requests == [[NULL_BLOCK_ID]]
        assert [e.event_type for e in first[1].events] == [
            "sawtooth/block-commit",
            "sawtooth/state-delta",
        ]
        chain.add_block()
        (live,) = await take(it, index, 1)
        assert live.block_num == 3 and live.previous_block_id == first[2].block_id
        assert f.connected
    finally:
        await it.aclose()


async def test_answers_pings(chain, validator):
    chain.add_block()
    index = MemoryIndex()
    it = follower(validator, index).blocks()
    try:
        await take(it, index, 1)
        await validator.ping_all()
        chain.add_block()  # the follower reads the ping on its way to this block
        await take(it, index, 1)
        await asyncio.wait_for(validator.pong_received.wait(), STEP)
        assert validator.pongs == 1
    finally:
        await it.aclose()


async def test_resubscribes_with_its_last_block_after_a_disconnect(chain, validator):
    for _ in range(2):
        chain.add_block()
    index = MemoryIndex()
    f = follower(validator, index)
    it = f.blocks()
    try:
        await take(it, index, 2)
        await validator.stop()
        chain.add_block()  # committed while the follower is cut off
        await validator.start()
        (missed,) = await take(it, index, 1)
        assert missed.block_num == 2
        assert validator.requests[-1][0] == chain.blocks[1].block_id
        assert f.subscriptions_made == 2
    finally:
        await it.aclose()


async def test_walks_back_past_a_lost_fork(chain, validator):
    for _ in range(6):
        chain.add_block()
    index = MemoryIndex()
    f = follower(validator, index, window=2)
    it = f.blocks()
    try:
        await take(it, index, 6)
        await validator.stop()
        chain.fork(keep=2)  # blocks 2..5 lose to a new branch
        branch = [chain.add_block() for _ in range(5)]
        await validator.start()
        replayed = await take(it, index, 5)
        assert [b.block_id for b in replayed] == [b.block_id for b in branch]
        assert replayed[0].previous_block_id == chain.blocks[1].block_id
        # windows of 2: [5, 4] and [3, 2] unknown, then [1, 0] where block 1 is on the chain
        assert [len(r) for r in validator.requests[1:]] == [2, 2, 2]
        assert [b.block_id for b in index.blocks] == [b.block_id for b in chain.blocks]
    finally:
        await it.aclose()


async def test_keeps_retrying_while_the_validator_is_down(chain, validator):
    await validator.stop()
    index = MemoryIndex()
    it = follower(validator, index).blocks()
    try:
        pending = asyncio.ensure_future(anext(it))
        await asyncio.sleep(0)  # let it start trying against the closed port
        chain.add_block()
        await validator.start()
        block = await asyncio.wait_for(pending, STEP)
        assert block.block_num == 0
    finally:
        await it.aclose()


@pytest.mark.parametrize("bad_regex", ["("])
async def test_invalid_filter_is_reported_not_retried(chain, validator, bad_regex):
    from sawtooth_sdk.protobuf.events_pb2 import EventFilter

    from smartblocks.ledger.events import SubscriptionRejected, subscription

    async def reject(identity, message):
        from sawtooth_sdk.protobuf.client_event_pb2 import ClientEventsSubscribeResponse
        from sawtooth_sdk.protobuf.validator_pb2 import Message

        await validator._send(
            identity,
            Message.CLIENT_EVENTS_SUBSCRIBE_RESPONSE,
            ClientEventsSubscribeResponse(
                status=ClientEventsSubscribeResponse.INVALID_FILTER,
                response_message=f"bad regex {bad_regex}",
            ),
            message.correlation_id,
        )

    validator._subscribe = reject
    sub = subscription("sawtooth/state-delta", ("address", bad_regex, EventFilter.REGEX_ANY))
    it = follower(validator, MemoryIndex(), subscriptions=[sub]).blocks()
    with pytest.raises(SubscriptionRejected, match="INVALID_FILTER bad regex"):
        await asyncio.wait_for(anext(it), STEP)


def test_one_catch_up_list_holding_many_blocks_is_split_per_block():
    # Sawtooth sends a whole catch-up as one EventList: block-commit, then that block's
    # receipt events, for each block in turn.
    from sawtooth_sdk.protobuf.events_pb2 import Event, EventList

    from smartblocks.ledger.events import BLOCK_COMMIT, STATE_DELTA, blocks_from

    def commit(num: int) -> Event:
        attrs = {
            "block_id": f"b{num}",
            "block_num": str(num),
            "previous_block_id": f"b{num - 1}",
            "state_root_hash": f"r{num}",
        }
        return Event(
            event_type=BLOCK_COMMIT,
            attributes=[Event.Attribute(key=k, value=v) for k, v in attrs.items()],
        )

    delta = Event(event_type=STATE_DELTA, data=b"d2")
    listed = EventList(events=[commit(1), commit(2), delta, commit(3)])
    blocks = blocks_from(listed)
    assert [(b.block_id, b.block_num, b.previous_block_id, b.state_root) for b in blocks] == [
        ("b1", 1, "b0", "r1"),
        ("b2", 2, "b1", "r2"),
        ("b3", 3, "b2", "r3"),
    ]
    assert [e.data for e in blocks[1].of_type(STATE_DELTA)] == [b"d2"]
    assert blocks[0].of_type(STATE_DELTA) == blocks[2].of_type(STATE_DELTA) == []
    assert blocks_from(EventList(events=[delta])) == []
