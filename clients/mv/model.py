"""OpenDSM's daily model (CalTRACK daily methods) fitted on DailyData, its hourly model
(CalTRACK hourly method) fitted on HourlyData, and their predictions.

OpenDSM takes float energy and temperatures in °F on a time-zone-aware daily index; this module
is the one place that converts: energy from base units to kWh (mWh) or m³ (mL), temperature from
m°C to °F, days to a UTC index (SmartBlocks' days are UTC days, like its rollups). OpenDSM is
imported here, lazily: its import takes seconds.

Predictions at arbitrary (day, temperature) pairs go through `DailyModel._predict`, the frame-level
prediction `predict` wraps after its reporting-data checks; opendsm is pinned (1.2.7) for that.
Hourly predictions go through the CalTRACK hourly model's own segmented `predict` (by timestamp
and temperature), and the table export reads its temperature bin endpoints.
"""

from __future__ import annotations

import datetime
import json
import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from smartblocks.processors.kit.periods import day_date

from .data import DailyData, DataError, HourlyData
from .findings import DISQUALIFICATION, WARNING, Finding

# Base units per model unit: OpenDSM fits kWh (or m³), we keep mWh (or mL).
MODEL_SCALE = {"mWh": 1_000_000, "mL": 1_000_000}
MODEL_UNIT = {"mWh": "kWh", "mL": "m3"}
# OpenDSM's own data-quality notes that do not apply: our days are UTC days by design, and a
# daily mean temperature is what a weather-station rollup gives.
IGNORED_OPENDSM_CODES = {
    "eemeter.data_quality.utc_index",
    "eemeter.sufficiency_criteria.unable_to_confirm_daily_temperature_sufficiency",
}


def fahrenheit(mdegc: float) -> float:
    return mdegc / 1000 * 9 / 5 + 32


@dataclass
class DailyFit:
    """A fitted daily model and what it was fitted on (energy in base units)."""

    model: Any  # opendsm.eemeter.DailyModel
    unit: str  # base unit of the energy: "mWh" or "mL"
    days: list[int]
    temperatures: list[int]  # m°C, per day
    observed: list[float]
    predicted: list[float]
    num_params: int
    model_name: str
    findings: list[Finding] = field(default_factory=list)


def _index(days: Sequence[int]) -> Any:
    import pandas as pd

    return pd.DatetimeIndex(
        [datetime.datetime(*day_date(d).timetuple()[:3]) for d in days]
    ).tz_localize("UTC")


def _findings(items: Sequence[Any], severity: str) -> list[Finding]:
    out = []
    for item in items:
        if item.qualified_name in IGNORED_OPENDSM_CODES:
            continue
        values = {k: v for k, v in (item.data or {}).items() if isinstance(v, int | float | str)}
        out.append(Finding(f"opendsm.{item.qualified_name}", severity, item.description, values))
    return out


def fit_daily(data: DailyData, *, electricity: bool = True) -> DailyFit:
    """Fit OpenDSM's daily model on the days that have both energy and temperature."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import opendsm
        from opendsm import eemeter

    days = data.complete_days()
    if len(days) < 30:
        raise DataError(f"only {len(days)} days with both energy and temperature; cannot fit")
    scale = MODEL_SCALE[data.energy.unit]
    all_days = list(data.days)
    index = _index(all_days)
    meter = pd.Series(
        [
            data.energy.values[d] / scale if d in data.energy.values else float("nan")
            for d in all_days
        ],
        index=index,
        name="observed",
    )
    temperature = pd.Series(
        [
            fahrenheit(data.temperature.values[d]) if d in data.temperature.values else float("nan")
            for d in all_days
        ],
        index=index,
        name="temperature",
    )
    frame = pd.DataFrame({"observed": meter, "temperature": temperature})
    # OpenDSM logs its data warnings; they come back as findings below, so the log stays quiet.
    logging.getLogger("eemeter").setLevel(logging.ERROR)
    try:
        baseline = eemeter.DailyBaselineData(frame, is_electricity_data=electricity)
        model = eemeter.DailyModel().fit(baseline, ignore_disqualification=True)
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise DataError(f"OpenDSM cannot fit this data: {exc}") from exc
    findings = _findings(baseline.disqualification, DISQUALIFICATION)
    findings += _findings(baseline.warnings, WARNING)
    findings += _findings(getattr(model, "disqualification", []), DISQUALIFICATION)
    # Deduplicate: the model carries the data's findings too.
    unique = list({(f.code, f.description): f for f in findings}.values())
    predicted = predict(model, data.energy.unit, days, [data.temperature.values[d] for d in days])
    return DailyFit(
        model=model,
        unit=data.energy.unit,
        days=days,
        temperatures=[data.temperature.values[d] for d in days],
        observed=[float(data.energy.values[d]) for d in days],
        predicted=predicted,
        num_params=int(model.baseline_metrics.num_model_params),
        model_name=f"opendsm {opendsm.__version__} daily ({model.best_combination})",
        findings=unique,
    )


def predict(model: Any, unit: str, days: Sequence[int], temperatures: Sequence[int]) -> list[float]:
    """The model's energy (base units) on each UTC day at its temperature (m°C); days unique."""
    import pandas as pd

    if len(set(days)) != len(days):
        raise ValueError("predict needs unique days")
    frame = pd.DataFrame(
        {"temperature": [fahrenheit(t) for t in temperatures]}, index=_index(list(days))
    )
    result = model._predict(frame)["predicted"].reindex(frame.index)  # sorted by day: reorder
    scale = MODEL_SCALE[unit]
    return [float(v) * scale for v in result.to_numpy()]


