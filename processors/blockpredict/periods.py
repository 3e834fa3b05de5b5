"""The UTC days and months a forecast period [start, end) touches: the day rollups a score
reads and the month accuracy records it writes (kit/periods.py for the calendar)."""

from __future__ import annotations

from smartblocks.processors.kit.periods import SECONDS_PER_DAY, day_name


def period_days(start: int, end: int) -> list[str]:
    """The days ("YYYY-MM-DD") of the period, in order."""
    return [day_name(d) for d in range(start // SECONDS_PER_DAY, (end - 1) // SECONDS_PER_DAY + 1)]


def period_months(start: int, end: int) -> list[str]:
    """The months ("YYYY-MM") of the period, in order."""
    return sorted({d[:7] for d in period_days(start, end)})
