"""The local double auction's rules as plain data: clearing a step's sealed book, and settling a
member's step from its meters (docs/market-auction.md). Integers only; every division names its
rounding. The actions, the CLI's book preview and the portal call these functions.

Clearing (uniform price at the midpoint of the marginal pair):
    bids by limit price, highest first; asks lowest first; equal prices by member key
    (ascending; a member has one order per side and step). Walk both lists, matching
    min(remaining bid, remaining ask) while the bid's limit >= the ask's limit. The last pair
    matched is the marginal pair; the price is floor((its bid + its ask) / 2). Every matched bid
    has a limit >= the price and every matched ask a limit <= it.

Settling a member's step:
    obligation O = sold - bought; metered N = export - import; imbalance D = N - O (mWh)
    trade:     a buyer pays ceil(bought x price / 1e6) to the operator; the operator pays a
               seller floor(sold x price / 1e6); the difference (>= 0) stays with the operator
    shortfall: D < 0 -> the member pays ceil(-D x supplier_price / 1e6)
    surplus:   D > 0 -> the operator pays floor(D x feed_in_price / 1e6)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smartblocks.processors.kit.arithmetic import Rounding, divide, mul_div

MWH_PER_KWH = 1_000_000


@dataclass(frozen=True)
class OrderIn:
    member: str
    energy: int  # mWh
    limit_price: int  # micro-units per kWh


@dataclass(frozen=True)
class Clearing:
    price: int
    volume: int
    marginal_bid: int
    marginal_ask: int
    fills: tuple[tuple[str, int, int], ...]  # (member, bought, sold) sorted by member

    @property
    def matched(self) -> bool:
        return self.volume > 0


def bid_order(o: OrderIn) -> tuple[int, str]:
    return (-o.limit_price, o.member)


def ask_order(o: OrderIn) -> tuple[int, str]:
    return (o.limit_price, o.member)


def clear(bids: Sequence[OrderIn], asks: Sequence[OrderIn]) -> Clearing:
    """The step's uniform price and every member's matched energy."""
    b = sorted((o for o in bids if o.energy), key=bid_order)
    a = sorted((o for o in asks if o.energy), key=ask_order)
    bought: dict[str, int] = {}
    sold: dict[str, int] = {}
    i = j = 0
    left_b = b[0].energy if b else 0
    left_a = a[0].energy if a else 0
    volume = marginal_bid = marginal_ask = 0
    while i < len(b) and j < len(a) and b[i].limit_price >= a[j].limit_price:
        q = min(left_b, left_a)
        bought[b[i].member] = bought.get(b[i].member, 0) + q
        sold[a[j].member] = sold.get(a[j].member, 0) + q
        volume += q
        marginal_bid, marginal_ask = b[i].limit_price, a[j].limit_price
        left_b -= q
        left_a -= q
        if not left_b:
            i += 1
            left_b = b[i].energy if i < len(b) else 0
        if not left_a:
            j += 1
            left_a = a[j].energy if j < len(a) else 0
    price = (
        divide(marginal_bid + marginal_ask, 2, Rounding.FLOOR, what="clearing price")
        if volume
        else 0
    )
    members = sorted(set(bought) | set(sold))
    fills = tuple((m, bought.get(m, 0), sold.get(m, 0)) for m in members)
    return Clearing(price, volume, marginal_bid, marginal_ask, fills)


def bid_collateral(energy: int, limit_price: int) -> int:
    """What a bid locks: its energy at its limit price, rounded up (CEILING), so it covers any
    clearing price (never above the limit)."""
    return mul_div(energy, limit_price, MWH_PER_KWH, Rounding.CEILING, what="bid collateral")


def trade_payment(bought: int, price: int) -> int:
    return mul_div(bought, price, MWH_PER_KWH, Rounding.CEILING, what="trade payment")


def trade_receipt(sold: int, price: int) -> int:
    return mul_div(sold, price, MWH_PER_KWH, Rounding.FLOOR, what="trade receipt")


@dataclass(frozen=True)
class Position:
    imbalance: int  # mWh; negative: a shortfall
    trade_paid: int
    trade_received: int
    imbalance_due: int
    surplus_due: int


def position(
    bought: int, sold: int, imported: int, exported: int, price: int, supplier_price: int,
    feed_in_price: int,
) -> Position:  # fmt: skip
    imbalance = (exported - imported) - (sold - bought)
    shortfall = max(0, -imbalance)
    surplus = max(0, imbalance)
    return Position(
        imbalance=imbalance,
        trade_paid=trade_payment(bought, price),
        trade_received=trade_receipt(sold, price),
        imbalance_due=mul_div(shortfall, supplier_price, MWH_PER_KWH, Rounding.CEILING),
        surplus_due=mul_div(surplus, feed_in_price, MWH_PER_KWH, Rounding.FLOOR),
    )
