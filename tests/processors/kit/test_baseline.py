"""The baseline table evaluator: validation, interpolation, rounding, canonical bytes."""

from __future__ import annotations

import datetime
import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.baseline import BadTable
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit
from tests.support.fuzz import EDITS, fuzz_settings, mutate


def make_table(
    curves: list[list[tuple[int, int]]],
    day_types: int = DayTypes.ALL_DAYS,
    resolution: int = Resolution.PER_DAY,
) -> BaselineTable:
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=resolution,
        day_types=day_types,
        model="test",
    )
    for index, knots in enumerate(curves):
        curve = table.curves.add(day_type=index)
        for temperature, energy in knots:
            curve.knots.add(temperature=temperature, energy=energy)
    return table


HEATING = [(-10_000, 900_000), (0, 600_000), (15_000, 300_000), (25_000, 300_000)]


def test_exact_at_knots_and_constant_outside() -> None:
    table = make_table([HEATING])
    baseline.validate(table)
    for temperature, energy in HEATING:
        assert baseline.evaluate(table, 0, temperature) == energy
    assert baseline.evaluate(table, 0, -40_000) == 900_000
    assert baseline.evaluate(table, 0, 45_000) == 300_000


def test_linear_between_knots() -> None:
    table = make_table([HEATING])
    assert baseline.evaluate(table, 0, -5_000) == 750_000
    assert baseline.evaluate(table, 0, 7_500) == 450_000
    assert baseline.evaluate(table, 0, 1) == 599_980  # 600000 - 300000 / 15000


def test_rounding_at_exact_halves_is_half_even() -> None:
    # Energy 0 -> 1 over 2 m°C: the midpoint is exactly 0.5, rounded to the even 0.
    table = make_table([[(0, 0), (2, 1)]])
    assert baseline.evaluate(table, 0, 1) == 0
    # 1 -> 2: 1.5 rounds to the even 2; 2 -> 3: 2.5 rounds to 2.
    assert baseline.evaluate(make_table([[(0, 1), (2, 2)]]), 0, 1) == 2
    assert baseline.evaluate(make_table([[(0, 2), (2, 3)]]), 0, 1) == 2
    # Falling curves: 3 -> 2 gives 2.5 -> 2; 4 -> 3 gives 3.5 -> 4.
    assert baseline.evaluate(make_table([[(0, 3), (2, 2)]]), 0, 1) == 2
    assert baseline.evaluate(make_table([[(0, 4), (2, 3)]]), 0, 1) == 4


def test_day_types() -> None:
    weekday, weekend = [(0, 100)], [(0, 50)]
    table = make_table([weekday, weekend], DayTypes.WEEKDAY_WEEKEND)
    monday_day = (datetime.date(2026, 3, 2) - datetime.date(1970, 1, 1)).days
    assert baseline.weekday(monday_day) == 0
    assert baseline.evaluate_day(table, monday_day, 5_000) == 100
    assert baseline.evaluate_day(table, monday_day + 5, 5_000) == 50  # Saturday
    months = make_table([[(0, i)] for i in range(24)], DayTypes.MONTHS_WEEKDAY_WEEKEND)
    baseline.validate(months)
    assert baseline.evaluate_day(months, monday_day, 0) == 4  # March weekday: (3 - 1) * 2
    assert baseline.evaluate_day(months, monday_day + 6, 0) == 5  # March Sunday
    hours = make_table([[(0, h)] for h in range(168)], DayTypes.HOURS_OF_WEEK, Resolution.PER_HOUR)
    baseline.validate(hours)
    assert baseline.evaluate_hour(hours, monday_day * 86_400 + 13 * 3_600 + 59, 0) == 13
    assert baseline.evaluate_hour(hours, (monday_day + 6) * 86_400 + 23 * 3_600, 0) == 167
    with pytest.raises(BadTable, match="PER_DAY"):
        baseline.evaluate_day(hours, monday_day, 0)


def test_months_hours_of_week() -> None:
    table = make_table(
        [[(0, i), (10_000, i + 10)] for i in range(12 * 168)],
        DayTypes.MONTHS_HOURS_OF_WEEK,
        Resolution.PER_HOUR,
    )
    baseline.validate(table)
    monday_day = (datetime.date(2026, 3, 2) - datetime.date(1970, 1, 1)).days
    march = 2 * 168
    assert baseline.evaluate_hour(table, monday_day * 86_400 + 13 * 3_600, 0) == march + 13
    assert baseline.evaluate_hour(table, monday_day * 86_400 + 13 * 3_600, 5_000) == march + 18
    # Tuesday 2026-03-31 23:00 and Wednesday 2026-04-01 00:00: the month changes the curve.
    last = (monday_day + 29) * 86_400 + 23 * 3_600
    assert baseline.evaluate_hour(table, last, 0) == march + 24 + 23
    assert baseline.evaluate_hour(table, last + 3_600, 0) == 3 * 168 + 48
    with pytest.raises(BadTable, match="do not apply to whole days"):
        baseline.evaluate(table, baseline.day_type_of_day(table.day_types, monday_day), 0)
    per_day = make_table([[(0, 1)]] * (12 * 168), DayTypes.MONTHS_HOURS_OF_WEEK)
    with pytest.raises(BadTable, match="PER_DAY needs day types of whole days"):
        baseline.validate(per_day)


