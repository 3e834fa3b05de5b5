"""The front page's overview API: the story from ledger records, and an empty ledger."""

from __future__ import annotations

from .conftest import DAY0, DAYS
from .test_members import CONTRACT, START, contract_ledger, get, session


async def test_overview_tells_the_story_from_the_records(portal, chain, building):
    contract_ledger(chain)
    await portal.indexed()
    client = await session(portal, "auditor")
    try:
        story = await get(client, "/api/overview")
        assert story["head"] == len(chain.blocks) - 1
        (site,) = story["sites"]
        assert (site["site_id"], site["meters"], site["readings"]) == ("hq", 2, 2 * 24 * DAYS)
        assert site["kinds"] == ["ELECTRICITY_IMPORT", "GENERATION"]
        assert site["data_until"] == "2026-01-11T00:00:00Z"  # DAY0 + DAYS days

        (measure,) = story["measures"]
        assert measure["measure_date"] == "2026-01-06T00:00:00Z" and START == DAY0 + 5 * 86400
        assert measure["baseline_data_from"] == "2026-01-01T00:00:00Z"
        assert measure["baseline_data_days"] == 5

        forecasts = story["forecasts"]
        assert (forecasts["posted"], forecasts["scored"]) == (0, 4)
        (month,) = forecasts["latest_months"]
        assert (month["meter_id"], month["month"], month["cv_rmse_ppm"]) == (
            "main",
            "2026-01",
            440_000,
        )

        (contract,) = story["contracts"]
        assert contract["contract_id"] == CONTRACT and contract["status"] == "ACTIVE"
        assert (contract["settled_periods"], contract["periods"]) == (3, 12)
        last = contract["last_settlement"]
        assert last["period"] == 2 and last["disputed"] is True
        # Period 2 paid arrears 40 and a shortfall 10; its fee of 100 went unpaid.
        assert last["paid"] == 50

        (eur,) = story["money"]
        # Paid: 100 + 60 + (40 + 0 + 10) by settlements, 5 by the dispute's adjustment.
        assert eur == {
            "currency": "EUR",
            "issued": 2_000_000_000,
            "redeemed": 0,
            "settled": 215,
            "payments": 5,
            "accounts": 1_500_000_000,
            "escrow": 300,
            "address": eur["address"],
        }
    finally:
        await client.close()


async def test_overview_of_an_empty_ledger(portal, chain):
    chain.add_block()
    await portal.indexed()
    client = await session(portal, "auditor")
    try:
        story = await get(client, "/api/overview")
        assert story == {
            "sites": [],
            "measures": [],
            "forecasts": {"posted": 0, "scored": 0, "latest_months": []},
            "contracts": [],
            "money": [],
            "head": 0,
        }
    finally:
        await client.close()
