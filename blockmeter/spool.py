"""The agent's durable store: samples, frozen windows and their way onto the ledger.

SQLite in WAL mode with synchronous=FULL: a call that adds samples returns only after they are
on disk, so whatever a connector was told "accepted" survives a crash. One window per meter and
start time, with a state machine:

    (samples) -> closed -> submitted(batch) -> committed
                                            -> invalid(message) -> closed  (requeue)
                                                                -> discarded  (quarantine discard)

A reading taken at time t is the meter's value at the end of the interval that ends at the last
grid boundary at or before t (BlockMeter's convention: `values[i]` is the reading at
`window_start + (i + 1) * interval_s`). Closing a window freezes its samples into `values`, so
the same window always yields the same values and transaction. A slot without a sample is
flagged QUALITY_MISSING and, not to invent anything, repeats the meter's last reading (fill
"previous": registers and rates) or is 0 (fill "zero": interval quantities). A window without
any sample is `empty` and never submitted: the ledger records a gap. A sample for a window
already closed is `late` and dropped (a `duplicate` when it repeats the frozen value). A meter
with an invalid window is quarantined: its later windows wait, until the window is requeued or
discarded (its row stays, state `discarded`, with an audit row: who, when, why).

A slot holds one reading: the one taken nearest its start (a reading taken later in the same
slot is a `duplicate`, unused). The same reading, (meter, time taken), arriving again with
another value is a conflict (a BMS re-export, a corrected row): while its window is open the
value that arrived last replaces the earlier one; once the window is frozen (closed: it may be
in a signed batch at any moment, and a window always yields the same transaction) the frozen
value stays. Either way the conflict is recorded in `conflicts` (shown by `blockmeter status`)
and returned to the caller, never dropped silently.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import IO

from smartblocks.ledger.errors import UserError
from smartblocks.processors.blockmeter.units import QUALITY_MISSING

QUALITY_OK = 0
FILLS = ("previous", "zero")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meters (
    meter TEXT PRIMARY KEY,
    interval_s INTEGER NOT NULL,
    window_s INTEGER NOT NULL,
    fill TEXT NOT NULL,            -- previous | zero: what a missing slot holds
    closed_until INTEGER,          -- windows before this are frozen; NULL before the first sample
    last_value INTEGER,            -- the last reading frozen into a window
    last_error TEXT
);
CREATE TABLE IF NOT EXISTS samples (
    meter TEXT NOT NULL,
    ts INTEGER NOT NULL,           -- start of the sample's interval slot, unix seconds
    value INTEGER NOT NULL,
    taken INTEGER,                 -- when the reading was taken, unix seconds
    PRIMARY KEY (meter, ts)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS windows (
    meter TEXT NOT NULL,
    start INTEGER NOT NULL,
    interval_s INTEGER NOT NULL,
    vals TEXT NOT NULL,            -- JSON list of integers, one per slot
    quality TEXT NOT NULL,         -- JSON list of flags, one per slot
    missing INTEGER NOT NULL,
    state TEXT NOT NULL,           -- empty | closed | submitted | committed | invalid | discarded
    batch_id TEXT,
    txn_id TEXT,
    message TEXT,
    taken TEXT,                    -- JSON list: when each slot's reading was taken (null: none)
    PRIMARY KEY (meter, start)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS windows_by_state ON windows (state, meter, start);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    meter TEXT NOT NULL,
    body BLOB NOT NULL,            -- the serialized Batch, resubmitted byte for byte
    submitted_at REAL NOT NULL,
    attempts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS conflicts (
    meter TEXT NOT NULL,
    taken INTEGER NOT NULL,        -- the reading's time, unix seconds
    old INTEGER NOT NULL,          -- the value the spool held for it
    new INTEGER NOT NULL,          -- the value that arrived again
    outcome TEXT NOT NULL,         -- replaced (window open: `new` is used) | kept (frozen: `old`)
    window_state TEXT NOT NULL,    -- open, or the frozen window's state at the time
    first_at REAL NOT NULL,
    last_at REAL NOT NULL,
    times INTEGER NOT NULL,        -- how often it arrived (a source read again repeats it)
    PRIMARY KEY (meter, taken, old, new)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS discards (
    meter TEXT NOT NULL,
    start INTEGER NOT NULL,        -- the discarded window (its row stays in windows)
    discarded_at REAL NOT NULL,
    discarded_by TEXT NOT NULL,    -- the user who ran `blockmeter quarantine discard`
    reason TEXT,                   -- as given with --reason
    message TEXT,                  -- why the ledger had refused the window
    PRIMARY KEY (meter, start)
) WITHOUT ROWID;
"""
WINDOW_COLUMNS = (
    "meter, start, interval_s, vals, quality, missing, state, batch_id, txn_id, message"
)


