"""The aggregator agreement's arithmetic as plain functions over plain data: epochs, the
commitment, what a sweep pays and takes, window digests and what a resolution refunds. The
actions call them on-chain; the CLI and the portal call them for previews, so both always agree.

Units: energy mWh, money micro-units, capacity W, prices micro-units per kWh (= per 1,000,000
mWh), ratios ppm, times Unix seconds UTC. Every division names its rounding rule
(docs/market-aggregation.md#formulas).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from smartblocks.processors.kit.arithmetic import PPM, Rounding, mul_div
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, SECONDS_PER_HOUR

MWH_PER_KWH = 1_000_000
MWH_PER_WH = 1_000


@dataclass(frozen=True)
class Hour:
    """One hour of a meter: its day rollup's bucket (sum mWh, count of readings)."""

    start: int
    sum: int
    count: int


@dataclass(frozen=True)
class Result:
    """What a sweep decides for one DER in one epoch."""

    required: int
    delivered: int
    met: bool
    paid: int
    penalty: int


# -- epochs -----------------------------------------------------------------------------------


def epoch_bounds(first_epoch_start: int, epoch_s: int, epoch: int) -> tuple[int, int]:
    start = first_epoch_start + epoch * epoch_s
    return start, start + epoch_s


def epoch_at(first_epoch_start: int, epoch_s: int, timestamp: int) -> int:
    """The epoch under way at `timestamp`; -1 before the first (floor division)."""
    if timestamp < first_epoch_start:
        return -1
    return (timestamp - first_epoch_start) // epoch_s


def hour_starts(start: int, end: int) -> list[int]:
    return list(range(start, end, SECONDS_PER_HOUR))


def days_of(start: int, end: int) -> list[int]:
    """The UTC day numbers (days since 1970-01-01) the hours of [start, end) fall in."""
    return list(range(start // SECONDS_PER_DAY, (end - 1) // SECONDS_PER_DAY + 1))


def participates(joined_at: int, epoch_start: int) -> bool:
    """A DER takes part in the epochs that start at or after it joined: nobody commits to an
    epoch whose production it has partly seen."""
    return joined_at <= epoch_start


def hours_from_buckets(
    start: int, end: int, buckets: Callable[[int], Mapping[int, tuple[int, int]]]
) -> list[Hour]:
    """Every hour of [start, end) from `buckets(day) -> {hour index: (sum, count)}` (a day's
    rollup); an hour without readings is (0, 0)."""
    by_day = {day: buckets(day) for day in days_of(start, end)}
    out = []
    for h in hour_starts(start, end):
        found = by_day[h // SECONDS_PER_DAY].get((h % SECONDS_PER_DAY) // SECONDS_PER_HOUR)
        out.append(Hour(h, *(found or (0, 0))))
    return out


def total(hours: Iterable[Hour]) -> tuple[int, int]:
    """(sum mWh, readings)."""
    listed = list(hours)
    return sum(h.sum for h in listed), sum(h.count for h in listed)


def window_digest(meter_id: str, hours: Sequence[Hour]) -> str:
    """SHA-256 (hex) of the meter id and its hours as text, one line each:

        "<meter_id>\\n" + "<hour_start>,<sum>,<count>\\n" for every hour in time order

    Anyone can recompute it from the meter's day rollups (or its readings), and a dispute's
    evidence is accepted only when it hashes to what the sweep committed (or equals the
    ledger's rollups now)."""
    text = meter_id + "\n" + "".join(f"{h.start},{h.sum},{h.count}\n" for h in hours)
    return hashlib.sha256(text.encode()).hexdigest()


# -- money ------------------------------------------------------------------------------------


def required_energy(capacity_w: int, epoch_s: int, commitment_ppm: int) -> int:
    """mWh a DER must deliver in an epoch: commitment_ppm of its capacity over the epoch,
    ceil(capacity_w * epoch_s * 1000 * commitment_ppm / (3600 * 1,000,000)); rounded up, so
    the commitment is never understated."""
    return mul_div(
        capacity_w * epoch_s * MWH_PER_WH,
        commitment_ppm,
        SECONDS_PER_HOUR * PPM,
        Rounding.CEILING,
        what="required energy",
    )


def payment(delivered: int, price: int) -> int:
    """floor(delivered * price / 1,000,000): micro-units for `delivered` mWh at `price`
    micro-units per kWh, rounded down (the payer never pays for a fraction of a micro-unit it
    did not get); nothing for negative energy."""
    return mul_div(max(delivered, 0), price, MWH_PER_KWH, Rounding.FLOOR, what="payment")


def penalty(shortfall: int, penalty_price: int, held: int) -> int:
    """min(held, ceil(shortfall * penalty_price / 1,000,000)): rounded up (the shortfall is the
    DER's), never more than its deposit still holds."""
    owed = mul_div(max(shortfall, 0), penalty_price, MWH_PER_KWH, Rounding.CEILING, what="penalty")
    return min(owed, held)


def settle(*, required: int, delivered: int, price: int, penalty_price: int, held: int) -> Result:
    """A DER that delivered at least its commitment is paid for everything it delivered;
    one that fell short is paid nothing and loses shortfall x penalty price of its deposit."""
    if delivered >= required:
        return Result(required, delivered, True, payment(delivered, price), 0)
    return Result(required, delivered, False, 0, penalty(required - delivered, penalty_price, held))


def adjustment_bounds(swept_delivered: int, evidence_total: int) -> tuple[int, int]:
    """What a resolution may credit: at least what the sweep credited (a dispute is the DER's),
    at most what its own meter's evidence shows."""
    low = max(swept_delivered, 0)
    return low, max(low, evidence_total)


def refund(before: Result, after: Result) -> int:
    """What the aggregator pays the DER when a resolution credits more energy: the payment it
    now earns beyond the one made, and the penalty it should not have lost."""
    return (after.paid - before.paid) + (before.penalty - after.penalty)
