"""The BMS export folder: ingest is idempotent and the meter's clock waits for whole scans."""

from __future__ import annotations

import os
import time
from decimal import Decimal
from pathlib import Path

from smartblocks.blockmeter.connectors.base import Sample
from smartblocks.blockmeter.connectors.csv_folder import CsvFolderReader, CsvSettings
from smartblocks.blockmeter.spool import Spool

T0 = 1_767_571_200  # 2026-01-05T00:00:00Z

HEADER = "timestamp,main_kwh,gas_m3\n"


def rows(first: int, count: int) -> str:
    out = ""
    for i in range(first, first + count):
        minute = i * 15
        out += f"2026-01-05T{minute // 60:02d}:{minute % 60:02d}:00Z,{100 + i * 2.5},{7 + i}\n"
    return out


def reader(folder: Path, errors: list[tuple[str, str]] | None = None) -> CsvFolderReader:
    settings = CsvSettings(
        folder=str(folder),
        pattern="*.csv",
        timestamp_column="timestamp",
        value_column="main_kwh",
        timestamp_format="iso",
        poll_s=0.01,
        stale_s=10**9,
    )
    return CsvFolderReader(
        "main",
        settings,
        "kWh",
        Decimal(1),
        on_error=(lambda kind, msg: errors.append((kind, msg))) if errors is not None else None,
        clock=lambda: float(T0 + 10 * 86400),
    )


class SpoolEmit:
    def __init__(self, spool: Spool):
        self.spool = spool
        self.added = 0
        self.duplicate = 0

    async def __call__(self, samples: list[Sample]) -> None:
        result = self.spool.add_samples(samples)
        self.added += result.added
        self.duplicate += result.duplicate + result.late


async def test_reingesting_files_adds_nothing_twice(tmp_path: Path, spool: Spool) -> None:
    spool.register_meter("main", 900, 3600)
    (tmp_path / "a.csv").write_text(HEADER + rows(1, 4))
    emit = SpoolEmit(spool)
    first = reader(tmp_path)
    assert await first.scan(emit) == 4 and emit.added == 4
    assert await first.scan(emit) == 0  # unchanged files are not read again
    # The BMS appends to one file and re-exports an overlapping one.
    (tmp_path / "a.csv").write_text(HEADER + rows(1, 6))
    (tmp_path / "b.csv").write_text(HEADER + rows(5, 4))
    await first.scan(emit)
    assert emit.added == 8
    # A restarted agent reads everything again: all duplicates.
    spool.close_windows("main", first.now())
    again = SpoolEmit(spool)
    await reader(tmp_path).scan(again)
    assert again.added == 0 and again.duplicate == 10
    windows = spool.windows("main")
    assert [w.values for w in windows] == [
        [102_500_000, 105_000_000, 107_500_000, 110_000_000],
        [112_500_000, 115_000_000, 117_500_000, 120_000_000],
    ]


