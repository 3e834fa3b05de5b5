"""Chart series, KPIs, forecasts and contract savings over the JSON API, each figure checked
against values this test computes itself from the readings it put on the (fake) ledger."""

from __future__ import annotations

import aiohttp

from smartblocks.processors.blockpredict import addressing as bp
from smartblocks.processors.energycontract import addressing as ec
from smartblocks.protos import blockpredict_pb2 as pp
from smartblocks.protos import energycontract_pb2 as pe
from smartblocks.protos.baseline_pb2 import BaselineTable, Curve, DayTypes, Knot, Resolution
from smartblocks.protos.blockmeter_pb2 import MILLIWATT_HOUR

from .conftest import BASES, DAY0, DAYS
from .test_api import get, session_for

ISSUER = "02" + "cd" * 32


def reading(meter: str, day: int, hour: int) -> int:
    """The conftest building's value of `meter` in hour `hour` of day `day` (0 = 2026-01-01)."""
    step = 1_000 if meter == "outdoor" else 1_000_000
    return BASES[meter] + step * ((hour * 7 + day * 3) % 11)


def day_total(meter: str, day: int) -> int:
    return sum(reading(meter, day, h) for h in range(24))


async def test_custom_range_demand_and_previous_period(portal, building):
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        # Days 5..9 (2026-01-06..10), hourly (up to 14 days), with the 5 days before.
        chart = await get(
            client,
            "/api/meters/main/series?zoom=range&start=2026-01-06&end=2026-01-10&compare=previous",
        )
        assert (chart["bucket_s"], chart["resolution"]) == (3600, "hour")
        assert len(chart["points"]) == 5 * 24
        first = chart["points"][0]
        assert first["t"] == DAY0 + 5 * 86400
        assert first["value"] == reading("main", 5, 0)
        # Demand: an hour's energy over an hour, mWh x 3600 / 3600 s = mW.
        assert first["demand_mw"] == reading("main", 5, 0)
        peak = max(reading("main", d, h) for d in range(5, 10) for h in range(24))
        assert chart["rollups"]["peak_demand_mw"] == peak
        previous = chart["previous"]
        assert previous["shift_s"] == 5 * 86400 and previous["start"] == DAY0
        assert [p["value"] for p in previous["points"]] == [
            reading("main", d, h) for d in range(5) for h in range(24)
        ]
        assert previous["points"][0]["t"] == first["t"]  # under the bucket it compares with

        # Longer than two weeks: daily buckets.
        long = await get(
            client, "/api/meters/main/series?zoom=range&start=2025-12-01&end=2026-01-10"
        )
        assert long["bucket_s"] == 86400
        assert [p["value"] for p in long["points"]] == [day_total("main", d) for d in range(DAYS)]
        assert long["points"][0]["demand_mw"] == day_total("main", 0) // 24

        await get(client, "/api/meters/main/series?zoom=range&end=2026-01-10", 400)
        await get(client, "/api/meters/main/series?zoom=range&start=2026-01-11&end=2026-01-10", 400)
        await get(client, "/api/meters/main/series?zoom=range&start=2024-01-01&end=2026-01-10", 400)
        await get(client, "/api/meters/main/series?compare=yesterday", 400)
    finally:
        await client.close()


