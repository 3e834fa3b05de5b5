"""The M&V engine's settings as frozen data, each with its description (`describe()`)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


def _setting(default: Any, description: str) -> Any:
    return field(default=default, metadata={"description": description})


@dataclass(frozen=True)
class SufficiencySettings:
    """CalTRACK's baseline data rules (CalTRACK 2.0, section 2: data sufficiency)."""

    baseline_days: int = _setting(
        365,
        "days a baseline period must span (CalTRACK: 365 days, the 12 months before the measure)",
    )
    min_coverage: float = _setting(
        0.9,
        "share of the period's days (hourly model: of each month's hours) that must have both "
        "energy and temperature (CalTRACK: 90 %)",
    )
    max_flagged_share: float = _setting(
        0.05, "share of days with flagged readings above which the baseline is disqualified"
    )


@dataclass(frozen=True)
class MetricsSettings:
    """ASHRAE Guideline 14-2014 acceptance of a whole-building regression baseline."""

    max_cvrmse: float = _setting(0.20, "largest acceptable CV(RMSE) (Guideline 14: 20 %)")
    max_abs_nmbe: float = _setting(0.005, "largest acceptable |NMBE| (Guideline 14: 0.5 %)")
    min_r_squared: float = _setting(
        0.75, "smallest acceptable R² (a common Guideline 14 companion)"
    )
    confidence: float = _setting(
        0.90,
        "two-sided confidence of the fractional savings uncertainty (Guideline 14: 68 or 90 %)",
    )
    max_fsu: float = _setting(
        0.50, "largest acceptable fractional savings uncertainty at that confidence (50 %)"
    )


@dataclass(frozen=True)
class ExportSettings:
    """How a fitted model becomes a baseline table (processors/kit/baseline.py)."""

    knot_step_mdegc: int = _setting(1_000, "temperature between knots, m°C (1 °C)")
    margin_mdegc: int = _setting(
        5_000, "knots reach this far beyond the observed temperatures; the table is flat outside"
    )
    max_fidelity_error: float = _setting(
        0.005, "largest |table - model| / model over any month before the fit warns (0.5 %)"
    )


@dataclass(frozen=True)
class Settings:
    sufficiency: SufficiencySettings = field(default_factory=SufficiencySettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    export: ExportSettings = field(default_factory=ExportSettings)


def describe(settings: Settings) -> dict[str, dict[str, dict[str, Any]]]:
    """Every setting's value and description, by group: for --json output and docs."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for group in fields(settings):
        value = getattr(settings, group.name)
        out[group.name] = {
            f.name: {"value": getattr(value, f.name), "description": f.metadata["description"]}
            for f in fields(value)
        }
    return out
