"""Forecast accuracy in integers: the slots of a forecast, the actuals from BlockMeter's hour
buckets, error sums and the metrics recomputed from them (formulas: docs/blockpredict.md).

Every division goes through kit/arithmetic.py with a named rounding; the one square root is
math.isqrt (floor) of an integer. The same sums give the same metrics on every validator, in
the month records and in any off-chain recomputation.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from smartblocks.processors.kit.arithmetic import PPM, Rounding, check_int64, divide, mul_div
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR
from smartblocks.protos.blockpredict_pb2 import ErrorSums, Metrics


def slot_values(values: Sequence[int], resolution_s: int, slot_s: int) -> list[int]:
    """Values per slot: consecutive values summed (four quarter hours make an hour)."""
    per_slot = slot_s // resolution_s
    return [sum(values[i : i + per_slot]) for i in range(0, len(values), per_slot)]


@dataclass(frozen=True)
class Actuals:
    """The meter's data over a forecast period, per slot: the slot's sum, or None when the
    meter's values do not cover the slot (the slot is then not scored)."""

    slots: list[int | None]
    hours_in_period: int
    hours_with_readings: int


def actuals(
    start: int, end: int, slot_s: int, interval_s: int, hours: Mapping[int, tuple[int, int]]
) -> Actuals:
    """`hours`: hour number since the epoch -> (sum, count) from the day rollups' buckets;
    `interval_s` the meter's nominal interval. A slot is covered when the values that start in
    it span it exactly: count x interval = slot length (four 900 s values in an hour, one
    86,400 s value in a day). An hour has readings when its bucket has a value."""
    hours_per_slot = slot_s // SECONDS_PER_HOUR
    first_hour = start // SECONDS_PER_HOUR
    total_hours = (end - start) // SECONDS_PER_HOUR
    slots: list[int | None] = []
    with_readings = 0
    for slot in range(total_hours // hours_per_slot):
        first = first_hour + slot * hours_per_slot
        buckets = [hours.get(h, (0, 0)) for h in range(first, first + hours_per_slot)]
        with_readings += sum(1 for _, count in buckets if count)
        covered = sum(count for _, count in buckets) * interval_s == slot_s
        slots.append(sum(total for total, _ in buckets) if covered else None)
    return Actuals(slots, total_hours, with_readings)


@dataclass
class Sums:
    """What ErrorSums holds, as Python integers."""

    slots: int = 0
    sum_abs_error: int = 0
    sum_error: int = 0
    sum_squared_error: int = 0
    sum_actual: int = 0
    sum_forecast: int = 0
    ape_sum_ppm: int = 0
    ape_slots: int = 0

    def add(self, forecast: int, actual: int) -> None:
        error = forecast - actual
        self.slots += 1
        self.sum_abs_error += abs(error)
        self.sum_error += error
        self.sum_squared_error += error * error
        self.sum_actual += actual
        self.sum_forecast += forecast
        if actual != 0:
            # Per slot: |error| / |actual| in ppm, half even.
            self.ape_sum_ppm += mul_div(
                abs(error), PPM, abs(actual), Rounding.HALF_EVEN, what="a slot's APE"
            )
            self.ape_slots += 1

    def merge(self, other: Sums) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @classmethod
    def of(cls, record: ErrorSums) -> Sums:
        return cls(
            slots=record.slots,
            sum_abs_error=record.sum_abs_error,
            sum_error=record.sum_error,
            sum_squared_error=int(record.sum_squared_error or "0"),
            sum_actual=record.sum_actual,
            sum_forecast=record.sum_forecast,
            ape_sum_ppm=record.ape_sum_ppm,
            ape_slots=record.ape_slots,
        )

    def record(self, what: str) -> ErrorSums:
        """As a record; InvalidTransaction naming `what` if a sum does not fit 64 bits."""
        for name in ("sum_abs_error", "sum_error", "sum_actual", "sum_forecast", "ape_sum_ppm"):
            check_int64(f"{what}: {name.replace('_', ' ')}", getattr(self, name))
        return ErrorSums(
            slots=self.slots,
            sum_abs_error=self.sum_abs_error,
            sum_error=self.sum_error,
            sum_squared_error=str(self.sum_squared_error),
            sum_actual=self.sum_actual,
            sum_forecast=self.sum_forecast,
            ape_sum_ppm=self.ape_sum_ppm,
            ape_slots=self.ape_slots,
        )


def score_slots(forecast: Iterable[int], actual: Iterable[int | None]) -> Sums:
    sums = Sums()
    for f, a in zip(forecast, actual, strict=True):
        if a is not None:
            sums.add(f, a)
    return sums


def metrics(sums: Sums) -> Metrics:
    """MAE and bias per slot (half even), MAPE (mean of the slots' APE, half even) and
    CV(RMSE) = sqrt(SSE * n) / sum(actual), in ppm: floor(sqrt(SSE * n * 10^12)) by math.isqrt,
    then divided by sum(actual) half even; 0 where undefined (no slot, sum of actuals <= 0)."""
    n = sums.slots
    if n == 0:
        return Metrics()
    mae = divide(sums.sum_abs_error, n, Rounding.HALF_EVEN, what="MAE")
    bias = divide(sums.sum_error, n, Rounding.HALF_EVEN, what="bias")
    mape = (
        divide(sums.ape_sum_ppm, sums.ape_slots, Rounding.HALF_EVEN, what="MAPE")
        if sums.ape_slots
        else 0
    )
    cv = 0
    if sums.sum_actual > 0:
        root = math.isqrt(sums.sum_squared_error * n * PPM * PPM)
        cv = divide(root, sums.sum_actual, Rounding.HALF_EVEN, what="CV(RMSE)")
    return Metrics(
        mae=check_int64("MAE", mae),
        bias=check_int64("bias", bias),
        mape_ppm=check_int64("MAPE", mape),
        cv_rmse_ppm=check_int64("CV(RMSE)", cv),
    )


def coverage_ppm(hours_with_readings: int, hours_in_period: int) -> int:
    """Hours with readings / hours in the period, in ppm, floor (100 % only when complete)."""
    return mul_div(hours_with_readings, PPM, hours_in_period, Rounding.FLOOR, what="coverage")
