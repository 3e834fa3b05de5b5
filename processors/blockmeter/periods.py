"""UTC days and months of reading windows, and timestamps as text for messages.

Rollup periods are UTC days and months, never the site's local time: zoneinfo/tzdata versions
differ between validators, and a rule that read them could make two validators disagree. Local
days for sites at whole-hour offsets are composed from the hourly sums of the UTC day rollups;
the site's timezone is for display only. Everything here is integer arithmetic on Unix seconds.
"""

from __future__ import annotations

import datetime

SECONDS_PER_HOUR = 3_600
SECONDS_PER_DAY = 86_400
_EPOCH = datetime.date(1970, 1, 1)


def day_date(day_number: int) -> datetime.date:
    """The date of a day counted from 1970-01-01."""
    return _EPOCH + datetime.timedelta(days=day_number)


def day_name(day_number: int) -> str:
    return day_date(day_number).isoformat()


def month_name(day_number: int) -> str:
    return day_date(day_number).isoformat()[:7]


def day_number(date: datetime.date) -> int:
    return (date - _EPOCH).days


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


def iso(timestamp: int) -> str:
    """Unix seconds as "2026-03-01T12:15Z" (seconds shown only when not zero)."""
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=timestamp)
    if moment.second:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%MZ")
