"""The M&V engine: fit time per meter (OpenDSM's daily model on a year of days, and the CalTRACK
hourly model on a year of hours), export time, and the baseline table's evaluation per day (the
cost a settlement pays on-chain per day).

Data: the building simulator's daily load and outdoor temperature (seed 3, 2025). The fit is
timed once (it is seconds, and a second fit hits warm numba caches), the evaluation as the
median of repeated passes over the year.
"""

from __future__ import annotations

import datetime
import statistics
import time
from typing import Any

from smartblocks.blockmeter.simulator import Building
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import day_number


def run(quick: bool = False) -> list[dict[str, Any]]:
    from smartblocks.clients.mv import data, export, model
    from smartblocks.clients.mv.settings import ExportSettings

    first = day_number(datetime.date(2025, 1, 1))
    days = 120 if quick else 365
    series = Building(3, first * 86_400).daily(["building_load", "outdoor_temperature"], days)
    energy = data.DailySeries("load", "mWh", dict(enumerate(series["building_load"], first)))
    temperature = data.DailySeries(
        "outdoor", "mdegC", dict(enumerate(series["outdoor_temperature"], first))
    )
    inputs = data.DailyData(energy, temperature, first, first + days)
    started = time.perf_counter()
    fit = model.fit_daily(inputs)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    table = export.to_table(fit, ExportSettings())
    export_s = time.perf_counter() - started
    pairs = list(temperature.values.items())
    passes = []
    for _ in range(5 if quick else 20):
        started = time.perf_counter()
        baseline.adjusted_baseline(table, pairs)
        passes.append((time.perf_counter() - started) / len(pairs))
    knots = sum(len(c.knots) for c in table.curves)
    parameters = {"days": days, "day_types": len(table.curves), "knots": knots}
    return _daily_figures(fit_s, export_s, passes, parameters) + _hourly_figures(first, days)


def _hourly_series(building: Building, start: int, hours: int) -> tuple[list[int], list[int]]:
    """Per UTC hour: the load's register difference and the floor mean of four 15-minute
    outdoor temperatures (as a weather-station meter's hour bucket)."""
    energy: list[int] = []
    temperature: list[int] = []
    previous = building.reading("building_load", start)
    for hour in range(hours):
        first = start + hour * 3_600
        samples = [building.reading("outdoor_temperature", first + k * 900) for k in range(4)]
        temperature.append(sum(samples) // 4)
        now = building.reading("building_load", first + 3_600)
        energy.append(now - previous)
        previous = now
    return energy, temperature


def _hourly_figures(first: int, days: int) -> list[dict[str, Any]]:
    from smartblocks.clients.mv import data, export, model
    from smartblocks.clients.mv.settings import ExportSettings

    hours = days * 24
    energy, temperature = _hourly_series(Building(3, first * 86_400), first * 86_400, hours)
    first_hour = first * 24
    inputs = data.HourlyData(
        data.DailySeries("load", "mWh", dict(enumerate(energy, first_hour))),
        data.DailySeries("outdoor", "mdegC", dict(enumerate(temperature, first_hour))),
        first,
        first + days,
    )
    started = time.perf_counter()
    fit = model.fit_hourly(inputs)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    table = export.to_hourly_table(fit, ExportSettings())
    export_s = time.perf_counter() - started
    parameters = {
        "days": days,
        "hours": hours,
        "day_types": len(table.curves),
        "knots": sum(len(c.knots) for c in table.curves),
    }
    return [
        {"figure": "hourly fit per meter", "value": round(fit_s, 2), "unit": "s",
         "parameters": parameters},
        {"figure": "hourly table export", "value": round(export_s, 3), "unit": "s",
         "parameters": parameters},
    ]  # fmt: skip


def _daily_figures(
    fit_s: float, export_s: float, passes: list[float], parameters: dict[str, Any]
) -> list[dict[str, Any]]:
    return [
        {
            "figure": "daily fit per meter",
            "value": round(fit_s, 2),
            "unit": "s",
            "parameters": parameters,
        },
        {
            "figure": "table export",
            "value": round(export_s, 3),
            "unit": "s",
            "parameters": parameters,
        },
        {
            "figure": "table evaluation per day",
            "value": round(statistics.median(passes) * 1e6, 2),
            "unit": "µs",
            "parameters": parameters,
        },
    ]
