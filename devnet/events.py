"""The events of a committed block and the subscription filters that select them.

A block's events, in Sawtooth's order: `sawtooth/block-commit`, the processors' own events in
transaction order, then `sawtooth/state-delta` (the block's changes, last change per address,
sorted by address, one `address` attribute each).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sawtooth_sdk.protobuf.events_pb2 import Event, EventFilter, EventList, EventSubscription
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, StateChangeList

from smartblocks.ledger.events import BLOCK_COMMIT, STATE_DELTA


def block_events(
    block_id: str,
    block_num: int,
    state_root: str,
    previous_id: str,
    processor_events: Iterable[Event],
    changes: Sequence[StateChange],
) -> bytes:
    """The block's serialized EventList; `changes` sorted by address."""
    commit = Event(
        event_type=BLOCK_COMMIT,
        attributes=[
            Event.Attribute(key="block_id", value=block_id),
            Event.Attribute(key="block_num", value=str(block_num)),
            Event.Attribute(key="state_root_hash", value=state_root),
            Event.Attribute(key="previous_block_id", value=previous_id),
        ],
    )
    delta = Event(
        event_type=STATE_DELTA,
        attributes=[Event.Attribute(key="address", value=change.address) for change in changes],
        data=StateChangeList(state_changes=changes).SerializeToString(),
    )
    return EventList(events=[commit, *processor_events, delta]).SerializeToString()


class InvalidFilter(ValueError):
    pass


class Subscription:
    """One EventSubscription: an event type and filters that must all pass."""

    def __init__(self, proto: EventSubscription) -> None:
        self.event_type = proto.event_type
        self.filters = [_compile(f) for f in proto.filters]

    def matches(self, event: Event) -> bool:
        if event.event_type != self.event_type:
            return False
        return all(f(event) for f in self.filters)


def _values(event: Event, key: str) -> list[str]:
    return [a.value for a in event.attributes if a.key == key]


def _compile(f: EventFilter):
    key, match = f.key, f.match_string
    kind = f.filter_type
    if kind == EventFilter.SIMPLE_ANY:
        return lambda e: any(v == match for v in _values(e, key))
    if kind == EventFilter.SIMPLE_ALL:
        return lambda e: all(v == match for v in _values(e, key))
    if kind in (EventFilter.REGEX_ANY, EventFilter.REGEX_ALL):
        try:
            pattern = re.compile(match)
        except re.error as exc:
            raise InvalidFilter(f"invalid regular expression {match!r}: {exc}") from None
        if kind == EventFilter.REGEX_ANY:
            return lambda e: any(pattern.search(v) for v in _values(e, key))
        return lambda e: all(pattern.search(v) for v in _values(e, key))
    raise InvalidFilter(f"unknown filter type {kind}")


def compile_subscriptions(protos: Iterable[EventSubscription]) -> list[Subscription]:
    return [Subscription(p) for p in protos]


def select(events: Iterable[Event], subscriptions: Sequence[Subscription]) -> list[Event]:
    """The events that any of the subscriptions matches, in order."""
    return [event for event in events if any(s.matches(event) for s in subscriptions)]
