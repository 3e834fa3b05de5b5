"""The spool: durable before acknowledged, idempotent, windows frozen once and for all."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from smartblocks.blockmeter.spool import Conflict, Spool, parse_window_id, window_id
from smartblocks.ledger.errors import UserError
from smartblocks.processors.blockmeter.units import QUALITY_MISSING

T0 = 1_767_571_200  # a window boundary


def test_samples_are_placed_by_slot_whatever_their_order(spool: Spool) -> None:
    spool.register_meter("m", 60, 300)
    # Readings at the end of each interval (t = slot start + 60), sent out of order, late
    # within the open window, and one a few seconds after the boundary.
    result = spool.add_samples([("m", T0 + 180, 3), ("m", T0 + 60, 1), ("m", T0 + 300, 5)])
    result2 = spool.add_samples([("m", T0 + 242, 4), ("m", T0 + 120, 2)])
    assert (result.added, result2.added) == (3, 2)
    assert spool.close_windows("m", T0 + 299) == []  # not over yet
    assert spool.close_windows("m", T0 + 300) == [T0]
    (window,) = spool.windows("m")
    assert window.values == [1, 2, 3, 4, 5]
    assert window.quality == [0] * 5 and window.state == "closed"
    assert spool.open_samples("m") == []


def test_first_sample_of_a_slot_wins_and_repeats_add_nothing(spool: Spool) -> None:
    spool.register_meter("m", 60, 300)
    assert spool.add_samples([("m", T0 + 60, 10), ("m", T0 + 61, 11)]).added == 1
    again = spool.add_samples([("m", T0 + 60, 10)])
    assert (again.added, again.duplicate) == (0, 1)
    spool.close_windows("m", T0 + 300)
    # After the window closed: the same reading is a duplicate, a different one is late.
    after = spool.add_samples([("m", T0 + 60, 10), ("m", T0 + 120, 99)])
    assert (after.added, after.duplicate, after.late) == (0, 1, 1)
    assert spool.windows("m")[0].values[0] == 10


def test_missing_slots_are_flagged_and_never_invented(spool: Spool) -> None:
    spool.register_meter("register", 60, 300, fill="previous")
    spool.register_meter("interval", 60, 300, fill="zero")
    for meter in ("register", "interval"):
        spool.add_samples([(meter, T0 + 120, 7), (meter, T0 + 240, 9)])
        spool.close_windows(meter, T0 + 600)
    register, register_next = spool.windows("register")
    assert register.values == [7, 7, 7, 9, 9]  # leading gap of the first window, carry-forward
    assert register.quality == [QUALITY_MISSING, 0, QUALITY_MISSING, 0, QUALITY_MISSING]
    assert register.missing == 3
    # A window without a single sample is empty: never submitted, the ledger shows a gap.
    assert register_next.state == "empty"
    assert spool.windows("interval")[0].values == [0, 7, 0, 9, 0]
    assert spool.ready_windows(10)["register"] == [register]


def test_carry_forward_crosses_windows(spool: Spool) -> None:
    spool.register_meter("m", 60, 120)
    spool.add_samples([("m", T0 + 60, 5), ("m", T0 + 120, 6), ("m", T0 + 240, 8)])
    spool.close_windows("m", T0 + 240)
    assert [w.values for w in spool.windows("m")] == [[5, 6], [6, 8]]


def test_windows_are_the_same_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    first = Spool(path)
    first.register_meter("m", 60, 300)
    first.add_samples([("m", T0 + 60 * i, i) for i in range(1, 8)])
    first.close()
    second = Spool(path)
    second.register_meter("m", 60, 300)
    assert second.open_samples("m")[0] == (T0, 1)
    second.close_windows("m", T0 + 600)
    assert [w.values for w in second.windows("m")] == [[1, 2, 3, 4, 5], [6, 7, 7, 7, 7]]
    second.close()


def test_a_meter_cannot_change_its_interval(spool: Spool) -> None:
    spool.register_meter("m", 60, 300)
    with pytest.raises(UserError, match="interval_s=60"):
        spool.register_meter("m", 30, 300)


def test_state_machine_and_quarantine(spool: Spool) -> None:
    spool.register_meter("a", 60, 120)
    spool.register_meter("b", 60, 120)
    for meter in ("a", "b"):
        spool.add_samples([(meter, T0 + 60 * i, i) for i in range(1, 7)])
        spool.close_windows(meter, T0 + 360)
    ready = spool.ready_windows(2)
    assert [w.start for w in ready["a"]] == [T0, T0 + 120]
    spool.mark_submitted("batch-a", "a", b"bytes", [(T0, "t0"), (T0 + 120, "t1")])
    assert "a" not in spool.ready_windows(2)  # one batch in flight per meter
    blamed = spool.mark_invalid("batch-a", {"t1": "too high"}, "fallback")
    assert [w.start for w in blamed] == [T0 + 120]
    assert [w.state for w in spool.windows("a")] == ["closed", "invalid", "closed"]
    assert "a" not in spool.ready_windows(2) and "b" in spool.ready_windows(2)
    assert spool.requeue("a").windows == 1
    assert [w.start for w in spool.ready_windows(5)["a"]] == [T0, T0 + 120, T0 + 240]
    spool.mark_submitted("batch-a2", "a", b"bytes", [(T0, "t0")])
    assert [w.start for w in spool.mark_committed("batch-a2")] == [T0]
    row = {r["meter"]: r for r in spool.status()}["a"]
    assert (row["backlog"], row["committed"], row["last_committed_window"]) == (2, 1, T0)
    with pytest.raises(UserError):
        spool.requeue("nope")


CHILD = textwrap.dedent(
    """
    import sys
    from smartblocks.blockmeter.spool import Spool
    spool = Spool(sys.argv[1])
    spool.register_meter("m", 1, 10)
    ts = int(sys.argv[2])
    while True:
        batch = [("m", ts + i, ts + i) for i in range(1, 6)]
        spool.add_samples(batch)
        ts += 5
        print(ts, flush=True)   # acknowledged: everything up to ts is durable
        spool.close_windows("m", ts - 3)
    """
)


def test_requeue_scale_by_rescales_only_what_is_not_on_the_ledger(spool: Spool) -> None:
    """A scale fix: values spooled 1000 times too high become right, except those already
    committed (the ledger's); the last reading, which fills later gaps, too."""
    spool.register_meter("m", 60, 120)
    spool.add_samples([("m", T0 + 60 * i, 1000 * i) for i in range(1, 7)])
    first, second, _ = spool.close_windows("m", T0 + 360)
    spool.mark_submitted("b1", "m", b"", [(first, "t1")])
    spool.mark_committed("b1")
    spool.mark_submitted("b2", "m", b"", [(second, "t2")])
    spool.mark_invalid("b2", {"t2": "above the plausible maximum"}, "rejected")
    spool.add_samples([("m", T0 + 420, 7000)])
    done = spool.requeue("m", Decimal("0.001"))
    assert (done.windows, done.rescaled_windows, done.rescaled_samples) == (1, 2, 1)
    assert [w.values for w in spool.windows("m")] == [[1000, 2000], [3, 4], [5, 6]]
    assert [w.state for w in spool.windows("m")] == ["committed", "closed", "closed"]
    assert spool.open_samples("m") == [(T0 + 360, 7)]
    spool.close_windows("m", T0 + 600)  # a gap repeats the last reading, in the new scale
    assert spool.windows("m")[-2].values == [7, 7]


def test_rescaling_waits_for_batches_in_flight(spool: Spool) -> None:
    spool.register_meter("m", 60, 120)
    spool.add_samples([("m", T0 + 60, 1), ("m", T0 + 120, 2)])
    (start,) = spool.close_windows("m", T0 + 120)
    spool.mark_submitted("b1", "m", b"", [(start, "t1")])
    with pytest.raises(UserError, match="in a batch still being followed"):
        spool.requeue("m", Decimal("0.1"))
    assert spool.windows("m")[0].values == [1, 2]


def test_one_process_at_a_time_holds_the_spool_lock(tmp_path: Path) -> None:
    first, second = Spool(tmp_path / "s.sqlite"), Spool(tmp_path / "s.sqlite")
    try:
        first.lock()
        with pytest.raises(UserError, match="in use by a running agent"):
            second.lock()
        first.close()
        second.lock()
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize("acks", [3, 40])
def test_sigkill_mid_write_loses_nothing_acknowledged(tmp_path: Path, acks: int) -> None:
    path = tmp_path / "killed.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(T0)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        acknowledged = T0
        for _ in range(acks):
            acknowledged = int(child.stdout.readline())
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    spool = Spool(path)
    try:
        spool.register_meter("m", 1, 10)
        frozen = {
            w.start + i: v
            for w in spool.windows("m")
            for i, v in enumerate(w.values)
            if not w.quality[i]
        }
        open_slots = dict(spool.open_samples("m"))
        assert not set(frozen) & set(open_slots), "a sample is both open and frozen"
        stored = {**frozen, **open_slots}
        # The reading taken at t sits in slot t - 1 with value t.
        for t in range(T0 + 1, acknowledged + 1):
            assert stored.get(t - 1) == t, f"acknowledged sample {t} lost"
        # Resuming the writer's work adds nothing twice.
        spool.add_samples([("m", t, t) for t in range(T0 + 1, acknowledged + 1)])
        assert {**dict(spool.open_samples("m")), **frozen} == stored
    finally:
        spool.close()


def test_a_slot_holds_the_reading_taken_nearest_its_start(spool: Spool) -> None:
    """Readings finer than the meter's interval (a BMS logging every 5 minutes for a 15-minute
    meter): the slot's value is the reading at its end boundary, in whatever order files are
    read; the others are duplicates, not conflicts."""
    spool.register_meter("m", 900, 3600)
    result = spool.add_samples([("m", T0 + 1200, 12), ("m", T0 + 1500, 15)])
    assert (result.added, result.duplicate) == (1, 1)
    assert spool.add_samples([("m", T0 + 900, 9)]).added == 1  # read later, taken nearer
    assert spool.open_samples("m") == [(T0, 9)]
    again = spool.add_samples([("m", T0 + 900, 9), ("m", T0 + 1200, 12)])
    assert (again.added, again.duplicate, again.conflicts) == (0, 2, [])


def test_a_reading_arriving_again_with_another_value_is_a_recorded_conflict(
    spool: Spool,
) -> None:
    spool.register_meter("m", 60, 300)
    spool.add_samples([("m", T0 + 60 * i, i) for i in (1, 2, 4, 5)])
    # Open window: the value that arrived last is used.
    open_ = spool.add_samples([("m", T0 + 60, 10)])
    assert (open_.added, open_.duplicate) == (0, 0)
    assert open_.conflicts == [Conflict("m", T0 + 60, 1, 10, "replaced", "open")]
    (start,) = spool.close_windows("m", T0 + 300)
    assert spool.windows("m")[0].values == [10, 2, 2, 4, 5]
    spool.mark_submitted("b", "m", b"", [(start, "t")])
    spool.mark_committed("b")
    # Frozen: the window's value stays. Equal values are duplicates, a slot the window went
    # without is late, a reading taken later in a slot is a duplicate.
    frozen = spool.add_samples(
        [("m", T0 + 120, 20), ("m", T0 + 120, 2), ("m", T0 + 180, 3), ("m", T0 + 121, 7)]
    )
    assert frozen.conflicts == [Conflict("m", T0 + 120, 2, 20, "kept", "committed")]
    assert (frozen.duplicate, frozen.late) == (2, 1)
    assert spool.windows("m")[0].values == [10, 2, 2, 4, 5]
    assert spool.add_samples([("m", T0 + 120, 20)]).conflicts == []  # known: counted only
    (row,) = spool.status()
    assert (row["conflicts"], row["conflicts_kept"]) == (2, 1)
    recent = row["recent_conflicts"]
    assert [(c["old"], c["new"], c["times"]) for c in recent] == [(2, 20, 2), (1, 10, 1)]  # type: ignore[attr-defined]


OLD_SCHEMA = """
CREATE TABLE meters (meter TEXT PRIMARY KEY, interval_s INTEGER NOT NULL,
    window_s INTEGER NOT NULL, fill TEXT NOT NULL, closed_until INTEGER, last_value INTEGER,
    last_error TEXT);
CREATE TABLE samples (meter TEXT NOT NULL, ts INTEGER NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (meter, ts)) WITHOUT ROWID;
CREATE TABLE windows (meter TEXT NOT NULL, start INTEGER NOT NULL, interval_s INTEGER NOT NULL,
    vals TEXT NOT NULL, quality TEXT NOT NULL, missing INTEGER NOT NULL, state TEXT NOT NULL,
    batch_id TEXT, txn_id TEXT, message TEXT, PRIMARY KEY (meter, start)) WITHOUT ROWID;
INSERT INTO meters VALUES ('m', 60, 120, 'previous', 1767571320, 2, NULL);
INSERT INTO windows VALUES ('m', 1767571200, 60, '[1,2]', '[0,0]', 0, 'committed', 'b', 't',
    NULL);
INSERT INTO samples VALUES ('m', 1767571320, 3);
"""


def test_a_spool_written_before_reading_times_were_kept_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_SCHEMA)
    db.close()
    spool = Spool(path)
    try:
        spool.register_meter("m", 60, 120)
        # An old open sample counts as taken at its slot's end; an old window cannot tell.
        assert spool.add_samples([("m", T0 + 180, 33)]).conflicts == [
            Conflict("m", T0 + 180, 3, 33, "replaced", "open")
        ]
        old_window = spool.add_samples([("m", T0 + 60, 1), ("m", T0 + 120, 9)])
        assert (old_window.duplicate, old_window.late, old_window.conflicts) == (1, 1, [])
        spool.add_samples([("m", T0 + 240, 4)])
        assert spool.close_windows("m", T0 + 240) == [T0 + 120]
        assert spool.windows("m")[1].values == [33, 4]
    finally:
        spool.close()