def model_document(model: Any) -> dict[str, Any]:
    """The fitted model as OpenDSM serializes it (kept beside the table, for later checks)."""
    return dict(json.loads(model.to_json()))


def load_model(document: dict[str, Any]) -> Any:
    """A fitted DailyModel back from `model_document`; it predicts exactly as before."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from opendsm import eemeter

    return eemeter.DailyModel.from_json(json.dumps(document))


# -- hourly (CalTRACK's hourly method, as OpenDSM 1.2.7 implements it) ------------------------

# OpenDSM's CalTRACK hourly data object reuses the daily sufficiency rules on hourly rows, so
# its day count never matches; sufficiency.check_baseline_hourly applies CalTRACK's hourly
# rules instead.
MONTH_ABBREVIATIONS = (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
MAX_HOLE_HOURS = 24 * 31  # predict_hourly: a longer hole between hours starts another run
IGNORED_OPENDSM_HOURLY_CODES = {
    "eemeter.caltrack_sufficiency_criteria.incorrect_number_of_total_days",
}


@dataclass
class HourlyFit:
    """A fitted CalTRACK hourly model and what it was fitted on (energy in base units).

    The model is one regression per calendar month (fitted on that month and, at half weight,
    its neighbours): an intercept per hour of the week plus piecewise-linear temperature terms
    (bins between the segment's bin endpoints, in °F), separately for occupied and unoccupied
    hours of the week.
    """

    model: Any  # opendsm.eemeter.HourlyCaltrackModel
    unit: str
    hours: list[int]  # Unix hours (seconds // 3600) with both energy and temperature
    temperatures: list[int]  # m°C, per hour
    observed: list[float]
    predicted: list[float]
    num_params: int  # of the largest month model (each hour is predicted by one of them)
    model_name: str
    findings: list[Finding] = field(default_factory=list)


def _hour_index(hours: Sequence[int]) -> Any:
    import pandas as pd

    return pd.to_datetime([h * 3_600 for h in hours], unit="s", utc=True)


def fit_hourly(data: HourlyData, *, electricity: bool = True) -> HourlyFit:
    """Fit OpenDSM's CalTRACK hourly model on the hours that have energy and temperature."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import opendsm
        from opendsm import eemeter

    hours = data.complete_hours()
    if len(hours) < 30 * 24:
        raise DataError(f"only {len(hours)} hours with both energy and temperature; cannot fit")
    scale = MODEL_SCALE[data.energy.unit]
    all_hours = list(data.hours)
    index = _hour_index(all_hours)
    energy, temperature = data.energy.values, data.temperature.values
    meter = pd.Series(
        [energy[h] / scale if h in energy else float("nan") for h in all_hours],
        index=index,
        name="observed",
    )
    outdoor = pd.Series(
        [fahrenheit(temperature[h]) if h in temperature else float("nan") for h in all_hours],
        index=index,
        name="temperature",
    )
    logging.getLogger("eemeter").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels and pandas notes, not findings
            baseline = eemeter.HourlyCaltrackBaselineData.from_series(
                meter, outdoor, is_electricity_data=electricity
            )
            model = eemeter.HourlyCaltrackModel().fit(baseline)
    except (ValueError, TypeError, ArithmeticError, KeyError) as exc:
        raise DataError(f"OpenDSM cannot fit this data: {exc}") from exc
    findings = [
        f
        for f in _findings(baseline.warnings, WARNING)
        if f.code.removeprefix("opendsm.") not in IGNORED_OPENDSM_HOURLY_CODES
    ]
    temperatures = [temperature[h] for h in hours]
    predicted = predict_hourly(model, data.energy.unit, hours, temperatures)
    if any(not math.isfinite(p) for p in predicted):
        missing = sum(1 for p in predicted if not math.isfinite(p))
        raise DataError(
            f"the hourly model predicts nothing for {missing} baseline hours (an hour of the "
            "week without data in a month's segment); the baseline needs every hour of the week"
        )
    segments = model.model.model.model_lookup.values()
    return HourlyFit(
        model=model,
        unit=data.energy.unit,
        hours=hours,
        temperatures=temperatures,
        observed=[float(energy[h]) for h in hours],
        predicted=predicted,
        num_params=max(len(s.model_params) for s in segments),
        model_name=f"opendsm {opendsm.__version__} hourly (CalTRACK, 3-month weighted)",
        findings=findings,
    )


def predict_hourly(
    model: Any, unit: str, hours: Sequence[int], temperatures: Sequence[int]
) -> list[float]:
    """The hourly model's energy (base units) in each UTC hour at its temperature (m°C); hours
    unique. NaN where the model has no prediction (an hour of the week it never saw)."""
    import pandas as pd

    if len(set(hours)) != len(hours):
        raise ValueError("predict_hourly needs unique hours")
    given = dict(zip(hours, temperatures, strict=True))
    out: dict[int, float] = {}
    ordered = sorted(given)
    # OpenDSM predicts on a regular hourly index: predict runs of hours (short holes filled
    # with NaN temperatures, which predict NaN) one at a time.
    start = 0
    for end in range(1, len(ordered) + 1):
        if end < len(ordered) and ordered[end] - ordered[end - 1] <= MAX_HOLE_HOURS:
            continue
        first, last = ordered[start], ordered[end - 1]
        index = pd.date_range(
            pd.Timestamp(first * 3_600, unit="s", tz="UTC"), periods=last - first + 1, freq="h"
        )
        outdoor = pd.Series(
            [fahrenheit(given[h]) if h in given else float("nan") for h in range(first, last + 1)],
            index=index,
            name="temperature",
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = model.model.predict(index, outdoor).result["predicted_usage"]
        values = result.reindex(index).to_numpy()
        for h in ordered[start:end]:
            out[h] = float(values[h - first])
        start = end
    scale = MODEL_SCALE[unit]
    return [out[h] * scale for h in hours]


def hourly_model_document(model: Any) -> dict[str, Any]:
    """The fitted hourly model as OpenDSM serializes it."""
    return dict(json.loads(model.to_json()))


def load_hourly_model(document: dict[str, Any]) -> Any:
    """A fitted HourlyCaltrackModel back from `hourly_model_document`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from opendsm import eemeter

    return eemeter.HourlyCaltrackModel.from_dict(document)


def bin_endpoints(model: Any) -> dict[int, list[float]]:
    """Per month (1..12), the temperatures (°F) where the month's model has a kink: the
    endpoints of its occupied and unoccupied temperature bins (CalTRACK's bins are in °F)."""
    inner = model.model.model  # CalTRACKHourlyModel
    mapping = inner.prediction_segment_name_mapping or {}
    out: dict[int, list[float]] = {}
    for month, abbreviation in enumerate(MONTH_ABBREVIATIONS, start=1):
        segment = mapping.get(abbreviation, abbreviation)
        points: set[float] = set()
        for bins in (inner.occupied_temperature_bins, inner.unoccupied_temperature_bins):
            if segment in bins.columns:
                flags = bins[segment]
                points.update(float(t) for t in flags.index[flags.astype(bool)])
        out[month] = sorted(points)
    return out
