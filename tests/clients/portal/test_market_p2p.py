"""The P2P market's portal pages: the API over the index (aggregators, offers with their status,
one offer's proof of delivery or preview) and the pages in headless Chromium.

The records are real: made by the market's actions on the in-memory ledger of its processor
tests (one trade settled, one picked and delivered but not settled, one open), then put on the
fake chain with the ledger time (BlockInfo) they were made at."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from smartblocks.ledger.block_info import NAMESPACE as BLOCK_INFO_NAMESPACE
from smartblocks.processors.blockmeter.addressing import NAMESPACE as METER_NAMESPACE
from smartblocks.processors.energycontract.addressing import NAMESPACE as CONTRACT_NAMESPACE
from tests.processors.energycontract.markets.p2p.conftest import (
    END,
    HOUR,
    KWH,
    PLT,
    START,
    Market,
)

from .test_browser import log_in, page, pytestmark, shot  # noqa: F401  (fixture, skip mark)
from .test_members import get, session


def p2p_ledger(chain) -> Market:
    market = Market()
    market.issue("PLT", market.buyer, 50 * PLT)
    market.add("o-settled")
    market.add("o-picked", window_start=START + 4 * HOUR, window_end=START + 6 * HOUR)
    market.add(
        "o-open",
        window_start=END + DAY_HOURS * HOUR,
        window_end=END + 25 * HOUR,
        expires_at=END + DAY_HOURS * HOUR,
    )
    market.pick("o-settled")
    market.pick("o-picked")
    market.record("pv-1-export", START, [KWH, 5 * KWH, 2 * KWH, KWH // 2, 2 * KWH, 2 * KWH])
    market.record("b-1-import", START, [2 * KWH, 0, 3 * KWH, KWH, KWH, 0])
    market.settle("o-settled")
    chain.add_state_of(
        market.ledger.state, (METER_NAMESPACE, CONTRACT_NAMESPACE, BLOCK_INFO_NAMESPACE)
    )
    return market


DAY_HOURS = 24


async def test_offers_and_proof_of_delivery_api(portal, chain):
    market = p2p_ledger(chain)
    await portal.indexed()
    client = await session(portal, "auditor")
    async with client:
        body = (await get(client, "/api/markets/p2p"))["data"]
        (aggregator,) = body["aggregators"]
        assert (aggregator["name"], aggregator["fee"]) == ("Village grid", "2 %")
        status = {o["offer_id"]: o["status"] for o in body["offers"]}
        assert status == {"o-settled": "SETTLED", "o-picked": "PICKED", "o-open": "OPEN"}
        settled = (await get(client, "/api/markets/p2p/offers/o-settled"))["data"]
        assert settled["figures"]["delivered"] == 3_500_000
        assert (settled["seller_paid"], settled["buyer_refund"]) == ("0.686 PLT", "1.30 PLT")
        assert settled["seller"] == market.seller.public_key
        picked = (await get(client, "/api/markets/p2p/offers/o-picked"))["data"]
        # 14:00 and 15:00: min(2, 1) + min(2, 0) kWh, claims of o-settled are other hours.
        assert picked["preview"]["delivered"] == KWH and picked["preview"]["ready"]
        await get(client, "/api/markets/p2p/offers/nobody", 404)
        await get(client, "/api/markets/p2p/offers/bad%20id", 400)


async def test_the_p2p_pages(page, portal, chain):
    p2p_ledger(chain)
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(f"{portal.url}/#/markets")
    await page.click("a[href='#/markets/p2p']")
    await page.wait_for_selector("#p2p-offers tbody tr")
    row = page.locator("#p2p-offers tr[data-offer='o-settled']")
    assert "SETTLED" in await row.inner_text() and "3.5 kWh" in await row.inner_text()
    assert "Village grid" in await page.locator("#p2p-aggregators").inner_text()
    await shot(page, "market-p2p")
    await row.locator("a[href='#/markets/p2p/o-settled']").click()
    await page.wait_for_selector("#p2p-payout")
    payout = await page.locator("#p2p-payout").inner_text()
    assert "0.686 PLT" in payout and "1.30 PLT" in payout
    assert "3.5 kWh" in await page.locator("section.p2p-proof").inner_text()
    await page.goto(f"{portal.url}/#/markets/p2p/o-picked")
    await page.wait_for_selector("#p2p-ready")
    assert "would be accepted" in await page.locator("#p2p-ready").inner_text()
    await shot(page, "market-p2p-offer")
