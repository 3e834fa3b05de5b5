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


@dataclass
class HourlyTruth:
    first_hour: int  # Unix hour (seconds // 3600) of 2025-01-01 00:00 UTC
    energy: list[int]  # mWh per hour, with the measure from MEASURE_DATE
    counterfactual: list[int]
    temperature: list[int]  # m°C, the hour's floor mean of 15-minute samples

    def write_csv(self, folder: Path, hours: range) -> tuple[Path, Path]:
        energy, temperature = folder / "energy-hourly.csv", folder / "temperature-hourly.csv"
        energy.write_text(
            "timestamp,mWh\n" + "".join(f"{self._stamp(i)},{self.energy[i]}\n" for i in hours)
        )
        temperature.write_text(
            "timestamp,mdegC\n"
            + "".join(f"{self._stamp(i)},{self.temperature[i]}\n" for i in hours)
        )
        return energy, temperature

    def _stamp(self, i: int) -> str:
        hour = self.first_hour + i
        return f"{day_name(hour // 24)}T{hour % 24:02}:00Z"


def _hourly(building: Building, start: int, hours: int, temperature: bool) -> dict[str, list[int]]:
    """Per UTC hour: the building load's register difference and, if asked, the floor mean of
    the outdoor temperature every 15 minutes (as a weather-station meter's hour bucket)."""
    out: dict[str, list[int]] = {"energy": [], "temperature": []}
    previous = building.reading("building_load", start)
    for hour in range(hours):
        first = start + hour * 3_600
        if temperature:
            samples = [building.reading("outdoor_temperature", first + k * 900) for k in range(4)]
            out["temperature"].append(sum(samples) // 4)
        now = building.reading("building_load", first + 3_600)
        out["energy"].append(now - previous)
        previous = now
    return out


def simulate_hourly(lighting_factor: float = 0.7) -> HourlyTruth:
    """The lighting measure's truth per hour (about 5 s)."""
    start = day_number(BASELINE_START) * 86_400
    measure = Measure(day_number(MEASURE_DATE) * 86_400, lighting_factor, 0.0)
    hours = ((MEASURE_DATE - BASELINE_START).days + REPORTING_DAYS) * 24
    actual = _hourly(Building(SEED, start, measure), start, hours, True)
    counterfactual = _hourly(Building(SEED, start), start, hours, False)
    return HourlyTruth(
        start // 3_600, actual["energy"], counterfactual["energy"], actual["temperature"]
    )
