"""What a period's settlement reads from BlockMeter, and the per-day values it reads them as.

With a PER_DAY baseline table, settlement needs each day's totals only, and a meter's month
rollup holds them for a whole month (one bucket per day): a monthly settlement reads one record
per meter instead of 31 day rollups (decoding those was most of settle's cost). A PER_HOUR
table needs the hours, so the period's day rollups (one bucket per hour) are read. The settle
action, its transaction builder and every off-chain preview ask this module, so they always
read the same records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.kit.periods import day_date, day_name, month_name
from smartblocks.processors.kit.store import Ref
from smartblocks.protos.baseline_pb2 import Resolution
from smartblocks.protos.blockmeter_pb2 import Rollup
from smartblocks.protos.energycontract_pb2 import Terms

from .schedule import PeriodInfo


@dataclass(frozen=True)
class DayValues:
    """A meter's values in one UTC day: their sum and count, and per hour (0..23) the same when
    read from a day rollup."""

    total: int
    count: int
    hours: Mapping[int, tuple[int, int]] = field(default_factory=dict)


def reads_days(terms: Terms) -> bool:
    """True when settlement reads day rollups (an hourly table), False for month rollups."""
    return terms.baseline.resolution == Resolution.PER_HOUR


def meters_of(terms: Terms) -> list[str]:
    """Every meter a settlement reads: the energy meters, then the weather meter."""
    return [*terms.meters, terms.weather_meter]


def rollup_refs(terms: Terms, period: PeriodInfo) -> dict[str, list[Ref[Rollup]]]:
    """Meter -> the rollups of the period settlement reads, in time order."""
    days = period.day_numbers()
    if reads_days(terms):
        return {m: [blockmeter.day_rollup(m, day_name(d)) for d in days] for m in meters_of(terms)}
    months = sorted({month_name(d) for d in days})
    return {m: [blockmeter.month_rollup(m, month) for month in months] for m in meters_of(terms)}


def day_values(
    terms: Terms, period: PeriodInfo, rollups: Sequence[Rollup | None]
) -> list[DayValues | None]:
    """One meter's values per day of the period (None: no values that day), from the rollups
    `rollup_refs` names for it, in the same order."""
    days = list(period.day_numbers())
    if reads_days(terms):
        return [
            None
            if r is None
            else DayValues(r.sum, r.count, {b.index: (b.sum, b.count) for b in r.buckets})
            for r in rollups
        ]
    months = sorted({month_name(d) for d in days})
    buckets: dict[tuple[str, int], tuple[int, int]] = {}
    for month, record in zip(months, rollups, strict=True):
        for b in record.buckets if record is not None else ():
            buckets[(month, b.index)] = (b.sum, b.count)
    out: list[DayValues | None] = []
    for d in days:
        found = buckets.get((month_name(d), day_date(d).day))
        out.append(None if found is None else DayValues(*found))
    return out


def by_meter(
    terms: Terms, period: PeriodInfo, rollups: Mapping[str, Sequence[Rollup | None]]
) -> dict[str, list[DayValues | None]]:
    return {m: day_values(terms, period, rollups[m]) for m in meters_of(terms)}
