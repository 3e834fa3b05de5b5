"""BlockMeter on a real devnet through the REST API and the event subscription: batch statuses
of rejected windows, atomic batches, events, cumulative registers across rollover, and rollups
that add up to the posted readings."""

from __future__ import annotations

import asyncio
import calendar
import contextlib
from collections.abc import Sequence

import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.events_pb2 import Event, EventFilter
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.events import EventFollower, subscription
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient, run
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import addressing, txn
from smartblocks.processors.blockmeter.events import READINGS_RECORDED
from tests.integration.blockmeter_expect import (
    Window,
    as_tuples,
    expected_rollups,
    expected_tuples,
)
from tests.integration.blockmeter_fixtures import BlockMeterLedger, MeterSetup, blockmeter

__all__ = ["blockmeter"]  # the fixture, imported for pytest


def at(text: str) -> int:
    """Unix seconds of "YYYY-MM-DDTHH:MM" (UTC)."""
    return calendar.timegm(
        (int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), 0)
    )


def window_batch(meter: MeterSetup, window: Window, signer: Signer | None = None) -> Batch:
    signer = signer or meter.device
    return make_batch(signer, [readings(meter, window, signer)])


def readings(meter: MeterSetup, window: Window, signer: Signer | None = None) -> Transaction:
    return txn.record_readings(
        signer or meter.device,
        meter_id=meter.meter_id,
        window_start=window.start,
        interval_s=window.interval_s,
        values=window.quantities,
        quality=window.quality,
    )


def rejection(blockmeter: BlockMeterLedger, batch: Batch) -> str:
    """The processor's message for a batch that must come back INVALID."""
    [status] = blockmeter.outcome(batch)
    assert status["status"] == "INVALID", status
    [invalid] = status["invalid_transactions"]
    assert invalid["id"] == batch.transactions[0].header_signature
    return str(invalid["message"])


def test_rejected_windows_are_invalid_with_rule_and_values(blockmeter) -> None:
    meter = blockmeter.new_meter()
    m = meter.meter_id
    first = Window(at("2026-03-01T12:00"), 900, [1200, 1180, 1310, 990])
    assert blockmeter.outcome(window_batch(meter, first))[0]["status"] == "COMMITTED"

    overlap = Window(at("2026-03-01T12:45"), 900, [10])
    assert rejection(blockmeter, window_batch(meter, overlap)) == (
        f"meter {m}: window 2026-03-01T12:45Z starts before recorded data ends (2026-03-01T13:00Z)"
    )
    stranger = Signer.generate()
    later = Window(at("2026-03-01T13:00"), 900, [10])
    assert rejection(blockmeter, window_batch(meter, later, stranger)) == (
        f"signer {stranger.public_key[:10]}.. is not bound to meter {m}"
    )
    too_much = Window(at("2026-03-01T13:00"), 900, [5, 25_000_001])
    assert rejection(blockmeter, window_batch(meter, too_much)) == (
        f"meter {m}: 25000001 mWh in the 900 s from 2026-03-01T13:15Z is outside the "
        "plausible 0..25000000 mWh (0..100000000 mWh/h)"
    )
    wrong_interval = Window(at("2026-03-01T13:00"), 60, [5])
    assert rejection(blockmeter, window_batch(meter, wrong_interval)) == (
        f"meter {m}: interval 60 s differs from the meter's nominal interval 900 s"
    )
    # None of the rejected windows left a trace.
    head = blockmeter.head(m)
    assert (head.window_count, head.value_count) == (1, 4)
    assert head.last_window_end == at("2026-03-01T13:00")


