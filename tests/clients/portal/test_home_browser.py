"""The front page (Overview, the default route) in headless Chromium: the story with links to
each item's page, and sensible "nothing yet" states on an empty ledger."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from .test_browser import page, pytestmark, shot  # noqa: F401  (fixture, skip mark)
from .test_home import fitted_contract
from .test_members import CONTRACT, contract_ledger


async def log_in_at_home(page, portal, user="auditor", password="auditor-pass-1"):
    await page.goto(portal.url + "/")
    await page.fill("input[name=user]", user)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#overview-sites")


async def test_overview_is_the_front_page_and_links_every_item(page, portal, chain, building):
    contract_ledger(chain)
    fitted_contract(chain)
    await portal.indexed()
    await log_in_at_home(page, portal)
    assert await page.locator("main h1").inner_text() == "Overview"  # the brand links here
    assert await page.locator(".brand").get_attribute("href") == "#/"
    site = page.locator("#overview-sites a.card[data-item=hq]")
    assert "2 meters: import, generation" in await site.inner_text()
    assert await site.get_attribute("href") == "#/sites/hq"
    measure = await page.locator("#overview-measures").inner_text()
    assert "Measure on 2026-01-06" in measure
    assert "Baseline data: 2026-01-01 to 2026-01-06 (5 days of main" in measure
    assert (
        "Baseline fitted on hq.bms-main + hq.bms-pv (temperature hq.bms-outdoor) from "
        "2025-01-06 to 2026-01-06, 365 days" in measure
    )
    assert "0 forecasts posted, 4 scored." in await page.inner_text("#overview-forecasts")
    assert "CV(RMSE) 44.0 %" in await page.inner_text("#overview-forecasts")
    row = page.locator(f"#overview-contracts tr[data-contract='{CONTRACT}']")
    assert (
        "3 of 12" in await row.inner_text()
        and "2026-03 settled, disputed" in await row.inner_text()
    )
    money = await page.locator("#overview-money .figure[data-item=EUR]").inner_text()
    assert "0.00 EUR" in money and "5 payments" in money and "in escrow 0.00 EUR" in money
    # The balance of the site's months: its meters' totals (import 40+ kWh an hour, CHP 15+).
    balance = page.locator(".overview-balance[data-site=hq]")
    await balance.wait_for()
    rows = await balance.locator("tbody tr td:first-child").all_inner_texts()
    assert rows[0] == "Import" and rows[-1] == "= Consumption"
    await shot(page, "overview")

    await page.click(f"#overview-contracts a[href='#/contracts/{CONTRACT}']")
    await page.wait_for_url(f"**/#/contracts/{CONTRACT}")
    await page.goto(portal.url + "/#/")
    await page.click("#overview-sites a.card[data-item=hq]")
    await page.wait_for_url("**/#/sites/hq")


async def test_overview_of_an_empty_ledger_says_what_will_appear(page, portal, chain):
    chain.add_block()
    await portal.indexed()
    await log_in_at_home(page, portal)
    for section, text in [
        ("sites", "No site yet"),
        ("measures", "No measure yet"),
        ("forecasts", "No forecasts yet"),
        ("contracts", "No contract yet"),
        ("money", "No money on the ledger yet"),
        ("balance", "No meters yet"),
    ]:
        assert text in await page.inner_text(f"#overview-{section}"), section
    await shot(page, "overview-empty")
