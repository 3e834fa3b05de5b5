"""Avoided energy over a reporting period, from the signed baseline table (never the model).

Per day with both energy and temperature: adjusted baseline = the table's evaluation at the day's
mean temperature (processors/kit/baseline.py, as a settlement computes it); avoided energy =
adjusted baseline - actual. Integers in the meter's unit; days without data are left out and
counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import day_name, month_name
from smartblocks.protos.baseline_pb2 import BaselineTable

from .data import DailyData
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
    savings = Savings(rows, missing, data.energy.unit)
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
            metrics, len(rows), abs(savings.fraction), confidence
        )
        savings.confidence = confidence
    return savings
