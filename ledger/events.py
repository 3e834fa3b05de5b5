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

The connection is a `ValidatorClient` (ledger/validator.py): when it drops, or the subscription
goes unanswered, the follower connects anew (with the client's backoff) and subscribes again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sawtooth_sdk.protobuf.client_event_pb2 import (
    ClientEventsSubscribeRequest,
    ClientEventsSubscribeResponse,
    ClientEventsUnsubscribeRequest,
)
from sawtooth_sdk.protobuf.events_pb2 import Event, EventFilter, EventList, EventSubscription
from sawtooth_sdk.protobuf.validator_pb2 import Message

from .backoff import Backoff
from .errors import UserError, ValidatorTimeout, ValidatorUnavailable
from .validator import Session, ValidatorClient

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


class _Resubscribe(Exception):
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
        # Between connection attempts; reset by each connection (ValidatorClient).
        self.backoff = Backoff(backoff_initial, backoff_max)
        self._client: ValidatorClient | None = None
        self._session: Session | None = None
        self._closed = False
        self.connected = False
        self.subscriptions_made = 0
        self._resubscribe_requested = False

    def resubscribe(self) -> None:
        """Drop the subscription and subscribe again (asking `known` anew) before the next block:
        for a caller that could not store a block, e.g. one forked away before it was fetched."""
        self._resubscribe_requested = True

    async def blocks(self) -> AsyncIterator[BlockEvents]:
        client = ValidatorClient(self.url, name="events", backoff=self.backoff, unsolicited=True)
        self._client, self._closed = client, False
        await client.open()
        try:
            while not self._closed:
                session = self._session = await client.session()
                try:
                    await self._subscribe(session)
                    while True:
                        for block in await self._next_blocks(session):
                            yield block
                            self._check_resubscribe()
                except (ValidatorUnavailable, ValidatorTimeout, _Resubscribe) as why:
                    self.connected = False
                    if self._closed:
                        return
                    LOG.warning(
                        "event subscription to %s lost (%s); subscribing again", self.url, why
                    )
                    session.close(str(why))
        finally:
            await self.close()

    def _check_resubscribe(self) -> None:
        if self._resubscribe_requested:
            self._resubscribe_requested = False
            raise _Resubscribe("resubscribing at the caller's request")

    async def close(self) -> None:
        """Unsubscribe (best effort, without waiting) and close the connection."""
        if self._closed:
            return
        self._closed = True
        if self._session is not None and self.connected:
            with contextlib.suppress(ValidatorUnavailable):
                await self._session.send(
                    Message.CLIENT_EVENTS_UNSUBSCRIBE_REQUEST,
                    ClientEventsUnsubscribeRequest().SerializeToString(),
                )
        self.connected = False
        if self._client is not None:
            await self._client.close("the event follower stopped")

    # -- subscription -------------------------------------------------------------------------

    async def _subscribe(self, session: Session) -> None:
        """Subscribe, walking back through the caller's known blocks on UNKNOWN_BLOCK."""
        skip = 0
        while True:
            known = list(self._known.known_block_ids(skip, self._window))
            last_known = known or [NULL_BLOCK_ID]
            request = ClientEventsSubscribeRequest(
                subscriptions=self._subscriptions, last_known_block_ids=last_known
            )
            answer = await session.request(
                Message.CLIENT_EVENTS_SUBSCRIBE_REQUEST, request.SerializeToString(), self._timeout
            )
            response = ClientEventsSubscribeResponse()
            response.ParseFromString(answer.content)
            status, text = response.status, response.response_message
            if status == _SUBSCRIBE_STATUS.OK:
                self.connected = True
                self.subscriptions_made += 1
                LOG.info("subscribed to %s from block %s", self.url, last_known[0][:16])
                return
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

    async def _next_blocks(self, session: Session) -> list[BlockEvents]:
        """The blocks of the next event list (events that came before the subscription's
        answer included: they wait in the session's queue)."""
        message = await session.receive()
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
