"""One period's settlement as plain data: coverage against the terms' minimum, the template's
result, and the arrears carried from earlier periods. The settle action writes what this
returns; the contract manager, the CLI and the portal preview with the same function.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartblocks.protos.energycontract_pb2 import Terms

from .measure import Measured
from .schedule import PeriodInfo
from .templates import template_of
from .templates.base import ESCO, OWNER, Due, Outcome, State


@dataclass(frozen=True)
class Computed:
    sufficient: bool
    reason: str  # why insufficient
    outcome: Outcome  # dues include arrears first; state excludes this period's unpaid amounts


def insufficiency(terms: Terms, measured: Measured) -> str:
    """Why the period cannot be settled with money, or "" when it can."""
    if measured.coverage_ppm < terms.min_coverage_ppm:
        return (
            f"coverage {measured.coverage_ppm} ppm ({measured.complete_days} of "
            f"{measured.days} days complete) is below the terms' minimum "
            f"{terms.min_coverage_ppm} ppm"
        )
    return ""


def compute(terms: Terms, period: PeriodInfo, measured: Measured, state: State) -> Computed:
    """The settlement of `period`, before payment. Arrears (what an earlier period could not pay
    for lack of funds) are due again first, before the template's dues; they are removed from
    the state here and come back as the payments' `unpaid` amounts."""
    arrears = tuple(
        Due("arrears", payer, payee, owed)
        for payer, payee, owed in (
            (OWNER, ESCO, state.owed_by_owner),
            (ESCO, OWNER, state.owed_by_esco),
        )
        if owed
    )
    reason = insufficiency(terms, measured)
    if reason:  # no money moves, arrears included; a PER_YEAR year still open stays open
        return Computed(False, reason, Outcome(state=state))
    cleared = state.with_(owed_by_owner=0, owed_by_esco=0)
    template, params = template_of(terms)
    result = template.settle(params, period, measured, cleared)
    after = result.state.with_(
        cumulative_avoided=result.state.cumulative_avoided + measured.avoided
    )
    return Computed(
        True,
        "",
        Outcome(
            dues=arrears + tuple(result.dues),
            figures=tuple(result.figures),
            state=after,
            ends=result.ends,
            end_reason=result.end_reason,
        ),
    )
