"""Shared savings: the value of avoided energy at `price`, split by the shares; the owner pays
the ESCO its share, at most `cap_per_period` (0: no cap). No savings, no payment
(docs/energycontract.md#shared-savings).

    savings_value = value_of(max(avoided, 0), price)              FLOOR
    esco_share    = savings_value * esco_share_ppm / 10^6          FLOOR
    esco_due      = min(esco_share, cap_per_period) when cap > 0, else esco_share
"""

from __future__ import annotations

from smartblocks.protos.energycontract_pb2 import SharedSavings

from . import money
from .base import ESCO, OWNER, Measured, Outcome, PeriodInfo, State

NAME = "shared_savings"
TITLE = "Shared savings"
SUMMARY = (
    "The owner pays the ESCO its agreed share of the value of the energy avoided each period, "
    "at most a cap per period; no savings, no payment."
)


def check(params: SharedSavings) -> None:
    money.check_price("price", params.price)
    money.check_shares(
        "esco_share_ppm", params.esco_share_ppm, "owner_share_ppm", params.owner_share_ppm
    )
    money.check_amount("cap_per_period", params.cap_per_period)


def settle(params: SharedSavings, period: PeriodInfo, measured: Measured, state: State) -> Outcome:
    avoided = measured.avoided
    value = money.value_of(max(avoided, 0), params.price, what=f"{NAME}: savings value")
    share = money.share_of(value, params.esco_share_ppm, what=f"{NAME}: esco share")
    capped = 0 < params.cap_per_period < share
    esco_due = params.cap_per_period if capped else share
    return Outcome(
        dues=money.due(f"{NAME}.esco_share", OWNER, ESCO, esco_due),
        figures=money.figures(
            NAME,
            (
                ("avoided", avoided),
                ("savings_value", value),
                ("esco_share", share),
                ("cap", params.cap_per_period),
                ("capped", int(capped)),
                ("esco_due", esco_due),
                ("owner_keeps", value - esco_due),
            ),
        ),
        state=state,
    )
