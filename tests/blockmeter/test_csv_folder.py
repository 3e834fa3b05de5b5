"""The BMS export folder: ingest is idempotent and the meter's clock waits for whole scans."""

from __future__ import annotations

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
