"""Goodness of fit and savings uncertainty, ASHRAE Guideline 14-2014 style, in one module.

With n baseline days, p model parameters, residuals r = observed - predicted and mean observed y:

- CV(RMSE) = sqrt(sum r² / (n - p)) / y;
- NMBE = sum r / ((n - p) * y);
- R² = 1 - sum r² / sum (observed - y)²;
- fractional savings uncertainty (Guideline 14, annex B; Reddy and Claridge 2000), for m
  reporting days and savings fraction F: FSU = t * 1.26 * CV(RMSE) * sqrt(n / n' * (1 + 2 / n') / m)
  / F, where n' = n (1 - rho) / (1 + rho) corrects for the residuals' lag-1 autocorrelation rho and
  t is Student's t at the stated two-sided confidence with n' - p degrees of freedom.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .findings import DISQUALIFICATION, PASS, WARNING, Finding
from .settings import MetricsSettings


@dataclass(frozen=True)
class FitMetrics:
    n: int
    num_params: int
    mean_observed: float
    cvrmse: float
    nmbe: float
    r_squared: float
    autocorrelation: float  # lag-1, of the residuals
    n_effective: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def fit_metrics(
    observed: Sequence[float], predicted: Sequence[float], num_params: int
) -> FitMetrics:
    n = len(observed)
    if n != len(predicted) or n <= num_params + 1:
        raise ValueError(f"{n} observations for {num_params} parameters: too few to judge a fit")
    mean = sum(observed) / n
    residuals = [o - p for o, p in zip(observed, predicted, strict=True)]
    sse = sum(r * r for r in residuals)
    sst = sum((o - mean) ** 2 for o in observed)
    dof = n - num_params
    mean_r = sum(residuals) / n
    centred = [r - mean_r for r in residuals]
    denominator = sum(c * c for c in centred)
    rho = sum(a * b for a, b in itertools.pairwise(centred)) / denominator if denominator else 0.0
    rho = min(max(rho, 0.0), 0.99)  # negative autocorrelation gives no credit
    return FitMetrics(
        n=n,
        num_params=num_params,
        mean_observed=mean,
        cvrmse=math.sqrt(sse / dof) / mean if mean else math.inf,
        nmbe=sum(residuals) / (dof * mean) if mean else math.inf,
        r_squared=1 - sse / sst if sst else 1.0,
        autocorrelation=rho,
        n_effective=n * (1 - rho) / (1 + rho),
    )


def student_t(confidence: float, dof: float) -> float:
    from scipy import stats  # an mv dependency (opendsm's)

    return float(stats.t.ppf(1 - (1 - confidence) / 2, max(dof, 1.0)))


def fractional_savings_uncertainty(
    metrics: FitMetrics, reporting_days: int, savings_fraction: float, confidence: float
) -> float:
    """FSU at `confidence` (see the module's docstring); inf when there are no savings."""
    if savings_fraction <= 0 or reporting_days <= 0:
        return math.inf
    n, n_eff = metrics.n, metrics.n_effective
    t = student_t(confidence, n_eff - metrics.num_params)
    spread = math.sqrt(n / n_eff * (1 + 2 / n_eff) / reporting_days)
    return t * 1.26 * metrics.cvrmse * spread / savings_fraction


def acceptance(metrics: FitMetrics, settings: MetricsSettings) -> list[Finding]:
    """The fit against Guideline 14's thresholds, as findings."""
    return [
        Finding(
            "metrics.cvrmse",
            PASS if metrics.cvrmse <= settings.max_cvrmse else DISQUALIFICATION,
            f"CV(RMSE) {metrics.cvrmse:.2%}; at most {settings.max_cvrmse:.0%} (Guideline 14)",
            {"cvrmse": round(metrics.cvrmse, 6), "max": settings.max_cvrmse},
        ),
        Finding(
            "metrics.nmbe",
            PASS if abs(metrics.nmbe) <= settings.max_abs_nmbe else DISQUALIFICATION,
            f"NMBE {metrics.nmbe:.3%}; within ±{settings.max_abs_nmbe:.1%} (ASHRAE Guideline 14)",
            {"nmbe": round(metrics.nmbe, 6), "max_abs": settings.max_abs_nmbe},
        ),
        Finding(
            "metrics.r_squared",
            PASS if metrics.r_squared >= settings.min_r_squared else WARNING,
            f"R² {metrics.r_squared:.4f}; at least {settings.min_r_squared}",
            {"r_squared": round(metrics.r_squared, 6), "min": settings.min_r_squared},
        ),
    ]
