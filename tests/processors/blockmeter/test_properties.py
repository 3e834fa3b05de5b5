"""Property tests: rollups are exactly the sums of the readings, whatever the windows, gaps and
interval lengths; register arithmetic is exact across rollover."""

from __future__ import annotations

import calendar
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartblocks.processors.blockmeter import addressing
from smartblocks.processors.blockmeter.rules import register_deltas
from smartblocks.processors.kit.periods import day_name
from smartblocks.protos.blockmeter_pb2 import MeterHead, Rollup

T0 = calendar.timegm((2026, 1, 30, 21, 7, 0))
SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

windows = st.lists(
    st.tuples(
        st.integers(0, 3 * 86_400),  # gap before the window
        st.lists(st.integers(-1_000, 10**12), min_size=1, max_size=40),
        st.lists(st.sampled_from([0, 0, 0, 1, 4]), min_size=40, max_size=40),
    ),
    min_size=1,
    max_size=5,
)


def read(state, address):
    record = Rollup()
    record.ParseFromString(state[address])
    return record


def expected_rollups(readings):
    """Reference: (start, value, flagged) -> {day: {hour: [values]}}, {month: {day: [...]}}"""
    days, months = defaultdict(lambda: defaultdict(list)), defaultdict(lambda: defaultdict(list))
    for start, value, flagged in readings:
        day = day_name(start // 86_400)
        days[day][start % 86_400 // 3600].append((value, flagged))
        months[day[:7]][int(day[8:])].append((value, flagged))
    return days, months


def assert_rollup(record, buckets):
    everything = [v for values in buckets.values() for v in values]
    assert [b.index for b in record.buckets] == sorted(buckets)
    for bucket in record.buckets:
        values = [v for v, _ in buckets[bucket.index]]
        assert bucket.sum == sum(values) and bucket.count == len(values)
        assert (bucket.min, bucket.max) == (min(values), max(values))
        assert bucket.flagged_count == sum(1 for _, f in buckets[bucket.index] if f)
    assert record.sum == sum(v for v, _ in everything)
    assert record.count == len(everything)
    assert (record.min, record.max) == (
        min(v for v, _ in everything),
        max(v for v, _ in everything),
    )


@SETTINGS
@given(interval_s=st.sampled_from([1, 7, 60, 900, 3_599, 3_600, 5_400, 86_400]), plan=windows)
def test_rollups_equal_the_sums_of_the_readings(world_factory, interval_s, plan):
    world = world_factory()
    # Bounds wide enough for any generated value even over 1 s intervals.
    world.meter(
        "m", nominal_interval_s=interval_s, plausible_min=-(10**7), plausible_max=4 * 10**15
    )
    start, readings = T0, []
    # The first window's gap only moves its start: gaps count from recorded data on.
    for gap, values, flags in plan:
        start += gap
        quality = flags[: len(values)]
        world.record("m", start, values, interval_s=interval_s, quality=quality)
        readings += [
            (start + i * interval_s, v, q != 0)
            for i, (v, q) in enumerate(zip(values, quality, strict=True))
        ]
        start += interval_s * len(values)
    days, months = expected_rollups(readings)
    state = world.ledger.state
    for day, buckets in days.items():
        assert_rollup(read(state, addressing.day_rollup_address("m", day)), buckets)
    for month, buckets in months.items():
        assert_rollup(read(state, addressing.month_rollup_address("m", month)), buckets)
    rollup_types = {addressing.RecordType.DAY_ROLLUP, addressing.RecordType.MONTH_ROLLUP}
    assert sum(1 for a in state if addressing.record_type(a) in rollup_types) == len(days) + len(
        months
    ), "no rollup without readings"
    head = MeterHead()
    head.ParseFromString(state[addressing.meter_head_address("m")])
    assert (head.value_count, head.window_count, head.last_window_end) == (
        len(readings),
        len(plan),
        start,
    )
    month_gaps = sum(
        read(state, addressing.month_rollup_address("m", m)).gap_seconds for m in months
    )
    assert month_gaps == head.gap_seconds == sum(g for g, _, _ in plan[1:])


@settings(max_examples=300, deadline=None)
@given(
    rollover=st.integers(2, 10**15),
    initial=st.integers(0, 10**15),
    deltas=st.lists(st.integers(0, 10**15), max_size=50),
)
def test_register_deltas_invert_the_register(rollover, initial, deltas):
    initial %= rollover
    deltas = [d % rollover for d in deltas]
    registers, register = [], initial
    for delta in deltas:
        register = (register + delta) % rollover
        registers.append(register)
    assert register_deltas(initial, registers, rollover) == deltas


@SETTINGS
@given(
    # Above 5,000: a whole rollover in one interval is implausible (registration refuses less).
    rollover=st.integers(5_001, 10**9),
    initial_fraction=st.floats(0, 1, exclude_max=True),
    deltas=st.lists(st.integers(0, 5_000), min_size=1, max_size=60),
)
def test_cumulative_meter_rollups_are_the_consumption(
    world_factory, rollover, initial_fraction, deltas
):
    initial = int(rollover * initial_fraction)
    deltas = [d % rollover for d in deltas]
    world = world_factory()
    world.meter(
        "g",
        kind="WATER",
        unit="MILLILITRE",
        mode="CUMULATIVE",
        rollover=rollover,
        initial_register=initial,
        plausible_max=4 * 5_000,  # per hour, 15 min intervals
    )
    registers, register = [], initial
    for delta in deltas:
        register = (register + delta) % rollover
        registers.append(register)
    half = len(registers) // 2
    world.record("g", T0, registers[:half] or registers, interval_s=900)
    if half:
        world.record("g", T0 + 900 * half, registers[half:], interval_s=900)
    state = world.ledger.state
    months = {day_name((T0 + 900 * i) // 86_400)[:7] for i in range(len(deltas))}
    total = sum(read(state, addressing.month_rollup_address("g", m)).sum for m in months)
    assert total == sum(deltas)
    head = MeterHead()
    head.ParseFromString(state[addressing.meter_head_address("g")])
    assert head.last_register == registers[-1]
