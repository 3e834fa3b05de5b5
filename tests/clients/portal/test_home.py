"""The front page's overview API: the story from ledger records, and an empty ledger."""

from __future__ import annotations

from smartblocks.processors.energycontract import addressing as eca
from smartblocks.protos import energycontract_pb2 as ec

from .conftest import DAY0, DAYS
from .test_members import CONTRACT, START, contract_ledger, get, session

FITTED = "hq-fitted"


def fitted_contract(chain) -> None:
    """A contract whose baseline table says what it was fitted on: other meters (the BMS's)
    than the contract's, over a year that ends at the measure."""
    terms = ec.Terms(contract_id=FITTED, site_id="hq", meters=["main"], start=START)
    table = terms.baseline
    table.model = "opendsm 1.2.7 daily (CalTRACK)"
    table.fit_meters[:] = ["hq.bms-main", "hq.bms-pv"]
    table.fit_weather_meter = "hq.bms-outdoor"
    table.fit_start, table.fit_end = START - 365 * 86400, START
    contract = ec.Contract(contract_id=FITTED, terms=terms, status=ec.Contract.ACTIVE)
    chain.add_block(state_changes=[(eca.contract_address(FITTED), contract.SerializeToString())])


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
        assert measure["baseline_fit"] is None  # a table from before tables recorded it

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


async def test_overview_shows_what_the_signed_baseline_was_fitted_on(portal, chain, building):
    contract_ledger(chain)
    fitted_contract(chain)
    await portal.indexed()
    client = await session(portal, "auditor")
    try:
        story = await get(client, "/api/overview")
        measure = next(m for m in story["measures"] if m["contract_id"] == FITTED)
        assert measure["baseline_fit"] == {
            "meters": ["hq.bms-main", "hq.bms-pv"],
            "weather_meter": "hq.bms-outdoor",
            "from": "2025-01-06T00:00:00Z",
            "to": "2026-01-06T00:00:00Z",
            "days": 365,
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
