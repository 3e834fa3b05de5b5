"""BlockPortal's JSON API on a real server, fed by a fake validator and REST API."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest

from smartblocks.clients.portal.auth import hash_password, verify_password

PASSWORDS = {"auditor": "auditor-pass-1", "admin": "admin-pass-1"}


async def session_for(portal, user: str | None) -> aiohttp.ClientSession:
    client = aiohttp.ClientSession(portal.url, cookie_jar=aiohttp.CookieJar(unsafe=True))
    if user:
        async with client.post("/api/login", json={"user": user, "password": PASSWORDS[user]}) as r:
            assert r.status == 200, await r.text()
    return client


async def get(client, path, status=200):
    async with client.get(path) as response:
        body = await response.json()
        assert response.status == status, body
        return body


def test_password_hashes_verify_and_differ():
    first, second = hash_password("s3cret-pw", n=2**10), hash_password("s3cret-pw", n=2**10)
    assert first != second and first.startswith("scrypt$1024$8$1$")
    assert verify_password("s3cret-pw", first) and not verify_password("other", first)
    assert not verify_password("s3cret-pw", "plain-text")


async def test_login_logout_and_roles(portal):
    anonymous = await session_for(portal, None)
    reader = await session_for(portal, "auditor")
    admin = await session_for(portal, "admin")
    try:
        assert (await get(anonymous, "/api/blocks", 401))["error"]["message"] == "log in first"
        async with anonymous.post("/api/login", json={"user": "auditor", "password": "nope"}) as r:
            assert r.status == 401
        json_type = {"Content-Type": "application/json"}
        async with anonymous.post("/api/login", data="not json", headers=json_type) as r:
            assert r.status == 400
        assert await get(reader, "/api/session") == {"user": "auditor", "role": "reader"}
        async with reader.get("/") as page:
            assert page.headers["X-Frame-Options"] == "DENY"
            assert "default-src 'self'" in page.headers["Content-Security-Policy"]
        assert "needs admin" in (await get(reader, "/api/admin/status", 403))["error"]["message"]
        status = await get(admin, "/api/admin/status")
        assert status["sessions"] == 2
        assert {u["name"] for u in status["users"]} == {"auditor", "admin"}
        cookie = next(c for c in reader.cookie_jar if c.key == "sb_session")
        assert cookie["httponly"] and cookie["samesite"] == "Strict" and len(cookie.value) >= 40
        async with reader.post("/api/logout") as r:
            assert r.status == 200
        await get(reader, "/api/session", 401)
    finally:
        for client in (anonymous, reader, admin):
            await client.close()


async def test_explorer_pages_blocks_and_decodes_transactions(portal, building):
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        head = len(portal.chain.blocks) - 1
        first = await get(client, "/api/blocks?limit=5")
        assert first["head"] == head
        assert [b["block_num"] for b in first["data"]] == list(range(head, head - 5, -1))
        second = await get(client, f"/api/blocks?limit=5&before={first['paging']['next_before']}")
        assert second["data"][0]["block_num"] == head - 5
        assert (await get(client, "/api/blocks?limit=abc", 400))["error"]["message"].startswith(
            "limit must be"
        )

        block = (await get(client, f"/api/blocks/{first['data'][0]['block_id']}"))["data"]
        assert block["batch_count"] == 2 and len(block["batches"]) == 2
        batch = (await get(client, f"/api/batches/{block['batches'][0]['batch_id']}"))["data"]
        (txn,) = batch["transactions"]
        assert txn["family"] == "blockmeter" and txn["signer"] == portal.chain.signer.public_key
        full = (await get(client, f"/api/transactions/{txn['txn_id']}"))["data"]
        assert full["payload"]["decoded"]["action"] == "RECORD_READINGS"
        assert full["payload"]["decoded"]["record_readings"]["meter_id"] == "main"
        assert len(full["payload"]["decoded"]["record_readings"]["values"]) == 24
        assert full["block_id"] == block["block_id"] and len(full["outputs"]) == 3
        await get(client, "/api/transactions/" + "0" * 128, 404)
    finally:
        await client.close()


async def test_ledger_state_and_address_history(portal, building):
    from smartblocks.processors.blockmeter import addressing

    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        families = {f["name"]: f for f in (await get(client, "/api/families"))["data"]}
        assert families["blockmeter"]["record_types"]["02"] == "meter"
        meters = (await get(client, "/api/state?family=blockmeter&type=02"))["data"]
        assert sorted(m["decoded"]["meter_id"] for m in meters) == ["chp", "main"]
        assert {m["type"] for m in meters} == {"meter"}
        address = addressing.meter_head_address("main")
        record = (await get(client, f"/api/state/{address}"))["data"]
        assert record["current"]["decoded"]["window_count"] == 10  # int64 stay numbers
        assert len(record["history"]) == 10
        nums = [h["block_num"] for h in record["history"]]
        assert nums == sorted(nums, reverse=True)
        assert all(h["family"] == "blockmeter" for h in record["history"])
        await get(client, "/api/state/xyz", 400)
        await get(client, "/api/state?family=nope", 404)
    finally:
        await client.close()


async def test_meter_series_and_site_dashboard(portal, building):
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        meters = (await get(client, "/api/meters"))["data"]
        assert [m["meter_id"] for m in meters] == ["chp", "main"]
        assert meters[1]["head"]["value_count"] == 240

        day = await get(client, "/api/meters/main/series?zoom=day")
        assert day["bucket_s"] == 3600 and len(day["points"]) == 24
        assert day["resolution"] == "interval"  # the readings themselves, from the payloads
        assert day["end"] - day["start"] == 86400 and day["unit"] == "MILLIWATT_HOUR"
        assert day["rollups"]["total"] == sum(p["value"] for p in day["points"])
        week = await get(client, "/api/meters/main/series?zoom=week&end=2026-01-10")
        assert len(week["points"]) == 7 * 24 and week["resolution"] == "hour"
        month = await get(client, "/api/meters/main/series?zoom=month&end=2026-01-10")
        assert month["bucket_s"] == 86400 and len(month["points"]) == 10
        assert month["rollups"]["total"] == sum(p["value"] for p in week["points"]) + sum(
            p["value"]
            for p in (await get(client, "/api/meters/main/series?zoom=week&end=2026-01-03"))[
                "points"
            ]
            if p["t"] < week["start"]
        )
        await get(client, "/api/meters/main/series?zoom=year", 400)
        await get(client, "/api/meters/nope/series", 404)

        board = await get(client, "/api/sites/hq/dashboard")
        assert board["as_of"] == "2026-01-10"
        today = board["figures"]["today"]
        assert today["consumption_mwh"] == today["import_mwh"] + today["generation_mwh"]
        assert today["generation_share_ppm"] == (
            today["generation_mwh"] * 1_000_000 // today["consumption_mwh"]
        )
        await get(client, "/api/sites/nope/dashboard", 404)
    finally:
        await client.close()


async def test_site_balance_counts_storage_apart_and_adds_up_to_the_meters(
    portal, storage_building
):
    from tests.clients.portal.conftest import BASES, DAYS

    def total(meter: str, days: range) -> int:  # the fixture's readings, summed independently
        step = 1_000_000
        return sum(BASES[meter] + step * ((h * 7 + d * 3) % 11) for d in days for h in range(24))

    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        board = await get(client, "/api/sites/hq/dashboard")
        assert board["as_of"] == "2026-01-10"
        assert board["generation_meters"] == ["CHP unit"]  # the battery is not generation
        for period, days in [("today", range(DAYS - 1, DAYS)), ("month", range(DAYS))]:
            f = board["figures"][period]
            expected = {
                "import_mwh": total("main", days),
                "export_mwh": total("export", days),
                "generation_mwh": total("chp", days),
                "storage_discharge_mwh": total("discharge", days),
                "storage_charge_mwh": total("charge", days),
            }
            assert {k: f[k] for k in expected} == expected
            consumption = (
                expected["import_mwh"]
                - expected["export_mwh"]
                + expected["generation_mwh"]
                + expected["storage_discharge_mwh"]
                - expected["storage_charge_mwh"]
            )
            assert f["consumption_mwh"] == consumption
            assert f["generation_share_ppm"] == expected["generation_mwh"] * 10**6 // consumption
        # The meters' own rows add up to the same figures.
        month = {m["meter_id"]: m["month"] for m in board["meters"]}
        assert board["figures"]["month"]["consumption_mwh"] == (
            month["main"] - month["export"] + month["chp"] + month["discharge"] - month["charge"]
        )
        # 240 h at 40 - 2 + 15 + 2.5 - 3 = 52.5 kWh, plus one meter's steps (1,198 kWh).
        assert board["figures"]["month"]["consumption_mwh"] == 13_798_000_000
    finally:
        await client.close()


async def test_live_events_announce_each_new_block(portal, chain):
    chain.add_block()
    await portal.indexed(0)
    client = await session_for(portal, "auditor")
    try:
        async with client.get("/api/live") as stream:
            assert stream.headers["Content-Type"] == "text/event-stream"
            assert (await stream.content.readline()).startswith(b"retry:")
            chain.add_block()
            lines = []
            while not lines or not lines[-1].startswith(b"data:"):
                lines.append(await asyncio.wait_for(stream.content.readline(), 10))
            assert b"event: block\n" in lines
            assert b'"block_num":1' in lines[-1]
    finally:
        await client.close()


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"portal": {"listen": "nowhere"}}, "must look like"),
        ({"portal": {"colour": "red"}}, "portal.colour: unknown key (known: component,"),
        (
            {"users": [{"name": "a", "role": "boss", "password": "x"}]},
            "users[0].role: must be one of",
        ),
        ({"users": [{"name": "a", "role": "reader", "password": "x"}]}, "password: expected"),
    ],
)
def test_config_errors_name_the_key(doc, message):
    from smartblocks.clients.portal.config import ConfigError, config_from_dict

    with pytest.raises(ConfigError, match=re.escape(message)):
        config_from_dict(doc, "portal.toml")


async def test_day_chart_shows_each_one_minute_reading(portal, chain, building):
    from smartblocks.processors.blockmeter import addressing as a
    from smartblocks.protos import blockmeter_pb2 as pb

    start = 1_768_003_200  # 2026-01-10T00:00Z, a day the building already has
    values = [1000 + i for i in range(120)]
    payload = pb.BlockMeterPayload(
        action=pb.BlockMeterPayload.RECORD_READINGS,
        record_readings=pb.RecordReadings(
            meter_id="sub", window_start=start, interval_s=60, values=values
        ),
    ).SerializeToString()
    meter = pb.Meter(
        meter_id="sub",
        site_id="hq",
        kind=pb.ELECTRICITY_IMPORT,
        unit=pb.MILLIWATT_HOUR,
        mode=pb.INTERVAL,
        nominal_interval_s=60,
    )
    head = pb.MeterHead(meter_id="sub", first_window_start=start, last_window_end=start + 7200)
    rollup_address = a.day_rollup_address("sub", "2026-01-10")
    chain.add_block(
        transactions=[("blockmeter", payload, [rollup_address], [rollup_address])],
        state_changes=[
            (a.meter_address("sub"), meter.SerializeToString()),
            (a.meter_head_address("sub"), head.SerializeToString()),
            (
                rollup_address,
                pb.Rollup(meter_id="sub", sum=sum(values), count=120).SerializeToString(),
            ),
        ],
    )
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        day = await get(client, "/api/meters/sub/series?zoom=day")
        assert day["resolution"] == "interval" and day["bucket_s"] == 60
        assert [p["value"] for p in day["points"]] == values
        assert day["points"][1]["t"] - day["points"][0]["t"] == 60
        assert day["rollups"]["total"] == sum(values)
    finally:
        await client.close()


def test_rates_are_averaged_and_energy_is_summed():
    from smartblocks.clients.portal.meters import aggregate, energy_figures, period_value

    temperature = {"unit": "MILLIDEGREE_CELSIUS", "kind": "TEMPERATURE"}
    energy = {"unit": "MILLIWATT_HOUR", "kind": "ELECTRICITY_IMPORT"}
    assert aggregate(temperature) == "mean" and aggregate(energy) == "total"
    day = {"sum": -1_000 + 4_000 + 5_500, "count": 3}
    assert period_value(day, "mean") == 2_833  # floor of 8500 / 3, as on-chain
    assert period_value(day, "total") == 8_500
    assert period_value(None, "mean") is None and period_value(None, "total") == 0
    # A rate meter never leaks into the electricity balance, even with a value of None.
    rows = [
        {**energy, "today": 10_000},
        {**temperature, "today": None},
        {"unit": "MILLIWATT_HOUR", "kind": "GENERATION", "today": 2_500},
    ]
    assert energy_figures(rows, "today")["consumption_mwh"] == 12_500
    rows += [
        {"unit": "MILLIWATT_HOUR", "kind": "ELECTRICITY_EXPORT", "today": 1_000},
        {"unit": "MILLIWATT_HOUR", "kind": "STORAGE_CHARGE", "today": 4_000},
        {"unit": "MILLIWATT_HOUR", "kind": "STORAGE_DISCHARGE", "today": 3_000},
    ]
    figures = energy_figures(rows, "today")
    assert figures["consumption_mwh"] == 10_000 - 1_000 + 2_500 + 3_000 - 4_000
    assert figures["generation_share_ppm"] == 2_500 * 10**6 // 10_500


def test_month_zoom_is_the_rolling_30_days_to_its_end():
    import datetime as dt

    from smartblocks.clients.portal.meters import window

    # On the 1st a calendar month would be one bar; the month zoom is the 30 days to the end.
    assert window("month", dt.date(2026, 3, 1)) == (dt.date(2026, 1, 31), dt.date(2026, 3, 1))
    assert window("month", dt.date(2026, 1, 30)) == (dt.date(2026, 1, 1), dt.date(2026, 1, 30))
    assert window("week", dt.date(2026, 1, 7)) == (dt.date(2026, 1, 1), dt.date(2026, 1, 7))


def test_dashboard_on_the_1st_carries_the_previous_month():
    import datetime as dt

    from smartblocks.clients.portal.meters import dashboard

    class Data:
        def sites(self):
            return [{"site_id": "hq"}]

        def meters(self):
            return [{"meter_id": "m", "site_id": "hq", "kind": "ELECTRICITY_IMPORT",
                     "unit": "MILLIWATT_HOUR"}]  # fmt: skip

        def day_rollup(self, meter_id, day):
            return {"sum": 5, "count": 1} if day == "2026-03-01" else None

        def month_rollup(self, meter_id, month):
            return {"2026-03": {"sum": 5, "count": 1}, "2026-02": {"sum": 700, "count": 28}}.get(
                month
            )

    board = dashboard(Data(), "hq", dt.date(2026, 3, 1))
    assert board is not None
    assert (board["month_label"], board["month_days"], board["previous_month_label"]) == (
        "2026-03",
        1,
        "2026-02",
    )
    assert board["meters"][0]["previous_month"] == 700
    assert board["figures"]["previous_month"]["consumption_mwh"] == 700
    assert board["figures"]["month"] == board["figures"]["today"]
    assert dashboard(Data(), "hq", dt.date(2026, 1, 1))["previous_month_label"] == "2025-12"  # type: ignore[index]
