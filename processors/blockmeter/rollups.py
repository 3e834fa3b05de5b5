"""Rollup arithmetic: totals of a window's values per UTC hour, merged into day and month records.

Each value belongs, whole, to the hour in which its interval starts (value i starts at
window_start + i * interval_s). An interval that crosses an hour boundary is not split: splitting
would need a rounding rule for every value, while start-time apportioning keeps every sum exact
and equal to the sum of the readings. With the 15 min or shorter intervals that meters use on
whole-hour boundaries, the two agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.periods import (
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    day_date,
    month_name,
)
from smartblocks.protos.blockmeter_pb2 import Bucket, Rollup

from . import limits


@dataclass
class Totals:
    sum: int = 0
    count: int = 0
    min: int = 0
    max: int = 0
    flagged: int = 0

    def add(self, value: int, flagged: bool) -> None:
        if self.count == 0:
            self.min = self.max = value
        else:
            self.min = min(self.min, value)
            self.max = max(self.max, value)
        self.sum += value
        self.count += 1
        self.flagged += flagged

    def merge(self, other: Totals) -> None:
        if other.count == 0:
            return
        if self.count == 0:
            self.min, self.max = other.min, other.max
        else:
            self.min = min(self.min, other.min)
            self.max = max(self.max, other.max)
        self.sum += other.sum
        self.count += other.count
        self.flagged += other.flagged


def hourly_totals(
    window_start: int, interval_s: int, values: Sequence[int], quality: Sequence[int]
) -> dict[int, Totals]:
    """Totals per hour (numbered from the epoch), apportioned by each value's start time."""
    hours: dict[int, Totals] = {}
    flags = quality or [0] * len(values)
    for i, value in enumerate(values):
        hour = (window_start + i * interval_s) // SECONDS_PER_HOUR
        totals = hours.get(hour)
        if totals is None:
            totals = hours[hour] = Totals()
        totals.add(value, flags[i] != 0)
    return hours


def by_day(hours: dict[int, Totals]) -> dict[int, dict[int, Totals]]:
    """Day number -> {hour of day 0..23: totals}."""
    days: dict[int, dict[int, Totals]] = {}
    for hour, totals in sorted(hours.items()):
        days.setdefault(hour // 24, {})[hour % 24] = totals
    return days


def by_month(hours: dict[int, Totals]) -> dict[str, dict[int, Totals]]:
    """Month "YYYY-MM" -> {day of month 1..31: totals}."""
    months: dict[str, dict[int, Totals]] = {}
    for hour, totals in sorted(hours.items()):
        day = hour * SECONDS_PER_HOUR // SECONDS_PER_DAY
        buckets = months.setdefault(month_name(day), {})
        buckets.setdefault(day_date(day).day, Totals()).merge(totals)
    return months


def _totals_of(record: Bucket | Rollup) -> Totals:
    return Totals(record.sum, record.count, record.min, record.max, record.flagged_count)


def _check_int64(what: str, value: int) -> None:
    if not limits.INT64_MIN <= value <= limits.INT64_MAX:
        raise InvalidTransaction(f"{what}: sum {value} does not fit in a signed 64-bit integer")


def merge_into(rollup: Rollup, buckets: dict[int, Totals], *, gap_seconds: int = 0) -> None:
    """Add bucket totals (and a gap that ends in this period) to a rollup record, keeping its
    buckets sorted by index."""
    merged = {b.index: _totals_of(b) for b in rollup.buckets}
    record = _totals_of(rollup)
    for index, totals in buckets.items():
        merged.setdefault(index, Totals()).merge(totals)
        record.merge(totals)
    what = f"rollup {rollup.meter_id} {rollup.period}"
    _check_int64(what, record.sum)
    del rollup.buckets[:]
    for index in sorted(merged):
        t = merged[index]
        _check_int64(what, t.sum)
        rollup.buckets.add(
            index=index, sum=t.sum, count=t.count, min=t.min, max=t.max, flagged_count=t.flagged
        )
    rollup.sum, rollup.count = record.sum, record.count
    rollup.min, rollup.max = record.min, record.max
    rollup.flagged_count = record.flagged
    if gap_seconds:
        rollup.gap_count += 1
        rollup.gap_seconds += gap_seconds
