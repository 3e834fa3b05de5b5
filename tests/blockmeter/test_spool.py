"""The spool: durable before acknowledged, idempotent, windows frozen once and for all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from smartblocks.blockmeter.spool import Spool
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
