"""Fit, check and export a baseline: the steps `smartblocks mv fit` and the portal's "Fit
baseline" share, in one place.

Given the baseline period's data (`data.DailyData` or `data.HourlyData`): the CalTRACK
sufficiency findings, OpenDSM's daily or hourly model, its ASHRAE Guideline 14 metrics and their
acceptance findings, the integer baseline table (with the meters and period it was fitted on,
which both parties then sign), and how closely the table follows the model
month by month. A disqualified fit is still exported: the caller decides (the CLI writes nothing
without --force; the portal shows it and the parties decide).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import export, metrics, model, settings, sufficiency
from .findings import Finding, disqualified


@dataclass(frozen=True)
class FittedBaseline:
    fit: Any  # model.DailyFit or model.HourlyFit
    findings: list[Finding]
    metrics: metrics.FitMetrics
    table: Any  # baseline_pb2.BaselineTable
    months: list[export.MonthFidelity]
    config: settings.Settings
    hourly: bool

    @property
    def disqualified(self) -> bool:
        return disqualified(self.findings)

    def summary(self) -> dict[str, Any]:
        """What both callers report: the verdict, findings, metrics, fidelity and the table."""
        return {
            "disqualified": self.disqualified,
            "findings": [f.as_dict() for f in self.findings],
            "metrics": self.metrics.as_dict(),
            "fidelity": {
                "max_month_error": max((m.error for m in self.months), default=0.0),
                "target": self.config.export.max_fidelity_error,
                "months": [m.as_dict() for m in self.months],
            },
            "table": export.table_dict(self.table),
        }

    def model_document(self) -> dict[str, Any]:
        """The fitted OpenDSM model as JSON (`mv report` checks the table against it later)."""
        if self.hourly:
            return model.hourly_model_document(self.fit.model)
        return model.model_document(self.fit.model)


def fit_baseline(
    inputs: Any,
    *,
    hourly: bool = False,
    electricity: bool = True,
    config: settings.Settings | None = None,
) -> FittedBaseline:
    """Fit `inputs` (HourlyData when `hourly`, else DailyData). `electricity`: OpenDSM drops
    zero days of electricity as missing data; gas zeros are real."""
    config = config or settings.Settings()
    fit: Any
    if hourly:
        findings = sufficiency.check_baseline_hourly(inputs, config.sufficiency)
        fit = model.fit_hourly(inputs, electricity=electricity)
    else:
        findings = sufficiency.check_baseline(inputs, config.sufficiency)
        fit = model.fit_daily(inputs, electricity=electricity)
    scores = metrics.fit_metrics(fit.observed, fit.predicted, fit.num_params)
    findings += fit.findings + metrics.acceptance(scores, config.metrics)
    if hourly:
        table = export.to_hourly_table(fit, config.export)
        months = export.hourly_fidelity(fit.model, fit.unit, table, fit.hours, fit.temperatures)
    else:
        table = export.to_table(fit, config.export)
        months = export.fidelity(fit, table, fit.days, fit.temperatures)
    export.record_inputs(table, inputs)
    return FittedBaseline(fit, findings, scores, table, months, config, hourly)