@dataclass(frozen=True)
class Window:
    meter: str
    start: int
    interval_s: int
    values: list[int]
    quality: list[int]
    missing: int
    state: str
    batch_id: str | None = None
    txn_id: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class InFlight:
    batch_id: str
    meter: str
    submitted_at: float
    attempts: int


@dataclass
class Requeued:
    windows: int = 0  # invalid windows put back to be sent
    rescaled_windows: int = 0
    rescaled_samples: int = 0


@dataclass(frozen=True)
class Conflict:
    """A reading (meter, time taken) that arrived again with another value."""

    meter: str
    taken: int
    old: int  # the value the spool held
    new: int  # the value that arrived
    outcome: str  # replaced (its window was open: `new` is used) | kept (frozen: `old` stays)
    window_state: str  # open, or the frozen window's state


@dataclass(frozen=True)
class _Frozen:
    """What add_samples needs of a frozen window."""

    start: int
    interval_s: int
    values: list[int]
    quality: list[int]
    taken: list[int | None] | None  # None: frozen before reading times were kept
    state: str

    @classmethod
    def of(cls, row: tuple[int, int, str, str, str | None, str]) -> _Frozen:
        start, interval_s, vals, quality, taken, state = row
        times = None if taken is None else json.loads(taken)
        return cls(start, interval_s, json.loads(vals), json.loads(quality), times, state)


@dataclass
class AddResult:
    added: int = 0
    duplicate: int = 0
    late: int = 0
    conflicts: list[Conflict] = field(default_factory=list)  # new ones; repeats only recorded


