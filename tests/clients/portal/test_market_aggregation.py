"""The aggregator agreements' portal pages: the API over the index (communities, a community's
members with their vault balances, epochs and disputes beside the connection meter's hours)
and the page in headless Chromium.

The records are real: made by the agreement's actions on the in-memory ledger of its processor
tests (one swept epoch, a dispute adjusted by the operator), then put on the fake chain."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from smartblocks.processors.blockmeter.addressing import NAMESPACE as METER_NAMESPACE
from smartblocks.processors.energycontract.addressing import NAMESPACE as CONTRACT_NAMESPACE
from tests.processors.energycontract.markets.aggregation.conftest import START, World

from .test_browser import log_in, page, pytestmark, shot  # noqa: F401  (fixture, skip mark)
from .test_members import get, session

KWH = 1_000_000


def aggregation_ledger(chain) -> World:
    world = World()
    world.open()
    world.der("alice")
    world.der("bob")
    world.join("alice")
    world.join("bob")
    world.deliver("alice", START, [6 * KWH] * 4)
    world.deliver("bob", START, [6 * KWH, 6 * KWH, 0, 0], pv=[6 * KWH] * 4)
    world.sweep(0)
    world.dispute("bob", 0, reason="the connection meter lost two hours")
    world.resolve("bob", 0, "ADJUST", 24 * KWH)
    chain.add_state_of(world.ledger.state, (METER_NAMESPACE, CONTRACT_NAMESPACE))
    return world


async def test_communities_members_epochs_and_disputes_api(portal, chain):
    world = aggregation_ledger(chain)
    alice, bob = world.ders["alice"].public_key, world.ders["bob"].public_key
    await portal.indexed()
    client = await session(portal, "auditor")
    async with client:
        (listed,) = (await get(client, "/api/markets/aggregation"))["data"]
        assert (listed["community_id"], len(listed["members"])) == ("com-1", 2)
        assert listed["first_epoch_start"] == "2027-03-01T00:00:00Z"
        body = (await get(client, "/api/markets/aggregation/com-1"))["data"]
        members = {m["der"]: m for m in body["members"]}
        assert members[alice]["vault"] == 50_000_000
        assert members[bob]["vault"] == 50_000_000 - 800_000
        (epoch,) = body["epochs"]
        outcomes = {o["der"]: o for o in epoch["outcomes"]}
        assert outcomes[alice]["paid"] == 3_600_000
        assert outcomes[bob]["adjusted"] and outcomes[bob]["paid"] == 3_600_000
        (dispute,) = body["disputes"]
        assert (dispute["status"], dispute["refund"], dispute["source"]) == (
            "ADJUSTED",
            4_400_000,
            "SWEEP_DIGEST",
        )
        assert [h.get("count", 0) for h in dispute["connection_hours"]] == [1, 1, 1, 1]
        assert [h.get("sum", 0) for h in dispute["connection_hours"]] == [6 * KWH, 6 * KWH, 0, 0]
        await get(client, "/api/markets/aggregation/nobody", 404)
        await get(client, "/api/markets/aggregation/bad%20id", 400)


async def test_the_community_page(page, portal, chain):
    world = aggregation_ledger(chain)
    bob = world.ders["bob"].public_key
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(f"{portal.url}/#/markets")
    await page.click("a[href='#/markets/aggregation']")
    await page.wait_for_selector("#communities tbody tr")
    await page.click("#communities a[href='#/markets/aggregation/com-1']")
    await page.wait_for_selector("#community-members")
    row = page.locator(f"#community-members tr[data-der='{bob}']")
    assert await row.locator("td.vault").inner_text() == "49.20 EUR"
    assert "ACTIVE" in await row.inner_text()
    epoch = page.locator("section.aggregation-epoch[data-epoch='0']")
    text = await epoch.inner_text()
    assert "paid 7.20 EUR, penalties 0.00 EUR" in text and "adjusted" in text
    dispute = page.locator(f"section.aggregation-dispute[data-der='{bob}']")
    text = await dispute.inner_text()
    assert "ADJUSTED" in text and "refunded 4.40 EUR" in text
    assert await dispute.locator("tr.differs").count() == 2
    await shot(page, "market-aggregation")
