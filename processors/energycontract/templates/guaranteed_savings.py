"""Guaranteed savings: the owner pays the ESCO `fee_per_period`; a shortfall of avoided energy
against the guarantee is paid by the ESCO to the owner at `price`; excess savings are valued at
`price` and the owner pays the ESCO its share of that value
(docs/energycontract.md#guaranteed-savings).

    guarantee     = guarantee * complete_days / days                   HALF_EVEN (energy)
    shortfall     = max(guarantee - avoided, 0)   -> ESCO pays value_of(shortfall, price)  FLOOR
    excess        = max(avoided - guarantee, 0)   -> owner pays
                    value_of(excess, price) * excess_esco_share_ppm / 10^6             FLOOR

PER_PERIOD holds each period against its own guarantee. PER_YEAR adds each period's avoided
energy and prorated guarantee to the year's sums and reconciles them in the period that closes
the contract year (or the term), then starts the next year at 0.
"""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.arithmetic import Rounding, check_int64, mul_div
from smartblocks.protos.energycontract_pb2 import GuaranteeBasis, GuaranteedSavings

from . import money
from .base import ESCO, OWNER, Due, Measured, Outcome, PeriodInfo, State

NAME = "guaranteed_savings"
TITLE = "Guaranteed savings"
SUMMARY = (
    "The owner pays the ESCO a fee each period; the ESCO pays the owner the value of any "
    "shortfall of avoided energy against the guarantee, and the owner pays the ESCO its share "
    "of the value of any excess."
)

_BASES = (GuaranteeBasis.PER_PERIOD, GuaranteeBasis.PER_YEAR)


def check(params: GuaranteedSavings) -> None:
    money.check_price("price", params.price)
    money.check_amount("fee_per_period", params.fee_per_period)
    money.check_energy("guarantee", params.guarantee)
    if params.basis not in _BASES:
        known = params.basis in GuaranteeBasis.values()
        name = GuaranteeBasis.Name(params.basis) if known else str(params.basis)
        raise InvalidTransaction(f"basis {name}; must be PER_PERIOD or PER_YEAR")
    money.check_shares(
        "excess_esco_share_ppm",
        params.excess_esco_share_ppm,
        "excess_owner_share_ppm",
        params.excess_owner_share_ppm,
    )


def prorated_guarantee(params: GuaranteedSavings, period: PeriodInfo, measured: Measured) -> int:
    """The period's guarantee over its complete days only (HALF_EVEN): missing data neither
    helps nor hurts the ESCO, since avoided energy is summed over the same days."""
    return mul_div(
        params.guarantee,
        measured.complete_days,
        period.days,
        Rounding.HALF_EVEN,
        what=f"{NAME}: prorated guarantee",
    )


def settle(
    params: GuaranteedSavings, period: PeriodInfo, measured: Measured, state: State
) -> Outcome:
    avoided = measured.avoided
    guarantee = prorated_guarantee(params, period, measured)
    rows: list[tuple[str, int]] = [
        ("avoided", avoided),
        ("guarantee", guarantee),
        ("fee", params.fee_per_period),
    ]
    if params.basis == GuaranteeBasis.PER_YEAR:
        year_avoided = check_int64(f"{NAME}: year avoided", state.year_avoided + avoided)
        year_guarantee = check_int64(f"{NAME}: year guarantee", state.year_guarantee + guarantee)
        reconciled = period.closes_year
        rows += [
            ("year_avoided", year_avoided),
            ("year_guarantee", year_guarantee),
            ("reconciled", int(reconciled)),
        ]
        if reconciled:
            held, against = year_avoided, year_guarantee
            state = state.with_(year_avoided=0, year_guarantee=0)
        else:
            held, against = 0, 0  # nothing held against the guarantee before the year closes
            state = state.with_(year_avoided=year_avoided, year_guarantee=year_guarantee)
    else:
        held, against = avoided, guarantee
    shortfall = max(against - held, 0)
    excess = max(held - against, 0)
    shortfall_value = money.value_of(shortfall, params.price, what=f"{NAME}: shortfall value")
    excess_value = money.value_of(excess, params.price, what=f"{NAME}: excess value")
    excess_share = money.share_of(
        excess_value, params.excess_esco_share_ppm, what=f"{NAME}: excess share"
    )
    rows += [
        ("shortfall", shortfall),
        ("shortfall_value", shortfall_value),
        ("excess", excess),
        ("excess_value", excess_value),
        ("excess_esco_share", excess_share),
    ]
    dues: tuple[Due, ...] = (
        money.due(f"{NAME}.fee", OWNER, ESCO, params.fee_per_period)
        + money.due(f"{NAME}.shortfall", ESCO, OWNER, shortfall_value)
        + money.due(f"{NAME}.excess_share", OWNER, ESCO, excess_share)
    )
    return Outcome(dues=dues, figures=money.figures(NAME, rows), state=state)
