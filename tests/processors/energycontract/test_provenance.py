"""A baseline table's record of what it was fitted on (fit_* in protos/baseline.proto): signed
with the table, checked in the terms without state, and absent from older tables, which keep
their bytes, hash and values."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract import txn
from smartblocks.processors.energycontract.terms import check_baseline_provenance
from smartblocks.processors.kit import baseline
from tests.processors.energycontract.conftest import DAY, MARCH, flat_table, heating_table

YEAR_BEFORE = MARCH - 365 * DAY


def fitted(table=None, **changes):
    table = table or heating_table()
    table.fit_meters[:] = changes.pop("fit_meters", ["s-1.bms-main"])
    table.fit_weather_meter = changes.pop("fit_weather_meter", "s-1.bms-weather")
    table.fit_start = changes.pop("fit_start", YEAR_BEFORE)
    table.fit_end = changes.pop("fit_end", MARCH)
    assert not changes
    return table


def test_tables_without_provenance_hash_and_evaluate_as_before():
    # The hashes of HEAD before the fields existed (canonical bytes of the known fields).
    assert baseline.table_hash(flat_table(200_000_000)) == (
        "b8ac1c3d357733ca0acab473c57b065cbc6e404718ba428755169e9ebb162b56"
    )
    assert baseline.table_hash(heating_table()) == (
        "8251d72dace75f127e6b879c10a889901fe6b7ea1aaffc26a0723cdd6f665564"
    )
    check_baseline_provenance("table", heating_table())  # nothing recorded is fine
    signed = fitted()
    assert baseline.table_hash(signed) != baseline.table_hash(heating_table())
    copy = baseline.parse(baseline.canonical_bytes(signed))
    assert list(copy.fit_meters) == ["s-1.bms-main"] and copy.fit_end == MARCH
    for temperature in (-20_000, -10_000, 0, 2_500, 15_000, 30_000):
        assert baseline.evaluate(signed, 0, temperature) == baseline.evaluate(
            heating_table(), 0, temperature
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fit_meters": ["b", "a"]}, "sorted and unique"),
        ({"fit_meters": ["a", "a"]}, "sorted and unique"),
        ({"fit_meters": ["bad meter"]}, "fit meter 'bad meter' is not"),
        ({"fit_meters": [f"m{i}" for i in range(9)]}, "at most 8"),
        ({"fit_weather_meter": ""}, "set both or neither"),
        ({"fit_meters": [], "fit_weather_meter": "w"}, "set both or neither"),
        ({"fit_meters": ["w"], "fit_weather_meter": "w"}, "is also a fit meter"),
        ({"fit_start": MARCH}, "start < end"),
        ({"fit_start": YEAR_BEFORE, "fit_end": 0}, "start < end"),
        ({"fit_start": -DAY}, "start < end"),
    ],
)
def test_bad_provenance_is_named(changes, message):
    with pytest.raises(InvalidTransaction, match=message):
        check_baseline_provenance("table", fitted(**changes))


def test_a_contract_signs_the_provenance_and_refuses_a_bad_one(world):
    terms = world.activate(world.terms(baseline=fitted(flat_table(200_000_000))))
    contract = world.contract()
    assert contract.terms.baseline.fit_weather_meter == "s-1.bms-weather"
    assert contract.baseline_hash == baseline.table_hash(terms.baseline)
    bad = world.terms(contract_id="c-2", baseline=fitted(fit_start=MARCH, fit_end=YEAR_BEFORE))
    before = dict(world.ledger.state)
    with pytest.raises(InvalidTransaction, match="terms of contract c-2: baseline table: fit"):
        world.ledger.apply(txn.propose(world.esco, terms=bad))
    assert world.ledger.state == before
