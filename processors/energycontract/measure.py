"""What a period's meters say: actual energy, adjusted baseline and coverage, from the meters'
values per day (inputs.py reads them from BlockMeter's rollups) and the signed baseline table.
Pure integers over plain data; the settle action and every off-chain preview (CLI, contract
manager, portal) call this one function.

Rules (docs/energycontract.md#measurement):
- a day is *complete* when every energy meter covers it exactly (the counts of its values times
  its nominal interval make 86,400 s; per hour, 3,600 s, for a PER_HOUR table) and the weather
  station has a value in it (in each of its hours, for a PER_HOUR table);
- the day's temperature is the floor mean of the weather station's values (`sum // count`, m°C),
  as the M&V engine fits with; per hour, of the hour's values;
- actual and adjusted baseline are summed over complete days only: an incomplete day counts
  in neither, so missing data never reads as savings;
- coverage = complete days / days, in ppm, rounded down.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.arithmetic import PPM, Rounding, divide, mul_div
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, SECONDS_PER_HOUR
from smartblocks.protos.baseline_pb2 import BaselineTable, Resolution

from .inputs import DayValues

HOURS = 24


@dataclass(frozen=True)
class Measured:
    days: int
    complete_days: int
    actual: int  # over complete days, the meters' unit
    baseline: int  # adjusted baseline over complete days

    @property
    def avoided(self) -> int:
        return self.baseline - self.actual

    @property
    def coverage_ppm(self) -> int:
        return mul_div(self.complete_days, PPM, self.days, Rounding.FLOOR) if self.days else 0


def floor_mean(total: int, count: int) -> int:
    return divide(total, count, Rounding.FLOOR, what="mean temperature")


def _day(
    table: BaselineTable,
    day: int,
    energy: Sequence[tuple[DayValues | None, int]],
    weather: DayValues | None,
) -> tuple[int, int] | None:
    """(actual, baseline) of a complete day; None when the day is incomplete."""
    if weather is None or weather.count == 0:
        return None
    if any(v is None or v.count * interval != SECONDS_PER_DAY for v, interval in energy):
        return None
    actual = sum(v.total for v, _ in energy if v is not None)
    if table.resolution == Resolution.PER_DAY:
        return actual, baseline.evaluate_day(table, day, floor_mean(weather.total, weather.count))
    temperatures = weather.hours
    meters = [(v.hours if v is not None else {}, interval) for v, interval in energy]
    total = 0
    for hour in range(HOURS):
        t_sum, t_count = temperatures.get(hour, (0, 0))
        if t_count == 0:
            return None
        if any(b.get(hour, (0, 0))[1] * interval != SECONDS_PER_HOUR for b, interval in meters):
            return None
        hour_start = day * SECONDS_PER_DAY + hour * SECONDS_PER_HOUR
        total += baseline.evaluate_hour(table, hour_start, floor_mean(t_sum, t_count))
    return actual, total


def measure(
    table: BaselineTable,
    days: Sequence[int],
    energy: Mapping[str, Sequence[DayValues | None]],
    intervals: Mapping[str, int],
    weather: Sequence[DayValues | None],
) -> Measured:
    """`days`: the period's UTC day numbers; `energy[meter][i]` and `weather[i]` the values of
    `days[i]` (None when absent); `intervals[meter]` each energy meter's nominal interval."""
    meters = sorted(energy)
    complete = actual = total_baseline = 0
    for i, day in enumerate(days):
        found = _day(table, day, [(energy[m][i], intervals[m]) for m in meters], weather[i])
        if found is not None:
            complete += 1
            actual += found[0]
            total_baseline += found[1]
    return Measured(len(days), complete, actual, total_baseline)
