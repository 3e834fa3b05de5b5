"""A fitted model to the integer baseline table both parties sign, and how faithful it is.

The table (protos/baseline.proto, evaluated by processors/kit/baseline.py) holds, per day type,
the model's own prediction at knots of outdoor temperature: every `knot_step_mdegc` from
`margin_mdegc` below the coldest observed day to as far above the warmest, rounded half to even
to an integer in the meter's unit (outside the knots the table is flat). OpenDSM's daily model
distinguishes weekdays from weekends and, when it chooses to, seasons, which it defines by
month; so the table starts with 24 day types (month x weekday/weekend) and is collapsed to
WEEKDAY_WEEKEND or ALL_DAYS when the model's curves do not differ.

The hourly model (CalTRACK's hourly method) is one regression per calendar month, linear in
temperature between its temperature bin endpoints for each hour of the week: its table has
12 x 168 day types (MONTHS_HOURS_OF_WEEK; HOURS_OF_WEEK if the months agree) with knots at the
coldest observed hour - margin, the month's bin endpoints (°F, converted to the nearest m°C) and
the warmest + margin, so between them the table is the model itself up to rounding.

Fidelity: per calendar month, |table - model| / model over the days with data, where "table" is
the sum of the table's evaluations and "model" the sum of the model's own predictions at the same
days (or hours) and temperatures.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from smartblocks.processors.energycontract.terms import check_baseline_provenance
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import day_number, month_name
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit

from . import model as daily_model
from .model import DailyFit, HourlyFit
from .settings import ExportSettings

TABLE_UNITS = {"mWh": Unit.MILLIWATT_HOUR, "mL": Unit.MILLILITRE}


def knot_temperatures(temperatures: Sequence[int], settings: ExportSettings) -> list[int]:
    """Knots every step (widened if needed to fit MAX_KNOTS) across the observed range + margin."""
    step = settings.knot_step_mdegc
    low = min(temperatures) - settings.margin_mdegc
    high = max(temperatures) + settings.margin_mdegc
    while True:
        first = math.floor(low / step) * step
        last = math.ceil(high / step) * step
        if (last - first) // step + 1 <= baseline.MAX_KNOTS:
            break
        step *= 2
    first = max(first, baseline.MIN_TEMPERATURE)
    last = min(last, baseline.MAX_TEMPERATURE)
    return list(range(first, last + 1, step))


def _representative_days(month: int, weekend: bool, count: int) -> list[int]:
    """`count` distinct UTC days in `month` of the given weekday class (the model looks only at
    a day's month and weekday)."""
    out: list[int] = []
    year = 2001
    while len(out) < count:
        date = datetime.date(year, month, 1)
        while date.month == month and len(out) < count:
            if (date.weekday() >= 5) == weekend:
                out.append(day_number(date))
            date += datetime.timedelta(days=1)
        year += 1
    return out


def _energy(value: float) -> int:
    if not math.isfinite(value):
        raise ValueError(f"the model predicts {value}; cannot export it")
    return min(max(round(value), 0), baseline.MAX_ENERGY)  # round(): half to even


def to_table(fit: DailyFit, settings: ExportSettings) -> BaselineTable:
    knots = knot_temperatures(fit.temperatures, settings)
    curves: list[list[int]] = []
    for month in range(1, 13):
        for weekend in (False, True):
            days = _representative_days(month, weekend, len(knots))
            predicted = daily_model.predict(fit.model, fit.unit, days, knots)
            curves.append([_energy(v) for v in predicted])
    day_types, chosen = DayTypes.MONTHS_WEEKDAY_WEEKEND, curves
    if all(curves[i] == curves[i % 2] for i in range(24)):
        day_types, chosen = DayTypes.WEEKDAY_WEEKEND, curves[:2]
        if curves[0] == curves[1]:
            day_types, chosen = DayTypes.ALL_DAYS, curves[:1]
    pairs = [list(zip(knots, energies, strict=True)) for energies in chosen]
    return _table(fit, Resolution.PER_DAY, day_types, pairs)


@dataclass(frozen=True)
class MonthFidelity:
    month: str
    days: int
    model: float  # the model's own prediction, summed, base units
    table: int  # the table's evaluation, summed
    error: float  # |table - model| / model

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fidelity(
    fit: DailyFit, table: BaselineTable, days: Sequence[int], temperatures: Sequence[int]
) -> list[MonthFidelity]:
    """The table against the model, month by month, over (day, temperature) pairs."""
    return model_fidelity(fit.model, fit.unit, table, days, temperatures)


def model_fidelity(
    model: Any, unit: str, table: BaselineTable, days: Sequence[int], temperatures: Sequence[int]
) -> list[MonthFidelity]:
    """As `fidelity`, for a model loaded back from the fit's JSON (`model.load_model`)."""
    predicted = daily_model.predict(model, unit, days, temperatures)
    months: dict[str, list[tuple[float, int]]] = {}
    for day, temperature, value in zip(days, temperatures, predicted, strict=True):
        months.setdefault(month_name(day), []).append(
            (value, baseline.evaluate_day(table, day, temperature))
        )
    out = []
    for month, pairs in sorted(months.items()):
        model_sum = sum(m for m, _ in pairs)
        table_sum = sum(t for _, t in pairs)
        error = abs(table_sum - model_sum) / model_sum if model_sum else 0.0
        out.append(MonthFidelity(month, len(pairs), model_sum, table_sum, error))
    return out


def table_dict(table: BaselineTable) -> dict[str, Any]:
    """A JSON rendering of a table, with its hash (the bytes signed are the protobuf's)."""
    return {
        "table_hash": baseline.table_hash(table),
        "version": table.version,
        "unit": Unit.Name(table.unit),
        "resolution": Resolution.Name(table.resolution),
        "day_types": DayTypes.Name(table.day_types),
        "model": table.model,
        "fit_meters": list(table.fit_meters),
        "fit_weather_meter": table.fit_weather_meter,
        "fit_start": table.fit_start,  # Unix seconds; both 0: not recorded
        "fit_end": table.fit_end,
        "rounding": baseline.ROUNDING.name,
        "curves": [
            {
                "day_type": curve.day_type,
                "knots": [[k.temperature, k.energy] for k in curve.knots],
            }
            for curve in table.curves
        ],
    }


# -- hourly ---------------------------------------------------------------------------------


def celsius_milli(fahrenheit: float) -> int:
    """°F to the nearest m°C (half to even)."""
    return round((fahrenheit - 32) * 5 / 9 * 1000)


def hourly_knots(
    temperatures: Sequence[int], endpoints_f: Sequence[float], margin: int
) -> list[int]:
    """Knots of one month: the observed range + margin and the model's kinks inside it."""
    low = max(min(temperatures) - margin, baseline.MIN_TEMPERATURE)
    high = min(max(temperatures) + margin, baseline.MAX_TEMPERATURE)
    inner = {celsius_milli(f) for f in endpoints_f}
    return sorted({low, high} | {t for t in inner if low < t < high})


def _representative_hours(month: int, copies: int) -> list[list[int]]:
    """`copies` lists of 168 distinct UTC hours in `month`, each ordered by hour of the week
    (the first seven days of the month hold every weekday once; each copy another year)."""
    out = []
    for copy in range(copies):
        first = day_number(datetime.date(2001 + copy, month, 1))
        hours = [(first + d) * 24 + h for d in range(7) for h in range(24)]
        out.append(sorted(hours, key=lambda hour: baseline.hour_of_week(hour * 3_600)))
    return out


def to_hourly_table(fit: HourlyFit, settings: ExportSettings) -> BaselineTable:
    """The hourly model as a PER_HOUR table (see the module's docstring)."""
    endpoints = daily_model.bin_endpoints(fit.model)
    month_knots = {
        month: hourly_knots(fit.temperatures, endpoints[month], settings.margin_mdegc)
        for month in range(1, 13)
    }
    hours: list[int] = []
    temperatures: list[int] = []
    for month, knots in month_knots.items():
        for copy, week in zip(knots, _representative_hours(month, len(knots)), strict=True):
            hours += week
            temperatures += [copy] * len(week)
    predicted = daily_model.predict_hourly(fit.model, fit.unit, hours, temperatures)
    energies = iter(_energy(v) for v in predicted)
    # curves[(month - 1) * 168 + hour of week] = energies at the month's knots
    curves: list[list[int]] = [[] for _ in range(12 * 168)]
    for month, knots in month_knots.items():
        for _ in knots:
            for how in range(168):
                curves[(month - 1) * 168 + how].append(next(energies))
    day_types = DayTypes.MONTHS_HOURS_OF_WEEK
    chosen = [list(zip(month_knots[i // 168 + 1], c, strict=True)) for i, c in enumerate(curves)]
    if all(chosen[i] == chosen[i % 168] for i in range(len(chosen))):
        day_types, chosen = DayTypes.HOURS_OF_WEEK, chosen[:168]
    return _table(fit, Resolution.PER_HOUR, day_types, chosen)


def hourly_fidelity(
    model: Any,
    unit: str,
    table: BaselineTable,
    hours: Sequence[int],
    temperatures: Sequence[int],
) -> list[MonthFidelity]:
    """The hourly table against the hourly model, month by month, over (hour, temperature)
    pairs (`days` in the result counts hours)."""
    predicted = daily_model.predict_hourly(model, unit, hours, temperatures)
    months: dict[str, list[tuple[float, int]]] = {}
    for hour, temperature, value in zip(hours, temperatures, predicted, strict=True):
        if not math.isfinite(value):
            continue
        months.setdefault(month_name(hour // 24), []).append(
            (value, baseline.evaluate_hour(table, hour * 3_600, temperature))
        )
    out = []
    for month, pairs in sorted(months.items()):
        model_sum = sum(m for m, _ in pairs)
        table_sum = sum(t for _, t in pairs)
        error = abs(table_sum - model_sum) / model_sum if model_sum else 0.0
        out.append(MonthFidelity(month, len(pairs), model_sum, table_sum, error))
    return out


def _table(
    fit: DailyFit | HourlyFit,
    resolution: Resolution,
    day_types: DayTypes,
    curves: list[list[tuple[int, int]]],
) -> BaselineTable:
    """The validated BaselineTable: curve i (day type i) holds its (temperature, energy) knots."""
    table = BaselineTable(
        version=baseline.FORMAT_VERSION,
        unit=TABLE_UNITS[fit.unit],
        resolution=resolution,
        day_types=day_types,
        model=fit.model_name[: baseline.MAX_MODEL_CHARS],
    )
    for index, pairs in enumerate(curves):
        curve = table.curves.add(day_type=index)
        for temperature, energy in pairs:
            curve.knots.add(temperature=temperature, energy=energy)
    baseline.validate(table)
    return table


def record_inputs(table: BaselineTable, inputs: Any) -> None:
    """Write into `table` what it was fitted on (protos/baseline.proto fit_*): the ledger meters
    of `inputs` (DailyData or HourlyData; none for CSV files) and its baseline period."""
    table.fit_start = inputs.first_day * baseline.SECONDS_PER_DAY
    table.fit_end = inputs.end_day * baseline.SECONDS_PER_DAY
    if inputs.energy.meters and inputs.temperature.meters:
        table.fit_meters[:] = sorted(inputs.energy.meters)
        (table.fit_weather_meter,) = inputs.temperature.meters
    check_baseline_provenance("the fitted baseline table", table)