class Spool:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA busy_timeout=5000")
        self.db.executescript(SCHEMA)
        self._migrate()
        self._meters: dict[str, tuple[int, int]] = {}  # meter -> (interval_s, window_s)
        self._fills: dict[str, str] = {}
        for meter, interval_s, window_s, fill in self.db.execute(
            "SELECT meter, interval_s, window_s, fill FROM meters"
        ):
            self._meters[meter] = (interval_s, window_s)
            self._fills[meter] = fill
        self._lock: IO[str] | None = None

    def _migrate(self) -> None:
        """Spools written before readings kept their time: their open samples count as taken at
        their slot's end (the grid boundary pollers read at); frozen windows keep NULL."""
        samples = {row[1] for row in self.db.execute("PRAGMA table_info(samples)")}
        windows = {row[1] for row in self.db.execute("PRAGMA table_info(windows)")}
        if "taken" in samples and "taken" in windows:
            return
        with self._transaction():
            if "taken" not in samples:
                self.db.execute("ALTER TABLE samples ADD COLUMN taken INTEGER")
                self.db.execute(
                    "UPDATE samples SET taken = ts + "
                    "(SELECT interval_s FROM meters WHERE meters.meter = samples.meter)"
                )
            if "taken" not in windows:
                self.db.execute("ALTER TABLE windows ADD COLUMN taken TEXT")

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.close()  # releases the flock
            self._lock = None

    def _transaction(self) -> _Tx:
        return _Tx(self.db)

    # -- meters ---------------------------------------------------------------------------

    def register_meter(
        self, meter: str, interval_s: int, window_s: int, fill: str = "previous"
    ) -> None:
        if fill not in FILLS:
            raise ValueError(f"fill must be one of {FILLS}, got {fill!r}")
        known = self._meters.get(meter)
        if known == (interval_s, window_s):
            if self._fills[meter] != fill:
                with self._transaction():
                    self.db.execute("UPDATE meters SET fill = ? WHERE meter = ?", (fill, meter))
                self._fills[meter] = fill
            return
        if known is not None:
            raise UserError(
                f"meter {meter!r} was spooled with interval_s={known[0]}, window_s={known[1]}; "
                f"the config now says {interval_s}, {window_s}. Give the meter a new id "
                f"(its series on the ledger keeps its interval)"
            )
        with self._transaction():
            self.db.execute(
                "INSERT INTO meters (meter, interval_s, window_s, fill) VALUES (?, ?, ?, ?)",
                (meter, interval_s, window_s, fill),
            )
        self._meters[meter] = (interval_s, window_s)
        self._fills[meter] = fill

    def meters(self) -> list[str]:
        return sorted(self._meters)

    # -- samples --------------------------------------------------------------------------

    def add_samples(self, samples: Iterable[tuple[str, int, int]]) -> AddResult:
        """Store (meter, reading time in unix seconds, base-unit value) samples durably. A slot
        keeps the reading taken nearest its start, so re-reading a source adds nothing twice;
        the same reading with another value is a conflict (module docstring), recorded."""
        result = AddResult()
        now = time.time()
        windows: dict[tuple[str, int], _Frozen | None] = {}  # parsed once per call
        with self._transaction():
            closed = dict(self.db.execute("SELECT meter, closed_until FROM meters").fetchall())
            for meter, taken, raw in samples:
                value = int(raw)
                interval_s, window_s = self._meters[meter]
                slot = taken - taken % interval_s - interval_s
                until = closed[meter]
                if until is not None and slot < until:
                    frozen = self._frozen_window(windows, meter, slot - slot % window_s)
                    self._add_frozen(result, frozen, meter, slot, taken, value, now)
                    continue
                if self.db.execute(
                    "INSERT OR IGNORE INTO samples (meter, ts, value, taken) VALUES (?, ?, ?, ?)",
                    (meter, slot, value, taken),
                ).rowcount:
                    result.added += 1
                    continue
                old, old_taken = self.db.execute(
                    "SELECT value, COALESCE(taken, ts + ?) FROM samples WHERE meter = ? AND ts = ?",
                    (interval_s, meter, slot),
                ).fetchone()
                if taken > old_taken or (taken == old_taken and value == old):
                    result.duplicate += 1  # the same reading, or one taken later in the slot
                    continue
                self.db.execute(
                    "UPDATE samples SET value = ?, taken = ? WHERE meter = ? AND ts = ?",
                    (value, taken, meter, slot),
                )
                if taken < old_taken:
                    result.added += 1  # nearer the slot's start: it is the slot's reading
                else:
                    self._conflict(
                        result, Conflict(meter, taken, old, value, "replaced", "open"), now
                    )
        return result

    def _frozen_window(
        self, cache: dict[tuple[str, int], _Frozen | None], meter: str, start: int
    ) -> _Frozen | None:
        if (meter, start) not in cache:
            row = self.db.execute(
                "SELECT start, interval_s, vals, quality, taken, state FROM windows "
                "WHERE meter = ? AND start = ?",
                (meter, start),
            ).fetchone()
            cache[(meter, start)] = None if row is None else _Frozen.of(row)
        return cache[(meter, start)]

    def _add_frozen(
        self,
        result: AddResult,
        window: _Frozen | None,
        meter: str,
        slot: int,
        taken: int,
        value: int,
        now: float,
    ) -> None:
        """A reading for a slot whose window is frozen: a duplicate, late, or a conflict."""
        if window is None:  # before the meter's first window
            result.late += 1
            return
        index = (slot - window.start) // window.interval_s
        if window.quality[index] & QUALITY_MISSING:
            result.late += 1  # the window went without it
            return
        frozen = window.values[index]
        frozen_taken = window.taken[index] if window.taken is not None else None
        if value == frozen or (frozen_taken is not None and taken > frozen_taken):
            result.duplicate += 1
        elif frozen_taken is None or taken < frozen_taken:
            result.late += 1  # frozen before reading times were kept, or it came too late
        else:
            self._conflict(result, Conflict(meter, taken, frozen, value, "kept", window.state), now)

    def _conflict(self, result: AddResult, conflict: Conflict, at: float) -> None:
        """Record a conflict; a new one is also returned (a repeat only counts `times`)."""
        key = (conflict.meter, conflict.taken, conflict.old, conflict.new)
        if self.db.execute(
            "UPDATE conflicts SET last_at = ?, times = times + 1, outcome = ?, window_state = ? "
            "WHERE meter = ? AND taken = ? AND old = ? AND new = ?",
            (at, conflict.outcome, conflict.window_state, *key),
        ).rowcount:
            return
        self.db.execute(
            "INSERT INTO conflicts (meter, taken, old, new, outcome, window_state, first_at, "
            "last_at, times) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (*key, conflict.outcome, conflict.window_state, at, at),
        )
        result.conflicts.append(conflict)

    def open_samples(self, meter: str) -> list[tuple[int, int]]:
        return self.db.execute(
            "SELECT ts, value FROM samples WHERE meter = ? ORDER BY ts", (meter,)
        ).fetchall()

    # -- closing windows ------------------------------------------------------------------

    def close_windows(self, meter: str, now: int) -> list[int]:
        """Freeze every window of `meter` that ended at or before `now`; return their starts.
        Windows before the meter's first sample do not exist; gaps after it become windows
        whose every slot is flagged missing, so the series on the ledger has no holes."""
        interval_s, window_s = self._meters[meter]
        closed: list[int] = []
        with self._transaction():
            until, last = self.db.execute(
                "SELECT closed_until, last_value FROM meters WHERE meter = ?", (meter,)
            ).fetchone()
            if until is None:
                first = self.db.execute(
                    "SELECT MIN(ts) FROM samples WHERE meter = ?", (meter,)
                ).fetchone()[0]
                if first is None:
                    return closed
                until = first - first % window_s
            while until + window_s <= now:
                last = self._freeze(meter, until, interval_s, window_s, last)
                closed.append(until)
                until += window_s
            self.db.execute(
                "UPDATE meters SET closed_until = ?, last_value = ? WHERE meter = ?",
                (until, last, meter),
            )
        return closed

    def _freeze(
        self, meter: str, start: int, interval_s: int, window_s: int, last: int | None
    ) -> int | None:
        """Write the window record; return the meter's last reading after it."""
        slots = window_s // interval_s
        found: dict[int, tuple[int, int]] = {
            (ts - start) // interval_s: (value, ts + interval_s if taken is None else taken)
            for ts, value, taken in self.db.execute(
                "SELECT ts, value, taken FROM samples WHERE meter = ? AND ts >= ? AND ts < ?",
                (meter, start, start + window_s),
            )
        }
        values: list[int] = []
        quality: list[int] = []
        times: list[int | None] = []
        if found and last is None:
            last = found[min(found)][0]  # leading gap of a meter's first window
        for index in range(slots):
            if index in found:
                last, taken = found[index]
                values.append(last)
                quality.append(QUALITY_OK)
                times.append(taken)
            else:
                fill = 0 if self._fills[meter] == "zero" or last is None else last
                values.append(fill)
                quality.append(QUALITY_MISSING)
                times.append(None)
        self.db.execute(
            "INSERT INTO windows (meter, start, interval_s, vals, quality, missing, state, taken) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                meter,
                start,
                interval_s,
                _json(values),
                _json(quality),
                slots - len(found),
                "closed" if found else "empty",
                _json(times),
            ),
        )
        self.db.execute(
            "DELETE FROM samples WHERE meter = ? AND ts >= ? AND ts < ?",
            (meter, start, start + window_s),
        )
        return last

    # -- submission -----------------------------------------------------------------------

    def ready_windows(self, limit_per_meter: int) -> dict[str, list[Window]]:
        """Per meter, its oldest closed windows, unless the meter has a batch in flight or an
        invalid window (quarantine: its series must stay in order)."""
        ready = {
            meter: self.closed_windows(meter, limit_per_meter) for meter in self.ready_meters()
        }
        return {meter: windows for meter, windows in ready.items() if windows}

    def ready_meters(self) -> list[str]:
        """The meters `ready_windows` would give windows for, sorted, without reading them
        (with 1,000 meters, all their windows at once are tens of MB of Python objects)."""
        blocked = {
            row[0]
            for row in self.db.execute(
                "SELECT DISTINCT meter FROM windows WHERE state IN ('submitted', 'invalid')"
            )
        }
        closed = {
            row[0]
            for row in self.db.execute("SELECT DISTINCT meter FROM windows WHERE state = 'closed'")
        }
        return sorted((closed - blocked) & set(self._meters))

    def closed_windows(self, meter: str, limit: int) -> list[Window]:
        """A meter's oldest closed windows, at most `limit`."""
        rows = self.db.execute(
            f"SELECT {WINDOW_COLUMNS} FROM windows WHERE meter = ? AND state = 'closed' "
            "ORDER BY start LIMIT ?",
            (meter, limit),
        ).fetchall()
        return [_window(row) for row in rows]

    def mark_submitted(
        self, batch_id: str, meter: str, body: bytes, windows: list[tuple[int, str]]
    ) -> None:
        """Record a batch (its bytes and its windows' transaction ids) before it is sent."""
        with self._transaction():
            self.db.execute(
                "INSERT INTO batches (batch_id, meter, body, submitted_at, attempts) "
                "VALUES (?, ?, ?, ?, 0)",
                (batch_id, meter, body, time.time()),
            )
            for start, txn_id in windows:
                self.db.execute(
                    "UPDATE windows SET state = 'submitted', batch_id = ?, txn_id = ? "
                    "WHERE meter = ? AND start = ? AND state = 'closed'",
                    (batch_id, txn_id, meter, start),
                )

    def note_sent(self, batch_ids: Iterable[str]) -> None:
        with self._transaction():
            for batch_id in batch_ids:
                self.db.execute(
                    "UPDATE batches SET submitted_at = ?, attempts = attempts + 1 "
                    "WHERE batch_id = ?",
                    (time.time(), batch_id),
                )

    def in_flight(self) -> list[InFlight]:
        return [
            InFlight(*row)
            for row in self.db.execute(
                "SELECT batch_id, meter, submitted_at, attempts FROM batches "
                "ORDER BY submitted_at, batch_id"
            )
        ]

    def batch_bodies(self, batch_ids: list[str]) -> list[bytes]:
        """The stored bytes of these batches, in the same order."""
        query = "SELECT body FROM batches WHERE batch_id = ?"
        return [self.db.execute(query, (batch_id,)).fetchone()[0] for batch_id in batch_ids]

    def batch_windows(self, batch_id: str) -> list[Window]:
        rows = self.db.execute(
            f"SELECT {WINDOW_COLUMNS} FROM windows WHERE batch_id = ? ORDER BY start", (batch_id,)
        ).fetchall()
        return [_window(row) for row in rows]

    def mark_committed(self, batch_id: str) -> list[Window]:
        windows = self.batch_windows(batch_id)
        with self._transaction():
            self.db.execute(
                "UPDATE windows SET state = 'committed' WHERE batch_id = ? AND state = 'submitted'",
                (batch_id,),
            )
            self.db.execute("DELETE FROM batches WHERE batch_id = ?", (batch_id,))
        return windows

    def mark_invalid(
        self,
        batch_id: str,
        messages: dict[str, str],
        fallback: str,
        already_committed: frozenset[str] = frozenset(),
    ) -> list[Window]:
        """The validator rejected the batch. Windows whose transaction it named (else the
        batch's first window, with `fallback`) are quarantined; windows whose transaction the
        ledger already holds are committed; the rest wait to be resent."""
        windows = self.batch_windows(batch_id)
        done = {w.start for w in windows if w.txn_id in already_committed}
        blamed = {w.start for w in windows if w.txn_id in messages and w.start not in done}
        if not blamed and not done and windows:
            blamed = {windows[0].start}
        with self._transaction():
            for window in windows:
                if window.start in done:
                    state, message = "committed", None
                elif window.start in blamed:
                    state, message = "invalid", messages.get(window.txn_id or "", fallback)
                    self.db.execute(
                        "UPDATE meters SET last_error = ? WHERE meter = ?",
                        (f"window {window.start} invalid: {message}", window.meter),
                    )
                else:
                    state, message = "closed", None
                keep = state != "closed"
                self.db.execute(
                    "UPDATE windows SET state = ?, message = ?, batch_id = ?, txn_id = ? "
                    "WHERE meter = ? AND start = ?",
                    (
                        state,
                        message,
                        window.batch_id if keep else None,
                        window.txn_id if keep else None,
                        window.meter,
                        window.start,
                    ),
                )
            self.db.execute("DELETE FROM batches WHERE batch_id = ?", (batch_id,))
        return [w for w in windows if w.start in blamed]

    def requeue(self, meter: str, scale_by: Decimal | None = None) -> Requeued:
        """After the operator fixed the cause: the meter's invalid windows go back to closed.

        `scale_by` corrects readings spooled with a wrong scale (the config's scale or unit
        was wrong, and the ledger's plausibility bound refused them): every value not yet on
        the ledger (invalid and closed windows, open samples, the last reading) is multiplied
        by it, rounding half away from zero. Committed windows are the ledger's and stay."""
        if meter not in self._meters:
            raise UserError(f"no meter {meter!r} in spool {self.path}")
        requeued = Requeued()
        with self._transaction():
            if scale_by is not None:
                requeued = self._rescale(meter, scale_by)
            requeued.windows = self.db.execute(
                "UPDATE windows SET state = 'closed', batch_id = NULL, txn_id = NULL, "
                "message = NULL WHERE meter = ? AND state = 'invalid'",
                (meter,),
            ).rowcount
            self.db.execute("UPDATE meters SET last_error = NULL WHERE meter = ?", (meter,))
        return requeued

    def _rescale(self, meter: str, factor: Decimal) -> Requeued:
        (in_flight,) = self.db.execute(
            "SELECT COUNT(*) FROM windows WHERE meter = ? AND state = 'submitted'", (meter,)
        ).fetchone()
        if in_flight:
            raise UserError(
                f"meter {meter!r} has {in_flight} window(s) in a batch still being followed; "
                "run the agent until `blockmeter status` shows none in flight, stop it, then "
                "rescale"
            )
        result = Requeued()
        rows = self.db.execute(
            "SELECT start, vals FROM windows WHERE meter = ? AND state IN ('invalid', 'closed')",
            (meter,),
        ).fetchall()
        for start, vals in rows:
            scaled = [_scaled(v, factor) for v in json.loads(vals)]
            self.db.execute(
                "UPDATE windows SET vals = ? WHERE meter = ? AND start = ?",
                (_json(scaled), meter, start),
            )
        result.rescaled_windows = len(rows)
        samples = self.db.execute(
            "SELECT ts, value FROM samples WHERE meter = ?", (meter,)
        ).fetchall()
        for ts, value in samples:
            self.db.execute(
                "UPDATE samples SET value = ? WHERE meter = ? AND ts = ?",
                (_scaled(value, factor), meter, ts),
            )
        result.rescaled_samples = len(samples)
        # The last reading fills a next window's missing slots: it must be in the new scale.
        (last,) = self.db.execute(
            "SELECT last_value FROM meters WHERE meter = ?", (meter,)
        ).fetchone()
        if last is not None:
            self.db.execute(
                "UPDATE meters SET last_value = ? WHERE meter = ?", (_scaled(last, factor), meter)
            )
        return result

    # -- quarantine -----------------------------------------------------------------------

    def quarantined(self) -> list[Window]:
        """The windows the ledger refused, each holding up its meter until requeued or
        discarded."""
        return [
            _window(row)
            for row in self.db.execute(
                f"SELECT {WINDOW_COLUMNS} FROM windows WHERE state = 'invalid' "
                "ORDER BY meter, start"
            )
        ]

    def discard(
        self, windows: Iterable[tuple[str, int]] | None, by: str, reason: str | None
    ) -> list[Window]:
        """Give up quarantined windows (`None`: all of them), all or nothing: a window that is
        not quarantined refuses the call. A discarded window keeps its row (state `discarded`,
        its values, the ledger's message) and gets an audit row in `discards` (who, when, why);
        its meter's later windows go on, and the ledger records a gap in its place."""
        with self._transaction():
            if windows is None:
                chosen = self.quarantined()
                if not chosen:
                    raise UserError(f"no quarantined windows in spool {self.path}")
            else:
                chosen, problems = [], []
                for meter, start in dict.fromkeys(windows):
                    row = self.db.execute(
                        f"SELECT {WINDOW_COLUMNS} FROM windows WHERE meter = ? AND start = ?",
                        (meter, start),
                    ).fetchone()
                    if row is None:
                        problems.append(f"{window_id(meter, start)}: no such window")
                    elif row[6] != "invalid":
                        problems.append(
                            f"{window_id(meter, start)}: not quarantined (it is {row[6]})"
                        )
                    else:
                        chosen.append(_window(row))
                if problems:
                    raise UserError("; ".join(problems) + "; nothing discarded")
            at = time.time()
            for window in chosen:
                self.db.execute(
                    "UPDATE windows SET state = 'discarded' WHERE meter = ? AND start = ?",
                    (window.meter, window.start),
                )
                self.db.execute(
                    "INSERT INTO discards (meter, start, discarded_at, discarded_by, reason, "
                    "message) VALUES (?, ?, ?, ?, ?, ?)",
                    (window.meter, window.start, at, by, reason, window.message),
                )
            for meter in {w.meter for w in chosen}:
                # The meter's error was the refusal; it stays in the audit row.
                self.db.execute(
                    "UPDATE meters SET last_error = NULL WHERE meter = ? AND NOT EXISTS "
                    "(SELECT 1 FROM windows WHERE meter = ? AND state = 'invalid')",
                    (meter, meter),
                )
        return chosen

    def lock(self) -> None:
        """Claim the spool for this process (a running agent, a rescale); refused while another
        process holds it. Released by `close()` or when the process dies."""
        handle = open(self.path.with_name(self.path.name + ".lock"), "a")  # noqa: SIM115
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise UserError(
                f"spool {self.path} is in use by a running agent; stop it first"
            ) from None
        self._lock = handle

    # -- reporting ------------------------------------------------------------------------

    def windows(self, meter: str, state: str | None = None) -> list[Window]:
        query = f"SELECT {WINDOW_COLUMNS} FROM windows WHERE meter = ?"
        args: tuple[object, ...] = (meter,)
        if state is not None:
            query += " AND state = ?"
            args += (state,)
        return [_window(row) for row in self.db.execute(query + " ORDER BY start", args)]

    def conflicts(self, meter: str, limit: int | None = None) -> list[dict[str, object]]:
        """The meter's recorded conflicts, the most recent first."""
        rows = self.db.execute(
            "SELECT taken, old, new, outcome, window_state, first_at, last_at, times "
            "FROM conflicts WHERE meter = ? ORDER BY last_at DESC, taken DESC LIMIT ?",
            (meter, -1 if limit is None else limit),
        )
        keys = ("taken", "old", "new", "outcome", "window_state", "first_at", "last_at", "times")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def discards(self, meter: str) -> list[dict[str, object]]:
        """The audit rows of the meter's discarded windows, the most recent first."""
        rows = self.db.execute(
            "SELECT start, discarded_at, discarded_by, reason, message FROM discards "
            "WHERE meter = ? ORDER BY discarded_at DESC, start DESC",
            (meter,),
        )
        keys = ("window_start", "discarded_at", "discarded_by", "reason", "message")
        return [
            {"window": window_id(meter, row[0]), **dict(zip(keys, row, strict=True))}
            for row in rows
        ]

    def status(self) -> list[dict[str, object]]:
        """Per meter: open samples, windows by state, last committed window, last error;
        conflicts (count, how many kept a frozen value, the 10 most recent) and discarded
        windows (count, audit rows)."""
        out = []
        for meter, closed_until, last_error in self.db.execute(
            "SELECT meter, closed_until, last_error FROM meters ORDER BY meter"
        ).fetchall():
            counts = dict(
                self.db.execute(
                    "SELECT state, COUNT(*) FROM windows WHERE meter = ? GROUP BY state", (meter,)
                ).fetchall()
            )
            (open_samples,) = self.db.execute(
                "SELECT COUNT(*) FROM samples WHERE meter = ?", (meter,)
            ).fetchone()
            (last_committed,) = self.db.execute(
                "SELECT MAX(start) FROM windows WHERE meter = ? AND state = 'committed'", (meter,)
            ).fetchone()
            conflicts, kept = self.db.execute(
                "SELECT COUNT(*), COALESCE(SUM(outcome = 'kept'), 0) FROM conflicts "
                "WHERE meter = ?",
                (meter,),
            ).fetchone()
            out.append(
                {
                    "meter": meter,
                    "open_samples": open_samples,
                    "closed_until": closed_until,
                    "backlog": counts.get("closed", 0) + counts.get("submitted", 0),
                    "submitted": counts.get("submitted", 0),
                    "committed": counts.get("committed", 0),
                    "invalid": counts.get("invalid", 0),
                    "empty": counts.get("empty", 0),
                    "last_committed_window": last_committed,
                    "last_error": last_error,
                    "conflicts": conflicts,
                    "conflicts_kept": kept,
                    "recent_conflicts": self.conflicts(meter, 10),
                    "discarded": counts.get("discarded", 0),
                    "discards": self.discards(meter),
                }
            )
        return out

    def backlog(self) -> int:
        return self.db.execute(
            "SELECT COUNT(*) FROM windows WHERE state IN ('closed', 'submitted')"
        ).fetchone()[0]


