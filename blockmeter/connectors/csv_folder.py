"""A watched folder of BMS export files: one timestamp column and value columns per file.

Each scan reads new or changed files (in name order) and hands their rows to the spool, whose
(meter, slot) key makes ingest idempotent: re-reading a file, or the same row in two files,
adds nothing twice (a row that comes back with another value is a conflict the spool records).
The meter's clock advances only after a whole scan, to the newest row seen (or to `stale_s`
before the wall clock, so a silent BMS still closes its windows): a window never closes
half-way through a folder.

A row counts once its line ends. The BMS may be writing the file while it is read: a last line
without a line break (`...T12:15:00Z,4` of what will be `...,465`) is held back, and read by a
later scan once the line is complete, so a half-written value never reaches the spool, and its
window stays open (the clock has not passed it). A last line that stays unterminated for
UNTERMINATED_WARN_S is reported once (error kind `csv_unterminated`): an export that never ends
its last line with a line break loses that row until the BMS appends the next.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from smartblocks.ledger.toml_config import Params

from ..units import UNITS, to_base
from .base import Emit, Sample

log = logging.getLogger(__name__)
CHUNK = 2000
UNTERMINATED_WARN_S = 600


@dataclass(frozen=True)
class CsvSettings:
    folder: str
    pattern: str
    timestamp_column: str
    value_column: str
    timestamp_format: str  # iso (with offset; naive means UTC) | epoch
    poll_s: float
    stale_s: int


def parse_params(p: Params) -> tuple[CsvSettings, str | None]:
    settings = CsvSettings(
        folder=p.text("folder"),
        pattern=p.text("pattern", "*.csv"),
        timestamp_column=p.text("timestamp_column", "timestamp"),
        value_column=p.text("value_column"),
        timestamp_format=p.text("timestamp_format", "iso", choices=("iso", "epoch")),
        poll_s=float(p.number("poll_s", 10.0)),
        stale_s=p.integer("stale_s", 21600, low=0),
    )
    unit = p.text("value_unit", None, choices=tuple(UNITS))
    p.done()
    return settings, unit


def parse_timestamp(text: str, fmt: str) -> int:
    text = text.strip()
    if fmt == "epoch":
        return int(Decimal(text))
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def complete_lines(lines: Iterable[str], held: list[str]) -> Iterator[str]:
    """The lines that end with a line break (a file opened with newline="" keeps them); a last
    line without one, still being written, goes to `held`."""
    for line in lines:
        if line.endswith(("\n", "\r")):
            yield line
        else:
            held.append(line)


class CsvFolderReader:
    def __init__(
        self,
        meter_id: str,
        settings: CsvSettings,
        unit: str,
        scale: Decimal,
        base: Path = Path("."),
        on_error: Callable[[str, str], None] | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.meter_id = meter_id
        self.settings = settings
        self.folder = base / settings.folder
        self.unit = unit
        self.scale = scale
        self.on_error = on_error or (lambda kind, message: None)
        self.clock = clock
        # path -> (size, mtime_ns, inode) when fully ingested: a re-export put in place by a
        # rename is read again even with the same size and time stamp
        self.seen: dict[Path, tuple[int, int, int]] = {}
        self.tails: dict[Path, str] = {}  # path -> its unterminated last line, held back
        self.warned: set[Path] = set()  # files whose held-back line was reported
        self.newest = 0
        self.watermark = 0

    def now(self) -> int:
        return self.watermark

    def read_file(self, path: Path) -> list[Sample]:
        """The samples of the file's complete lines; an unterminated last line goes to
        `self.tails` instead."""
        held: list[str] = []
        self.tails.pop(path, None)
        self.warned.discard(path)
        try:
            return self._read_rows(path, held)
        finally:
            if held:
                self.tails[path] = held[0]

    def _read_rows(self, path: Path, held: list[str]) -> list[Sample]:
        samples: list[Sample] = []
        with path.open(newline="") as f:
            rows = csv.DictReader(complete_lines(f, held))
            if rows.fieldnames is None:
                return samples  # not one complete line yet: the BMS has just created the file
            missing = {self.settings.timestamp_column, self.settings.value_column} - set(
                rows.fieldnames
            )
            if missing:
                self.on_error("csv_header", f"{path}: no column {sorted(missing)[0]!r}")
                return samples
            for row in rows:
                try:
                    ts = parse_timestamp(
                        row[self.settings.timestamp_column], self.settings.timestamp_format
                    )
                    text = (row[self.settings.value_column] or "").strip()
                    if not text:
                        continue  # the BMS logged no value: the slot stays missing
                    value = to_base(Decimal(text), self.unit, self.scale)
                except (ValueError, InvalidOperation, TypeError) as exc:
                    self.on_error("csv_row", f"{path}:{rows.line_num}: {exc}")
                    continue
                samples.append((self.meter_id, ts, value))
        return samples

    def check_tail(self, path: Path, mtime: float) -> None:
        """Report, once per version of the file, a last line left unterminated (the file
        unchanged) for UNTERMINATED_WARN_S."""
        age = time.time() - mtime
        if path not in self.tails or path in self.warned or age < UNTERMINATED_WARN_S:
            return
        self.warned.add(path)
        self.on_error(
            "csv_unterminated",
            f"{path}: the last line has no line break and the file has not changed for "
            f"{int(age)} s; it is read once the line ends: {self.tails[path][:80]!r}",
        )

    async def scan(self, emit: Emit) -> int:
        """Ingest new or changed files; returns how many samples were handed to the spool."""
        count = 0
        for path in sorted(self.folder.glob(self.settings.pattern)):
            try:
                stat = path.stat()
            except OSError:
                continue
            signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
            if self.seen.get(path) == signature:
                self.check_tail(path, stat.st_mtime)
                continue
            try:
                samples = await asyncio.to_thread(self.read_file, path)
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                self.on_error("csv_file", f"{path}: {exc}")
                continue
            for i in range(0, len(samples), CHUNK):
                await emit(samples[i : i + CHUNK])
            if samples:
                self.newest = max(self.newest, max(s[1] for s in samples))
            count += len(samples)
            self.seen[path] = signature
            self.check_tail(path, stat.st_mtime)
        self.watermark = max(self.newest, int(self.clock()) - self.settings.stale_s)
        return count

    async def run(self, emit: Emit) -> None:
        if not self.folder.is_dir():
            self.on_error("csv_folder", f"folder {self.folder} does not exist (yet)")
        while True:
            if self.folder.is_dir():
                await self.scan(emit)
            await asyncio.sleep(self.settings.poll_s)
