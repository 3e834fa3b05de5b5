"""The events of a committed block and the subscription filters that select them.

A block's events, in Sawtooth's order: `sawtooth/block-commit`, the processors' own events in
transaction order, then `sawtooth/state-delta` (the block's changes, last change per address,
sorted by address, one `address` attribute each).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sawtooth_sdk.protobuf.events_pb2 import EventFilter, EventSubscription

from smartblocks.ledger.events import BLOCK_COMMIT, STATE_DELTA

from . import wire


def block_events(
    block_id: str,
    block_num: int,
    state_root: str,
    previous_id: str,
    processor_events: Iterable[bytes],
    changes: Sequence[tuple[str, bytes]],
) -> bytes:
    """The block's serialized EventList; `processor_events` are encoded Events, `changes`
    (address, encoded StateChange) sorted by address."""
    commit = wire.event(
        BLOCK_COMMIT,
        [
            ("block_id", block_id),
            ("block_num", str(block_num)),
            ("state_root_hash", state_root),
            ("previous_block_id", previous_id),
        ],
    )
    delta_list = b"".join(wire.length_delimited(1, change) for _, change in changes)
    delta = wire.event(STATE_DELTA, [("address", address) for address, _ in changes], delta_list)
    return event_list([commit, *processor_events, delta])


def event_list(events: Iterable[bytes]) -> bytes:
    """An EventList of encoded Events."""
    return b"".join(wire.length_delimited(1, event) for event in events)


class Attribute(NamedTuple):
    key: str
    value: str


class ParsedEvent(NamedTuple):
    """What subscription filters look at, read from an encoded Event (its data untouched)."""

    event_type: str
    attributes: list[Attribute]
    raw: bytes


def split_events(encoded_list: bytes) -> list[bytes]:
    """The encoded Events of a serialized EventList, not decoded."""
    return wire.repeated_field(encoded_list, 1)


def parse_event(raw: bytes) -> ParsedEvent:
    event_type, attributes = "", []
    for number, value in wire.fields(raw):
        if number == 1 and isinstance(value, bytes):
            event_type = value.decode()
        elif number == 2 and isinstance(value, bytes):
            key = text = ""
            for inner, item in wire.fields(value):
                if inner == 1 and isinstance(item, bytes):
                    key = item.decode()
                elif inner == 2 and isinstance(item, bytes):
                    text = item.decode()
            attributes.append(Attribute(key, text))
    return ParsedEvent(event_type, attributes, raw)


class InvalidFilter(ValueError):
    pass


class Subscription:
    """One EventSubscription: an event type and filters that must all pass."""

    def __init__(self, proto: EventSubscription) -> None:
        self.event_type = proto.event_type
        self.filters = [_compile(f) for f in proto.filters]

    def matches(self, event: ParsedEvent) -> bool:
        if event.event_type != self.event_type:
            return False
        return all(f(event) for f in self.filters)


def _values(event: ParsedEvent, key: str) -> list[str]:
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


def select(encoded_list: bytes, subscriptions: Sequence[Subscription]) -> list[bytes]:
    """The encoded Events of a serialized EventList that any subscription matches. An event
    whose type no subscription names is not parsed further (a state delta's data is large)."""
    types = {s.event_type for s in subscriptions}
    chosen = []
    for raw in split_events(encoded_list):
        event_type = _event_type(raw)
        if event_type in types and any(s.matches(parse_event(raw)) for s in subscriptions):
            chosen.append(raw)
    return chosen


def _event_type(raw: bytes) -> str:
    """An encoded Event's type: field 1, which protobuf writes first."""
    for number, value in wire.fields(raw):
        if number == 1 and isinstance(value, bytes):
            return value.decode()
    return ""
