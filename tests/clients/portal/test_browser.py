"""BlockPortal in headless Chromium (Debian's, driven by Playwright): the pages people use.

Each step saves a screenshot under tests/artifacts/ for review.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# CI installs chromium in `make test`; there a missing browser must fail, not skip.
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists() and os.environ.get("CI") != "true",
    reason="no /usr/bin/chromium: run tools/install-browser.sh",
)


@pytest.fixture
async def page():
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 860})
            page = await context.new_page()
            page.set_default_timeout(15_000)
            yield page
        finally:
            await browser.close()


async def shot(page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


async def log_in(page, portal, user="auditor", password="auditor-pass-1"):
    await page.goto(portal.url + "/#/blocks")  # the explorer (the default page is the overview)
    await page.fill("input[name=user]", user)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#blocks tbody tr")


async def test_explorer_login_paging_transaction_and_live_block(page, portal, chain, building):
    for _ in range(15):
        chain.add_block()
    await portal.indexed()
    head = len(chain.blocks) - 1

    await page.goto(portal.url + "/")
    await page.wait_for_selector("#login-form")
    await page.fill("input[name=user]", "auditor")
    await page.fill("input[name=password]", "wrong")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#login-error:has-text('wrong password')")
    await shot(page, "login")
    await log_in(page, portal)
    assert await page.locator("#blocks tbody tr").count() == 20
    assert await page.locator("#blocks tbody tr").first.get_attribute("data-block") == str(head)
    await shot(page, "blocks")

    await page.click("#older")
    await page.wait_for_selector(f"#blocks tbody tr[data-block='{head - 20}']")
    assert await page.locator("#blocks tbody tr").count() == head + 1 - 20
    await shot(page, "blocks-older")

    readings_block = chain.blocks[building_last_day(chain)]
    await page.goto(f"{portal.url}/#/blocks/{readings_block.block_id}")
    await page.click("table.grid-table tbody tr:first-child a")
    await page.wait_for_selector("text=Transactions (1)")
    await shot(page, "batch")
    await page.click("table.grid-table tbody tr:first-child td:first-child a")
    decoded = page.locator("#decoded-payload")
    await decoded.wait_for()
    text = await decoded.inner_text()
    assert "RECORD_READINGS" in text and '"meter_id": "main"' in text
    await shot(page, "transaction")

    # A new block appears on the newest page without a reload.
    await page.goto(portal.url + "/#/blocks")
    await page.wait_for_selector(f"#blocks tbody tr[data-block='{head}']")
    await page.wait_for_selector("#live.on")
    await page.evaluate("window.__not_reloaded = true")
    chain.add_block()
    await page.wait_for_selector(f"#blocks tbody tr[data-block='{head + 1}']")
    assert await page.evaluate("window.__not_reloaded") is True
    assert await page.inner_text("#head") == f"head #{head + 1}"
    await shot(page, "blocks-live")


async def bucket_count(page) -> int:
    """Buckets with a value in the first series of the page's (first) uPlot chart."""
    return await page.evaluate(
        "document.querySelector('.chart-frame').chart.data[1].filter((v) => v !== null).length"
    )


def building_last_day(chain) -> int:
    """The last block carrying readings (the newest with two batches)."""
    return max(b.block_num for b in chain.blocks if len(b.batches) == 2)


async def test_meter_chart_dashboard_and_state(page, portal, building):
    from playwright.async_api import expect

    await portal.indexed()
    await log_in(page, portal)

    await page.goto(portal.url + "/#/meters")
    await page.wait_for_selector("#meters tbody tr")
    await shot(page, "meters")

    await page.goto(portal.url + "/#/meters/main?zoom=week")
    await page.wait_for_selector(".chart-frame[data-series='actual:bars'] .u-over")
    assert await bucket_count(page) == 7 * 24
    # Hovering bucket 30 shows its value in the legend, in kWh with the unit's 2 decimals.
    over = page.locator(".chart-frame .u-over")
    box = await over.bounding_box()
    await over.hover(position={"x": box["width"] * 30.5 / 168, "y": box["height"] / 2})
    kwh = await page.evaluate("document.querySelector('.chart-frame').chart.data[1][30]")
    legend = page.locator(".chart-frame .u-legend .u-series:nth-child(2) .u-value")
    await expect(legend).to_have_text(f"{kwh:,.2f} kWh")
    await shot(page, "meter-week")

    await page.click("a[data-zoom=month]")
    await page.wait_for_function(
        "() => document.querySelector('.chart-frame')?.chart?.data[0].length === 30"
    )
    assert await bucket_count(page) == 10
    await shot(page, "meter-month")
    await page.click("a[data-zoom=day]")
    await page.wait_for_function(
        "() => document.querySelector('.chart-frame')?.chart?.data[0].length === 24"
    )
    assert await bucket_count(page) == 24
    await shot(page, "meter-day")

    await page.goto(portal.url + "/#/sites/hq")
    await page.wait_for_selector("text=Consumption 2026-01-10")  # a past day: its date
    await shot(page, "site")

    await page.goto(portal.url + "/#/state/blockmeter?type=02")
    await page.wait_for_selector("table.records tbody tr")
    assert await page.locator("table.records tbody tr").count() == 2
    await shot(page, "state")
    await page.click("table.records tbody tr:first-child td:first-child a")
    await page.wait_for_selector("text=History: 1 change, newest first")
    await shot(page, "address")


