"""A market action from a market page in headless Chromium against a real devnet (BlockMeter +
EnergyContract processors, ledger time set by the test): a subscriber loads its key file in the
auction's page, a wrong energy is refused naming the field, then a bid is built by the portal,
signed in the page and committed; the step appears in the page from the ledger, the auctioneer
clears it from the same page, and the signature the page made is sawtooth_signing's. Then, on
the records of the market pages' tests, each page offers the forms of the loaded key's role."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
import asyncio
import json
import types
from typing import Any

from smartblocks.processors.energycontract.markets.auction import addressing as auction_addr
from smartblocks.processors.energycontract.markets.auction import txn as auction_txn
from smartblocks.protos.market_auction_pb2 import AuctionOpen, StepBook
from tests.clients.portal.test_browser import (
    ARTIFACTS,
    pytestmark,  # noqa: F401  (skip without chromium)
)
from tests.clients.portal.test_contracts_api import PASSWORD, start_portal
from tests.clients.portal.test_contracts_browser import load_key, page  # noqa: F401  (fixture)
from tests.clients.portal.test_market_actions import (  # noqa: F401  (fixtures)
    EUR,
    HOUR,
    MARCH,
    issue,
    ledger,
    parties,
    read,
)


async def test_bid_and_clear_from_the_auction_page(page, ledger, parties, tmp_path):
    auctioneer = parties["auctioneer"]
    home = await asyncio.to_thread(
        ledger.new_meter, "home", nominal_interval_s=HOUR, plausible_max=10**12
    )
    await issue(ledger, parties["bank"], home.owner, amount=100 * EUR)
    terms = AuctionOpen(
        auction_id="village", name="Village", currency="EUR", start=MARCH, step_s=HOUR,
        steps=1, gate_s=15 * 60, data_grace_s=HOUR, supplier_price=300_000,
        feed_in_price=50_000, subscription_deposit=20 * EUR,
    )  # fmt: skip
    auction = auction_txn.open_auction(auctioneer, terms=terms)
    await asyncio.to_thread(ledger.submit, auctioneer, auction)
    service = await start_portal(tmp_path, types.SimpleNamespace(url=ledger.url, ledger=ledger))
    submitted: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            submitted.append(json.loads(r.post_data))
            if r.url.endswith("/api/sign/submit")
            else None
        ),
    )
    try:
        await page.goto(service.url + "/#/markets/auction/village")
        await page.fill("input[name=user]", "reader")
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_selector("#auction-terms")
        await load_key(page, home.owner_key)
        await page.fill("#subscribe-form input[name=import_meter]", home.meter_id)
        await page.click("#subscribe-form button[type=submit]")
        await page.wait_for_selector(f"#subscribers a[href='#/meters/{home.meter_id}']")

        order = page.locator("#order-form")
        await order.locator("input[name=energy]").fill("ten kWh")
        await order.locator("input[name=price]").fill("0.25")
        await order.locator("button[type=submit]").click()
        await page.wait_for_selector("#action-log p.bad:has-text('energy:')")
        assert await order.locator("input[name=energy].bad").count() == 1
        await order.locator("input[name=energy]").fill("10 kWh")
        await order.locator("button[type=submit]").click()
        await page.wait_for_selector("#action-log p.good:has-text('COMMITTED')")
        await page.wait_for_selector("#steps tr[data-step='0']")
        bid = submitted[-1]
        header = bytes.fromhex(bid["transactions"][0]["header"])
        assert bid["transactions"][0]["signature"] == home.owner.sign(header)
        await page.screenshot(path=str(ARTIFACTS / "portal-market-actions-bid.png"), full_page=True)

        # The gate closes; the auctioneer clears the step from the step's page.
        ledger.set_time(MARCH - 10 * 60)
        await load_key(page, ledger.key_dir / "auctioneer.priv")
        await page.goto(service.url + "/#/markets/auction/village/0")
        await page.click("#clear-form button[type=submit]")
        await page.wait_for_selector("#step-state:has-text('cleared')")
        book = await read(ledger, StepBook, auction_addr.step_address("village", 0))
        assert book.cleared and [o.energy_mwh for o in book.orders] == [10_000_000]
    finally:
        await service.stop()


def _key_file(tmp_path, name: str, signer) -> Any:
    from smartblocks.ledger.keys import write_private_file

    path = tmp_path / f"{name}.priv"
    write_private_file(path, signer.private_hex())
    return path


async def test_each_market_page_offers_the_loaded_keys_actions(page, portal, chain, tmp_path):
    """The forms follow the key's role, on the records of the market pages' tests."""
    from tests.clients.portal.test_browser import log_in
    from tests.clients.portal.test_market_aggregation import aggregation_ledger
    from tests.clients.portal.test_market_auction import auction_ledger
    from tests.clients.portal.test_market_p2p import p2p_ledger
    from tests.clients.portal.test_market_supplier import supplier_ledger

    market, world = p2p_ledger(chain), aggregation_ledger(chain)
    sw, aw = supplier_ledger(chain), auction_ledger(chain)
    await portal.indexed()
    await log_in(page, portal)

    async def visit(route: str, signer, name: str, present: list[str], absent: list[str]):
        await page.goto(f"{portal.url}/#{route}")
        await page.wait_for_selector("#keybox")
        await load_key(page, _key_file(tmp_path, name, signer))
        for selector in present:
            await page.wait_for_selector(selector)
        for selector in absent:
            assert await page.locator(selector).count() == 0, (route, selector)

    await visit("/markets/p2p", market.seller, "seller", ["#p2p-add-form"], [])
    await visit(
        "/markets/p2p/o-open", market.seller, "seller", ["#p2p-cancel-form"], ["#p2p-pick-form"]
    )
    await visit(
        "/markets/p2p/o-open", market.buyer, "buyer", ["#p2p-pick-form"], ["#p2p-cancel-form"]
    )
    await visit("/markets/p2p/o-picked", market.buyer, "buyer", ["#p2p-settle-form"], [])
    await shot(page, "p2p-offer")
    alice = world.ders["alice"]
    await visit(
        "/markets/aggregation/com-1", alice, "alice", ["#leave-form"], ["#join-form", "#sweep-form"]
    )
    await visit(
        "/markets/aggregation/com-1", world.aggregator, "agg", ["#sweep-form"], ["#join-form"]
    )
    await visit(
        "/markets/supplier/sup-1",
        sw.owner,
        "owner",
        ["#declare-form", "#settle-form"],
        ["#join-form"],
    )
    await visit(
        "/markets/supplier/sup-1", world.aggregator, "stranger", ["#join-form"], ["#declare-form"]
    )
    await visit(
        "/markets/auction/a-1", aw.owner, "owner", ["#order-form", "#ask-form"], ["#subscribe-form"]
    )
    await shot(page, "auction")


async def shot(page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"portal-market-actions-{name}.png"), full_page=True)
