"""The automated supplier's settlement as plain data: accuracy, penalties, rewards and the
historical performance factor H of every member of one period (docs/market-supplier.md).
Integers only; every division names its rounding. The settle action pays what `settle`
returns; the CLI and the portal preview with the same function.

For member u with declaration A, metered usage E (mWh) and factor H (ppm):

    deviation  D = |E - A|;  band T = A * tolerance / 1e6 (floor);  excess X = max(0, D - T)
    accuracy   a = 1e6 - min(1e6, ceil(D * 1e6 / A))   (A = 0: 1e6 when E = 0, else 0)
    penalty    P = min(deposit, ceil(X * price * (2e6 - H) / (1e6 kWh/mWh * 1e6)))
    weight     w = a * (1e6 + H) when X = 0, else 0
    pool       = sum P;  imbalance cost C = ceil(|sum (E - A)| * price / 1e6)
    operator   gets min(C, pool);  rewards R_u = floor((pool - min(C, pool)) * w_u / sum w)
    remainder  = pool - min(C, pool) - sum R  (rounding dust, or all of it when sum w = 0)
               also goes to the operator: pool = imbalance paid + rewards + remainder
    H'         = floor((H * (1e6 - rate) + a * rate) / 1e6)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smartblocks.processors.kit.arithmetic import PPM, Rounding, divide, mul_div

MWH_PER_KWH = 1_000_000  # energy is in mWh, the price per kWh


@dataclass(frozen=True)
class Params:
    price_per_kwh: int  # micro-units per kWh
    tolerance_ppm: int
    learning_rate_ppm: int


@dataclass(frozen=True)
class MemberInput:
    member: str
    declared: int  # A, mWh
    metered: int  # E, mWh
    h_ppm: int  # H before this period
    deposit: int  # what the member holds in the supplier's escrow: the most it can lose
    complete: bool = True


@dataclass(frozen=True)
class MemberOutcome:
    member: str
    declared: int
    metered: int
    complete: bool
    deviation: int
    excess: int
    accuracy_ppm: int
    h_before: int
    h_after: int
    penalty_due: int
    penalty: int
    weight: int
    reward: int

    @property
    def net(self) -> int:
        """What the period gave the member: reward minus penalty (micro-units)."""
        return self.reward - self.penalty


@dataclass(frozen=True)
class PeriodOutcome:
    members: tuple[MemberOutcome, ...]  # sorted by member
    net_imbalance: int  # sum of E - A, mWh
    penalties: int
    imbalance_cost: int
    imbalance_paid: int
    rewards: int
    remainder: int

    @property
    def to_operator(self) -> int:
        return self.imbalance_paid + self.remainder


def accuracy_ppm(declared: int, metered: int) -> int:
    """1e6 for a perfect declaration, falling with the relative deviation; the error rounds up
    (CEILING) so a member is never credited more accuracy than it had."""
    if declared == 0:
        return PPM if metered == 0 else 0
    error = mul_div(abs(metered - declared), PPM, declared, Rounding.CEILING, what="accuracy")
    return PPM - min(PPM, error)


def excess_mwh(declared: int, metered: int, tolerance_ppm: int) -> int:
    band = mul_div(declared, tolerance_ppm, PPM, Rounding.FLOOR, what="tolerance band")
    return max(0, abs(metered - declared) - band)


def penalty_due(excess: int, h_ppm: int, price_per_kwh: int) -> int:
    """The excess at the imbalance price, times (2 - H): a member with a perfect record pays
    the plain price, one with H = 0 twice it. Rounded up (CEILING)."""
    return mul_div(
        excess * price_per_kwh,
        2 * PPM - h_ppm,
        MWH_PER_KWH * PPM,
        Rounding.CEILING,
        what="penalty",
    )


def reward_weight(accuracy: int, h_ppm: int, excess: int) -> int:
    return accuracy * (PPM + h_ppm) if excess == 0 else 0


def imbalance_cost(net_imbalance: int, price_per_kwh: int) -> int:
    """What the supplier pays the central market for the community's net deviation, rounded
    up (CEILING)."""
    return mul_div(abs(net_imbalance), price_per_kwh, MWH_PER_KWH, Rounding.CEILING)


def next_h(h_ppm: int, accuracy: int, learning_rate_ppm: int) -> int:
    """H moves `learning_rate` of the way toward this period's accuracy; FLOOR of a convex
    combination of two values in 0..1e6 stays in 0..1e6 and never overshoots the accuracy."""
    return divide(
        h_ppm * (PPM - learning_rate_ppm) + accuracy * learning_rate_ppm,
        PPM,
        Rounding.FLOOR,
        what="H",
    )


def settle(params: Params, inputs: Sequence[MemberInput]) -> PeriodOutcome:
    """One period's outcome for every member that declared it."""
    ordered = sorted(inputs, key=lambda m: m.member)
    staged = []
    for m in ordered:
        excess = excess_mwh(m.declared, m.metered, params.tolerance_ppm)
        accuracy = accuracy_ppm(m.declared, m.metered)
        due = penalty_due(excess, m.h_ppm, params.price_per_kwh)
        staged.append((m, excess, accuracy, due, min(due, m.deposit)))
    pool = sum(paid for *_, paid in staged)
    net = sum(m.metered - m.declared for m in ordered)
    cost = imbalance_cost(net, params.price_per_kwh)
    imbalance_paid = min(cost, pool)
    distributable = pool - imbalance_paid
    weights = [reward_weight(accuracy, m.h_ppm, excess) for m, excess, accuracy, *_ in staged]
    total_weight = sum(weights)
    rewards = [
        mul_div(distributable, w, total_weight, Rounding.FLOOR, what="reward") if w else 0
        for w in weights
    ]
    members = tuple(
        MemberOutcome(
            member=m.member,
            declared=m.declared,
            metered=m.metered,
            complete=m.complete,
            deviation=abs(m.metered - m.declared),
            excess=excess,
            accuracy_ppm=accuracy,
            h_before=m.h_ppm,
            h_after=next_h(m.h_ppm, accuracy, params.learning_rate_ppm),
            penalty_due=due,
            penalty=paid,
            weight=w,
            reward=r,
        )
        for (m, excess, accuracy, due, paid), w, r in zip(staged, weights, rewards, strict=True)
    )
    paid_rewards = sum(rewards)
    return PeriodOutcome(
        members=members,
        net_imbalance=net,
        penalties=pool,
        imbalance_cost=cost,
        imbalance_paid=imbalance_paid,
        rewards=paid_rewards,
        remainder=distributable - paid_rewards,
    )
