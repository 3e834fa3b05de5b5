"""What the BlockMeter commands print: records as plain dicts (for --json) and as tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.protobuf.message import Message

from smartblocks.processors.blockmeter import FAMILY
from smartblocks.protos.blockmeter_pb2 import Rollup


def record_dict(record: Message) -> dict[str, Any]:
    """Every field, defaults included; enums by name, times in ISO 8601 (ledger/messages.py)."""
    return dict(FAMILY.show(record))


def describe(record: Message) -> str:
    """`field: value` lines."""
    lines = []
    for name, value in record_dict(record).items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "-"
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to fit; numbers right-aligned."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [all(isinstance(row[i], int) for row in rows) and rows for i in range(len(headers))]

    def line(items: Sequence[str]) -> str:
        return "  ".join(
            item.rjust(w) if num else item.ljust(w)
            for item, w, num in zip(items, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


ROLLUP_HEADERS = ["sum", "count", "min", "max", "flagged"]


def rollup_rows(rollups: Sequence[Rollup], by: str) -> tuple[list[str], list[list[Any]]]:
    """Rows by "hour" (the hour buckets of day records), else one row per record."""
    if by == "hour":
        hours = [
            [f"{record.period} {b.index:02d}:00", b.sum, b.count, b.min, b.max, b.flagged_count]
            for record in rollups
            for b in record.buckets
        ]
        return ["period", *ROLLUP_HEADERS], hours
    rows: list[list[Any]] = [
        [
            record.period,
            record.sum,
            record.count,
            record.min,
            record.max,
            record.flagged_count,
            record.gap_count,
            record.gap_seconds,
        ]
        for record in rollups
    ]
    return ["period", *ROLLUP_HEADERS, "gaps", "gap_s"], rows
