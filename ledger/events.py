"""Follow a validator's committed blocks through its ZMQ event subscription (Sawtooth 1.2).

The follower is a DEALER client of the component endpoint. It subscribes to
`sawtooth/block-commit` (which delimits blocks) plus the caller's subscriptions, and yields one
`BlockEvents` per committed block, in chain order. It persists nothing: each time it
(re)subscribes it asks the caller which blocks it already has (`KnownBlocks`, newest first) and
sends them as `last_known_block_ids`, so the validator replays every block after the newest one
still on its chain. When none of them is (`UNKNOWN_BLOCK`: the caller's head was on a fork that
lost), it walks further back through the caller's index; with nothing known it starts from
genesis. Detecting the fork itself is the caller's job: a block whose `previous_block_id` is not
the caller's head means "rewind to block_num - 1 first".

Disconnects (the socket monitor reports them, or a request goes unanswered) close the socket and
resubscribe with exponential backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import zmq
import zmq.asyncio
from sawtooth_sdk.protobuf.client_event_pb2 import (
    ClientEventsSubscribeRequest,
    ClientEventsSubscribeResponse,
    ClientEventsUnsubscribeRequest,
)
from sawtooth_sdk.protobuf.events_pb2 import Event, EventFilter, EventList, EventSubscription
from sawtooth_sdk.protobuf.network_pb2 import PingResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message
from zmq.utils.monitor import parse_monitor_message

from .errors import UserError

LOG = logging.getLogger(__name__)

BLOCK_COMMIT = "sawtooth/block-commit"
STATE_DELTA = "sawtooth/state-delta"
# Sawtooth's "before genesis" id: as a last known block it asks for every block from genesis.
NULL_BLOCK_ID = "0000000000000000"

_SUBSCRIBE_STATUS = ClientEventsSubscribeResponse.Status


class SubscriptionRejected(UserError):
    """The validator refused the subscription itself (e.g. INVALID_FILTER); retrying won't help."""


class KnownBlocks(Protocol):
    def known_block_ids(self, skip: int, limit: int) -> Sequence[str]:
        """Block ids the caller has indexed, newest first, `limit` of them after `skip`."""
        ...


@dataclass(frozen=True)
class BlockEvents:
    block_id: str
    block_num: int
    previous_block_id: str
    state_root: str
    events: tuple[Event, ...] = field(repr=False)

    def of_type(self, event_type: str) -> list[Event]:
        return [e for e in self.events if e.event_type == event_type]


def subscription(event_type: str, *filters: tuple[str, str, int]) -> EventSubscription:
    """An EventSubscription; each filter is (key, match_string, EventFilter.SIMPLE_ANY etc.)."""
    return EventSubscription(
        event_type=event_type,
        filters=[EventFilter(key=k, match_string=m, filter_type=t) for k, m, t in filters],
    )


def blocks_from(event_list: EventList) -> list[BlockEvents]:
    """The blocks an EventList reports, in order.

    A live EventList covers one block, but Sawtooth sends a whole catch-up as ONE list: each
    block's sawtooth/block-commit event followed by that block's receipt events (state deltas,
    processors' events). So a block-commit starts a block; what follows it belongs to it.
    Events before the first block-commit have no block to belong to and are dropped.
    """
    blocks: list[BlockEvents] = []
    commit: Event | None = None
    events: list[Event] = []

    def close() -> None:
        if commit is not None:
            attrs = {a.key: a.value for a in commit.attributes}
            blocks.append(
                BlockEvents(
                    block_id=attrs["block_id"],
                    block_num=int(attrs["block_num"]),
                    previous_block_id=attrs.get("previous_block_id", ""),
                    state_root=attrs.get("state_root_hash", ""),
                    events=tuple(events),
                )
            )

    for event in event_list.events:
        if event.event_type == BLOCK_COMMIT:
            close()
            commit, events = event, []
        events.append(event)
    close()
    return blocks


