"""The local double auction's actions against in-memory state with ledger time: subscribe over
the owner-only meter registry, sealed orders and gate closure, clearing, settlement against
meters, finalize; every rule's rejection; money conserved throughout."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract.markets.auction import txn
from tests.processors.energycontract.conftest import EUR, HOUR, MARCH


def test_open_needs_an_auctioneer(aw):
    with pytest.raises(InvalidTransaction, match=r"smartblocks\.energycontract\.auctioneers"):
        aw.ledger.apply(txn.open_auction(aw.owner, terms=aw.auction_terms(auction_id="a-2")))
    with pytest.raises(InvalidTransaction, match="auction id a-1 is taken"):
        aw.open_auction()
    with pytest.raises(InvalidTransaction, match="feed-in price 400000"):
        aw.open_auction(auction_id="a-3", feed_in_price=400_000)


def test_subscribe_only_with_ones_own_meters_and_the_deposit(aw):
    auction = aw.auction()
    assert [s.member for s in auction.subscribers] == sorted(
        [aw.owner.public_key, aw.neighbour.public_key]
    )
    with pytest.raises(InvalidTransaction, match=r"owned by .*, not by the signer"):
        aw.ledger.apply(
            txn.subscribe(
                aw.esco, auction=auction, import_meter="main", export_meter="",
                sites=["s-1"], deposit=20 * EUR,
            )
        )  # fmt: skip
    with pytest.raises(InvalidTransaction, match="same meters"):
        aw.ledger.apply(
            txn.subscribe(
                aw.owner, auction=auction, import_meter="main", export_meter="",
                sites=["s-1"], deposit=0,
            )
        )  # fmt: skip
    other = aw.open_auction(auction_id="a-2")
    with pytest.raises(InvalidTransaction, match="it must be ELECTRICITY_EXPORT"):
        aw.ledger.apply(
            txn.subscribe(
                aw.owner, auction=other, import_meter="main", export_meter="weather",
                sites=["s-1"], deposit=20 * EUR,
            )
        )  # fmt: skip
    with pytest.raises(InvalidTransaction, match="below the auction's subscription deposit"):
        aw.ledger.apply(
            txn.subscribe(
                aw.owner, auction=other, import_meter="main", export_meter="main-export",
                sites=["s-1"], deposit=19 * EUR,
            )
        )  # fmt: skip


def test_orders_are_sealed_until_the_gate_and_bids_lock_collateral(aw):
    before = aw.balance(aw.owner)
    aw.order(aw.owner, 0, "bid", 10, 250_000)
    assert aw.balance(aw.owner) == before - 2_500_000
    aw.order(aw.owner, 0, "bid", 10, 200_000)  # replaces: the first collateral comes back
    assert aw.balance(aw.owner) == before - 2_000_000
    aw.order(aw.owner, 0, "bid", 0, 0)  # cancels
    assert aw.balance(aw.owner) == before and not aw.step_book(0).orders
    with pytest.raises(InvalidTransaction, match=r"runs steps 0\.\.1"):
        aw.order(aw.owner, 2, "bid", 1, 1)
    with pytest.raises(InvalidTransaction, match="has not subscribed"):
        aw.ledger.apply(
            txn.order(
                aw.esco, auction=aw.auction(), step=0, side="ask", energy_mwh=1, limit_price=1
            )
        )
    aw.set_time(MARCH - 15 * 60 + 1)
    with pytest.raises(InvalidTransaction, match="closed at 2027-02-28T23:45Z"):
        aw.order(aw.owner, 0, "bid", 10, 250_000)


def _trade(aw):
    aw.order(aw.owner, 0, "bid", 10, 250_000)
    aw.order(aw.neighbour, 0, "ask", 8, 150_000)
    with pytest.raises(InvalidTransaction, match="its gate closes at 2027-02-28T23:45Z"):
        aw.clear(0)
    aw.set_time(MARCH - 10 * 60)
    return aw.clear(0)


def test_clearing_at_the_midpoint_of_the_marginal_pair(aw):
    start = aw.money()
    book = _trade(aw)
    assert (book.price, book.volume_mwh) == (200_000, 8_000_000)
    assert {f.member: (f.bought_mwh, f.sold_mwh) for f in book.fills} == {
        aw.owner.public_key: (8_000_000, 0),
        aw.neighbour.public_key: (0, 8_000_000),
    }
    # collateral 2.50 EUR, 8 kWh at 0.20 = 1.60 kept, 0.90 refunded at once
    assert aw.balance(aw.owner) == 1_000 * EUR - 20 * EUR - 1_600_000
    with pytest.raises(InvalidTransaction, match="already cleared"):
        aw.clear(0)
    assert aw.money() == start


def test_settlement_against_meters(aw):
    start = aw.money()
    _trade(aw)
    with pytest.raises(InvalidTransaction, match="the step ends at 2027-03-01T01:00Z"):
        aw.settle_step(0)
    aw.meter_hours("main", MARCH, [12])
    aw.meter_hours("main-export", MARCH, [0])
    aw.meter_hours("farm", MARCH, [0])
    with pytest.raises(InvalidTransaction, match="meter farm-export's data has no readings"):
        aw.settle_step(0)
    aw.meter_hours("farm-export", MARCH, [8])
    operator_before = aw.balance(aw.auctioneer)
    book = aw.settle_step(0)
    owner, neighbour = sorted(book.results, key=lambda r: r.member != aw.owner.public_key)
    assert (owner.imbalance_mwh, owner.trade_paid, owner.imbalance_due) == (
        -4_000_000,
        1_600_000,
        1_200_000,
    )
    assert owner.imbalance_paid == 1_200_000  # from the deposit
    assert (neighbour.imbalance_mwh, neighbour.trade_received) == (0, 1_600_000)
    assert aw.balance(aw.auctioneer) - operator_before == 1_200_000
    assert book.trade_remainder == 0
    with pytest.raises(InvalidTransaction, match="already settled"):
        aw.settle_step(0)
    assert aw.money() == start


def test_a_surplus_earns_the_feed_in_price(aw):
    aw.set_time(MARCH - 10 * 60)
    aw.clear(0)  # nobody ordered: the step still settles every subscriber's position
    aw.meter_hours("main", MARCH, [1])
    aw.meter_hours("main-export", MARCH, [0])
    aw.meter_hours("farm", MARCH, [0])
    aw.meter_hours("farm-export", MARCH, [6])
    book = aw.settle_step(0)
    farm = next(r for r in book.results if r.member == aw.neighbour.public_key)
    assert (farm.imbalance_mwh, farm.surplus_due, farm.surplus_paid) == (
        6_000_000,
        300_000,
        300_000,
    )


def test_finalize_returns_deposits_once_every_step_is_settled(aw):
    start = aw.money()
    with pytest.raises(InvalidTransaction, match="last step ends at 2027-03-01T02:00Z"):
        aw.ledger.apply(txn.finalize(aw.auctioneer, auction=aw.auction()))
    for meter_id, values in (
        ("main", [1, 1]),
        ("main-export", [0, 0]),
        ("farm", [0, 0]),
        ("farm-export", [1, 1]),
    ):
        aw.meter_hours(meter_id, MARCH, values)
    aw.clear(0)
    aw.settle_step(0)
    with pytest.raises(InvalidTransaction, match="1 of 2 steps are cleared"):
        aw.ledger.apply(txn.finalize(aw.auctioneer, auction=aw.auction()))
    aw.clear(1)
    aw.settle_step(1)
    with pytest.raises(InvalidTransaction, match="only the auctioneer"):
        aw.ledger.apply(txn.finalize(aw.owner, auction=aw.auction()))
    aw.ledger.apply(txn.finalize(aw.auctioneer, auction=aw.auction()))
    assert aw.auction().finalized
    with pytest.raises(InvalidTransaction, match="was finalized"):
        aw.order(aw.owner, 1, "bid", 1, 1)
    assert aw.money() == start
    assert HOUR
