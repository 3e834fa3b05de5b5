"""Building day-ahead forecasts: pure functions from a forecast's inputs to 24 integer hourly
values in the meter's unit (mWh for electricity and heat, mL for gas).

Demand: the site's baseline table (processors/kit/baseline.py, the one evaluator) at the
temperature forecast. A PER_HOUR table gives each hour at that hour's temperature. A PER_DAY
table gives the day's energy at the day's mean temperature, split into hours by a *profile*:
the meter's own mean hourly shape over the same kind of day (weekday or weekend) in the last
28 days of BlockMeter day rollups (days with all 24 hourly buckets); with fewer than
MIN_PROFILE_DAYS such days the split is flat. Shares are split by largest remainder, so the
hours add up to the table's day value exactly.

Combination (what the service posts for demand): the model above and the naive forecast (the
same hour one week before, from the meter's rollups) blended hour by hour with one weight per
meter and day, w x model + (1 - w) x naive, rounded to the meter's unit. w is the inverse-MSE
weight (Bates and Granger, 1969) measured on the trailing COMBINATION_WINDOW_DAYS days that have
both forecasts and the actuals: w = SSE_naive / (SSE_model + SSE_naive) over their hours, where
the model's forecast of a past day is the table at the temperature forecast issued for that day,
split by the current profile of that day's kind. w is clipped to [WEIGHT_MIN, 1 - WEIGHT_MIN] so
a few odd days do not drop either forecast. With no week-old day the forecast is the model's;
with fewer than MIN_COMBINATION_DAYS scored days, too.

Wind: the turbine's power curve (windpowerlib's turbine library, bundled with it, or a curve in
the config) at the wind speed at hub height, scaled from the forecast's measurement height with
windpowerlib's Hellman power law; one hour at P watts is P * 1000 mWh.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from smartblocks.processors.kit import baseline
from smartblocks.protos.baseline_pb2 import BaselineTable, Resolution

HOURS = 24
DAY = 86_400
MIN_PROFILE_DAYS = 3
PROFILE_WINDOW_DAYS = 28
NAIVE_LAG_DAYS = 7  # the naive forecast: the same hour one week before
COMBINATION_WINDOW_DAYS = 21  # trailing days the weights are measured on (all of them have
# their week-old day inside the profile window the service reads)
MIN_COMBINATION_DAYS = 7
WEIGHT_MIN = 0.1


class ForecastError(ValueError):
    """Inputs a forecast cannot be built from; the message names what is missing or wrong."""


def split_by_profile(total: int, profile: Sequence[float]) -> list[int]:
    """`total` split into len(profile) integers proportional to `profile` (largest remainder,
    ties to the earlier hour), summing to `total` exactly. A zero or empty profile is flat."""
    count = len(profile)
    weights = [max(0.0, float(p)) for p in profile]
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1.0] * count, float(count)
    exact = [total * w / weight_sum for w in weights]
    values = [int(x // 1) for x in exact]
    remainder = total - sum(values)
    order = sorted(range(count), key=lambda i: (-(exact[i] - values[i]), i))
    for i in order[:remainder]:
        values[i] += 1
    return values


def weekend(day_number: int) -> bool:
    return baseline.weekday(day_number) >= 5


def hourly_profile(
    history: Mapping[int, Sequence[int]],
    target_day: int,
    window_days: int = PROFILE_WINDOW_DAYS,
    *,
    kind: bool | None = None,
) -> list[float]:
    """The mean share of each UTC hour over the days of `history` (day number -> 24 hourly
    values) within `window_days` before `target_day` that are of its kind (weekday or weekend;
    `kind`: weekend or not, when given instead); flat with fewer than MIN_PROFILE_DAYS such
    days."""
    kind = weekend(target_day) if kind is None else kind
    shares = [0.0] * HOURS
    used = 0
    for day, hours in history.items():
        if not target_day - window_days <= day < target_day or weekend(day) != kind:
            continue
        total = sum(hours)
        if len(hours) != HOURS or total <= 0:
            continue
        for h in range(HOURS):
            shares[h] += hours[h] / total
        used += 1
    if used < MIN_PROFILE_DAYS:
        return [1.0 / HOURS] * HOURS
    return [s / used for s in shares]


def demand_forecast(
    table: BaselineTable,
    target_day: int,
    temperatures_mc: Sequence[int],
    profile: Sequence[float],
) -> list[int]:
    """24 hourly values of a demand meter for UTC day `target_day` (days since 1970-01-01) at
    the hourly temperature forecast (m°C)."""
    if len(temperatures_mc) != HOURS:
        raise ForecastError(f"{len(temperatures_mc)} hourly temperatures; a day needs {HOURS}")
    if table.resolution == Resolution.PER_HOUR:
        start = target_day * DAY
        return [
            baseline.evaluate_hour(table, start + h * 3_600, temperatures_mc[h])
            for h in range(HOURS)
        ]
    mean = sum(temperatures_mc) // HOURS  # floor, like a weather meter's day rollup
    return split_by_profile(baseline.evaluate_day(table, target_day, mean), profile)


def combination_weight(model_sse: float, naive_sse: float, floor: float = WEIGHT_MIN) -> float:
    """The model's inverse-MSE weight, naive_sse / (model_sse + naive_sse) (the same hours for
    both), clipped to [floor, 1 - floor]; 0.5 when both are 0."""
    total = model_sse + naive_sse
    weight = 0.5 if total <= 0 else naive_sse / total
    return min(max(weight, floor), 1.0 - floor)


def blend(model: Sequence[int], naive: Sequence[int], weight: float) -> list[int]:
    """weight x model + (1 - weight) x naive, hour by hour, rounded (half to even)."""
    return [round(weight * m + (1.0 - weight) * n) for m, n in zip(model, naive, strict=True)]


@dataclass(frozen=True)
class Combination:
    """A combined demand forecast and how it was made."""

    values: list[int]
    model_weight: float  # 1.0: the model alone (no week-old day, or too few scored days)
    scored_days: int  # trailing days the weight was measured on


def combined_demand_forecast(
    table: BaselineTable,
    target_day: int,
    temperatures_mc: Sequence[int],
    history: Mapping[int, Sequence[int]],
    past_temperatures_mc: Mapping[int, Sequence[int]],
) -> Combination:
    """The model's forecast of `target_day` blended with the naive one (module docstring).
    `history`: the meter's complete days (day number -> 24 hourly values) before the day;
    `past_temperatures_mc`: the temperature forecasts that were issued for past days (those the
    weather source still has)."""
    profiles = {k: hourly_profile(history, target_day, kind=k) for k in (False, True)}
    model = demand_forecast(table, target_day, temperatures_mc, profiles[weekend(target_day)])
    naive = history.get(target_day - NAIVE_LAG_DAYS)
    if naive is None or len(naive) != HOURS:
        return Combination(model, 1.0, 0)
    model_sse = naive_sse = 0.0
    scored = 0
    for day in range(target_day - COMBINATION_WINDOW_DAYS, target_day):
        actual, week_before = history.get(day), history.get(day - NAIVE_LAG_DAYS)
        past = past_temperatures_mc.get(day)
        if any(x is None or len(x) != HOURS for x in (actual, week_before, past)):
            continue
        assert actual is not None and week_before is not None and past is not None
        past_model = demand_forecast(table, day, past, profiles[weekend(day)])
        model_sse += sum((f - a) ** 2 for f, a in zip(past_model, actual, strict=True))
        naive_sse += sum((f - a) ** 2 for f, a in zip(week_before, actual, strict=True))
        scored += 1
    if scored < MIN_COMBINATION_DAYS:
        return Combination(model, 1.0, scored)
    weight = combination_weight(model_sse, naive_sse)
    return Combination(blend(model, naive, weight), weight, scored)


@dataclass(frozen=True)
class PowerCurve:
    """Wind speeds (m/s, increasing) and electrical power (W) at hub height."""

    speeds: tuple[float, ...]
    powers_w: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.speeds) < 2 or len(self.speeds) != len(self.powers_w):
            raise ForecastError("a power curve needs two or more (speed, power) points")
        if any(b <= a for a, b in itertools.pairwise(self.speeds)):
            raise ForecastError("power curve speeds must increase")
        if any(p < 0 for p in self.powers_w):
            raise ForecastError("power curve powers must be >= 0")


def library_power_curve(turbine_type: str) -> PowerCurve:
    """The power curve of a turbine in windpowerlib's bundled turbine library (no network)."""
    from windpowerlib import WindTurbine

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecations inside windpowerlib's data module
        try:
            curve = WindTurbine(hub_height=100.0, turbine_type=turbine_type).power_curve
        except (KeyError, ValueError):
            curve = None
    if curve is None:
        raise ForecastError(
            f"turbine type {turbine_type!r} has no power curve in windpowerlib's turbine "
            "library (see windpowerlib.get_turbine_types()); give power_curve in the config"
        )
    return PowerCurve(
        tuple(float(v) for v in curve["wind_speed"]), tuple(float(v) for v in curve["value"])
    )


def wind_forecast(
    curve: PowerCurve,
    speeds_ms: Sequence[float],
    *,
    hub_height_m: float,
    measurement_height_m: float = 10.0,
    hellman_exponent: float = 1 / 7,
) -> list[int]:
    """Hourly generation (mWh) of one turbine at the hourly wind-speed forecast, measured at
    `measurement_height_m` and scaled to hub height by the Hellman power law."""
    import numpy as np
    import pandas as pd
    from windpowerlib import power_output, wind_speed

    if len(speeds_ms) != HOURS:
        raise ForecastError(f"{len(speeds_ms)} hourly wind speeds; a day needs {HOURS}")
    measured = pd.Series([max(0.0, float(s)) for s in speeds_ms])
    at_hub = wind_speed.hellman(
        measured, measurement_height_m, hub_height_m, hellman_exponent=hellman_exponent
    )
    power = power_output.power_curve(
        at_hub, pd.Series(curve.speeds), pd.Series(curve.powers_w), density_correction=False
    )
    watts = np.nan_to_num(np.asarray(power, dtype=float), nan=0.0)
    return [round(float(w) * 1000) for w in watts]  # W over one hour -> mWh
