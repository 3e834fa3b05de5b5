"""The local double auction's portal pages: the API over the index (markets, a market's
subscribers and steps, a step's book, clearing and settlement) and the pages in headless
Chromium.

The records are real: made by the auction's actions on the in-memory ledger of its processor
tests (step 0 cleared and settled, step 1 with orders only), then put on the fake chain."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from smartblocks.processors.blockmeter.addressing import NAMESPACE as METER_NAMESPACE
from smartblocks.processors.energycontract.addressing import NAMESPACE as CONTRACT_NAMESPACE
from tests.processors.energycontract.conftest import MARCH
from tests.processors.energycontract.markets.auction.conftest import AuctionWorld

from .test_browser import log_in, page, pytestmark, shot  # noqa: F401  (fixture, skip mark)
from .test_members import get, session


def auction_ledger(chain) -> AuctionWorld:
    aw = AuctionWorld()
    aw.open_auction()
    aw.subscribe(aw.owner)
    aw.subscribe(aw.neighbour)
    aw.order(aw.owner, 0, "bid", 10, 250_000)
    aw.order(aw.neighbour, 0, "ask", 8, 150_000)
    aw.order(aw.owner, 1, "bid", 5, 200_000)
    aw.order(aw.neighbour, 1, "ask", 6, 180_000)
    aw.set_time(MARCH - 10 * 60)
    aw.clear(0)
    for meter_id, kwh in (("main", 12), ("main-export", 0), ("farm", 0), ("farm-export", 8)):
        aw.meter_hours(meter_id, MARCH, [kwh])
    aw.settle_step(0)
    chain.add_state_of(aw.ledger.state, (METER_NAMESPACE, CONTRACT_NAMESPACE))
    return aw


async def test_markets_steps_and_a_steps_book_api(portal, chain):
    aw = auction_ledger(chain)
    await portal.indexed()
    client = await session(portal, "auditor")
    async with client:
        (listed,) = (await get(client, "/api/markets/auction"))["data"]
        assert (listed["auction_id"], listed["subscriber_count"]) == ("a-1", 2)
        body = (await get(client, "/api/markets/auction/a-1"))["data"]
        assert [(s["step"], s["cleared"], s["settled"]) for s in body["steps"]] == [
            (0, True, True),
            (1, False, False),
        ]
        step = (await get(client, "/api/markets/auction/a-1/0"))["data"]["step"]
        assert (step["price"], step["volume_mwh"]) == (200_000, 8_000_000)
        owner = next(r for r in step["results"] if r["member"] == aw.owner.public_key)
        assert (owner["trade_paid"], owner["imbalance_paid"]) == (1_600_000, 1_200_000)
        open_step = (await get(client, "/api/markets/auction/a-1/1"))["data"]["step"]
        assert open_step["preview"] == {"price": 190_000, "volume_mwh": 5_000_000}
        await get(client, "/api/markets/auction/a-1/7", 404)
        await get(client, "/api/markets/auction/a-1/x", 400)
        await get(client, "/api/markets/auction/nobody", 404)


async def test_the_auction_pages(page, portal, chain):
    aw = auction_ledger(chain)
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(f"{portal.url}/#/markets")
    await page.click("a[href='#/markets/auction']")
    await page.wait_for_selector("#auctions tbody tr")
    await page.click("#auctions a[href='#/markets/auction/a-1']")
    await page.wait_for_selector("#steps")
    assert await page.locator("#subscribers tbody tr").count() == 2
    assert "0.20 EUR/kWh" in await page.inner_text("#steps tr[data-step='0']")
    await page.click("#steps tr[data-step='0'] a")
    await page.wait_for_selector("#step-results")
    assert await page.inner_text("#step-state") == "settled"
    clearing = await page.inner_text("#clearing")
    assert "8 kWh at 0.20 EUR/kWh" in clearing and "marginal bid 0.25 EUR/kWh" in clearing
    assert await page.locator("svg.order-curves path.demand").count() == 1
    bid = page.locator(f"#bids tr[data-member='{aw.owner.public_key}']")
    assert "8 kWh" in await bid.inner_text()
    owner = await page.inner_text(f"#step-results tr[data-member='{aw.owner.public_key}']")
    assert "pays 1.60 EUR" in owner and "pays 1.20 EUR" in owner and "-4 kWh" in owner
    await shot(page, "market-auction-step")
    await page.goto(f"{portal.url}/#/markets/auction/a-1/1")
    await page.wait_for_selector("#bids")
    assert "would match 5 kWh at 0.19 EUR/kWh" in await page.inner_text("#clearing")
