"""The automated supplier's portal pages: the API over the index (suppliers, a supplier's
members with their H factor and deposit, its periods) and the page in headless Chromium.

The records are real: made by the supplier's actions on the in-memory ledger of its processor
tests (one settled period, one with declarations only), then put on the fake chain."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from smartblocks.processors.blockmeter.addressing import NAMESPACE as METER_NAMESPACE
from smartblocks.processors.energycontract.addressing import NAMESPACE as CONTRACT_NAMESPACE
from tests.processors.energycontract.conftest import MARCH
from tests.processors.energycontract.markets.supplier.conftest import SupplierWorld

from .test_browser import log_in, page, pytestmark, shot  # noqa: F401  (fixture, skip mark)
from .test_members import get, session


def supplier_ledger(chain) -> SupplierWorld:
    sw = SupplierWorld()
    sw.open()
    sw.join(sw.owner)
    sw.join(sw.neighbour)
    sw.declare(sw.owner, 0, 240)
    sw.declare(sw.neighbour, 0, 240)
    sw.declare(sw.owner, 1, 240)
    sw.meter_day("main", MARCH, 240)
    sw.meter_day("farm", MARCH, 480)
    sw.settle(0)
    chain.add_state_of(sw.ledger.state, (METER_NAMESPACE, CONTRACT_NAMESPACE))
    return sw


async def test_suppliers_members_and_periods_api(portal, chain):
    sw = supplier_ledger(chain)
    await portal.indexed()
    client = await session(portal, "auditor")
    async with client:
        (listed,) = (await get(client, "/api/markets/supplier"))["data"]
        assert (listed["supplier_id"], listed["members"]) == ("sup-1", 2)
        assert listed["terms"]["start"] == "2027-03-01T00:00:00Z"
        body = (await get(client, "/api/markets/supplier/sup-1"))["data"]
        members = {m["member"]: m for m in body["members"]}
        owner = members[sw.owner.public_key]
        assert (owner["h_ppm"], owner["deposit"], owner["pending_periods"]) == (
            625_000,
            100_000_000,
            [1],
        )
        assert owner["rewards_received"] == 20_400_000
        assert members[sw.neighbour.public_key]["deposit"] == 100_000_000 - 68_400_000
        settled, open_ = body["periods"]
        assert settled["settled"] and not open_["settled"]
        assert settled["penalties"] == (
            settled["imbalance_paid"] + settled["rewards"] + settled["remainder"]
        )
        assert [d["member"] for d in open_["declarations"]] == [sw.owner.public_key]
        await get(client, "/api/markets/supplier/nobody", 404)
        await get(client, "/api/markets/supplier/bad%20id", 400)


async def test_the_supplier_page(page, portal, chain):
    sw = supplier_ledger(chain)
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(f"{portal.url}/#/markets")
    await page.click("a[href='#/markets/supplier']")
    await page.wait_for_selector("#suppliers tbody tr")
    await page.click("#suppliers a[href='#/markets/supplier/sup-1']")
    await page.wait_for_selector("#supplier-members")
    owner = page.locator(f"#supplier-members tr[data-member='{sw.owner.public_key}']")
    assert await owner.locator("td.h-factor").inner_text() == "62.50 %"
    assert "100.00 EUR" in await owner.inner_text()
    settled = page.locator("section.supplier-period[data-period='0']")
    text = await settled.inner_text()
    assert "settled" in text and "68.40 EUR" in text and "20.40 EUR" in text
    assert "imbalance cost paid 48.00" in text
    assert "open" in await page.inner_text("section.supplier-period[data-period='1']")
    await shot(page, "market-supplier")
