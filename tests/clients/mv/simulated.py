"""Simulated ground truth for the M&V tests: a year of baseline, a measure, three months after."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from smartblocks.blockmeter.simulator import Building, Measure
from smartblocks.processors.kit.periods import day_name, day_number

BASELINE_START = datetime.date(2025, 1, 1)
MEASURE_DATE = datetime.date(2026, 1, 1)
REPORTING_DAYS = 90  # 2026-01-01 .. 2026-03-31
SEED = 3


@dataclass
class Truth:
    first_day: int
    energy: list[int]  # mWh per day, with the measure from MEASURE_DATE
    counterfactual: list[int]  # the same building and weather, no measure
    temperature: list[int]  # m°C, daily mean
    gas: list[int]  # mL per day, with the measure
    gas_counterfactual: list[int]

    def write_csv(self, folder: Path, days: range) -> tuple[Path, Path]:
        energy, temperature = folder / "energy.csv", folder / "temperature.csv"
        energy.write_text(
            "timestamp,mWh\n"
            + "".join(f"{day_name(self.first_day + i)},{self.energy[i]}\n" for i in days)
        )
        temperature.write_text(
            "timestamp,mdegC\n"
            + "".join(f"{day_name(self.first_day + i)},{self.temperature[i]}\n" for i in days)
        )
        return energy, temperature


def simulate(lighting_factor: float = 0.7, setpoint_change_c: float = 0.0) -> Truth:
    start = day_number(BASELINE_START) * 86_400
    measure = Measure(day_number(MEASURE_DATE) * 86_400, lighting_factor, setpoint_change_c)
    days = (MEASURE_DATE - BASELINE_START).days + REPORTING_DAYS
    points = ["building_load", "gas_volume", "outdoor_temperature"]
    actual = Building(SEED, start, measure).daily(points, days)
    counterfactual = Building(SEED, start).daily(points[:2], days)
    return Truth(
        day_number(BASELINE_START),
        actual["building_load"],
        counterfactual["building_load"],
        actual["outdoor_temperature"],
        actual["gas_volume"],
        counterfactual["gas_volume"],
    )
