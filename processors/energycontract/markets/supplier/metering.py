"""A period's bounds and a member's metered usage in it, from its meter's day rollup (periods
are whole hours inside one UTC day, so one rollup's hourly buckets cover a period). The settle
action, its transaction builder and the previews all ask this module."""

from __future__ import annotations

from dataclasses import dataclass

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, SECONDS_PER_HOUR, day_name
from smartblocks.processors.kit.store import Ref
from smartblocks.protos.blockmeter_pb2 import Rollup
from smartblocks.protos.market_supplier_pb2 import SupplierOpen


@dataclass(frozen=True)
class Window:
    start: int
    end: int

    @property
    def day(self) -> str:
        return day_name(self.start // SECONDS_PER_DAY)

    @property
    def hours(self) -> range:
        first = (self.start % SECONDS_PER_DAY) // SECONDS_PER_HOUR
        return range(first, first + (self.end - self.start) // SECONDS_PER_HOUR)


def window(terms: SupplierOpen, period: int) -> Window:
    start = terms.start + period * terms.period_s
    return Window(start, start + terms.period_s)


def rollup_ref(meter_id: str, terms: SupplierOpen, period: int) -> Ref[Rollup]:
    return blockmeter.day_rollup(meter_id, window(terms, period).day)


def usage(rollup: Rollup | None, span: Window, interval_s: int) -> tuple[int, bool]:
    """(mWh metered in the window, whether every hour of it is covered: the counts of its
    values times the meter's interval make 3,600 s)."""
    buckets = {b.index: b for b in rollup.buckets} if rollup is not None else {}
    total, complete = 0, True
    for hour in span.hours:
        bucket = buckets.get(hour)
        if bucket is None:
            complete = False
            continue
        total += bucket.sum
        complete = complete and bucket.count * interval_s == SECONDS_PER_HOUR
    return total, complete
