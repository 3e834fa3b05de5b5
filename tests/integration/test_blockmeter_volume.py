"""Long BlockMeter series on a real devnet: windows of 1 to 10,000 values with random
gaps and values, and a small register that wraps many times; the rollups must equal the
readings' sums to the last mWh."""

from __future__ import annotations

import calendar
import random

from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.limits import MAX_VALUES
from tests.integration.blockmeter_expect import (
    Window,
    as_tuples,
    expected_rollups,
    expected_tuples,
)
from tests.integration.blockmeter_fixtures import BlockMeterLedger, MeterSetup, blockmeter

__all__ = ["blockmeter"]  # the fixture, imported for pytest

START = calendar.timegm((2026, 1, 29, 0, 0, 0))


def post(ledger: BlockMeterLedger, meter: MeterSetup, window: Window, values: list[int]) -> None:
    ledger.submit(
        meter.device,
        txn.record_readings(
            meter.device,
            meter_id=meter.meter_id,
            window_start=window.start,
            interval_s=window.interval_s,
            values=values,
            quality=window.quality,
        ),
    )


def assert_rollups_match(ledger: BlockMeterLedger, meter_id: str, windows: list[Window]) -> None:
    days, months = expected_rollups(windows)
    for day, totals in days.items():
        assert as_tuples(ledger.day_rollup(meter_id, day)) == expected_tuples(totals), day
    for month, totals in months.items():
        assert as_tuples(ledger.month_rollup(meter_id, month)) == expected_tuples(totals), month


def test_windows_up_to_the_limit_roll_up_exactly(blockmeter) -> None:
    rng = random.Random(4)
    meter = blockmeter.new_meter("long", nominal_interval_s=60, plausible_max=10**9)
    windows: list[Window] = []
    start = START
    for size in [3600, 1, 96, 900, MAX_VALUES, 3600, 96]:
        start += rng.choice([0, 0, 60, 3600, 5 * 60])  # sometimes a gap
        values = [rng.randrange(0, 16_000_000) for _ in range(size)]
        quality = [rng.choice([0] * 30 + [1, 2, 4]) for _ in range(size)]
        window = Window(start, 60, values, quality)
        post(blockmeter, meter, window, values)
        windows.append(window)
        start = window.end
    assert_rollups_match(blockmeter, meter.meter_id, windows)
    head = blockmeter.head(meter.meter_id)
    assert head.value_count == sum(len(w.quantities) for w in windows)
    assert head.flagged_count == sum(1 for w in windows for q in w.quality if q)

    too_many = make_batch(
        meter.device,
        [
            txn.record_readings(
                meter.device,
                meter_id=meter.meter_id,
                window_start=start,
                interval_s=60,
                values=[1] * (MAX_VALUES + 1),
            )
        ],
    )
    [status] = blockmeter.outcome(too_many)
    assert status["status"] == "INVALID"
    assert status["invalid_transactions"][0]["message"].endswith(
        f"{MAX_VALUES + 1} values; the limit is {MAX_VALUES}"
    )


def test_a_small_register_wrapping_many_times(blockmeter) -> None:
    rng = random.Random(7)
    rollover = 100_000
    meter = blockmeter.new_meter(
        "wrap",
        mode="CUMULATIVE",
        rollover=rollover,
        initial_register=rollover - 10,
        plausible_max=396_000,  # per hour: at most 99,000 per 15 min, never a full turn
    )
    register, start = rollover - 10, START
    windows: list[Window] = []
    for _ in range(12):
        deltas = [rng.randrange(0, 60_000) for _ in range(96)]
        registers = []
        for delta in deltas:
            register = (register + delta) % rollover
            registers.append(register)
        window = Window(start, 900, deltas)
        post(blockmeter, meter, window, registers)
        windows.append(window)
        start = window.end
    assert_rollups_match(blockmeter, meter.meter_id, windows)
    assert blockmeter.head(meter.meter_id).last_register == register
