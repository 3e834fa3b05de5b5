"""The four markets' actions through the portal's signing flow (clients/portal/market_actions.py)
on a real devnet with the BlockMeter and EnergyContract processors, whose ledger time the test
sets: for each mechanism the portal builds the unsigned transaction for a party's public key
from what the ledger holds, the party signs (sawtooth_signing, as the page's @noble/secp256k1
does) and the portal submits; every action here commits, and the records show it. Errors in a
form name the field."""

from __future__ import annotations

import asyncio
import calendar
import types
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from smartblocks.ledger.keys import Signer, write_key_files
from smartblocks.ledger.settings import (
    AGGREGATORS,
    AUCTION_OPERATORS,
    MARKETS_OPERATOR,
    SUPPLIER_OPERATORS,
)
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import txn as money_txn
from smartblocks.processors.energycontract.markets.aggregation import addressing as agg_addr
from smartblocks.processors.energycontract.markets.aggregation import txn as agg_txn
from smartblocks.processors.energycontract.markets.auction import addressing as auction_addr
from smartblocks.processors.energycontract.markets.auction import txn as auction_txn
from smartblocks.processors.energycontract.markets.p2p import addressing as p2p_addr
from smartblocks.processors.energycontract.markets.p2p import txn as p2p_txn
from smartblocks.processors.energycontract.markets.supplier import addressing as supplier_addr
from smartblocks.processors.energycontract.markets.supplier import txn as supplier_txn
from smartblocks.processors.energycontract.records import issuers_setting
from smartblocks.protos.market_aggregation_pb2 import Criteria, Dispute, Epoch, Member
from smartblocks.protos.market_auction_pb2 import AuctionOpen, StepBook
from smartblocks.protos.market_p2p_pb2 import Offer
from smartblocks.protos.market_supplier_pb2 import SupplierMember, SupplierOpen, SupplierPeriod
from tests.clients.portal.test_contracts_api import PASSWORD, act, call, start_portal
from tests.integration.clocked_ledger import ClockedLedger, clocked_ledger

MARCH = calendar.timegm((2027, 3, 1, 0, 0, 0))
DAY, HOUR, KWH, EUR = 86_400, 3_600, 1_000_000, 1_000_000


@pytest.fixture
def parties(tmp_path: Path) -> dict[str, Signer]:
    names = ("bank", "aggregator", "operator", "supplier", "auctioneer")
    return {name: write_key_files(name, tmp_path / "keys")[2] for name in names}


@pytest.fixture
def ledger(tmp_path: Path, parties: dict[str, Signer]) -> Iterator[ClockedLedger]:
    """A devnet at 2027-02-28 00:00 whose settings name every market's operators."""
    key = {name: signer.public_key for name, signer in parties.items()}
    with clocked_ledger(
        tmp_path,
        MARCH - DAY,
        "blockmeter",
        "energycontract",
        settings=[
            f"{issuers_setting('EUR')}={key['bank']}",
            f"{issuers_setting('PLT')}={key['aggregator']}",
            f"{AGGREGATORS}={key['aggregator']}",
            f"{MARKETS_OPERATOR}={key['operator']}",
            f"{SUPPLIER_OPERATORS}={key['supplier']}",
            f"{AUCTION_OPERATORS}={key['auctioneer']}",
        ],
    ) as clocked:
        yield clocked


@pytest.fixture
async def http(
    tmp_path: Path, ledger: ClockedLedger
) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    service = await start_portal(tmp_path, types.SimpleNamespace(url=ledger.url, ledger=ledger))
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            login = {"user": "reader", "password": PASSWORD}
            assert (await session.post(service.url + "/api/login", json=login)).status == 200
            yield session, service.url
    finally:
        await service.stop()


async def committed(http, signer: Signer, action: str, **body: Any) -> dict[str, Any]:
    result = await act(http, signer, action, **body)
    assert result["status"] == 200, result
    assert [s["status"] for s in result["statuses"]] == ["COMMITTED"], result
    return result


async def issue(ledger: ClockedLedger, bank: Signer, *to: Signer, amount: int = 500 * EUR) -> None:
    for party in to:
        money = money_txn.issue(bank, currency="EUR", to=party.public_key, amount=amount)
        await asyncio.to_thread(ledger.submit, bank, money)


