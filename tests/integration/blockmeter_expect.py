"""What the rollups of posted readings must be, computed the plain way (datetime, dicts) as
an oracle independent of the processor's own period arithmetic."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from smartblocks.protos.blockmeter_pb2 import Rollup


@dataclass
class Window:
    """One posted window: start (Unix s), interval, the quantities it adds (for a cumulative
    meter the register deltas) and quality flags."""

    start: int
    interval_s: int
    quantities: Sequence[int]
    quality: Sequence[int] = ()

    @property
    def end(self) -> int:
        return self.start + self.interval_s * len(self.quantities)


@dataclass
class Totals:
    sum: int = 0
    count: int = 0
    min: int | None = None
    max: int | None = None
    flagged: int = 0
    buckets: dict[int, Totals] = field(default_factory=dict)
    gap_count: int = 0
    gap_seconds: int = 0

    def add(self, value: int, flagged: bool) -> None:
        self.sum += value
        self.count += 1
        self.min = value if self.min is None else min(self.min, value)
        self.max = value if self.max is None else max(self.max, value)
        self.flagged += flagged


def utc(moment: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(moment, datetime.UTC)


def expected_rollups(windows: Sequence[Window]) -> tuple[dict[str, Totals], dict[str, Totals]]:
    """(day records by "YYYY-MM-DD", month records by "YYYY-MM"): each value whole in the hour
    its interval starts; a gap counted in the day and month of the window that ends it."""
    days: dict[str, Totals] = {}
    months: dict[str, Totals] = {}
    recorded_until: int | None = None
    for window in windows:
        if recorded_until is not None and window.start > recorded_until:
            moment = utc(window.start)
            for record in (
                days.setdefault(moment.strftime("%Y-%m-%d"), Totals()),
                months.setdefault(moment.strftime("%Y-%m"), Totals()),
            ):
                record.gap_count += 1
                record.gap_seconds += window.start - recorded_until
        for i, value in enumerate(window.quantities):
            moment = utc(window.start + i * window.interval_s)
            flagged = bool(window.quality and window.quality[i])
            day = days.setdefault(moment.strftime("%Y-%m-%d"), Totals())
            month = months.setdefault(moment.strftime("%Y-%m"), Totals())
            for record, index in ((day, moment.hour), (month, moment.day)):
                record.add(value, flagged)
                record.buckets.setdefault(index, Totals()).add(value, flagged)
        recorded_until = window.end
    return days, months


def as_tuples(record: Rollup) -> dict[str, object]:
    """A Rollup in the oracle's terms, for assertEqual-style comparison."""
    return {
        "totals": (record.sum, record.count, record.min, record.max, record.flagged_count),
        "gaps": (record.gap_count, record.gap_seconds),
        "buckets": {
            b.index: (b.sum, b.count, b.min, b.max, b.flagged_count) for b in record.buckets
        },
    }


def expected_tuples(totals: Totals) -> dict[str, object]:
    return {
        "totals": (totals.sum, totals.count, totals.min, totals.max, totals.flagged),
        "gaps": (totals.gap_count, totals.gap_seconds),
        "buckets": {
            index: (b.sum, b.count, b.min, b.max, b.flagged)
            for index, b in sorted(totals.buckets.items())
        },
    }