async def test_temperatures_are_averaged_not_added_up(page, portal, weather_building):
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(portal.url + "/#/sites/hq")
    outdoor = page.locator("tr", has_text="Outdoor temperature")
    await outdoor.wait_for()
    assert "mean" in await outdoor.inner_text()
    await page.goto(portal.url + "/#/meters/outdoor?zoom=week")
    await page.wait_for_selector(".figure .label:text-is('Mean')")
    assert await page.locator(".figure .label:text-is('Total')").count() == 0
    # A rate is a line through the buckets' means, not bars from zero.
    await page.wait_for_selector(".chart-frame[data-series='actual:line'] .u-over")
    assert await bucket_count(page) == 7 * 24
    await shot(page, "meter-temperature")


async def test_dashboard_shows_the_balance_term_by_term(page, portal, storage_building):
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(portal.url + "/#/sites/hq")
    balance = page.locator("#balance")
    await balance.wait_for()
    terms = await balance.locator("tbody td:first-child").all_inner_texts()
    assert terms == [
        "+ Import",
        "\N{MINUS SIGN} Export",
        "+ Generation",
        "+ Storage discharge",
        "\N{MINUS SIGN} Storage charge",
        "= Consumption",
    ]
    # The month column: the meters' totals (test_api checks them) and their balance.
    month = await balance.locator("tbody td:nth-child(3)").all_inner_texts()
    assert month[-1] == "13,798.0 kWh"
    consumption = await page.locator(
        ".figure:has(.label:text-is('Consumption 2026-01'))"
    ).inner_text()
    assert "13,798.0 kWh" in consumption
    share = await page.locator(".figure", has_text="Generation share 2026-01-10").inner_text()
    assert "CHP unit of consumption" in share
    assert "PV" not in await page.inner_text("main")
    await shot(page, "site-balance")


async def test_admin_page_only_for_admins(page, portal, building):
    await portal.indexed()
    await log_in(page, portal)
    assert await page.locator("nav a[data-section=admin]").is_hidden()
    await page.click("#logout")
    await page.wait_for_selector("#login-form")
    await log_in(page, portal, "admin", "admin-pass-1")
    await page.click("nav a[data-section=admin]")
    await page.wait_for_selector("text=Portal status")
    assert "connected" in await page.inner_text("dl.kv")
    await shot(page, "admin")


ATTACKER_PAGE = """<!doctype html>
<form id="f" method="POST" action="{portal}/api/login" enctype="text/plain">
<input type="hidden" name='{{"user": "auditor", "password": "auditor-pass-1", "x": "' value='"}}'>
</form>
<script>document.getElementById("f").submit();</script>
"""


async def test_another_site_cannot_log_the_browser_in(page, portal):
    """Login CSRF: a page on another site posts a text/plain form whose body is JSON with the
    attacker's credentials. The portal refuses it, so the victim is not logged into the attacker's
    account (and the portal's own pages still log in, as the other tests show)."""
    from aiohttp import web

    app = web.Application()
    html = ATTACKER_PAGE.format(portal=portal.url)

    async def attacker(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    app.router.add_get("/", attacker)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.2", 0)  # another IP address: another site
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with page.expect_response(f"{portal.url}/api/login") as answer:
            await page.goto(f"http://127.0.0.2:{port}/")
        response = await answer.value
        assert response.status == 403
        await shot(page, "csrf-refused")
        cookies = await page.context.cookies(portal.url)
        assert not [c for c in cookies if c["name"] == "sb_session"]
        await page.goto(portal.url + "/")
        await page.wait_for_selector("#login-form")
    finally:
        await runner.cleanup()