def test_a_batch_with_one_bad_window_writes_nothing(blockmeter) -> None:
    good, bad = blockmeter.new_meter("good"), blockmeter.new_meter("bad")
    window = Window(at("2026-03-02T00:00"), 900, [100, 200])
    # Both meters' windows in one batch, the second signed by a key not bound to its meter.
    batch = make_batch(good.device, [readings(good, window), readings(bad, window, good.device)])
    [status] = blockmeter.outcome(batch)
    assert status["status"] == "INVALID"
    assert [t["id"] for t in status["invalid_transactions"]] == [
        batch.transactions[1].header_signature
    ]
    assert blockmeter.read(addressing.meter_head_address(good.meter_id)) is None
    assert blockmeter.day_rollup(good.meter_id, "2026-03-02") is None


def test_resubmitted_window_is_the_same_batch_and_counts_once(blockmeter) -> None:
    meter = blockmeter.new_meter()
    window = Window(at("2026-03-03T06:00"), 900, [7, 8, 9])
    first, again = window_batch(meter, window), window_batch(meter, window)
    # Deterministic nonce and RFC 6979 signatures: the agent's retry is byte-identical.
    assert first.SerializeToString() == again.SerializeToString()
    assert blockmeter.outcome(first)[0]["status"] == "COMMITTED"
    assert blockmeter.outcome(again)[0]["status"] == "COMMITTED"
    assert blockmeter.head(meter.meter_id).value_count == 3
    assert blockmeter.day_rollup(meter.meter_id, "2026-03-03").sum == 24


async def readings_events(ledger: BlockMeterLedger, meter_id: str, wanted: int) -> list[Event]:
    """Follow the chain from genesis, subscribed to one meter's readings events, until
    `wanted` of them arrived."""
    async with RestClient(ledger.url) as client:
        [genesis] = (await client.blocks(limit=1, reverse=True))["data"]

    class SinceGenesis:
        def known_block_ids(self, skip: int, limit: int) -> Sequence[str]:
            return [genesis["header_signature"]] if skip == 0 else []

    meter_only = subscription(READINGS_RECORDED, ("meter_id", meter_id, EventFilter.SIMPLE_ALL))
    follower = EventFollower(ledger.node.devnet.component, SinceGenesis(), [meter_only])
    events: list[Event] = []
    async with contextlib.aclosing(follower.blocks()) as blocks:
        async for block in blocks:
            events += block.of_type(READINGS_RECORDED)
            if len(events) >= wanted:
                break
    return events


def test_readings_recorded_events_carry_meter_site_and_window(blockmeter) -> None:
    meter, other = blockmeter.new_meter("evt"), blockmeter.new_meter("evt-other")
    windows = [
        Window(at("2026-03-04T10:00"), 900, [1, 2, 3, 4]),
        Window(at("2026-03-04T11:30"), 900, [5]),
    ]
    # Another meter posts the same windows: the meter_id filter must leave its events out.
    for window in windows:
        blockmeter.submit(meter.device, readings(meter, window))
        blockmeter.submit(other.device, readings(other, window))
    events = run(asyncio.wait_for(readings_events(blockmeter, meter.meter_id, 2), timeout=30))
    assert [{a.key: a.value for a in e.attributes} for e in events] == [
        {
            "meter_id": meter.meter_id,
            "site_id": meter.site_id,
            "window_start": str(w.start),
            "window_end": str(w.end),
        }
        for w in windows
    ]
    # The transaction receipt holds the same event.
    [receipt] = blockmeter.receipts([readings(meter, windows[0]).header_signature])
    [event] = receipt["events"]
    assert event["event_type"] == READINGS_RECORDED
    assert {a["key"]: a["value"] for a in event["attributes"]}["window_end"] == str(windows[0].end)


