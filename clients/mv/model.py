"""OpenDSM's daily model (CalTRACK daily methods) fitted on DailyData, and its predictions.

OpenDSM takes float energy and temperatures in °F on a time-zone-aware daily index; this module
is the one place that converts: energy from base units to kWh (mWh) or m³ (mL), temperature from
m°C to °F, days to a UTC index (SmartBlocks' days are UTC days, like its rollups). OpenDSM is
imported here, lazily: its import takes seconds.

Predictions at arbitrary (day, temperature) pairs go through `DailyModel._predict`, the frame-level
prediction `predict` wraps after its reporting-data checks; opendsm is pinned (1.2.7) for that.
"""

from __future__ import annotations

import datetime
import json
import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from smartblocks.processors.kit.periods import day_date

from .data import DailyData, DataError
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
