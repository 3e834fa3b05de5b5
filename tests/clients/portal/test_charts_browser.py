"""The uPlot charts in headless Chromium: they render, zoom by dragging, export what they show
as CSV, overlay the previous period, a contract's baseline and BlockPredict's forecast, and the
site page shows its KPIs and import / generation / export on one chart. Screenshots in
tests/artifacts/portal-chart-*.png."""

from __future__ import annotations

import csv
import io

from .conftest import DAY0

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from .test_browser import bucket_count, log_in, page, pytestmark, shot  # noqa: F401  (fixture, skip mark)
from .test_kpis import _contract_records, _forecast_records, day_total, reading

CHART = "document.querySelector('.chart-frame').chart"


async def test_drag_zooms_and_csv_exports_what_is_shown(page, portal, building):
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(portal.url + "/#/meters/main?zoom=week&end=2026-01-10")
    over = page.locator(".chart-frame .u-over")
    await over.wait_for()
    assert await bucket_count(page) == 7 * 24
    # Drag across about the second day of the seven: the x scale narrows to it.
    box = await over.bounding_box()
    y = box["y"] + box["height"] / 2
    await page.mouse.move(box["x"] + box["width"] * (1.02 / 7), y)
    await page.mouse.down()
    await page.mouse.move(box["x"] + box["width"] * (1.5 / 7), y, steps=5)
    await page.mouse.move(box["x"] + box["width"] * (1.98 / 7), y, steps=5)
    await page.mouse.up()
    low, high = await page.evaluate(f"() => [{CHART}.scales.x.min, {CHART}.scales.x.max]")
    start = DAY0 + 3 * 86400  # the week to 2026-01-10 starts 2026-01-04 (day 3)
    assert start + 86400 < low < start + 2 * 3600 + 86400
    assert start + 2 * 86400 - 2 * 3600 < high < start + 2 * 86400
    await shot(page, "chart-zoomed")

    async with page.expect_download() as info:
        await page.click("[data-action=csv]")
    download = await info.value
    assert download.suggested_filename == "main-2026-01-04-2026-01-10.csv"
    rows = list(csv.reader(io.StringIO(open(await download.path()).read())))  # noqa: SIM115
    assert rows[0] == ["time_utc", "unix_s", "Actual (kWh)", "Actual (MILLIWATT_HOUR)"]
    shown = [(int(r[1]), int(r[3])) for r in rows[1:]]
    # Exactly the hours inside the zoomed span, with the meter's readings as on the ledger.
    assert shown and all(low <= t < high for t, _ in shown)
    assert len(shown) >= 20
    for t, value in shown:
        day, hour = divmod((t - DAY0) // 3600, 24)
        assert value == reading("main", day, hour)
    assert rows[1][2] == f"{shown[0][1] / 1e6:.6f}"

    await page.click("[data-action=reset-zoom]")
    low, high = await page.evaluate(f"() => [{CHART}.scales.x.min, {CHART}.scales.x.max]")
    assert (low, high) == (start, start + 7 * 86400)
    # Ctrl+wheel zooms in around the pointer; Shift+drag pans: the span keeps its length.
    await page.mouse.move(box["x"] + box["width"] / 2, y)
    await page.keyboard.down("Control")
    await page.mouse.wheel(0, -100)
    await page.keyboard.up("Control")
    await page.wait_for_function(f"() => {CHART}.scales.x.max - {CHART}.scales.x.min < 7 * 86400")
    low, high = await page.evaluate(f"() => [{CHART}.scales.x.min, {CHART}.scales.x.max]")
    await page.keyboard.down("Shift")
    await page.mouse.down()
    await page.mouse.move(box["x"] + box["width"] / 4, y, steps=5)
    await page.mouse.up()
    await page.keyboard.up("Shift")
    moved = await page.evaluate(f"() => [{CHART}.scales.x.min, {CHART}.scales.x.max]")
    assert moved[0] > low and abs((moved[1] - moved[0]) - (high - low)) < 1  # later, same span
    await page.click("[data-action=reset-zoom]")

    # A custom range from the date form.
    await page.fill("#range-form input[name=start]", "2026-01-02")
    await page.fill("#range-form input[name=end]", "2026-01-05")
    await page.click("#range-form button")
    await page.wait_for_function(f"() => {CHART}?.data[0].length === 4 * 24")
    assert "zoom=range" in page.url and "start=2026-01-02" in page.url
    # Demand in kW: a stepped line of each hour's mean power.
    await page.click("a[data-view=demand]")
    await page.wait_for_selector(".chart-frame[data-series='actual:step']")
    kw = await page.evaluate(f"() => {CHART}.data[1][0]")
    assert kw == reading("main", 1, 0) / 1e6
    await shot(page, "chart-demand")


async def test_previous_period_baseline_and_forecast_overlays(
    page, portal, chain, weather_building
):
    _contract_records(chain)
    forecast = _forecast_records(chain)
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(
        portal.url + "/#/meters/main?zoom=month&end=2026-01-10&show=previous,baseline,forecast"
    )
    frame = page.locator(".chart-frame[data-series*='baseline:step']")
    await frame.wait_for()
    kinds = (await frame.get_attribute("data-series")).split()
    assert kinds == ["actual:bars", "previous:step", "baseline:step", "forecast:step"]
    columns = await page.evaluate(f"() => {CHART}.data.map((c) => c.slice(20))")  # the 10 days
    assert columns[1] == [day_total("main", d) / 1e6 for d in range(10)]
    assert columns[2] == [None] * 10  # nothing before 2026-01-01 on this ledger
    assert all(v is not None for v in columns[3])  # a baseline every day
    assert columns[4][8:] == [sum(forecast["day8"]) / 1e6, sum(forecast["day9"]) / 1e6]
    await page.wait_for_selector("#accuracy tbody tr[data-month='2026-01']")
    await shot(page, "chart-overlays")

    # Week zoom: the daily baseline has no hours; the page says so.
    await page.click("a[data-zoom=week]")
    await page.wait_for_selector("text=The contract's baseline is per day")

    # The site page: the contract's savings to date, and avoided energy against the guarantee.
    await page.goto(portal.url + "/#/sites/hq")
    row = page.locator("#savings tr[data-contract=hq-gs]")
    await row.wait_for()
    assert "21.0 kWh" in await row.inner_text()  # avoided: 10 + 11 kWh (the second adjusted)
    chart = page.locator(".savings-chart[data-contract=hq-gs] .chart-frame")
    await chart.wait_for()
    assert await chart.get_attribute("data-series") == "actual:line baseline:line"
    await shot(page, "chart-savings")


async def test_site_page_kpis_and_balance_overlay(page, portal, chain, storage_building):
    await portal.indexed()
    await log_in(page, portal)
    await page.goto(portal.url + "/#/sites/hq")
    kpis = page.locator("#kpis")
    await kpis.wait_for()
    text = await kpis.inner_text()
    assert "kWh/m²" in text and "annualised from 10 days with data" in text
    assert "Peak demand" in text and "50.00 kW" in text
    frame = page.locator(".chart-frame[data-series*='import:step']")
    await frame.wait_for()
    assert (await frame.get_attribute("data-series")).split() == [
        "consumption:step",
        "import:step",
        "generation:step",
        "export:step",
        "storage_discharge:step",
        "storage_charge:step",
    ]
    await shot(page, "chart-site")
    await page.click("a[data-chart-zoom=month]")
    await page.wait_for_function(f"() => {CHART}?.data[0].length === 30")
    imported = await page.evaluate(f"() => {CHART}.data[2].slice(20)")
    assert imported == [day_total("main", d) / 1e6 for d in range(10)]