class _Disconnected(Exception):
    pass


class EventFollower:
    """Async iterator over committed blocks: `async for block in follower.blocks(): ...`."""

    def __init__(
        self,
        url: str,
        known: KnownBlocks,
        subscriptions: Sequence[EventSubscription] = (subscription(STATE_DELTA),),
        *,
        window: int = 20,
        request_timeout: float = 5.0,
        backoff_initial: float = 0.1,
        backoff_max: float = 5.0,
    ) -> None:
        self.url = url
        self._known = known
        self._subscriptions = [subscription(BLOCK_COMMIT)] + [
            s for s in subscriptions if s.event_type != BLOCK_COMMIT
        ]
        self._window = window
        self._timeout = request_timeout
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._ctx = zmq.asyncio.Context.instance()
        self._socket: zmq.asyncio.Socket | None = None
        self._monitor: zmq.asyncio.Socket | None = None
        self._poller: zmq.asyncio.Poller | None = None
        self.connected = False
        self.subscriptions_made = 0
        self._resubscribe_requested = False

    def resubscribe(self) -> None:
        """Drop the subscription and subscribe again (asking `known` anew) before the next block:
        for a caller that could not store a block, e.g. one forked away before it was fetched."""
        self._resubscribe_requested = True

    async def blocks(self) -> AsyncIterator[BlockEvents]:
        delay = self._backoff_initial
        try:
            while True:
                try:
                    pending = await self._subscribe()
                    delay = self._backoff_initial
                    for event_list in pending:
                        for block in blocks_from(event_list):
                            yield block
                            self._check_resubscribe()
                    while True:
                        for block in await self._next_blocks():
                            yield block
                            self._check_resubscribe()
                except _Disconnected as why:
                    LOG.warning(
                        "event subscription to %s lost (%s); retrying in %.1fs",
                        self.url,
                        why,
                        delay,
                    )
                    self._close_socket()
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self._backoff_max)
        finally:
            await self.close()

    def _check_resubscribe(self) -> None:
        if self._resubscribe_requested:
            self._resubscribe_requested = False
            raise _Disconnected("resubscribing at the caller's request")

    async def close(self) -> None:
        """Unsubscribe (best effort, briefly) and close the socket."""
        if self._socket is not None and self.connected:
            with contextlib.suppress(zmq.ZMQError):
                await self._send(
                    Message.CLIENT_EVENTS_UNSUBSCRIBE_REQUEST,
                    ClientEventsUnsubscribeRequest().SerializeToString(),
                )
        self._close_socket()

    # -- connection ---------------------------------------------------------------------------

    def _open_socket(self) -> None:
        socket = self._ctx.socket(zmq.DEALER)
        socket.setsockopt(zmq.LINGER, 0)
        # Notice a validator host that vanished without closing the TCP connection.
        socket.setsockopt(zmq.TCP_KEEPALIVE, 1)
        socket.setsockopt(zmq.TCP_KEEPALIVE_IDLE, 30)
        socket.setsockopt(zmq.TCP_KEEPALIVE_INTVL, 10)
        self._monitor = socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        socket.connect(self.url)
        self._socket = socket
        self._poller = zmq.asyncio.Poller()
        self._poller.register(socket, zmq.POLLIN)
        self._poller.register(self._monitor, zmq.POLLIN)

    def _close_socket(self) -> None:
        self.connected = False
        if self._socket is not None:
            with contextlib.suppress(zmq.ZMQError):
                self._socket.disable_monitor()
            self._socket.close(linger=0)
            self._socket = None
        if self._monitor is not None:
            self._monitor.close(linger=0)
            self._monitor = None
        self._poller = None

    async def _send(
        self, message_type: int, content: bytes, correlation_id: str | None = None
    ) -> str:
        """Send a message (a reply when given the request's `correlation_id`); return its id."""
        assert self._socket is not None
        if correlation_id is None:
            correlation_id = uuid.uuid4().hex
        message = Message(message_type=message_type, correlation_id=correlation_id, content=content)
        await self._socket.send(message.SerializeToString())
        return correlation_id

    async def _receive(self, timeout: float | None) -> Message:
        """The next message from the validator, answering pings on the way."""
        assert self._socket is not None and self._poller is not None
        while True:
            ready = dict(await self._poller.poll(None if timeout is None else timeout * 1000))
            if not ready:
                raise _Disconnected(f"no answer within {timeout:.1f}s")
            if self._monitor is not None and self._monitor in ready:
                event = parse_monitor_message(await self._monitor.recv_multipart())
                if event["event"] == zmq.EVENT_DISCONNECTED:
                    raise _Disconnected("validator closed the connection")
            if self._socket in ready:
                message = Message()
                message.ParseFromString(await self._socket.recv())
                if message.message_type == Message.PING_REQUEST:
                    await self._send(
                        Message.PING_RESPONSE,
                        PingResponse().SerializeToString(),
                        message.correlation_id,
                    )
                    continue
                return message

    # -- subscription -------------------------------------------------------------------------

    async def _subscribe(self) -> list[EventList]:
        """Subscribe, walking back through the caller's known blocks on UNKNOWN_BLOCK.

        Returns event lists that arrived before the response (not expected, but harmless)."""
        skip = 0
        while True:
            known = list(self._known.known_block_ids(skip, self._window))
            last_known = known or [NULL_BLOCK_ID]
            status, text, early = await self._request_subscription(last_known)
            if status == _SUBSCRIBE_STATUS.OK:
                self.connected = True
                self.subscriptions_made += 1
                LOG.info("subscribed to %s from block %s", self.url, last_known[0][:16])
                return early
            if status == _SUBSCRIBE_STATUS.UNKNOWN_BLOCK and known:
                LOG.warning(
                    "validator knows none of blocks %d..%d back (a fork); walking back",
                    skip,
                    skip + len(known) - 1,
                )
                skip += len(known)
                continue
            name = _SUBSCRIBE_STATUS.Name(status)
            if status == _SUBSCRIBE_STATUS.UNKNOWN_BLOCK:
                text = f"{text} (it refused {NULL_BLOCK_ID}, Sawtooth's 'from genesis')".strip()
            raise SubscriptionRejected(
                f"validator at {self.url} rejected the event subscription: {name} {text}".strip()
            )

    async def _request_subscription(
        self, last_known: list[str]
    ) -> tuple[int, str, list[EventList]]:
        if self._socket is None:
            self._open_socket()
        request = ClientEventsSubscribeRequest(
            subscriptions=self._subscriptions, last_known_block_ids=last_known
        )
        correlation_id = await self._send(
            Message.CLIENT_EVENTS_SUBSCRIBE_REQUEST, request.SerializeToString()
        )
        early: list[EventList] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        while True:
            message = await self._receive(max(0.0, deadline - loop.time()))
            if message.message_type == Message.CLIENT_EVENTS:
                early.append(_event_list(message.content))
            elif (
                message.message_type == Message.CLIENT_EVENTS_SUBSCRIBE_RESPONSE
                and message.correlation_id == correlation_id
            ):
                response = ClientEventsSubscribeResponse()
                response.ParseFromString(message.content)
                return response.status, response.response_message, early

    async def _next_blocks(self) -> list[BlockEvents]:
        message = await self._receive(timeout=None)
        if message.message_type != Message.CLIENT_EVENTS:
            LOG.debug("ignoring message type %d", message.message_type)
            return []
        blocks = blocks_from(_event_list(message.content))
        if not blocks:
            LOG.warning("event list without a block-commit event; ignored")
        return blocks


def _event_list(content: bytes) -> EventList:
    event_list = EventList()
    event_list.ParseFromString(content)
    return event_list
