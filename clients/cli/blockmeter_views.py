"""What the BlockMeter commands print: records as plain dicts (for --json) and as tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from smartblocks.processors.blockmeter.periods import iso
from smartblocks.protos.blockmeter_pb2 import Rollup

TIME_FIELDS = {"first_window_start", "last_window_end"}


def record_dict(record: Message) -> dict[str, Any]:
    """Every field, defaults included; enums by name."""
    out: dict[str, Any] = {}
    for field in record.DESCRIPTOR.fields:
        value = getattr(record, field.name)
        repeated = field.label == FieldDescriptor.LABEL_REPEATED
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            out[field.name] = [record_dict(v) for v in value] if repeated else record_dict(value)
        elif field.type == FieldDescriptor.TYPE_ENUM:
            out[field.name] = (
                field.enum_type.values_by_number[value].name
                if (value in field.enum_type.values_by_number)
                else value
            )
        elif field.type == FieldDescriptor.TYPE_BYTES:
            out[field.name] = value.hex()
        else:
            out[field.name] = list(value) if repeated else value
    return out


def describe(record: Message) -> str:
    """`field: value` lines, with times also in ISO form."""
    lines = []
    for name, value in record_dict(record).items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "-"
        elif name in TIME_FIELDS and value:
            value = f"{value} ({iso(value)})"
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
