"""First-out: the ESCO takes `esco_share_ppm` of the savings value until it has recovered its
investment plus the agreed return; then the contract ends and all savings stay with the owner
(docs/energycontract.md#first-out).

    target        = investment + investment * return_ppm / 10^6    CEILING (the agreed return)
    savings_value = value_of(max(avoided, 0), price)               FLOOR
    esco_share    = savings_value * esco_share_ppm / 10^6          FLOOR
    esco_due      = min(esco_share, target - recovered)
    recovered    += esco_due; the contract ends when recovered = target
"""

from __future__ import annotations

from smartblocks.processors.kit.arithmetic import Rounding, check_int64, ppm_of
from smartblocks.protos.energycontract_pb2 import FirstOut

from . import money
from .base import ESCO, OWNER, Measured, Outcome, PeriodInfo, State

NAME = "first_out"
TITLE = "First-out"
SUMMARY = (
    "The ESCO takes its share of the value of the energy avoided until it has recovered its "
    "investment plus the agreed return; then the contract ends and all savings stay with the "
    "owner."
)

# The agreed return is over the whole contract, so it may exceed 100 %: at most 1,000 %.
MAX_RETURN_PPM = 10_000_000


def check(params: FirstOut) -> None:
    money.check_price("price", params.price)
    money.check_shares(
        "esco_share_ppm", params.esco_share_ppm, "owner_share_ppm", params.owner_share_ppm
    )
    money.check_amount("investment", params.investment, low=1)
    money.check_ppm("return_ppm", params.return_ppm, high=MAX_RETURN_PPM)


def target_of(params: FirstOut) -> int:
    """Investment plus the agreed return, the return rounded up (CEILING): the ESCO recovers at
    least the return it was promised."""
    return_ = ppm_of(
        params.investment, params.return_ppm, Rounding.CEILING, what="first-out return"
    )
    return params.investment + return_


def settle(params: FirstOut, period: PeriodInfo, measured: Measured, state: State) -> Outcome:
    avoided = measured.avoided
    target = target_of(params)
    remaining = max(target - state.recovered, 0)
    value = money.value_of(max(avoided, 0), params.price, what=f"{NAME}: savings value")
    share = money.share_of(value, params.esco_share_ppm, what=f"{NAME}: esco share")
    esco_due = min(share, remaining)
    recovered = check_int64(f"{NAME}: recovered", state.recovered + esco_due)
    ends = recovered >= target
    return Outcome(
        dues=money.due(f"{NAME}.esco_share", OWNER, ESCO, esco_due),
        figures=money.figures(
            NAME,
            (
                ("avoided", avoided),
                ("savings_value", value),
                ("esco_share", share),
                ("target", target),
                ("remaining", remaining),
                ("esco_due", esco_due),
                ("owner_keeps", value - esco_due),
                ("recovered", recovered),
            ),
        ),
        state=state.with_(recovered=recovered),
        ends=ends,
        end_reason=(
            f"first-out: the ESCO recovered its investment plus return ({target:,} micro-units)"
            if ends
            else ""
        ),
    )