async def read(ledger: ClockedLedger, message: Any, address: str) -> Any:
    return message.FromString(await asyncio.to_thread(ledger.read, address))


async def record(ledger: ClockedLedger, device: Signer, meter_id: str, values: list[int]) -> None:
    await asyncio.to_thread(
        ledger.submit,
        device,
        meter_txn.record_readings(
            device, meter_id=meter_id, window_start=MARCH, interval_s=HOUR, values=values
        ),
    )


async def test_p2p_buy_tokens_add_pick_settle_cancel_from_the_portal(http, ledger, parties):
    agg = parties["aggregator"]
    await asyncio.to_thread(
        ledger.submit,
        agg,
        p2p_txn.aggregator_set(
            agg, name="Village grid", currency="PLT", fee_ppm=20_000, pay_currency="EUR",
            rate_ppm=1_000_000,
        ),
    )  # fmt: skip
    seller = await asyncio.to_thread(
        ledger.new_meter, "pv", kind="ELECTRICITY_EXPORT", nominal_interval_s=HOUR
    )
    buyer = await asyncio.to_thread(ledger.new_meter, "home", nominal_interval_s=HOUR)
    await issue(ledger, parties["bank"], buyer.owner, amount=50 * EUR)
    platform = money_txn.issue(agg, currency="PLT", to=agg.public_key, amount=1000 * EUR)
    await asyncio.to_thread(ledger.submit, agg, platform)
    await committed(http, buyer.owner, "p2p.buy_tokens", aggregator=agg.public_key, amount="50.00")
    offer = {
        "offer_id": "pv-0301",
        "aggregator": agg.public_key,
        "export_meter": seller.meter_id,
        "energy": "10 kWh",
        "price": "0.20",
        "start": "2027-03-01T00:00Z",
        "hours": 4,
    }
    status, body = await call(
        http,
        "/api/sign/unsigned",
        {"action": "p2p.add", "public_key": seller.owner.public_key, **offer, "energy": "10 m3"},
    )
    assert (status, body["error"]["field"]) == (400, "energy")
    added = await committed(http, seller.owner, "p2p.add", **offer)
    assert "smartblocks offer add pv-0301" in added["unsigned"]["command"]
    await committed(http, buyer.owner, "p2p.pick", offer_id="pv-0301", import_meter=buyer.meter_id)
    picked = await read(ledger, Offer, p2p_addr.offer_address("pv-0301"))
    assert picked.status == Offer.PICKED

    ledger.set_time(MARCH + 5 * HOUR)
    await record(ledger, seller.device, seller.meter_id, [KWH, 5 * KWH, 2 * KWH, KWH // 2])
    await record(ledger, buyer.device, buyer.meter_id, [2 * KWH, 0, 3 * KWH, KWH])
    await committed(http, agg, "p2p.settle", offer_id="pv-0301")
    settled = await read(ledger, Offer, p2p_addr.offer_address("pv-0301"))
    assert settled.status == Offer.SETTLED and settled.delivered == 3_500_000
    later = {**offer, "offer_id": "pv-0302", "start": "2027-03-02T00:00Z"}
    await committed(http, seller.owner, "p2p.add", **later)
    await committed(http, seller.owner, "p2p.cancel", offer_id="pv-0302")
    cancelled = await read(ledger, Offer, p2p_addr.offer_address("pv-0302"))
    assert cancelled.status == Offer.CANCELLED


async def test_aggregation_join_admit_sweep_dispute_resolve_leave_from_the_portal(
    http, ledger, parties
):
    agg, operator = parties["aggregator"], parties["operator"]
    device = ledger.key_file("cp-device")[2]
    await asyncio.to_thread(
        ledger.submit,
        ledger.authority,
        meter_txn.create_site(
            ledger.authority, site_id="agg-site", owner_public_key=agg.public_key, name="x"
        ),
    )
    await asyncio.to_thread(
        ledger.submit,
        agg,
        meter_txn.register_meter(
            agg, meter_id="bob-cp", site_id="agg-site", kind="ELECTRICITY_EXPORT",
            unit="MILLIWATT_HOUR", nominal_interval_s=HOUR, plausible_min=0,
            plausible_max=10**12,
        ),
        meter_txn.bind_key(
            agg, meter_id="bob-cp", site_id="agg-site", public_key=device.public_key
        ),
    )  # fmt: skip
    pv = await asyncio.to_thread(
        ledger.new_meter, "bob-pv", kind="GENERATION", nominal_interval_s=HOUR
    )
    bob = pv.owner
    await issue(ledger, parties["bank"], bob, agg)
    criteria = Criteria(
        min_capacity_w=1_000, max_capacity_w=100_000, max_price=200_000, min_deposit=10 * EUR,
        max_members=10, commitment_ppm=500_000, penalty_price=100_000,
    )  # fmt: skip
    await asyncio.to_thread(
        ledger.submit,
        agg,
        agg_txn.open_community(
            agg, community_id="ridge", name="Valley DERs", currency="EUR",
            first_epoch_start=MARCH, epoch_s=4 * HOUR, criteria=criteria,
            dispute_window_s=DAY,
        ),
    )  # fmt: skip
    join = {
        "community_id": "ridge",
        "der_meter": pv.meter_id,
        "connection_meter": "bob-cp",
        "capacity": "10 kW",
        "price": "0.15",
        "deposit": "50.00",
    }
    status, body = await call(
        http,
        "/api/sign/unsigned",
        {"action": "aggregation.join", "public_key": bob.public_key, **join, "capacity": "ten"},
    )
    assert (status, body["error"]["field"]) == (400, "capacity")
    await committed(http, bob, "aggregation.join", **join)
    await committed(http, agg, "aggregation.admit", community_id="ridge", der=bob.public_key)
    member = await read(ledger, Member, agg_addr.member_address("ridge", bob.public_key))
    assert member.status == Member.ACTIVE

    # Epoch 0: the connection meter lost two hours; bob's own meter saw 24 kWh.
    ledger.set_time(MARCH + 4 * HOUR + 60)
    await record(ledger, device, "bob-cp", [6 * KWH, 6 * KWH, 0, 0])
    await record(ledger, pv.device, pv.meter_id, [6 * KWH] * 4)
    await committed(http, agg, "aggregation.sweep", community_id="ridge")
    epoch = await read(ledger, Epoch, agg_addr.epoch_address("ridge", 0))
    assert [o.met for o in epoch.outcomes] == [False]
    disputed = await committed(
        http, bob, "aggregation.dispute", community_id="ridge", epoch=0, reason="cp meter gap"
    )
    assert "4 hours" in disputed["unsigned"]["what"]
    await committed(
        http, operator, "aggregation.resolve", community_id="ridge", epoch=0,
        der=bob.public_key, decision="ADJUST", corrected="24 kWh", note="meters checked",
    )  # fmt: skip
    found = await read(ledger, Dispute, agg_addr.dispute_address("ridge", 0, bob.public_key))
    assert found.status == Dispute.ADJUSTED and found.evidence_total == 24 * KWH
    await committed(http, bob, "aggregation.leave", community_id="ridge")
    member = await read(ledger, Member, agg_addr.member_address("ridge", bob.public_key))
    assert member.status == Member.LEAVING


async def test_supplier_join_declare_settle_leave_from_the_portal(http, ledger, parties):
    operator = parties["supplier"]
    home = await asyncio.to_thread(
        ledger.new_meter, "home", nominal_interval_s=HOUR, plausible_max=10**12
    )
    await issue(ledger, parties["bank"], home.owner)
    terms = SupplierOpen(
        supplier_id="village", name="Village", currency="EUR", start=MARCH, period_s=DAY,
        declare_lead_s=HOUR, data_grace_s=2 * DAY, price_per_kwh=200_000,
        tolerance_ppm=50_000, learning_rate_ppm=250_000, initial_h_ppm=500_000,
        min_deposit=50 * EUR,
    )  # fmt: skip
    await asyncio.to_thread(
        ledger.submit, operator, supplier_txn.open_supplier(operator, terms=terms)
    )
    owner = home.owner
    await committed(
        http, owner, "supplier.join", supplier_id="village", meter=home.meter_id, deposit="100"
    )
    status, body = await call(
        http,
        "/api/sign/unsigned",
        {"action": "supplier.declare", "public_key": owner.public_key, "supplier_id": "village"},
    )
    assert (status, body["error"]["field"]) == (400, "period")
    await committed(
        http, owner, "supplier.declare", supplier_id="village", period=0, usage="240 kWh"
    )
    ledger.set_time(MARCH + DAY + 60)
    await record(ledger, home.device, home.meter_id, [10 * KWH] * 24)
    await committed(http, operator, "supplier.settle", supplier_id="village", period=0)
    book = await read(ledger, SupplierPeriod, supplier_addr.period_address("village", 0))
    assert book.settled and book.results[0].metered_mwh == 240 * KWH
    member = await read(
        ledger, SupplierMember, supplier_addr.member_address("village", owner.public_key)
    )
    assert member.h_ppm > terms.initial_h_ppm
    await committed(http, owner, "supplier.leave", supplier_id="village")
    member = await read(
        ledger, SupplierMember, supplier_addr.member_address("village", owner.public_key)
    )
    assert member.left


async def test_auction_subscribe_bid_ask_clear_settle_finalize_from_the_portal(
    http, ledger, parties
):
    auctioneer = parties["auctioneer"]
    home = await asyncio.to_thread(
        ledger.new_meter, "home", nominal_interval_s=HOUR, plausible_max=10**12
    )
    farm = await asyncio.to_thread(
        ledger.new_meter, "farm", nominal_interval_s=HOUR, plausible_max=10**12
    )
    await asyncio.to_thread(
        ledger.submit,
        farm.owner,
        meter_txn.register_meter(
            farm.owner, meter_id="farm-export", site_id=farm.site_id, kind="ELECTRICITY_EXPORT",
            unit="MILLIWATT_HOUR", nominal_interval_s=HOUR, plausible_min=0,
            plausible_max=10**12,
        ),
        meter_txn.bind_key(
            farm.owner, meter_id="farm-export", site_id=farm.site_id,
            public_key=farm.device.public_key,
        ),
    )  # fmt: skip
    await issue(ledger, parties["bank"], home.owner, farm.owner, amount=100 * EUR)
    terms = AuctionOpen(
        auction_id="village", name="Village", currency="EUR", start=MARCH, step_s=HOUR,
        steps=1, gate_s=15 * 60, data_grace_s=DAY, supplier_price=300_000,
        feed_in_price=50_000, subscription_deposit=20 * EUR,
    )  # fmt: skip
    await asyncio.to_thread(
        ledger.submit, auctioneer, auction_txn.open_auction(auctioneer, terms=terms)
    )
    await committed(
        http, home.owner, "auction.subscribe", auction_id="village",
        import_meter=home.meter_id, deposit="20.00",
    )  # fmt: skip
    await committed(
        http, farm.owner, "auction.subscribe", auction_id="village",
        import_meter=farm.meter_id, export_meter="farm-export", deposit="20.00",
    )  # fmt: skip
    await committed(
        http, home.owner, "auction.bid", auction_id="village", step=0, energy="10 kWh",
        price="0.25",
    )  # fmt: skip
    await committed(
        http, farm.owner, "auction.ask", auction_id="village", step=0, energy="8 kWh",
        price="0.15",
    )  # fmt: skip
    ledger.set_time(MARCH - 10 * 60)  # the gate closed at 23:45
    await committed(http, auctioneer, "auction.clear", auction_id="village", step=0)
    book = await read(ledger, StepBook, auction_addr.step_address("village", 0))
    assert (book.price, book.volume_mwh) == (200_000, 8 * KWH)
    ledger.set_time(MARCH + HOUR + 60)
    await record(ledger, home.device, home.meter_id, [12 * KWH])
    await record(ledger, farm.device, farm.meter_id, [0])
    await record(ledger, farm.device, "farm-export", [8 * KWH])
    await committed(http, home.owner, "auction.settle", auction_id="village", step=0)
    await committed(http, auctioneer, "auction.finalize", auction_id="village")
    book = await read(ledger, StepBook, auction_addr.step_address("village", 0))
    assert book.settled
