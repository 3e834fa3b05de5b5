"""The UTC days and months a reading window touches (calendar periods: kit/periods.py).

Rollup periods are UTC days and months, never the site's local time (see kit/periods.py); local
days for sites at whole-hour offsets are composed from the hourly sums of the UTC day rollups.
"""

from __future__ import annotations

from smartblocks.processors.kit.periods import SECONDS_PER_DAY, day_name


def window_end(window_start: int, interval_s: int, count: int) -> int:
    return window_start + interval_s * count


def window_days(window_start: int, interval_s: int, count: int) -> list[int]:
    """Day numbers holding the start of at least one value, in order.

    Each value belongs to the day of its start time; with intervals of at most a day no day
    between the first and the last value's day is skipped.
    """
    first = window_start // SECONDS_PER_DAY
    last = (window_start + interval_s * (count - 1)) // SECONDS_PER_DAY
    return list(range(first, last + 1))


def window_periods(window_start: int, interval_s: int, count: int) -> tuple[list[str], list[str]]:
    """The day ("YYYY-MM-DD") and month ("YYYY-MM") rollups a window updates, in order."""
    days = [day_name(d) for d in window_days(window_start, interval_s, count)]
    months = sorted({d[:7] for d in days})
    return days, months
