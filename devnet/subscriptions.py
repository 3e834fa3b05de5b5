"""Event subscribers on the component endpoint: subscribe (with catch-up), unsubscribe, get.

Each committed block's matching events go to each subscriber as one CLIENT_EVENTS message
(an EventList), in block order; a subscriber with no matching event in a block gets nothing.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Sequence

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf import client_event_pb2 as ce
from sawtooth_sdk.protobuf.events_pb2 import Event, EventList
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger.events import NULL_BLOCK_ID

from .chainstore import ChainStore
from .endpoint import ComponentEndpoint
from .events import InvalidFilter, Subscription, compile_subscriptions, select

LOGGER = logging.getLogger(__name__)


class EventHub:
    def __init__(self, endpoint: ComponentEndpoint, store: ChainStore) -> None:
        self._endpoint = endpoint
        self._store = store
        self._subscribers: dict[bytes, list[Subscription]] = {}
        self._catching_up: dict[bytes, asyncio.Task[None]] = {}
        self._ids = itertools.count(1)
        endpoint.on(Message.CLIENT_EVENTS_SUBSCRIBE_REQUEST, self._on_subscribe)
        endpoint.on(Message.CLIENT_EVENTS_UNSUBSCRIBE_REQUEST, self._on_unsubscribe)
        endpoint.on(Message.CLIENT_EVENTS_GET_REQUEST, self._on_get)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def drop(self, identity: bytes) -> None:
        self._subscribers.pop(identity, None)
        task = self._catching_up.pop(identity, None)
        if task is not None:
            task.cancel()

    def publish(self, event_list: bytes) -> None:
        """Send a committed block's events (a serialized EventList) to its subscribers."""
        if not self._subscribers:
            return
        events = EventList.FromString(event_list).events
        for identity, subscriptions in list(self._subscribers.items()):
            self._send(identity, select(events, subscriptions))

    def _send(self, identity: bytes, events: list[Event]) -> None:
        if events:
            content = EventList(events=events).SerializeToString()
            self._endpoint.send(
                identity, Message.CLIENT_EVENTS, content, f"events-{next(self._ids)}"
            )

    def _block_events(self, block_num: int) -> Sequence[Event]:
        return EventList.FromString(self._store.block_events(block_num)).events

    def _on_subscribe(self, identity: bytes, message: Message) -> None:
        Response = ce.ClientEventsSubscribeResponse

        def answer(status: int, text: str = "") -> None:
            self._endpoint.reply(
                identity,
                message,
                Message.CLIENT_EVENTS_SUBSCRIBE_RESPONSE,
                Response(status=status, response_message=text).SerializeToString(),
            )

        try:
            request = ce.ClientEventsSubscribeRequest.FromString(message.content)
            subscriptions = compile_subscriptions(request.subscriptions)
        except (DecodeError, InvalidFilter) as exc:
            answer(Response.INVALID_FILTER, str(exc))
            return
        catch_up_from: int | None = None
        if request.last_known_block_ids:
            # As Sawtooth: resume after the highest-numbered id we know; the null block id
            # ("0000000000000000") asks for every block from genesis.
            known = [
                -1
                if block_id == NULL_BLOCK_ID
                else getattr(self._store.block_by_id(block_id), "num", None)
                for block_id in request.last_known_block_ids
            ]
            nums = [num for num in known if num is not None]
            if not nums:
                answer(Response.UNKNOWN_BLOCK, "none of last_known_block_ids is in the chain")
                return
            catch_up_from = max(nums) + 1
        self.drop(identity)  # a subscriber subscribing again starts over
        answer(Response.OK)
        if catch_up_from is None:
            self._add(identity, subscriptions)
            return
        self._catching_up[identity] = asyncio.get_running_loop().create_task(
            self._catch_up(identity, subscriptions, catch_up_from)
        )

    async def _catch_up(self, identity: bytes, subscriptions: list[Subscription], num: int) -> None:
        """Send the blocks from `num` to the head, one per loop iteration, then add the
        subscriber. Between blocks the endpoint sends the subscription's answer and serves
        other requests: a long catch-up (big blocks, a long chain) never makes the subscriber
        time out waiting for its answer and subscribe again (which would start over)."""
        try:
            while True:
                await asyncio.sleep(0)
                head = self._store.head()
                if head is None or num > head.num:
                    break
                self._send(identity, select(self._block_events(num), subscriptions))
                num += 1
            # No await between the last head check and this: no block is missed or doubled
            # (a block committed meanwhile was sent above; later ones come from publish).
            self._add(identity, subscriptions)
        finally:
            if self._catching_up.get(identity) is asyncio.current_task():
                del self._catching_up[identity]

    def _add(self, identity: bytes, subscriptions: list[Subscription]) -> None:
        self._subscribers[identity] = subscriptions
        LOGGER.info("event subscriber added (%d in all)", len(self._subscribers))

    def _on_unsubscribe(self, identity: bytes, message: Message) -> None:
        self.drop(identity)
        response = ce.ClientEventsUnsubscribeResponse(status=ce.ClientEventsUnsubscribeResponse.OK)
        self._endpoint.reply(
            identity,
            message,
            Message.CLIENT_EVENTS_UNSUBSCRIBE_RESPONSE,
            response.SerializeToString(),
        )

    def _on_get(self, identity: bytes, message: Message) -> None:
        Response = ce.ClientEventsGetResponse
        status, events = Response.OK, list[Event]()
        try:
            request = ce.ClientEventsGetRequest.FromString(message.content)
            subscriptions = compile_subscriptions(request.subscriptions)
        except (DecodeError, InvalidFilter):
            status = Response.INVALID_FILTER
        else:
            for block_id in request.block_ids:
                record = self._store.block_by_id(block_id)
                if record is None:
                    status, events = Response.UNKNOWN_BLOCK, []
                    break
                events.extend(select(self._block_events(record.num), subscriptions))
        content = Response(status=status, events=events).SerializeToString()
        self._endpoint.reply(identity, message, Message.CLIENT_EVENTS_GET_RESPONSE, content)