def test_adjusted_baseline_sums_days() -> None:
    table = make_table([HEATING])
    assert baseline.adjusted_baseline(table, [(20_000, 0), (20_001, 15_000)]) == 900_000


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: setattr(t, "version", 2), "version 2"),
        (lambda t: setattr(t, "unit", Unit.MILLIDEGREE_CELSIUS), "unit MILLIDEGREE_CELSIUS"),
        (lambda t: setattr(t, "resolution", 0), "resolution RESOLUTION_UNSET"),
        (lambda t: setattr(t, "day_types", 9), "day types 9 unknown"),
        (lambda t: setattr(t, "resolution", Resolution.PER_HOUR), "needs day types HOURS_OF_WEEK"),
        (lambda t: setattr(t, "day_types", DayTypes.WEEKDAY_WEEKEND), "need exactly 2"),
        (lambda t: setattr(t.curves[0], "day_type", 1), "curve 0 is for day type 1"),
        (lambda t: setattr(t.curves[0].knots[1], "temperature", -10_000), "knot 1: .* repeats"),
        (lambda t: setattr(t.curves[0].knots[1], "temperature", -20_000), "comes before"),
        (lambda t: setattr(t.curves[0].knots[2], "energy", -1), "knot 2: energy -1"),
        (lambda t: setattr(t.curves[0].knots[0], "temperature", -100_001), "outside -100000"),
        (lambda t: setattr(t, "model", "x" * 201), "201 characters"),
        (lambda t: t.curves[0].ClearField("knots"), "has 0 knots"),
    ],
)
def test_bad_tables_are_named(change, message: str) -> None:
    table = make_table([HEATING])
    change(table)
    with pytest.raises(BadTable, match=message):
        baseline.validate(table)


def test_too_many_knots() -> None:
    table = make_table([[(t, 0) for t in range(257)]])
    with pytest.raises(BadTable, match=r"257 knots; needs 1\.\.256"):
        baseline.validate(table)


def test_canonical_bytes_and_hash() -> None:
    table = make_table([HEATING])
    digest = baseline.table_hash(table)
    assert len(digest) == 64
    assert baseline.table_hash(baseline.parse(baseline.canonical_bytes(table))) == digest
    # Unknown fields (a newer writer's) never enter the signed bytes.
    data = baseline.canonical_bytes(table) + b"\xf8\x06\x01"  # field 111, varint 1
    assert baseline.parse(data).SerializeToString() != baseline.canonical_bytes(table)
    assert baseline.table_hash(baseline.parse(data)) == digest
    changed = make_table([[*HEATING[:-1], (25_000, 300_001)]])
    assert baseline.table_hash(changed) != digest
    with pytest.raises(BadTable, match="does not decode"):
        baseline.parse(b"\xff\xff")
    with pytest.raises(BadTable, match="version 0"):
        baseline.parse(b"")


knot_lists = st.lists(
    st.tuples(st.integers(-60_000, 60_000), st.integers(0, 10**12)),
    min_size=1,
    max_size=20,
    unique_by=lambda k: k[0],
).map(sorted)


@given(knots=knot_lists, temperature=st.integers(-100_000, 100_000))
def test_matches_exact_rational_rounded_half_even(knots, temperature) -> None:
    table = make_table([knots])
    baseline.validate(table)
    got = baseline.evaluate(table, 0, temperature)
    # The reference: exact rationals, rounded half to even by Python's round().
    if temperature <= knots[0][0]:
        expected = knots[0][1]
    elif temperature >= knots[-1][0]:
        expected = knots[-1][1]
    else:
        i = max(j for j, k in enumerate(knots) if k[0] <= temperature)
        (t0, e0), (t1, e1) = knots[i], knots[i + 1]
        expected = round(e0 + Fraction((e1 - e0) * (temperature - t0), t1 - t0))
    assert got == expected
    # Deterministic: the same table from its bytes gives the same value.
    again = baseline.parse(baseline.canonical_bytes(table))
    assert baseline.evaluate(again, 0, temperature) == got


@given(knots=knot_lists, a=st.integers(-70_000, 70_000), b=st.integers(-70_000, 70_000))
def test_monotone_between_knots(knots, a, b) -> None:
    table = make_table([knots])
    low, high = sorted((a, b))
    for (t0, e0), (t1, e1) in itertools.pairwise(knots):
        if t0 <= low and high <= t1:
            va, vb = baseline.evaluate(table, 0, low), baseline.evaluate(table, 0, high)
            assert min(e0, e1) <= va <= max(e0, e1)
            assert (vb - va) * (e1 - e0) >= 0  # moves the way the segment does
    for temperature, energy in knots:
        assert baseline.evaluate(table, 0, temperature) == energy


@fuzz_settings()
@given(edits=EDITS)
def test_fuzzed_table_bytes_parse_or_are_refused_as_bad_tables(edits) -> None:
    """Any bytes: a valid table (whose canonical bytes parse back to the same hash) or BadTable,
    never another exception."""
    good = make_table([HEATING, [(0, 5)]], DayTypes.WEEKDAY_WEEKEND)
    data = mutate(baseline.canonical_bytes(good), edits)
    try:
        table = baseline.parse(data)
    except BadTable:
        return
    digest = baseline.table_hash(table)
    assert baseline.table_hash(baseline.parse(baseline.canonical_bytes(table))) == digest
    for day_type in range(len(table.curves)):
        assert baseline.evaluate(table, day_type, 12_345) >= 0
