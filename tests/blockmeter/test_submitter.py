"""The submitter against a fake Sawtooth REST API over real HTTP: every window reaches the
ledger exactly once through 429, 503, dropped connections, failover, INVALID and lost batches;
and against the devnet, a window the ledger already holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from smartblocks.blockmeter.metrics import Metrics
from smartblocks.blockmeter.spool import Spool
from smartblocks.blockmeter.submitter import Submitter, build_record_readings
from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.keys import Signer
from tests.blockmeter.helpers import FakeLedger, fill_windows, free_port
from tests.integration.blockmeter_fixtures import BlockMeterLedger, blockmeter

__all__ = ["blockmeter"]  # the fixture, imported for pytest


def make_submitter(spool: Spool, signer: Signer, urls: list[str], **options: Any) -> Submitter:
    options.setdefault("max_windows_per_batch", 2)
    options.setdefault("status_wait", 0)
    return Submitter(
        spool,
        signer,
        urls,
        metrics=Metrics(),
        backoff=Backoff(0.01, 0.05, jitter=True),
        **options,
    )


async def drive(submitter: Submitter, done: Callable[[], bool], rounds: int = 200) -> None:
    try:
        for _ in range(rounds):
            if done():
                return
            await submitter.step()
        raise AssertionError("the submitter did not finish")
    finally:
        await submitter.aclose()


def nothing_pending(spool: Spool) -> Callable[[], bool]:
    return lambda: spool.backlog() == 0


def assert_exactly(ledger: FakeLedger, spool: Spool, meters: list[str]) -> None:
    recorded = [(r.meter, r.start) for r in ledger.committed]
    assert len(recorded) == len(set(recorded)), "a window was committed twice"
    expected = {(m, w.start): w.values for m in meters for w in spool.windows(m, "committed")}
    assert {k: r.values for k, r in ledger.windows().items()} == expected


async def test_windows_reach_the_ledger_once_in_batches_per_meter(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    fill_windows(spool, "m-a", 5)
    fill_windows(spool, "m-b", 3)
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await drive(submitter, nothing_pending(spool))
    assert len(spool.windows("m-a", "committed")) == 5
    assert len(spool.windows("m-b", "committed")) == 3
    assert_exactly(fake_ledger, spool, ["m-a", "m-b"])
    first = fake_ledger.windows()[("m-a", 1_767_571_200)]
    assert first.values == [(1_767_571_200 + 60 * i) // 60 + 1 for i in range(5)]
    assert submitter.metrics.get("blockmeter_windows_committed_total") == 8
    assert submitter.metrics.get("blockmeter_readings_committed_total") == 40


async def test_429_503_and_dropped_connections_back_off_and_retry(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    fill_windows(spool, "m-a", 4)
    fake_ledger.faults = [429, 503, "drop", 429, 503]
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await drive(submitter, nothing_pending(spool))
    assert_exactly(fake_ledger, spool, ["m-a"])
    assert len(fake_ledger.committed) == 4
    errors = {
        k: submitter.metrics.get("blockmeter_errors_total", kind=k)
        for k in ("throttled", "server", "network")
    }
    assert errors == {"throttled": 2, "server": 2, "network": 1}


async def test_fails_over_to_the_next_url(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    fill_windows(spool, "m-a", 3)
    dead = f"http://127.0.0.1:{free_port()}"
    submitter = make_submitter(spool, signer, [dead, fake_ledger.url])
    await drive(submitter, nothing_pending(spool))
    assert_exactly(fake_ledger, spool, ["m-a"])
    assert submitter.metrics.get("blockmeter_errors_total", kind="network") >= 1
    assert submitter.urls[submitter.url_index] == fake_ledger.url


async def test_invalid_window_quarantines_its_meter_only_until_requeued(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    starts = fill_windows(spool, "m-a", 5)
    fill_windows(spool, "m-b", 5)
    bad = starts[2]
    fake_ledger.judge = lambda body: (
        "meter m-a: value too high" if (body.meter_id, body.window_start) == ("m-a", bad) else None
    )
    submitter = make_submitter(spool, signer, [fake_ledger.url], max_windows_per_batch=1)
    await drive(submitter, lambda: not spool.ready_windows(10) and not spool.in_flight())
    assert [w.start for w in spool.windows("m-a", "committed")] == starts[:2]
    (invalid,) = spool.windows("m-a", "invalid")
    assert invalid.start == bad and invalid.message == "meter m-a: value too high"
    assert [w.start for w in spool.windows("m-a", "closed")] == starts[3:]
    assert len(spool.windows("m-b", "committed")) == 5
    status = {row["meter"]: row for row in spool.status()}
    assert "value too high" in str(status["m-a"]["last_error"])

    fake_ledger.judge = None  # the operator fixed the cause
    assert spool.requeue("m-a").windows == 1
    submitter = make_submitter(spool, signer, [fake_ledger.url], max_windows_per_batch=1)
    await drive(submitter, nothing_pending(spool))
    assert_exactly(fake_ledger, spool, ["m-a", "m-b"])
    assert len(fake_ledger.committed) == 10


async def test_an_invalid_window_inside_a_batch_sends_the_others_again(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    starts = fill_windows(spool, "m-a", 4)
    fake_ledger.judge = lambda body: "bad" if body.window_start == starts[1] else None
    submitter = make_submitter(spool, signer, [fake_ledger.url], max_windows_per_batch=4)
    await drive(submitter, lambda: bool(spool.windows("m-a", "invalid")) and not spool.in_flight())
    assert [w.state for w in spool.windows("m-a")] == ["closed", "invalid", "closed", "closed"]
    fake_ledger.judge = None
    spool.requeue("m-a")
    submitter = make_submitter(spool, signer, [fake_ledger.url], max_windows_per_batch=4)
    await drive(submitter, nothing_pending(spool))
    assert_exactly(fake_ledger, spool, ["m-a"])


async def test_a_requeued_window_goes_out_in_a_new_batch_with_the_same_transaction(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    """A real validator drops a batch id it has seen: the requeued window must travel in a
    batch with a new id, while its transaction (and so its id) stays the same."""
    fake_ledger.drop_seen_batches = True
    (start,) = fill_windows(spool, "m-a", 1)
    fake_ledger.judge = lambda body: "meter m-a: key not bound"
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await drive(submitter, lambda: bool(spool.windows("m-a", "invalid")))
    fake_ledger.judge = None  # the owner bound the gateway's key
    assert spool.requeue("m-a").windows == 1
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await drive(submitter, nothing_pending(spool))
    assert_exactly(fake_ledger, spool, ["m-a"])
    first, second = fake_ledger.seen_batches
    assert first != second
    assert fake_ledger.txn_ids_posted[0] == fake_ledger.txn_ids_posted[1]
    assert fake_ledger.windows()[("m-a", start)].txn_id == fake_ledger.txn_ids_posted[0][0]


async def test_batches_lost_by_the_validator_are_resent_unchanged(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    fill_windows(spool, "m-a", 2)
    fake_ledger.hold = True
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await submitter.step()  # sent, PENDING
    await submitter.step()
    assert fake_ledger.queue and not fake_ledger.committed
    fake_ledger.forget_pending()
    fake_ledger.hold = False
    await drive(submitter, nothing_pending(spool))
    assert_exactly(fake_ledger, spool, ["m-a"])
    assert fake_ledger.batches_received == 2  # the same batch, twice


async def test_a_batch_prepared_before_a_crash_is_sent_by_the_next_run(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    fill_windows(spool, "m-a", 2)
    first = make_submitter(spool, signer, [fake_ledger.url])
    first._prepare_batches()  # stored, then "crash" before the POST
    (stored,) = spool.in_flight()
    second = make_submitter(spool, signer, [fake_ledger.url])
    await drive(second, nothing_pending(spool))
    assert [r.txn_id for r in fake_ledger.committed] == [
        w.txn_id for w in spool.windows("m-a", "committed")
    ]
    assert fake_ledger.statuses[stored.batch_id]["status"] == "COMMITTED"


async def test_a_batch_the_api_refuses_is_quarantined(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    fill_windows(spool, "m-a", 1)
    fill_windows(spool, "m-b", 1)
    fake_ledger.faults = [400]  # the two-batch POST is refused, then each alone is fine
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await drive(submitter, nothing_pending(spool))
    assert_exactly(fake_ledger, spool, ["m-a", "m-b"])
    fake_ledger.faults = [400]
    fill_windows(spool, "m-c", 1)
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await drive(submitter, lambda: bool(spool.windows("m-c", "invalid")))
    assert "REST API refused" in str(spool.windows("m-c", "invalid")[0].message)


async def test_run_stops_cleanly(fake_ledger: FakeLedger, spool: Spool, signer: Signer) -> None:
    fill_windows(spool, "m-a", 3)
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    stop = asyncio.Event()
    task = asyncio.create_task(submitter.run(stop))
    for _ in range(200):
        if spool.backlog() == 0:
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 5)
    await submitter.aclose()
    assert_exactly(fake_ledger, spool, ["m-a"])


async def test_a_backlog_drains_in_big_batches_without_starving_live_meters(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    fill_windows(spool, "backlog", 40)  # e.g. ten hours of 15-minute windows after an outage
    fill_windows(spool, "live", 1)
    fake_ledger.hold = True
    submitter = make_submitter(spool, signer, [fake_ledger.url], max_windows_per_batch=10)
    await submitter.step()
    assert sorted(b.meter for b in spool.in_flight()) == ["backlog", "live"]
    assert fake_ledger.posts == 1  # both batches in one POST
    fake_ledger.hold = False
    await drive(submitter, nothing_pending(spool))
    assert_exactly(fake_ledger, spool, ["backlog", "live"])
    assert fake_ledger.posts == 4


async def test_meters_take_turns_when_in_flight_is_capped(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    fill_windows(spool, "a", 3)
    fill_windows(spool, "b", 3)
    submitter = make_submitter(
        spool, signer, [fake_ledger.url], max_windows_per_batch=1, max_in_flight=1
    )
    await drive(submitter, nothing_pending(spool))
    assert [r.meter for r in fake_ledger.committed] == ["a", "b", "a", "b", "a", "b"]


async def test_a_window_the_ledger_already_holds_counts_as_committed(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    first, second = fill_windows(spool, "m-a", 2)
    # The ledger got the first window's transaction through an earlier batch the spool no
    # longer knows about (e.g. submitted by a previous installation of the gateway).
    (window, _) = spool.ready_windows(2)["m-a"]
    txn = build_record_readings(signer, window)
    fake_ledger.committed_txns.add(txn.header_signature)
    fake_ledger.heads["m-a"] = first + 300
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await drive(submitter, nothing_pending(spool))
    assert [w.state for w in spool.windows("m-a")] == ["committed", "committed"]
    assert [r.start for r in fake_ledger.committed] == [second]
    assert not spool.windows("m-a", "invalid")


async def test_a_window_a_sawtooth_validator_keeps_pending_is_found_on_the_chain(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    """A Sawtooth 1.2 validator drops a batch holding a transaction already on the chain and
    reports it PENDING for good. Before resending it, the submitter finds that window's
    transaction on the chain (GET /transactions/{id}): the window is committed, the other goes
    out again in a new batch."""
    fake_ledger.drop_replayed_transactions = True
    first, second = fill_windows(spool, "m-a", 2)
    (window, _) = spool.ready_windows(2)["m-a"]
    fake_ledger.committed_txns.add(build_record_readings(signer, window).header_signature)
    fake_ledger.heads["m-a"] = first + 300
    submitter = make_submitter(spool, signer, [fake_ledger.url], resend_pending_after=0)
    await drive(submitter, nothing_pending(spool))
    assert [w.state for w in spool.windows("m-a")] == ["committed", "committed"]
    assert [r.start for r in fake_ledger.committed] == [second]
    assert not spool.windows("m-a", "invalid")
    first_batch, second_batch = fake_ledger.seen_batches
    assert first_batch != second_batch
    assert fake_ledger.statuses[first_batch]["status"] == "PENDING"  # never anything else


async def test_a_rejected_window_not_on_the_chain_stays_quarantined(
    fake_ledger: FakeLedger, spool: Spool, signer: Signer
) -> None:
    """The chain check only ever marks windows committed that the chain holds."""
    fill_windows(spool, "m-a", 1)
    fake_ledger.judge = lambda body: "meter m-a: already in block, says a confused validator"
    submitter = make_submitter(spool, signer, [fake_ledger.url])
    await drive(submitter, lambda: bool(spool.windows("m-a", "invalid")))
    assert fake_ledger.transaction_gets == 1
    assert not fake_ledger.committed and not spool.windows("m-a", "committed")


def test_a_window_already_on_the_devnet_counts_as_committed(
    blockmeter: BlockMeterLedger, spool: Spool
) -> None:
    """The devnet answers INVALID ("transaction ... is already in block N") for a batch holding a
    transaction on the chain. The submitter asks the REST API for the batch's transactions: the
    one on the chain marks its window committed, the other window goes out in a new batch."""
    meter = blockmeter.new_meter("dup", nominal_interval_s=60)
    first, second = fill_windows(spool, meter.meter_id, 2, value=lambda ts: 1000)
    (window, _) = spool.ready_windows(2)[meter.meter_id]
    # The first window reached the ledger in a batch the spool does not know (e.g. sent by an
    # earlier installation of the gateway).
    blockmeter.submit(meter.device, build_record_readings(meter.device, window))
    submitter = make_submitter(spool, meter.device, [blockmeter.url], status_wait=0.5)
    asyncio.run(drive(submitter, nothing_pending(spool)))
    assert [w.state for w in spool.windows(meter.meter_id)] == ["committed", "committed"]
    assert not spool.windows(meter.meter_id, "invalid")
    head = blockmeter.head(meter.meter_id)
    assert (head.window_count, head.first_window_start, head.last_window_end) == (
        2,
        first,
        second + 300,
    )