async def test_site_overlay_adds_the_balance_per_bucket(portal, storage_building):
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        chart = await get(client, "/api/sites/hq/series?zoom=week&end=2026-01-10")
        assert chart["bucket_s"] == 3600 and len(chart["t"]) == 7 * 24
        terms = chart["terms"]
        for i, t in enumerate(chart["t"]):
            day, hour = divmod((t - DAY0) // 3600, 24)
            values = {
                m: reading(m, day, hour) for m in ("main", "chp", "export", "charge", "discharge")
            }
            assert terms["import"][i] == values["main"]
            assert terms["generation"][i] == values["chp"]
            assert terms["export"][i] == values["export"]
            assert chart["consumption"][i] == (
                values["main"]
                - values["export"]
                + values["chp"]
                + values["discharge"]
                - values["charge"]
            )
        month = await get(client, "/api/sites/hq/series?zoom=month&end=2026-01-10")
        assert month["bucket_s"] == 86400
        assert month["terms"]["import"] == [day_total("main", d) for d in range(DAYS)]
        await get(client, "/api/sites/nope/series", 404)
    finally:
        await client.close()


async def test_site_kpis_from_the_readings(portal, building):
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        kpis = await get(client, "/api/sites/hq/kpis")
        assert kpis["as_of"] == "2026-01-10" and kpis["floor_area_m2"] == 4200
        year = kpis["year"]
        imported = sum(day_total("main", d) for d in range(DAYS))
        generated = sum(day_total("chp", d) for d in range(DAYS))
        assert year["days_covered"] == DAYS
        assert year["consumption_mwh"] == imported + generated
        # 10 days of data, annualised: consumption x 365 / (10 days x 4,200 m²), floored.
        assert year["eui_mwh_per_m2"] == (imported + generated) * 365 // (DAYS * 4200)
        assert year["generation_share_ppm"] == generated * 1_000_000 // (imported + generated)
        peak = kpis["peak_demand"]
        highest = max(reading("main", d, h) for d in range(DAYS) for h in range(24))
        assert peak["peak_mw"] == highest  # hourly readings: mWh per hour = mW
        assert peak["meters"][0]["meter_id"] == "main"
        assert kpis["contracts"] == []
        # As of an earlier day: only the days up to it.
        early = await get(client, "/api/sites/hq/kpis?day=2026-01-03")
        assert early["year"]["import_mwh"] == sum(day_total("main", d) for d in range(3))
        await get(client, "/api/sites/nope/kpis", 404)
    finally:
        await client.close()


def _forecast_records(chain) -> dict[str, list[int]]:
    """A forecaster of site hq, hourly forecasts of `main` for days 8 and 9 (the second posted
    twice: a day-ahead starting on day 9 replaces the second half of a 2-day one), and the
    month accuracy record BlockPredict would keep."""
    two_days = [reading("main", 8 + h // 24, h % 24) + 500_000 for h in range(48)]
    day_ahead = [reading("main", 9, h) - 250_000 for h in range(24)]
    changes = [
        (bp.forecasters_address("hq"), pp.Forecasters(site_id="hq", public_keys=[ISSUER])),
    ]
    for start, values in ((DAY0 + 8 * 86400, two_days), (DAY0 + 9 * 86400, day_ahead)):
        changes.append(
            (
                bp.forecast_address("main", start, ISSUER),
                pp.Forecast(
                    meter_id="main",
                    site_id="hq",
                    issuer=ISSUER,
                    start=start,
                    end=start + 3600 * len(values),
                    resolution_s=3600,
                    slot_s=3600,
                    values=values,
                    model_name="test",
                    model_version="1",
                ),
            )
        )
    accuracy = pp.MonthAccuracy(
        meter_id="main",
        month="2026-01",
        slot_s=3600,
        scores=2,
        sums=pp.ErrorSums(slots=48, sum_abs_error=18_000_000, sum_error=6_000_000),
        metrics=pp.Metrics(mae=375_000, bias=125_000, mape_ppm=8_000, cv_rmse_ppm=9_000),
    )
    changes.append((bp.month_accuracy_address("main", "2026-01", 3600), accuracy))
    chain.add_block(state_changes=[(a, m.SerializeToString()) for a, m in changes])
    return {"day8": two_days[:24], "day9": day_ahead}


async def test_forecast_over_the_actuals_and_accuracy_per_month(portal, chain, building):
    expected = _forecast_records(chain)
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        week = await get(
            client, "/api/meters/main/series?zoom=week&end=2026-01-10&compare=forecast"
        )
        (forecast,) = week["forecast"]["forecasts"]
        assert forecast["issuer"] == ISSUER and week["forecast"]["bucket_s"] == 3600
        assert [p["value"] for p in forecast["points"]] == expected["day8"] + expected["day9"]
        assert forecast["points"][0]["t"] == DAY0 + 8 * 86400
        month = await get(
            client, "/api/meters/main/series?zoom=month&end=2026-01-10&compare=forecast"
        )
        (daily,) = month["forecast"]["forecasts"]
        assert [p["value"] for p in daily["points"]] == [
            sum(expected["day8"]),
            sum(expected["day9"]),
        ]
        accuracy = await get(client, "/api/meters/main/accuracy")
        assert accuracy["data"] == [
            {
                "month": "2026-01",
                "slot_s": 3600,
                "scores": 2,
                "slots": 48,
                "sum_actual": 0,
                "sum_forecast": 0,
                "mae": 375_000,
                "bias": 125_000,
                "mape_ppm": 8_000,
                "cv_rmse_ppm": 9_000,
            }
        ]
        assert (await get(client, "/api/meters/chp/accuracy"))["data"] == []
    finally:
        await client.close()


# A daily baseline with a slope of exactly -2,000 mWh per m°C between its knots, so the test
# computes it without rounding: e(t) = 80,000,000 - 2,000 t for -10 °C <= t <= 10 °C.
TABLE = BaselineTable(
    version=1,
    unit=MILLIWATT_HOUR,
    resolution=Resolution.PER_DAY,
    day_types=DayTypes.ALL_DAYS,
    curves=[
        Curve(
            day_type=0,
            knots=[
                Knot(temperature=-10_000, energy=100_000_000),
                Knot(temperature=10_000, energy=60_000_000),
            ],
        )
    ],
)


def _baseline(day: int) -> int:
    mean = sum(reading("outdoor", day, h) for h in range(24)) // 24
    return 80_000_000 - 2_000 * max(-10_000, min(10_000, mean))


def _contract_records(chain) -> None:
    """A guaranteed-savings contract on `main` (weather: `outdoor`), weekly from 2026-01-05,
    its first period settled and the second settled then adjusted by the auditor."""
    terms = pe.Terms(
        contract_id="hq-gs",
        title="HQ guaranteed savings",
        site_id="hq",
        meters=["main"],
        weather_meter="outdoor",
        currency="EUR",
        start=DAY0 + 4 * 86400,
        period=pe.WEEK,
        periods=4,
        baseline=TABLE,
        guaranteed_savings=pe.GuaranteedSavings(guarantee=7_000_000, basis=pe.PER_PERIOD),
    )
    contract = pe.Contract(
        contract_id="hq-gs", terms=terms, status=pe.Contract.ACTIVE, settled_periods=2
    )
    first = pe.Settlement(
        contract_id="hq-gs",
        period=0,
        period_name="2026-W02",
        start=DAY0 + 4 * 86400,
        end=DAY0 + 11 * 86400,
        status=pe.Settlement.SETTLED,
        actual=5_000_000_000,
        adjusted_baseline=5_010_000_000,
        avoided=10_000_000,
        figures=[pe.Figure(name="guarantee", value=7_000_000)],
    )
    second = pe.Settlement(
        contract_id="hq-gs",
        period=1,
        period_name="2026-W03",
        start=DAY0 + 11 * 86400,
        end=DAY0 + 18 * 86400,
        status=pe.Settlement.SETTLED,
        actual=5_000_000_000,
        adjusted_baseline=5_001_000_000,
        avoided=1_000_000,
        figures=[pe.Figure(name="guarantee", value=6_000_000)],
        dispute=pe.DisputeRecord(
            status=pe.DisputeRecord.ADJUSTED,
            corrected_actual=4_990_000_000,
            corrected_baseline=5_001_000_000,
            figures=[pe.Figure(name="guarantee", value=6_000_000)],
        ),
    )
    changes = [
        (ec.contract_address("hq-gs"), contract),
        (ec.settlement_address("hq-gs", 0), first),
        (ec.settlement_address("hq-gs", 1), second),
    ]
    chain.add_block(state_changes=[(a, m.SerializeToString()) for a, m in changes])


async def test_contract_savings_baseline_and_site_savings(portal, chain, weather_building):
    _contract_records(chain)
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        savings = await get(client, "/api/contracts/hq-gs/savings")
        assert savings["unit"] == "MILLIWATT_HOUR" and savings["template"] == "guaranteed_savings"
        assert savings["guarantee"] == {"amount": 7_000_000, "basis": "PER_PERIOD"}
        first, second = savings["periods"]
        assert (first["avoided"], first["cumulative_avoided"]) == (10_000_000, 10_000_000)
        assert second["adjusted"] and second["actual"] == 4_990_000_000
        assert second["avoided"] == 11_000_000
        assert savings["to_date"] == {
            "actual": 9_990_000_000,
            "adjusted_baseline": 10_011_000_000,
            "avoided": 21_000_000,
            "guarantee": 13_000_000,
        }
        assert second["cumulative_guarantee"] == 13_000_000
        await get(client, "/api/contracts/nope/savings", 404)

        kpis = await get(client, "/api/sites/hq/kpis")
        assert [c["contract_id"] for c in kpis["contracts"]] == ["hq-gs"]

        month = await get(
            client, "/api/meters/main/series?zoom=month&end=2026-01-10&compare=baseline"
        )
        (line,) = month["baselines"]
        assert line["contract_id"] == "hq-gs" and line["reporting_start"] == DAY0 + 4 * 86400
        assert [p["value"] for p in line["points"]] == [_baseline(d) for d in range(DAYS)]
        # A daily table has no hourly baseline.
        week = await get(
            client, "/api/meters/main/series?zoom=week&end=2026-01-10&compare=baseline"
        )
        assert week["baselines"][0]["points"] == []
        other = await get(client, "/api/meters/chp/series?zoom=month&compare=baseline")
        assert other["baselines"] == []
    finally:
        await client.close()


async def test_new_routes_need_a_login(portal, building):
    await portal.indexed()
    async with aiohttp.ClientSession(portal.url) as anonymous:
        for path in (
            "/api/sites/hq/kpis",
            "/api/sites/hq/series",
            "/api/meters/main/accuracy",
            "/api/contracts/x/savings",
        ):
            await get(anonymous, path, 401)
