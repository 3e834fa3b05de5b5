"""The P2P market's formulas as plain functions over integers: proof of delivery, the payout of
a settled trade, the price of a trade and of platform tokens. The actions call them on-chain and
the CLI and portal call them for previews, so both always agree (docs/market-p2p.md#formulas).

Proof of delivery, hour by hour over the offer's window:

    available(h) = max(0, min(exported(h) - claimed_export(h), imported(h) - claimed_import(h)))
    delivered    = min(offered, sum of available(h)), taken from the earliest hours first

where exported/imported are the hour's sums in the seller's export meter's and the buyer's
import meter's day rollups, and claimed_* what earlier settled trades already took from that
meter in that hour (so no kWh is sold twice). Energy is matched within each hour: a kWh exported
at 10:00 does not serve an import at 14:00.

Payout (the buyer paid `escrowed` = value(offered, price) into escrow at pick):

    payment = escrowed * delivered / offered     FLOOR  (the payer's, the buyer's, favour)
    fee     = payment * fee_ppm / 10^6           FLOOR  (the seller's favour: it pays the fee)
    seller  = payment - fee;  refund = escrowed - payment
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from smartblocks.processors.kit.arithmetic import Rounding, mul_div, ppm_of
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, SECONDS_PER_HOUR

from ...templates.money import value_of


def trade_value(energy: int, price: int) -> int:
    """What the buyer pays into escrow at pick: `energy` mWh at `price` micro-units per kWh,
    rounded down (FLOOR)."""
    return value_of(energy, price, what="offer value")


def tokens_for(pay_amount: int, rate_ppm: int) -> int:
    """Platform micro-units bought with `pay_amount` micro-units of the pay currency at
    `rate_ppm`, rounded down (FLOOR: the buyer never gets a fraction the aggregator did not
    sell)."""
    return ppm_of(pay_amount, rate_ppm, Rounding.FLOOR, what="tokens bought")


def window_hours(start: int, end: int) -> list[int]:
    """The hours (numbered from the epoch) of an hour-aligned window [start, end)."""
    return list(range(start // SECONDS_PER_HOUR, end // SECONDS_PER_HOUR))


def window_days(start: int, end: int) -> list[int]:
    """The UTC day numbers the window touches, in order."""
    return list(range(start // SECONDS_PER_DAY, (end - 1) // SECONDS_PER_DAY + 1))


@dataclass(frozen=True)
class HourFlow:
    """One hour of the window: each meter's energy (mWh) and what settled trades claimed."""

    hour: int  # from the epoch
    exported: int
    export_claimed: int
    imported: int
    import_claimed: int

    @property
    def available(self) -> int:
        return max(0, min(self.exported - self.export_claimed, self.imported - self.import_claimed))


@dataclass(frozen=True)
class Payout:
    delivered: int  # mWh
    payment: int  # what the buyer pays for the delivered energy
    fee: int  # to the aggregator, out of the payment
    seller: int  # to the seller
    refund: int  # back to the buyer


@dataclass(frozen=True)
class Proof:
    offered: int
    exported: int  # over the window
    imported: int
    available: int  # after earlier trades' claims, matched hour by hour
    taken: tuple[tuple[int, int], ...]  # (hour from the epoch, mWh) credited to this trade
    payout: Payout

    def figures(self) -> list[tuple[str, int]]:
        """The settlement's named figures, sorted by name."""
        return sorted(
            [
                ("available", self.available),
                ("delivered", self.payout.delivered),
                ("exported", self.exported),
                ("fee", self.payout.fee),
                ("hours_delivering", sum(1 for _, mwh in self.taken if mwh)),
                ("imported", self.imported),
                ("offered", self.offered),
                ("payment", self.payout.payment),
                ("refund", self.payout.refund),
                ("seller", self.payout.seller),
            ]
        )


def payout(escrowed: int, offered: int, delivered: int, fee_ppm: int) -> Payout:
    if not 0 <= delivered <= offered or offered <= 0:
        raise ValueError(f"delivered {delivered} is not within 0..offered {offered}")
    payment = mul_div(escrowed, delivered, offered, Rounding.FLOOR, what="trade payment")
    fee = ppm_of(payment, fee_ppm, Rounding.FLOOR, what="aggregator fee")
    return Payout(delivered, payment, fee, payment - fee, escrowed - payment)


def prove(offered: int, escrowed: int, fee_ppm: int, hours: Sequence[HourFlow]) -> Proof:
    """Proof of delivery and payout of one trade from its window's hours (in time order)."""
    remaining = offered
    taken = []
    for flow in hours:
        take = min(flow.available, remaining)
        remaining -= take
        taken.append((flow.hour, take))
    delivered = offered - remaining
    return Proof(
        offered=offered,
        exported=sum(f.exported for f in hours),
        imported=sum(f.imported for f in hours),
        available=sum(f.available for f in hours),
        taken=tuple(taken),
        payout=payout(escrowed, offered, delivered, fee_ppm),
    )
