"""The P2P market's formulas on plain data: the worked example of docs/market-p2p.md, number for
number, and their properties (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smartblocks.processors.energycontract.markets.p2p import rules
from smartblocks.processors.energycontract.markets.p2p.rules import HourFlow

KWH = 1_000_000


def test_worked_example() -> None:
    escrowed = rules.trade_value(10 * KWH, 200_000)
    assert escrowed == 2_000_000
    flows = [
        HourFlow(hour=h, exported=e, export_claimed=0, imported=i, import_claimed=0)
        for h, e, i in (
            (10, 1_000_000, 2_000_000),
            (11, 5_000_000, 0),
            (12, 2_000_000, 3_000_000),
            (13, 500_000, 1_000_000),
        )
    ]
    proof = rules.prove(10 * KWH, escrowed, 20_000, flows)
    assert proof.available == 3_500_000
    assert proof.payout == rules.Payout(
        delivered=3_500_000, payment=700_000, fee=14_000, seller=686_000, refund=1_300_000
    )


def test_rounding_favours_the_buyer_then_the_seller() -> None:
    # 1 mWh of 3 at 1 micro-unit each... payment 10 * 1/3 = 3.33 -> 3; fee 2 % of 3 = 0.06 -> 0.
    assert rules.payout(10, 3, 1, 20_000) == rules.Payout(1, 3, 0, 3, 7)
    assert rules.trade_value(1_500_000, 333_333) == 499_999  # 499,999.5 rounded down
    assert rules.tokens_for(1_000_001, 1_500_000) == 1_500_001  # 1,500,001.5 rounded down


def test_claims_leave_only_what_earlier_trades_did_not_take() -> None:
    flow = HourFlow(hour=0, exported=5, export_claimed=4, imported=10, import_claimed=0)
    assert flow.available == 1
    flow = HourFlow(hour=0, exported=5, export_claimed=0, imported=10, import_claimed=12)
    assert flow.available == 0  # never negative


def test_window_hours_and_days() -> None:
    start = 20 * 86_400 + 22 * 3_600  # 22:00
    assert rules.window_hours(start, start + 3 * 3_600) == [20 * 24 + 22, 20 * 24 + 23, 21 * 24]
    assert rules.window_days(start, start + 2 * 3_600) == [20]  # ends at midnight exactly
    assert rules.window_days(start, start + 3 * 3_600) == [20, 21]


energy = st.integers(min_value=0, max_value=10**9)
flows = st.lists(
    st.tuples(energy, energy, energy, energy).map(lambda t: HourFlow(0, t[0], t[1], t[2], t[3])),
    min_size=1,
    max_size=48,
)


@given(
    offered=st.integers(min_value=1, max_value=10**10),
    price=st.integers(min_value=1, max_value=10**9),
    fee_ppm=st.integers(min_value=0, max_value=1_000_000),
    hours=flows,
)
def test_proof_conserves_the_escrow_and_never_delivers_more_than_proved(
    offered: int, price: int, fee_ppm: int, hours: list[HourFlow]
) -> None:
    escrowed = rules.trade_value(offered, price)
    proof = rules.prove(offered, escrowed, fee_ppm, hours)
    out = proof.payout
    assert out.seller + out.fee + out.refund == escrowed
    assert min(out.seller, out.fee, out.refund) >= 0
    assert out.delivered == min(offered, proof.available)
    assert out.delivered == sum(mwh for _, mwh in proof.taken)
    for (hour, mwh), flow in zip(proof.taken, hours, strict=True):
        assert 0 <= mwh <= flow.available and hour == flow.hour
    if out.delivered == offered:
        assert out.refund == 0
    if out.delivered == 0:
        assert out.refund == escrowed
    assert proof == rules.prove(offered, escrowed, fee_ppm, hours)  # determinism


@given(
    offered=st.integers(min_value=1, max_value=10**10),
    escrowed=st.integers(min_value=0, max_value=10**12),
    fee_ppm=st.integers(min_value=0, max_value=1_000_000),
    a=st.integers(min_value=0, max_value=10**10),
    b=st.integers(min_value=0, max_value=10**10),
)
def test_more_delivered_never_pays_the_seller_less(
    offered: int, escrowed: int, fee_ppm: int, a: int, b: int
) -> None:
    low, high = sorted((min(a, offered), min(b, offered)))
    assert (
        rules.payout(escrowed, offered, low, fee_ppm).seller
        <= rules.payout(escrowed, offered, high, fee_ppm).seller
    )
