"""The P2P market's actions against an in-memory ledger: each rule refuses with its message and
writes nothing; a trade's money goes where the proof of delivery says."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.energycontract.markets.p2p import records, txn
from smartblocks.protos.market_p2p_pb2 import Aggregator, MeterClaims, Offer

from .conftest import DAY, END, HOUR, KWH, PLT, START, Market

Status = Offer.Status


def funded(market: Market) -> Market:
    market.issue("PLT", market.aggregator, 1_000 * PLT)
    market.issue("EUR", market.buyer, 100 * PLT)
    market.ledger.apply(
        txn.tokens_buy(
            market.buyer,
            aggregator=market.aggregator.public_key,
            currency="PLT",
            pay_currency="EUR",
            pay_amount=50 * PLT,
            rate_ppm=1_000_000,
        )
    )
    return market


def refused(match: str, apply, *args, **kwargs) -> None:
    with pytest.raises(InvalidTransaction, match=match):
        apply(*args, **kwargs)


def test_aggregator_set_needs_a_key_in_the_setting(market: Market) -> None:
    record = market.ledger.state[records.aggregator(market.aggregator.public_key).address]
    assert Aggregator.FromString(record).fee_ppm == 20_000
    stranger = Signer.generate()
    refused(
        "is not one of the 1 key\\(s\\) in setting smartblocks.energycontract.aggregators",
        market.ledger.apply,
        txn.aggregator_set(stranger, name="x", currency="PLT", fee_ppm=0),
    )


def test_tokens_buy_pays_one_currency_and_receives_the_other_atomically(market: Market) -> None:
    funded(market)
    assert market.balance(market.buyer, "EUR") == 50 * PLT
    assert market.balance(market.buyer, "PLT") == 50 * PLT
    assert market.balance(market.aggregator, "EUR") == 50 * PLT
    assert market.balance(market.aggregator, "PLT") == 950 * PLT
    # More than the aggregator's stock: nothing moves.
    market.issue("EUR", market.buyer, 5_000 * PLT)
    refused(
        "holds 950000000 micro-PLT, less than the 2000000000 needed",
        market.ledger.apply,
        txn.tokens_buy(
            market.buyer,
            aggregator=market.aggregator.public_key,
            currency="PLT",
            pay_currency="EUR",
            pay_amount=2_000 * PLT,
            rate_ppm=1_000_000,
        ),
    )
    refused(
        "rate 2000000 ppm is not the aggregator's current rate 1000000 ppm",
        market.ledger.apply,
        txn.tokens_buy(
            market.buyer,
            aggregator=market.aggregator.public_key,
            currency="PLT",
            pay_currency="EUR",
            pay_amount=PLT,
            rate_ppm=2_000_000,
        ),
    )
    assert market.balance(market.buyer, "EUR") == 5_050 * PLT
    assert market.balance(market.aggregator, "PLT") == 950 * PLT


def test_full_delivery_pays_the_seller_less_the_fee(market: Market) -> None:
    funded(market)
    market.add()
    market.pick()
    offer = market.offer()
    assert offer.status == Status.PICKED and offer.escrowed == 2 * PLT  # 10 kWh at 0.20
    assert market.balance(market.buyer) == 48 * PLT
    market.record("pv-1-export", START, [3 * KWH] * 4)  # 12 kWh exported
    market.record("b-1-import", START, [4 * KWH] * 4)  # 16 kWh imported
    market.settle()
    offer = market.offer()
    assert offer.status == Status.SETTLED
    assert (offer.delivered, offer.seller_paid, offer.fee_paid, offer.buyer_refund) == (
        10 * KWH,
        1_960_000,
        40_000,
        0,
    )
    assert market.balance(market.seller) == 1_960_000
    assert market.balance(market.aggregator) == 950 * PLT + 40_000
    assert market.total() == 1_000 * PLT
    changes = [a for t, a in market.ledger.events if t == "energycontract/p2p-offer"]
    assert [(a["action"], a["status"]) for a in changes] == [
        ("add", "OPEN"),
        ("pick", "PICKED"),
        ("settle", "SETTLED"),
    ]
    reasons = [a["reason"] for t, a in market.ledger.events if t == "energycontract/funds"]
    assert reasons[-2:] == ["p2p delivery", "p2p aggregator fee"]  # no refund: nothing left
    refused("already settled", market.settle)


def test_partial_delivery_pays_pro_rata_and_refunds_the_rest(market: Market) -> None:
    funded(market)
    market.add()
    market.pick()
    # Hour by hour: min(export, import) = 1 + 0 + 2 + 0.5 kWh; the 3rd hour's import is short.
    market.record("pv-1-export", START, [KWH, 5 * KWH, 2 * KWH, KWH // 2])
    market.record("b-1-import", START, [2 * KWH, 0, 3 * KWH, KWH])
    market.settle(signer=market.aggregator)
    offer = market.offer()
    assert offer.delivered == 3_500_000
    # payment = 2,000,000 * 3.5 / 10 = 700,000; fee 2 % = 14,000.
    assert (offer.seller_paid, offer.fee_paid, offer.buyer_refund) == (686_000, 14_000, 1_300_000)
    assert market.balance(market.buyer) == 48 * PLT + 1_300_000
    figures = {f.name: f.value for f in offer.figures}
    assert figures["exported"] == 8_500_000 and figures["imported"] == 6_000_000
    assert [f.name for f in offer.figures] == sorted(f.name for f in offer.figures)


def test_no_delivery_refunds_the_buyer(market: Market) -> None:
    funded(market)
    market.add()
    market.pick()
    market.record("pv-1-export", START, [0] * 4)
    market.record("b-1-import", START, [KWH] * 4)
    market.settle()
    offer = market.offer()
    assert (offer.delivered, offer.seller_paid, offer.buyer_refund) == (0, 0, 2 * PLT)
    assert market.balance(market.buyer) == 50 * PLT


def test_energy_is_never_sold_twice(market: Market) -> None:
    """Two trades on the same meters and hours share what was exported: the second gets what
    the first did not claim."""
    funded(market)
    market.add("o-1", energy=6 * KWH)
    market.add("o-2", energy=6 * KWH)
    market.pick("o-1")
    market.pick("o-2")
    market.record("pv-1-export", START, [2 * KWH] * 4)  # 8 kWh
    market.record("b-1-import", START, [5 * KWH] * 4)
    market.settle("o-1")
    market.settle("o-2")
    assert market.offer("o-1").delivered == 6 * KWH
    assert market.offer("o-2").delivered == 2 * KWH
    day = "2027-03-10"
    claims = MeterClaims.FromString(
        market.ledger.state[records.meter_claims("pv-1-export", day).address]
    )
    assert [(c.hour, c.claimed) for c in claims.hours] == [(h, 2 * KWH) for h in (10, 11, 12, 13)]


def test_settlement_waits_for_the_window_and_the_meters(market: Market) -> None:
    funded(market)
    market.add()
    market.pick()
    market.set_time(END - HOUR)
    refused("the delivery window ends 2027-03-10T14:00Z, after ledger time", market.settle)
    market.record("pv-1-export", START, [KWH] * 4)
    refused("meter b-1-import's data has no readings, before the window's end", market.settle)
    market.record("b-1-import", START, [KWH] * 2)
    refused("meter b-1-import's data reaches 2027-03-10T12:00Z", market.settle)
    # After the data grace it settles on the data there is.
    market.set_time(END + DAY)
    market.settle()
    assert market.offer().delivered == 2 * KWH


def test_offer_rules(market: Market) -> None:
    funded(market)
    refused(
        "meter b-1-import is ELECTRICITY_IMPORT in MILLIWATT_HOUR; it must be ELECTRICITY_EXPORT",
        market.add,
        export_meter="b-1-import",
        site_id="b-1",
    )
    refused(
        "meter pv-1-export is on site pv-1, owned by",
        market.add,
        signer=market.buyer,
    )
    refused("must start and end on whole UTC hours", market.add, window_start=START + 60)
    refused("the delivery window is 169 hours", market.add, window_end=START + 169 * HOUR)
    refused("at or before the window's start", market.add, expires_at=START + HOUR)
    refused(
        "is not an aggregator",
        market.add,
        aggregator=market.buyer.public_key,
    )
    market.add()
    refused("offer id o-1 is taken", market.add)


def test_pick_rules_and_lapse_by_ledger_time(market: Market) -> None:
    funded(market)
    market.add()
    refused("the seller and the aggregator cannot buy it", market.pick, signer=market.seller)
    poor = Signer.generate()
    refused("meter b-1-import is on site b-1, owned by", market.pick, signer=poor)
    market.set_time(START - HOUR)
    refused("the offer lapsed at 2027-03-10T09:00Z", market.pick)
    # The seller closes a lapsed offer.
    market.ledger.apply(txn.offer_cancel(market.seller, offer_id="o-1"))
    assert market.offer().status == Status.CANCELLED
    refused("offer o-1 is CANCELLED, not OPEN", market.pick)


def test_pick_needs_the_funds(market: Market) -> None:
    market.add()
    refused("holds 0 micro-PLT, less than the 2000000 needed", market.pick)
    assert market.offer().status == Status.OPEN


def test_cancel_only_by_the_seller_and_only_open(market: Market) -> None:
    funded(market)
    market.add()
    refused(
        "only the seller",
        market.ledger.apply,
        txn.offer_cancel(market.buyer, offer_id="o-1"),
    )
    market.pick()
    refused(
        "offer o-1 is PICKED, not OPEN",
        market.ledger.apply,
        txn.offer_cancel(market.seller, offer_id="o-1"),
    )
    refused("offer o-1 is PICKED, not OPEN", market.pick)
