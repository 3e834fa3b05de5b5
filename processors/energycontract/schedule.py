"""A contract's periods: where period i starts and ends, its name, and whether it closes a
contract year. Pure integer/calendar arithmetic in UTC (kit/periods.py), no state."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from smartblocks.processors.kit.periods import SECONDS_PER_DAY, date_seconds, day_date
from smartblocks.protos.energycontract_pb2 import PeriodKind, Terms

# Periods in a contract year, for PER_YEAR guarantees: 52 ISO weeks, 12 months, 1 year.
PERIODS_PER_YEAR: dict[int, int] = {PeriodKind.WEEK: 52, PeriodKind.MONTH: 12, PeriodKind.YEAR: 1}


@dataclass(frozen=True)
class PeriodInfo:
    index: int
    start: int  # Unix seconds, 00:00 UTC
    end: int  # exclusive
    name: str
    last: bool  # the term's last period
    closes_year: bool  # the last period of a contract year (or of the term)

    @property
    def days(self) -> int:
        return (self.end - self.start) // SECONDS_PER_DAY

    @property
    def first_day(self) -> int:
        return self.start // SECONDS_PER_DAY

    def day_numbers(self) -> range:
        return range(self.first_day, self.first_day + self.days)


def _add_months(date: datetime.date, months: int) -> datetime.date:
    total = date.year * 12 + (date.month - 1) + months
    return datetime.date(total // 12, total % 12 + 1, 1)


def period_bounds(kind: int, start: int, index: int) -> tuple[int, int]:
    """[start, end) of period `index` of a schedule beginning at `start` (a valid start)."""
    if kind == PeriodKind.WEEK:
        first = start + index * 7 * SECONDS_PER_DAY
        return first, first + 7 * SECONDS_PER_DAY
    months = 12 if kind == PeriodKind.YEAR else 1
    date = day_date(start // SECONDS_PER_DAY)
    return (
        date_seconds(_add_months(date, index * months)),
        date_seconds(_add_months(date, (index + 1) * months)),
    )


def period_name(kind: int, start: int, end: int) -> str:
    first = day_date(start // SECONDS_PER_DAY)
    if kind == PeriodKind.WEEK:
        year, week, _ = first.isocalendar()
        return f"{year}-W{week:02d}"
    if kind == PeriodKind.MONTH:
        return first.isoformat()[:7]
    return f"{first.isoformat()[:7]}/{day_date(end // SECONDS_PER_DAY).isoformat()[:7]}"


def start_problem(kind: int, start: int) -> str | None:
    """Why `start` cannot begin a schedule of `kind`; None if it can."""
    if start % SECONDS_PER_DAY:
        return "is not 00:00 UTC of a day"
    date = day_date(start // SECONDS_PER_DAY)
    if kind == PeriodKind.WEEK and date.weekday() != 0:
        return f"is a {date.strftime('%A')}; weekly periods start on a Monday"
    if kind in (PeriodKind.MONTH, PeriodKind.YEAR) and date.day != 1:
        return "is not the 1st of a month; monthly and yearly periods start on the 1st"
    return None


def period(terms: Terms, index: int) -> PeriodInfo:
    """Period `index` (0-based) of valid terms."""
    start, end = period_bounds(terms.period, terms.start, index)
    per_year = PERIODS_PER_YEAR[terms.period]
    last = index == terms.periods - 1
    return PeriodInfo(
        index=index,
        start=start,
        end=end,
        name=period_name(terms.period, start, end),
        last=last,
        closes_year=last or (index + 1) % per_year == 0,
    )


def term_end(terms: Terms) -> int:
    return period_bounds(terms.period, terms.start, terms.periods - 1)[1]