def test_discarding_quarantined_windows_keeps_them_and_an_audit_row(spool: Spool) -> None:
    spool.register_meter("a", 60, 120)
    spool.register_meter("b", 60, 120)
    for meter in ("a", "b"):
        spool.add_samples([(meter, T0 + 60 * i, i) for i in range(1, 7)])
        spool.close_windows(meter, T0 + 360)
        spool.mark_submitted(f"batch-{meter}", meter, b"", [(T0, f"{meter}0")])
        spool.mark_invalid(f"batch-{meter}", {f"{meter}0": "overlaps"}, "fallback")
    assert [(w.meter, w.start) for w in spool.quarantined()] == [("a", T0), ("b", T0)]
    # All or nothing: a window that is not quarantined refuses the whole call.
    with pytest.raises(UserError, match=r"a@.*not quarantined \(it is closed\); nothing"):
        spool.discard([("a", T0), ("a", T0 + 120)], "ops (uid 1)", "backfilled")
    with pytest.raises(UserError, match="no such window"):
        spool.discard([("c", T0)], "ops (uid 1)", None)
    assert len(spool.quarantined()) == 2
    (gone,) = spool.discard([("a", T0), ("a", T0)], "ops (uid 1)", "backfilled by hand")
    assert (gone.meter, gone.start, gone.message) == ("a", T0, "overlaps")
    (kept,) = spool.windows("a", "discarded")
    assert kept.values == [1, 2]  # the readings stay, with their state
    assert [w.start for w in spool.ready_windows(5)["a"]] == [T0 + 120, T0 + 240]
    assert "b" not in spool.ready_windows(5)
    rows = {row["meter"]: row for row in spool.status()}
    assert (rows["a"]["discarded"], rows["a"]["invalid"], rows["a"]["last_error"]) == (1, 0, None)
    (audit,) = rows["a"]["discards"]  # type: ignore[misc]
    assert audit["window"] == "a@2026-01-05T00:00:00Z" and audit["window_start"] == T0
    assert (audit["discarded_by"], audit["reason"]) == ("ops (uid 1)", "backfilled by hand")
    assert audit["message"] == "overlaps" and audit["discarded_at"] > 0
    assert rows["b"]["last_error"] is not None
    assert [w.meter for w in spool.discard(None, "ops (uid 1)", None)] == ["b"]
    with pytest.raises(UserError, match="no quarantined windows"):
        spool.discard(None, "ops (uid 1)", None)


def test_window_ids_name_a_meter_and_a_start() -> None:
    assert window_id("site.gas-1", T0 + 900) == "site.gas-1@2026-01-05T00:15:00Z"
    for text in (
        "site.gas-1@2026-01-05T00:15:00Z",
        "site.gas-1@2026-01-05T00:15",
        "site.gas-1@1767572100",
    ):
        assert parse_window_id(text) == ("site.gas-1", T0 + 900)
    for text in ("site.gas-1", "@2026-01-05T00:15:00Z", "m@yesterday"):
        with pytest.raises(UserError, match="not a window id"):
            parse_window_id(text)