async def test_the_clock_follows_the_newest_row_after_a_whole_scan(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text(HEADER + rows(1, 3))
    csv_reader = reader(tmp_path)
    assert csv_reader.now() == 0
    seen: list[Sample] = []

    async def emit(samples: list[Sample]) -> None:
        assert csv_reader.now() == 0  # never advanced in the middle of a scan
        seen.extend(samples)

    await csv_reader.scan(emit)
    assert csv_reader.now() == T0 + 45 * 60
    assert seen[0] == ("main", T0 + 900, 102_500_000)


async def test_bad_rows_are_reported_and_skipped(tmp_path: Path) -> None:
    text = HEADER + rows(1, 1) + "yesterday,1,2\n" + "2026-01-05T00:30:00Z,lots,3\n"
    text += "2026-01-05T00:45:00Z,,4\n" + rows(4, 1)
    (tmp_path / "a.csv").write_text(text)
    (tmp_path / "b.csv").write_text("time,other\n1,2\n")
    errors: list[tuple[str, str]] = []
    samples: list[Sample] = []

    async def emit(batch: list[Sample]) -> None:
        samples.extend(batch)

    await reader(tmp_path, errors).scan(emit)
    assert [s[1] for s in samples] == [T0 + 900, T0 + 3600]
    kinds = sorted(kind for kind, _ in errors)
    assert kinds == ["csv_header", "csv_row", "csv_row"]
    assert any("a.csv:3" in message for _, message in errors)


BMS_HEADER = "timestamp,energy_wh\n"
T_1200 = 1_774_699_200  # 2026-03-28T12:00:00Z


def bms_reader(folder: Path, errors: list[tuple[str, str]] | None = None) -> CsvFolderReader:
    """Interval energy in Wh, one row per 15 minutes, as the fault-injection run's BMS wrote."""
    settings = CsvSettings(
        folder=str(folder),
        pattern="*.csv",
        timestamp_column="timestamp",
        value_column="energy_wh",
        timestamp_format="iso",
        poll_s=0.01,
        stale_s=10**9,
    )
    return CsvFolderReader(
        "hall",
        settings,
        "Wh",
        Decimal(1),
        on_error=(lambda kind, msg: errors.append((kind, msg))) if errors is not None else None,
        clock=lambda: float(T_1200 + 86400),
    )


async def test_a_row_still_being_written_is_read_once_its_line_ends(
    tmp_path: Path, spool: Spool
) -> None:
    """F15: the BMS had written `2026-03-28T12:15:00Z,4` of `...,465` when the agent scanned;
    the 4 went into the spool and the whole row, read later, was dropped as a duplicate: the
    hour summed 6,409,000 mWh instead of 6,870,000. The same file, written in two steps."""
    spool.register_meter("hall", 900, 3600, fill="zero")
    emit = SpoolEmit(spool)
    errors: list[tuple[str, str]] = []
    csv_reader = bms_reader(tmp_path, errors)
    with (tmp_path / "export.csv").open("w", newline="") as bms:
        bms.write(BMS_HEADER + "2026-03-28T12:00:00Z,1200\n2026-03-28T12:15:00Z,4")
        bms.flush()
        await csv_reader.scan(emit)
        # Only the whole row is in; the clock has not passed the half-written one.
        assert spool.open_samples("hall") == [(T_1200 - 900, 1_200_000)]
        assert csv_reader.now() == T_1200
        bms.write("65\n")
        for minute, wh in ((30, 1500), (45, 1705)):
            bms.write(f"2026-03-28T12:{minute}:00Z,{wh}\n")
        bms.write("2026-03-28T13:00:00Z,3200\n2026-03-28T13:15:00Z,900\n")
        bms.flush()
        await csv_reader.scan(emit)
    assert spool.close_windows("hall", csv_reader.now()) == [T_1200 - 3600, T_1200]
    hour = spool.windows("hall")[1]
    assert hour.values == [465_000, 1_500_000, 1_705_000, 3_200_000]
    assert sum(hour.values) == 6_870_000 and hour.quality == [0, 0, 0, 0]
    assert errors == [] and emit.duplicate == 1  # the 12:00 row, read again
    assert [row["conflicts"] for row in spool.status()] == [0]


async def test_a_row_that_comes_back_with_another_value_is_a_conflict(
    tmp_path: Path, spool: Spool
) -> None:
    """F15: a reading delivered again with another value was dropped without a trace. While
    its window is open the later value is used; once the window is frozen its value stays;
    either way the conflict is recorded, returned and counted in the status."""
    spool.register_meter("hall", 900, 3600, fill="zero")
    export = tmp_path / "export.csv"
    conflicts = []

    async def emit(samples: list[Sample]) -> None:
        conflicts.extend(spool.add_samples(samples).conflicts)

    def bms_exports(wh_1230: int, last: str) -> None:
        """The BMS re-exports the file (a new file put in place of the old)."""
        rows = f"2026-03-28T12:15:00Z,465\n2026-03-28T12:30:00Z,{wh_1230}\n{last}\n"
        (tmp_path / "export.tmp").write_text(BMS_HEADER + rows)
        (tmp_path / "export.tmp").replace(export)

    csv_reader = bms_reader(tmp_path)
    bms_exports(1500, "2026-03-28T12:45:00Z,1705")
    await csv_reader.scan(emit)
    bms_exports(1550, "2026-03-28T12:45:00Z,1705")  # corrected while the hour is open
    await csv_reader.scan(emit)
    assert [(c.old, c.new, c.outcome, c.window_state) for c in conflicts] == [
        (1_500_000, 1_550_000, "replaced", "open")
    ]
    bms_exports(
        1550, "2026-03-28T12:45:00Z,1705\n2026-03-28T13:00:00Z,3200\n2026-03-28T13:15:00Z,1"
    )
    await csv_reader.scan(emit)
    (start,) = spool.close_windows("hall", csv_reader.now())
    assert spool.windows("hall")[0].values == [465_000, 1_550_000, 1_705_000, 3_200_000]
    spool.mark_submitted("b1", "hall", b"batch", [(start, "t1")])
    bms_exports(1600, "2026-03-28T12:45:00Z,1705")  # corrected again: the hour is on its way
    await csv_reader.scan(emit)
    await csv_reader.scan(emit)  # unchanged: nothing new
    assert [(c.old, c.new, c.outcome, c.window_state) for c in conflicts[1:]] == [
        (1_550_000, 1_600_000, "kept", "submitted")
    ]
    assert conflicts[1].taken == T_1200 + 1800
    assert spool.windows("hall")[0].values[1] == 1_550_000
    # Read again (the agent restarted): the same conflict is not new, only counted again.
    await bms_reader(tmp_path).scan(emit)
    assert len(conflicts) == 2
    (row,) = spool.status()
    assert (row["conflicts"], row["conflicts_kept"]) == (2, 1)
    latest = row["recent_conflicts"][0]  # type: ignore[index]
    assert (latest["old"], latest["new"], latest["times"]) == (1_550_000, 1_600_000, 2)


async def test_a_last_line_left_unterminated_is_reported_once(tmp_path: Path) -> None:
    """An export that never ends its last line: the row waits, and the operator is told."""
    errors: list[tuple[str, str]] = []
    export = tmp_path / "export.csv"
    export.write_text(BMS_HEADER + "2026-03-28T12:15:00Z,465\n2026-03-28T12:30:00Z,1500")
    hour_ago = time.time() - 3600
    os.utime(export, (hour_ago, hour_ago))
    samples: list[Sample] = []

    async def emit(batch: list[Sample]) -> None:
        samples.extend(batch)

    csv_reader = bms_reader(tmp_path, errors)
    await csv_reader.scan(emit)
    await csv_reader.scan(emit)
    assert samples == [("hall", T_1200 + 900, 465_000)]
    ((kind, message),) = errors
    assert kind == "csv_unterminated" and "2026-03-28T12:30:00Z,1500" in message
    assert str(export) in message


async def test_a_file_whose_header_is_still_being_written_is_no_error(tmp_path: Path) -> None:
    errors: list[tuple[str, str]] = []
    samples: list[Sample] = []

    async def emit(batch: list[Sample]) -> None:
        samples.extend(batch)

    csv_reader = bms_reader(tmp_path, errors)
    with (tmp_path / "export.csv").open("w", newline="") as bms:
        bms.write("timestamp,energy_")
        bms.flush()
        await csv_reader.scan(emit)
        bms.write("wh\r\n2026-03-28T12:15:00Z,465\r\n")
        bms.flush()
        await csv_reader.scan(emit)
    assert errors == [] and samples == [("hall", T_1200 + 900, 465_000)]
