"""Energy supply (chauffage): the meters measure delivered useful energy, paid at `price`; the
bill is at most the baseline's cost at `baseline_price` less the guaranteed discount
(docs/energycontract.md#energy-supply).

    bill          = value_of(max(actual, 0), price)                       FLOOR
    baseline_cost = value_of(max(baseline, 0), baseline_price)            FLOOR
    discount      = baseline_cost * discount_ppm / 10^6                   CEILING
    ceiling       = baseline_cost - discount
    owner pays min(bill, ceiling)
"""

from __future__ import annotations

from smartblocks.processors.kit.arithmetic import Rounding, ppm_of
from smartblocks.protos.energycontract_pb2 import EnergySupply

from . import money
from .base import ESCO, OWNER, Measured, Outcome, PeriodInfo, State

NAME = "energy_supply"
TITLE = "Energy supply (chauffage)"
SUMMARY = (
    "The owner pays for the useful energy delivered at the agreed price, at most what the "
    "baseline's energy would have cost less the guaranteed discount."
)


def check(params: EnergySupply) -> None:
    money.check_price("price", params.price)
    money.check_price("baseline_price", params.baseline_price)
    money.check_ppm("discount_ppm", params.discount_ppm)


def settle(params: EnergySupply, period: PeriodInfo, measured: Measured, state: State) -> Outcome:
    delivered = max(measured.actual, 0)
    bill = money.value_of(delivered, params.price, what=f"{NAME}: bill")
    baseline_cost = money.value_of(
        max(measured.baseline, 0), params.baseline_price, what=f"{NAME}: baseline cost"
    )
    # The guaranteed discount rounds up: in the owner's (the payer's) favour.
    discount = ppm_of(
        baseline_cost, params.discount_ppm, Rounding.CEILING, what=f"{NAME}: discount"
    )
    ceiling = baseline_cost - discount
    paid = min(bill, ceiling)
    return Outcome(
        dues=money.due(f"{NAME}.bill", OWNER, ESCO, paid),
        figures=money.figures(
            NAME,
            (
                ("avoided", measured.avoided),
                ("delivered", delivered),
                ("bill", bill),
                ("baseline_cost", baseline_cost),
                ("discount", discount),
                ("ceiling", ceiling),
                ("paid", paid),
                ("discount_applied", bill - paid),
            ),
        ),
        state=state,
    )
