"""Avoided energy over a reporting period, from the signed baseline table (never the model).

Per day with both energy and temperature: adjusted baseline = the table's evaluation at the day's
mean temperature (processors/kit/baseline.py, as a settlement computes it); avoided energy =
adjusted baseline - actual. Integers in the meter's unit; days without data are left out and
counted. With an hourly table (PER_HOUR): per hour with both, at the hour's mean temperature,
summed per day (a day's row covers its complete hours; hours without data are counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import day_name, month_name
from smartblocks.protos.baseline_pb2 import BaselineTable

from .data import HOURS_PER_DAY, DailyData, HourlyData
from .metrics import FitMetrics, fractional_savings_uncertainty


@dataclass
class DaySavings:
    day: int
    temperature: int
    baseline: int
    actual: int

    @property
    def avoided(self) -> int:
        return self.baseline - self.actual


@dataclass
class Savings:
    days: list[DaySavings]
    missing_days: list[int]
    unit: str
    fsu: float | None = None  # fractional savings uncertainty, when the fit's metrics are known
    confidence: float | None = None
    months: dict[str, dict[str, int]] = field(default_factory=dict)
    hours: int | None = None  # hourly table: hours evaluated, and hours left out
    missing_hours: int | None = None

    @property
    def baseline(self) -> int:
        return sum(d.baseline for d in self.days)

    @property
    def actual(self) -> int:
        return sum(d.actual for d in self.days)

    @property
    def avoided(self) -> int:
        return self.baseline - self.actual

    @property
    def fraction(self) -> float:
        return self.avoided / self.baseline if self.baseline else 0.0

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "unit": self.unit,
            "days": len(self.days),
            "missing_days": [day_name(d) for d in self.missing_days],
            "adjusted_baseline": self.baseline,
            "actual": self.actual,
            "avoided": self.avoided,
            "savings_fraction": round(self.fraction, 6),
            "months": self.months,
        }
        if self.hours is not None:
            out["hours"] = self.hours
            out["missing_hours"] = self.missing_hours
        if self.fsu is not None:
            out["fractional_savings_uncertainty"] = round(self.fsu, 6)
            out["avoided_uncertainty"] = round(abs(self.avoided) * self.fsu)
            out["confidence"] = self.confidence
        return out


def avoided_energy(
    table: BaselineTable,
    data: DailyData,
    metrics: FitMetrics | None = None,
    confidence: float = 0.9,
) -> Savings:
    baseline.validate(table)
    rows, missing = [], []
    for day in data.days:
        if day not in data.energy.values or day not in data.temperature.values:
            missing.append(day)
            continue
        temperature = data.temperature.values[day]
        rows.append(
            DaySavings(
                day,
                temperature,
                baseline.evaluate_day(table, day, temperature),
                data.energy.values[day],
            )
        )
    return _summarize(Savings(rows, missing, data.energy.unit), len(rows), metrics, confidence)


def avoided_energy_hourly(
    table: BaselineTable,
    data: HourlyData,
    metrics: FitMetrics | None = None,
    confidence: float = 0.9,
) -> Savings:
    """As `avoided_energy` with a PER_HOUR table on hourly data; rows are days (sums of their
    complete hours, the day's temperature the mean of those hours'), the uncertainty counts
    hours."""
    baseline.validate(table)
    energy, temperature = data.energy.values, data.temperature.values
    rows, missing_days = [], []
    hours = missing_hours = 0
    for day in data.days:
        complete = [
            h
            for h in range(day * HOURS_PER_DAY, (day + 1) * HOURS_PER_DAY)
            if h in energy and h in temperature
        ]
        missing_hours += HOURS_PER_DAY - len(complete)
        if not complete:
            missing_days.append(day)
            continue
        hours += len(complete)
        rows.append(
            DaySavings(
                day,
                sum(temperature[h] for h in complete) // len(complete),
                sum(baseline.evaluate_hour(table, h * 3_600, temperature[h]) for h in complete),
                sum(energy[h] for h in complete),
            )
        )
    savings = Savings(rows, missing_days, data.energy.unit, hours=hours)
    savings.missing_hours = missing_hours
    return _summarize(savings, hours, metrics, confidence)


def _summarize(
    savings: Savings, points: int, metrics: FitMetrics | None, confidence: float
) -> Savings:
    """Monthly sums, and the uncertainty over `points` reporting days or hours."""
    rows = savings.days
    for row in rows:
        month = savings.months.setdefault(
            month_name(row.day), {"days": 0, "adjusted_baseline": 0, "actual": 0, "avoided": 0}
        )
        month["days"] += 1
        month["adjusted_baseline"] += row.baseline
        month["actual"] += row.actual
        month["avoided"] += row.avoided
    if metrics is not None and rows:
        savings.fsu = fractional_savings_uncertainty(
            metrics, points, abs(savings.fraction), confidence
        )
        savings.confidence = confidence
    return savings