def test_cumulative_register_across_rollover(blockmeter) -> None:
    meter = blockmeter.new_meter(
        "register",
        mode="CUMULATIVE",
        rollover=1_000_000,
        initial_register=999_000,
        plausible_max=2_000_000,  # mWh per hour: at most 500,000 per 15 min
    )
    m, start = meter.meter_id, at("2026-03-05T22:00")
    registers = [999_500, 999_900, 300, 1_000]  # wraps between 999,900 and 300
    blockmeter.submit(meter.device, readings(meter, Window(start, 900, registers)))
    head = blockmeter.head(m)
    assert (head.last_register, head.value_count) == (1_000, 4)
    day = blockmeter.day_rollup(m, "2026-03-05")
    assert as_tuples(day)["buckets"] == {22: (2_000, 4, 400, 700, 0)}  # 500+400+400+700

    # After a one-hour gap the first delta covers the gap too (bound over 4,500 s: 2,500,000).
    resumed = start + 3600 + 3600
    blockmeter.submit(meter.device, readings(meter, Window(resumed, 900, [601_000])))
    assert blockmeter.head(m).last_register == 601_000
    day = blockmeter.day_rollup(m, "2026-03-06")
    assert (day.sum, day.gap_count, day.gap_seconds) == (600_000, 1, 3600)

    backwards = Window(resumed + 900, 900, [600_999])
    assert rejection(blockmeter, window_batch(meter, backwards)) == (
        f"meter {m}: register went back from 601000 to 600999 at 2026-03-06T00:15Z; as a "
        "rollover it would mean 999999 mWh in 900 s, above the plausible 500000 mWh"
    )
    beyond = Window(resumed + 900, 900, [1_000_000])
    assert rejection(blockmeter, window_batch(meter, beyond)) == (
        f"meter {m}: register value 1000000 (value 0) is outside 0..999999 (rollover 1000000)"
    )


@pytest.mark.parametrize("interval_s", [300, 900, 3600])
def test_rollups_equal_the_sums_of_the_readings(blockmeter, interval_s: int) -> None:
    meter = blockmeter.new_meter(
        "sums", nominal_interval_s=interval_s, plausible_min=0, plausible_max=10**9
    )
    per_hour = 3600 // interval_s
    # Across a month end, with a gap, flagged values and a window that is not hour-aligned.
    n = 4 * per_hour
    first = Window(
        at("2026-03-31T21:00"),
        interval_s,
        [(i * 37) % 500 for i in range(n)],
        [2 if i % 5 == 3 else 0 for i in range(n)],  # some substituted values
    )
    # One hour missing, then a window running into the next hour, then a gap of one interval.
    second = Window(at("2026-04-01T02:00"), interval_s, [900 + i for i in range(per_hour + 1)])
    third = Window(second.end + interval_s, interval_s, [1, 0, 2])
    windows = [first, second, third]
    for window in windows:
        blockmeter.submit(meter.device, readings(meter, window))
    days, months = expected_rollups(windows)
    assert sorted(days) == ["2026-03-31", "2026-04-01"]
    for day, totals in days.items():
        assert as_tuples(blockmeter.day_rollup(meter.meter_id, day)) == expected_tuples(totals)
    for month, totals in months.items():
        assert as_tuples(blockmeter.month_rollup(meter.meter_id, month)) == expected_tuples(totals)
    head = blockmeter.head(meter.meter_id)
    assert head.value_count == sum(len(w.quantities) for w in windows)
    assert head.last_window_end == windows[-1].end


def test_many_meters_several_transactions_per_batch_in_flight(blockmeter) -> None:
    meters = [blockmeter.new_meter("fleet") for _ in range(4)]
    start = at("2026-03-07T00:00")
    batches = []
    for n, meter in enumerate(meters):
        transactions = [
            readings(meter, Window(start + k * 3600, 900, [n + k, n + k, n + k, n + k]))
            for k in range(3)
        ]
        batches.append(make_batch(meter.device, transactions))
    statuses = blockmeter.outcome(*batches)
    assert [s["status"] for s in statuses] == ["COMMITTED"] * len(meters)
    for n, meter in enumerate(meters):
        day = blockmeter.day_rollup(meter.meter_id, "2026-03-07")
        assert {b.index: b.sum for b in day.buckets} == {k: 4 * (n + k) for k in range(3)}
        assert blockmeter.head(meter.meter_id).window_count == 3
