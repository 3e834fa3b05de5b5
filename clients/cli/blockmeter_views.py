"""What the BlockMeter commands print: records as plain dicts (for --json) and as tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from google.protobuf.message import Message

from smartblocks.processors.blockmeter import FAMILY, units
from smartblocks.protos.blockmeter_pb2 import Rollup, Unit


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


class Figure(str):
    """A number already formatted for display: right-aligned in a table, like an int."""


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to fit; numbers (ints, Figures) right-aligned."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [
        all(isinstance(row[i], int | Figure) for row in rows) and rows for i in range(len(headers))
    ]

    def line(items: Sequence[str]) -> str:
        return "  ".join(
            item.rjust(w) if num else item.ljust(w)
            for item, w, num in zip(items, widths, numeric, strict=True)
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, cells)])


@dataclass(frozen=True)
class Display:
    """How a base unit reads in a table: `symbol`, base units per displayed unit, and the
    fewest decimals shown (more when a value needs them, up to the base unit's resolution)."""

    symbol: str
    per_unit: int
    min_decimals: int

    @property
    def max_decimals(self) -> int:
        return len(str(self.per_unit)) - 1


# The on-chain base units (docs/units.md) as a person reads them. Gas is shown by volume only:
# blockmeter/units.py has no calorific conversion from m³ to kWh.
DISPLAYS: dict[int, Display] = {
    Unit.MILLIWATT_HOUR: Display("kWh", 1_000_000, 3),
    Unit.MILLILITRE: Display("m³", 1_000_000, 3),
    Unit.MILLIDEGREE_CELSIUS: Display("°C", 1_000, 1),
    Unit.MILLIMETRE_PER_SECOND: Display("m/s", 1_000, 1),
    Unit.MILLIWATT_PER_SQUARE_METRE: Display("W/m²", 1_000, 1),
    Unit.PARTS_PER_MILLION: Display("%", 10_000, 1),
}


def display_of(unit: int) -> Display:
    return DISPLAYS.get(unit) or Display(units.UNIT_SYMBOLS.get(unit, "?"), 1, 0)


def figures(values: Sequence[Decimal | None], display: Display) -> list[Figure]:
    """Base-unit values in `display`'s unit with thousands separators, all with the same
    decimals: as many as the most precise value needs (at least min_decimals). None is "-"."""
    scaled = [
        None if v is None else (v / display.per_unit).quantize(_step(display.max_decimals))
        for v in values
    ]
    needed = [-int(v.normalize().as_tuple().exponent) for v in scaled if v is not None and v]
    decimals = max([display.min_decimals, *needed])
    return [Figure("-" if v is None else f"{v:,.{decimals}f}") for v in scaled]


def _step(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def rollup_rows(rollups: Sequence[Rollup], by: str, unit: int) -> tuple[list[str], list[list[Any]]]:
    """Rows by "hour" (the hour buckets of day records), else one row per record. A quantity
    (energy, volume) shows its sum; a rate (temperature, speed, ...) the mean of its readings,
    as a sum of temperatures means nothing; min and max are single readings."""
    display = display_of(unit)
    quantity = units.is_quantity(unit)
    first = display.symbol if quantity else f"mean_{display.symbol}"
    value_headers = [first, "count", f"min_{display.symbol}", f"max_{display.symbol}", "flagged"]
    if by == "hour":
        parts: list[tuple[str, Any]] = [
            (f"{record.period} {b.index:02d}:00", b) for record in rollups for b in record.buckets
        ]
    else:
        parts = [(record.period, record) for record in rollups]
    if quantity:
        main: list[Decimal | None] = [Decimal(p.sum) for _, p in parts]
    else:
        main = [Decimal(p.sum) / p.count if p.count else None for _, p in parts]
    mains = figures(main, display)
    lows = figures([Decimal(p.min) if p.count else None for _, p in parts], display)
    highs = figures([Decimal(p.max) if p.count else None for _, p in parts], display)
    rows: list[list[Any]] = []
    for (period, p), value, low, high in zip(parts, mains, lows, highs, strict=True):
        counts = [p.count, p.flagged_count] + ([] if by == "hour" else [p.gap_count, p.gap_seconds])
        n, flagged, *gaps = (Figure(f"{c:,}") for c in counts)
        rows.append([period, value, n, low, high, flagged, *gaps])
    headers = ["period", *value_headers]
    return (headers if by == "hour" else [*headers, "gaps", "gap_s"]), rows
