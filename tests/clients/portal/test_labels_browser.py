"""Issue #13 part 3 in headless Chromium: the top bar at 800 px, the favicon, number formats,
and day and month labels a new user reads (see test_browser.py for the pattern)."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from .test_browser import (  # noqa: F401  (fixture, skip mark)
    bucket_count,
    log_in,
    page,
    pytestmark,
    shot,
)

TOPBAR_FITS = """() => {
  const bar = document.querySelector(".topbar");
  const items = [...bar.querySelectorAll(".brand, nav a, .search input, .status > *")]
    .filter((e) => e.offsetParent !== null);
  return {
    scrollHeight: bar.scrollHeight, clientHeight: bar.clientHeight,
    scrollWidth: bar.scrollWidth, clientWidth: bar.clientWidth,
    // An item whose text wrapped is taller than one line, or has several line boxes.
    wrapped: items.filter((e) => e.getClientRects().length > 1 || e.offsetHeight > 40)
      .map((e) => e.outerHTML.slice(0, 80)),
    clipped: items.filter((e) => e.getBoundingClientRect().right > bar.clientWidth + 0.5)
      .map((e) => e.outerHTML.slice(0, 80)),
  };
}"""


async def test_top_bar_fits_one_line_at_800_px_and_has_a_favicon(page, portal, building):
    await portal.indexed()
    await page.set_viewport_size({"width": 800, "height": 700})
    # An admin sees every nav link: the widest top bar.
    await page.goto(portal.url + "/#/blocks")
    await page.fill("input[name=user]", "admin")
    await page.fill("input[name=password]", "admin-pass-1")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#blocks tbody tr")
    await page.wait_for_selector("#live.on")
    await page.wait_for_function("document.getElementById('head').textContent !== ''")
    fit = await page.evaluate(TOPBAR_FITS)
    assert fit["scrollHeight"] == fit["clientHeight"] == 56, fit
    assert fit["scrollWidth"] <= fit["clientWidth"], fit
    assert fit["wrapped"] == [] and fit["clipped"] == [], fit
    assert await page.locator(".search input").is_visible()
    # The blocks table drops its optional columns rather than overflow the window.
    table = await page.evaluate(
        "() => [document.querySelector('#blocks').getBoundingClientRect().right, innerWidth]"
    )
    assert table[0] <= table[1], table
    await shot(page, "topbar-800")

    icon = page.locator("link[rel=icon]")
    href = await icon.get_attribute("href")
    assert href == "/static/favicon.svg" and await icon.get_attribute("type") == "image/svg+xml"
    response = await page.request.get(portal.url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert (await response.text()).lstrip().startswith("<svg")


FORMATS = """async () => {
  const f = await import("/static/format.js");
  return {
    temperatureMean: f.mean(21345, "MILLIDEGREE_CELSIUS"),
    coldMean: f.mean(-3456, "MILLIDEGREE_CELSIUS"),
    hourlyEnergyMean: f.mean(12345678, "MILLIWATT_HOUR"),
    largeEnergyMean: f.mean(1234567890, "MILLIWATT_HOUR"),
    irradianceMean: f.mean(456789, "MILLIWATT_PER_SQUARE_METRE"),
    energyTotal: f.quantity(13798000000, "MILLIWATT_HOUR"),
    count: f.count(1234567),
    zero: f.count(0),
    gasUnit: f.displayUnit("MILLILITRE", "GAS"),
    waterUnit: f.displayUnit("MILLILITRE", "WATER"),
    gas: f.quantity(1234500000, f.displayUnit("MILLILITRE", "GAS"), 1),
    gasMean: f.mean(2500000, "GAS_MILLILITRE"),
    water: f.quantity(1234500, "MILLILITRE"),
    kwhPerM3: f.GAS_KWH_PER_M3_DISPLAY_ONLY,
    tick: f.number(2000000, "MILLIWATT_HOUR", 0),
    pastDay: f.dayLabel("2026-01-10", "2026-12-06"),
    today: f.dayLabel("2026-12-06", "2026-12-06"),
    now: f.dayLabel(f.utcToday()),
    missing: f.mean(null, "MILLIDEGREE_CELSIUS"),
  };
}"""


async def test_number_formats_per_unit(page, portal):
    await page.goto(portal.url + "/")
    got = await page.evaluate(FORMATS)
    assert got == {
        "temperatureMean": "21.3 °C",
        "coldMean": "-3.5 °C",
        "hourlyEnergyMean": "12.35 kWh",
        "largeEnergyMean": "1,234.6 kWh",
        "irradianceMean": "457 W/m²",
        "energyTotal": "13,798.0 kWh",
        "count": "1,234,567",
        "zero": "0",
        "gasUnit": "GAS_MILLILITRE",
        "waterUnit": "MILLILITRE",
        "gas": "1,234.5 m³ (≈ 13,024 kWh)",
        "gasMean": "2.50 m³ (≈ 26 kWh)",
        "water": "1,234.5 L",
        "kwhPerM3": 10.55,
        "tick": "2",
        "pastDay": "2026-01-10",
        "today": "today",
        "now": "today",
        "missing": "—",
    }


async def test_past_day_is_named_by_its_date_and_the_1st_shows_the_previous_month(
    page, portal, building
):
    await portal.indexed()
    await log_in(page, portal)
    # The fixture's readings end on 2026-01-10, a past day: no "today" anywhere.
    await page.goto(portal.url + "/#/sites/hq")
    await page.wait_for_selector(".figure .label:text-is('Consumption 2026-01-10')")
    assert "today" not in (await page.inner_text("main")).lower()
    headers = await page.locator("#balance thead th").all_inner_texts()
    assert [h.lower() for h in headers] == ["term", "2026-01-10", "2026-01"]
    month = await page.locator(".figure", has_text="Consumption 2026-01").nth(1).inner_text()
    assert "10 days so far" in month

    # On the 1st the month so far is the day: said so, and the previous month shown beside it.
    await page.goto(portal.url + "/#/sites/hq?day=2026-01-01")
    await page.wait_for_selector(".figure .label:text-is('Consumption 2025-12')")
    headers = await page.locator("#balance thead th").all_inner_texts()
    assert [h.lower() for h in headers] == ["term", "2026-01-01", "2026-01 (= the day)", "2025-12"]
    columns = await page.locator("#site-meters thead th").all_inner_texts()
    assert len(columns) == 5
    figures = page.locator(".figure", has_text="Consumption 2026-01")
    day, month = await figures.nth(0).inner_text(), await figures.nth(1).inner_text()
    assert "same as the day" in month
    # The month as of the 1st is the 1st alone, though the ledger holds ten days of it.
    assert day.splitlines()[1] == month.splitlines()[1]
    await shot(page, "site-first-of-month")


async def test_month_zoom_is_the_last_30_days(page, portal, building):
    await portal.indexed()
    await log_in(page, portal)
    # 2026-02-01 has no readings; the 30 days to it (from 2026-01-03) still show January's
    # 3rd to 10th, where a calendar month would show one empty day.
    await page.goto(portal.url + "/#/meters/main?zoom=month&end=2026-02-01")
    await page.wait_for_selector(".chart-frame[data-series='actual:bars'] .u-over")
    assert await bucket_count(page) == 8  # bars with a value, of 30 days
    assert "2026-01-03 \N{EN DASH} 2026-02-01" in await page.inner_text(".period")
    readings = await page.locator(".figure", has_text="Readings").inner_text()
    assert "192" in readings  # 8 days of 24 hourly readings
    await shot(page, "meter-month-rolling")
