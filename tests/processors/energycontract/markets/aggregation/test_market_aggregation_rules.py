"""The agreement's arithmetic on plain data: the worked example of docs/market-aggregation.md,
each rounding rule, window digests and epochs."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from smartblocks.processors.energycontract.markets.aggregation import rules
from smartblocks.processors.energycontract.markets.aggregation.rules import Hour

KWH = 1_000_000


def test_required_energy_rounds_up() -> None:
    # 10 kW for 4 hours at 50 %: 20 kWh.
    assert rules.required_energy(10_000, 4 * 3600, 500_000) == 20 * KWH
    # 1 W for 1 hour at 1 ppm: 1000 mWh * 1e-6 = 0.001 mWh, rounded up to 1.
    assert rules.required_energy(1, 3600, 1) == 1
    assert rules.required_energy(10_000, 3600, 0) == 0


def test_payment_rounds_down_and_ignores_negative_energy() -> None:
    assert rules.payment(24 * KWH, 150_000) == 3_600_000
    assert rules.payment(1, 999_999) == 0  # 0.999999 micro-units
    assert rules.payment(-5 * KWH, 150_000) == 0


def test_penalty_rounds_up_and_is_capped_by_the_deposit() -> None:
    assert rules.penalty(8 * KWH, 100_000, 50_000_000) == 800_000
    assert rules.penalty(1, 100_000, 50_000_000) == 1  # 0.1 micro-units, rounded up
    assert rules.penalty(8 * KWH, 100_000, 300_000) == 300_000


def test_settle_is_all_or_nothing_at_the_commitment() -> None:
    met = rules.settle(
        required=20 * KWH, delivered=20 * KWH, price=150_000, penalty_price=100_000, held=10**9
    )
    assert (met.met, met.paid, met.penalty) == (True, 3_000_000, 0)
    short = rules.settle(
        required=20 * KWH, delivered=20 * KWH - 1, price=150_000, penalty_price=100_000, held=10**9
    )
    assert (short.met, short.paid, short.penalty) == (False, 0, 1)


def test_refund_after_an_adjustment() -> None:
    before = rules.settle(
        required=20 * KWH, delivered=12 * KWH, price=150_000, penalty_price=100_000, held=10**9
    )
    after = rules.settle(
        required=20 * KWH, delivered=24 * KWH, price=150_000, penalty_price=100_000, held=800_000
    )
    assert rules.refund(before, after) == 3_600_000 + 800_000
    assert rules.adjustment_bounds(12 * KWH, 24 * KWH) == (12 * KWH, 24 * KWH)
    assert rules.adjustment_bounds(12 * KWH, 10 * KWH) == (12 * KWH, 12 * KWH)


def test_window_digest_is_the_documented_text() -> None:
    hours = [Hour(3600, 5, 1), Hour(7200, -2, 4)]
    text = "m-1\n3600,5,1\n7200,-2,4\n"
    assert rules.window_digest("m-1", hours) == hashlib.sha256(text.encode()).hexdigest()
    assert rules.window_digest("m-2", hours) != rules.window_digest("m-1", hours)


def test_epochs_and_hours() -> None:
    first = 86_400 * 100
    assert rules.epoch_bounds(first, 4 * 3600, 2) == (first + 8 * 3600, first + 12 * 3600)
    assert rules.epoch_at(first, 3600, first - 1) == -1
    assert rules.epoch_at(first, 3600, first + 3599) == 0
    # An epoch over midnight reads two days; hours without readings are (0, 0).
    start = first + 22 * 3600
    days = rules.days_of(start, start + 4 * 3600)
    assert days == [100, 101]
    hours = rules.hours_from_buckets(
        start, start + 4 * 3600, lambda d: {23: (7, 1)} if d == 100 else {1: (9, 2)}
    )
    assert [(h.sum, h.count) for h in hours] == [(0, 0), (7, 1), (0, 0), (9, 2)]
    assert rules.total(hours) == (16, 3)
    assert rules.participates(first, first) and not rules.participates(first + 1, first)


@given(
    required=st.integers(0, 10**9),
    low=st.integers(-(10**6), 10**9),
    extra=st.integers(0, 10**9),
    price=st.integers(0, 10**6),
    penalty_price=st.integers(0, 10**6),
    held=st.integers(0, 10**9),
)
def test_more_energy_never_leaves_a_der_worse_off(
    required: int, low: int, extra: int, price: int, penalty_price: int, held: int
) -> None:
    """What a resolution relies on: crediting more energy pays at least as much and takes at
    most the same penalty, so the refund is never negative; a penalty never exceeds the vault."""
    before = rules.settle(
        required=required, delivered=low, price=price, penalty_price=penalty_price, held=held
    )
    after = rules.settle(
        required=required,
        delivered=low + extra,
        price=price,
        penalty_price=penalty_price,
        held=before.penalty,
    )
    assert after.paid >= before.paid and after.penalty <= before.penalty <= held
    assert rules.refund(before, after) >= 0
    assert before.met == (low >= required)
