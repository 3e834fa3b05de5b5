"""The clearing rule and the settlement formula on plain data, and their properties under
hypothesis: matched energy balances, every match is individually rational at one uniform price,
no profitable trade is left, the order of the book does not matter, and money is conserved
through the real actions (in-memory ledger) with no step cleared or settled twice."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract.markets.auction import rules
from tests.processors.energycontract.conftest import MARCH
from tests.processors.energycontract.markets.auction.conftest import AuctionWorld

KWH = 1_000_000


def test_the_documented_example():
    """docs/market-auction.md, "Worked example"."""
    bids = [rules.OrderIn("b1", 5 * KWH, 280_000), rules.OrderIn("b2", 4 * KWH, 220_000),
            rules.OrderIn("b3", 3 * KWH, 120_000)]  # fmt: skip
    asks = [rules.OrderIn("s1", 3 * KWH, 100_000), rules.OrderIn("s2", 4 * KWH, 180_000),
            rules.OrderIn("s3", 6 * KWH, 250_000)]  # fmt: skip
    c = rules.clear(bids, asks)
    assert (c.volume, c.marginal_bid, c.marginal_ask, c.price) == (
        7 * KWH,
        220_000,
        180_000,
        200_000,
    )
    assert c.fills == (
        ("b1", 5 * KWH, 0),
        ("b2", 2 * KWH, 0),
        ("s1", 0, 3 * KWH),
        ("s2", 0, 4 * KWH),
    )


def test_equal_prices_go_by_member_key():
    bids = [rules.OrderIn("zed", KWH, 200_000), rules.OrderIn("amy", KWH, 200_000)]
    c = rules.clear(bids, [rules.OrderIn("sam", KWH, 100_000)])
    assert c.fills == (("amy", KWH, 0), ("sam", 0, KWH))


def test_no_crossing_no_trade():
    c = rules.clear([rules.OrderIn("b", KWH, 100_000)], [rules.OrderIn("s", KWH, 150_000)])
    assert (c.volume, c.price, c.fills) == (0, 0, ())


def _orders(prefix):
    return st.lists(
        st.tuples(st.integers(1, 50 * KWH), st.integers(0, 500_000)), min_size=0, max_size=25
    ).map(lambda xs: [rules.OrderIn(f"{prefix}{i:02}", e, p) for i, (e, p) in enumerate(xs)])


@given(_orders("b"), _orders("s"))
def test_clearing_properties(bids, asks):
    c = rules.clear(bids, asks)
    bought = {m: b for m, b, _ in c.fills}
    sold = {m: s for m, _, s in c.fills}
    assert sum(bought.values()) == sum(sold.values()) == c.volume
    limits = {o.member: o for o in [*bids, *asks]}
    for m, b in bought.items():
        if b:
            assert b <= limits[m].energy and limits[m].limit_price >= c.price
    for m, s in sold.items():
        if s:
            assert s <= limits[m].energy and limits[m].limit_price <= c.price
    if c.volume:
        assert c.marginal_ask <= c.price <= c.marginal_bid
    # no profitable trade is left: the best remaining bid is below the best remaining ask
    open_bids = [o.limit_price for o in bids if bought.get(o.member, 0) < o.energy]
    open_asks = [o.limit_price for o in asks if sold.get(o.member, 0) < o.energy]
    if open_bids and open_asks:
        assert max(open_bids) < min(open_asks)


@given(_orders("b"), _orders("s"), st.randoms())
def test_the_order_of_the_book_does_not_matter(bids, asks, rnd):
    b2, a2 = list(bids), list(asks)
    rnd.shuffle(b2)
    rnd.shuffle(a2)
    assert rules.clear(bids, asks) == rules.clear(b2, a2)


@given(_orders("b"), _orders("s"))
def test_buyers_pay_at_least_what_sellers_receive(bids, asks):
    c = rules.clear(bids, asks)
    paid = sum(rules.trade_payment(b, c.price) for _, b, _ in c.fills)
    received = sum(rules.trade_receipt(s, c.price) for _, _, s in c.fills)
    assert 0 <= paid - received <= len(c.fills)
    for o in bids:  # the collateral covers the payment at any clearing price
        assert rules.bid_collateral(o.energy, o.limit_price) >= rules.trade_payment(
            min(o.energy, bought_of(c, o.member)), c.price
        )


def bought_of(c, member):
    return next((b for m, b, _ in c.fills if m == member), 0)


order_spec = st.tuples(
    st.sampled_from(["owner", "neighbour"]),
    st.sampled_from(["bid", "ask"]),
    st.integers(0, 30),
    st.integers(0, 400_000),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(order_spec, max_size=6), st.lists(st.integers(0, 20), min_size=4, max_size=4))
def test_money_is_conserved_through_the_actions(orders, readings):
    aw = AuctionWorld()
    aw.open_auction(steps=1)
    aw.subscribe(aw.owner)
    aw.subscribe(aw.neighbour)
    start = aw.money()
    for who, side, kwh, price in orders:
        aw.order(getattr(aw, who), 0, side, kwh, price)
        assert aw.money() == start
    aw.set_time(MARCH - 60)
    aw.clear(0)
    for meter_id, kwh in zip(("main", "main-export", "farm", "farm-export"), readings, strict=True):
        aw.meter_hours(meter_id, MARCH, [kwh])
    book = aw.settle_step(0)
    assert aw.money() == start
    assert (
        sum(r.trade_paid for r in book.results) - sum(r.trade_received for r in book.results)
        == book.trade_remainder
        >= 0
    )
    with pytest.raises(InvalidTransaction, match="already settled"):
        aw.settle_step(0)
    with pytest.raises(InvalidTransaction, match="already cleared"):
        aw.clear(0)