def utc(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def describe_conflict(conflict: Conflict) -> str:
    """One line for the log: which reading, both values, which one the window holds."""
    what = (
        f"the reading of {utc(conflict.taken)} arrived again with another value: "
        f"{conflict.old}, now {conflict.new}"
    )
    if conflict.outcome == "replaced":
        return f"{what}; its window is open: {conflict.new} is used"
    return (
        f"{what}; its window is {conflict.window_state}: {conflict.old} stays "
        "(`blockmeter status` lists it)"
    )


def window_id(meter: str, start: int) -> str:
    """How commands name a window: METER@START (UTC), e.g. site.gas@2026-01-05T00:15:00Z."""
    return f"{meter}@{utc(start)}"


def parse_window_id(text: str) -> tuple[str, int]:
    """METER@START, START in ISO 8601 (naive means UTC) or unix seconds: (meter, start)."""
    meter, at, when = text.rpartition("@")
    try:
        if not at or not meter:
            raise ValueError
        if when.isdigit():
            return meter, int(when)
        moment = datetime.fromisoformat(when)
    except ValueError:
        raise UserError(
            f"{text!r} is not a window id: METER@START, as `blockmeter quarantine list` "
            "prints it (e.g. site.gas@2026-01-05T00:15:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return meter, int(moment.timestamp())


def _json(values: Sequence[int | None]) -> str:
    """The compact JSON the windows table stores its lists in."""
    return json.dumps(values, separators=(",", ":"))


def _scaled(value: int, factor: Decimal) -> int:
    return int((Decimal(value) * factor).to_integral_value(rounding=ROUND_HALF_UP))


def _window(row: tuple) -> Window:  # type: ignore[type-arg]
    meter, start, interval_s, vals, quality, missing, state, batch_id, txn_id, message = row
    return Window(
        meter,
        start,
        interval_s,
        json.loads(vals),
        json.loads(quality),
        missing,
        state,
        batch_id,
        txn_id,
        message,
    )


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT (rolled back on error): one writer, whole or nothing."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")
