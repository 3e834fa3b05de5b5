"""BlockMeter records in global state, read and written through a Sawtooth Context.

Reads go through `load` (one get_state for many addresses) and a cache; writes are buffered and
sent by `flush` in one set_state, after the action has checked every rule. Every address is
checked against the transaction's declared inputs (reads) and outputs (writes) first, so a
transaction built without an address it needs fails with a message naming that address and
record, instead of the validator's bare authorization error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from google.protobuf.message import Message
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.protos.blockmeter_pb2 import Authorities, Meter, MeterHead, Rollup, Site

from . import addressing

M = TypeVar("M", bound=Message)
# A record's address and how messages name it.
Ref = tuple[str, str]


def authorities_ref() -> Ref:
    return addressing.authorities_address(), "the authorities record"


def site_ref(site_id: str) -> Ref:
    return addressing.site_address(site_id), f"site {site_id}"


def meter_ref(meter_id: str) -> Ref:
    return addressing.meter_address(meter_id), f"meter {meter_id}"


def head_ref(meter_id: str) -> Ref:
    return addressing.meter_head_address(meter_id), f"meter head {meter_id}"


def day_rollup_ref(meter_id: str, day: str) -> Ref:
    return addressing.day_rollup_address(meter_id, day), f"day rollup {meter_id} {day}"


def month_rollup_ref(meter_id: str, month: str) -> Ref:
    return addressing.month_rollup_address(meter_id, month), f"month rollup {meter_id} {month}"


def _covered(address: str, declared: Sequence[str]) -> bool:
    # Sawtooth declares inputs/outputs as addresses or address prefixes.
    return any(address.startswith(prefix) for prefix in declared)


class BlockMeterState:
    def __init__(self, context: Any, inputs: Sequence[str], outputs: Sequence[str]):
        self._context = context
        self._inputs = list(inputs)
        self._outputs = list(outputs)
        self._cache: dict[str, bytes | None] = {}
        self._writes: dict[str, bytes] = {}
        self._events: list[tuple[str, list[tuple[str, str]]]] = []

    # -- reading --------------------------------------------------------------------------

    def load(self, refs: Iterable[Ref]) -> None:
        """Fetch the records not yet cached, in one request."""
        wanted: list[str] = []
        for address, description in refs:
            if address in self._cache or address in wanted:
                continue
            if not _covered(address, self._inputs):
                raise InvalidTransaction(
                    f"transaction must list {description} (address {address}) in its inputs"
                )
            wanted.append(address)
        if not wanted:
            return
        found = {e.address: e.data for e in self._context.get_state(wanted)}
        for address in wanted:
            self._cache[address] = found.get(address) or None

    def _get(self, address: str, description: str, message_type: type[M]) -> M | None:
        self.load([(address, description)])
        data = self._writes.get(address, self._cache[address])
        if data is None:
            return None
        record = message_type()
        try:
            record.ParseFromString(data)
        except Exception:
            # State written by this family always parses; anything else is not ours to fix.
            raise InvalidTransaction(f"{description} at {address} is corrupt") from None
        return record

    def authorities(self) -> Authorities | None:
        return self._get(*authorities_ref(), Authorities)

    def site(self, site_id: str) -> Site | None:
        return self._get(*site_ref(site_id), Site)

    def meter(self, meter_id: str) -> Meter | None:
        return self._get(*meter_ref(meter_id), Meter)

    def head(self, meter_id: str) -> MeterHead | None:
        return self._get(*head_ref(meter_id), MeterHead)

    def day_rollup(self, meter_id: str, day: str) -> Rollup | None:
        return self._get(*day_rollup_ref(meter_id, day), Rollup)

    def month_rollup(self, meter_id: str, month: str) -> Rollup | None:
        return self._get(*month_rollup_ref(meter_id, month), Rollup)

    # -- writing (buffered until flush) ---------------------------------------------------

    def _put(self, address: str, description: str, record: Message) -> None:
        if not _covered(address, self._outputs):
            raise InvalidTransaction(
                f"transaction must list {description} (address {address}) in its outputs"
            )
        self._writes[address] = record.SerializeToString()

    def put_authorities(self, record: Authorities) -> None:
        self._put(*authorities_ref(), record)

    def put_site(self, record: Site) -> None:
        self._put(*site_ref(record.site_id), record)

    def put_meter(self, record: Meter) -> None:
        self._put(*meter_ref(record.meter_id), record)

    def put_head(self, record: MeterHead) -> None:
        self._put(*head_ref(record.meter_id), record)

    def put_day_rollup(self, record: Rollup) -> None:
        self._put(*day_rollup_ref(record.meter_id, record.period), record)

    def put_month_rollup(self, record: Rollup) -> None:
        self._put(*month_rollup_ref(record.meter_id, record.period), record)

    def emit(self, event_type: str, attributes: list[tuple[str, str]]) -> None:
        self._events.append((event_type, attributes))

    def flush(self) -> None:
        """Send the buffered writes (sorted by address) and events."""
        if self._writes:
            self._context.set_state(dict(sorted(self._writes.items())))
        for event_type, attributes in self._events:
            self._context.add_event(event_type, attributes)
        self._cache.update(self._writes)
        self._writes.clear()
        self._events.clear()
