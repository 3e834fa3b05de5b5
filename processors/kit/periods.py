"""UTC calendar periods in Unix seconds: days, ISO weeks, months, years, and arbitrary spans.

Everything is UTC and integer arithmetic on Unix seconds: zoneinfo/tzdata versions differ
between validators, and a rule that read them could make two validators disagree. A site's
timezone is for display only.

Period names are ISO 8601: "2026-03-01" (day), "2026-W09" (ISO week, Monday to Monday),
"2026-03" (month), "2026" (year), and "2026-03-01/2026-04-15" for an arbitrary span of whole
days (end exclusive).
"""

from __future__ import annotations

import datetime
import enum
import re
from dataclasses import dataclass

SECONDS_PER_HOUR = 3_600
SECONDS_PER_DAY = 86_400
_EPOCH = datetime.date(1970, 1, 1)


def day_date(day_number: int) -> datetime.date:
    """The date of a day counted from 1970-01-01."""
    return _EPOCH + datetime.timedelta(days=day_number)


def day_number(date: datetime.date) -> int:
    return (date - _EPOCH).days


def day_name(day_number: int) -> str:
    return day_date(day_number).isoformat()


def month_name(day_number: int) -> str:
    return day_date(day_number).isoformat()[:7]


def date_seconds(date: datetime.date) -> int:
    """Unix seconds at the start (00:00 UTC) of `date`."""
    return day_number(date) * SECONDS_PER_DAY


def iso(timestamp: int) -> str:
    """Unix seconds as "2026-03-01T12:15Z" (seconds shown only when not zero)."""
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=timestamp)
    if moment.second:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%MZ")


class Kind(enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    SPAN = "span"  # arbitrary whole days


@dataclass(frozen=True, order=True)
class Period:
    """[start, end) in Unix seconds UTC, always whole days."""

    start: int
    end: int
    kind: Kind

    @property
    def days(self) -> int:
        return (self.end - self.start) // SECONDS_PER_DAY

    @property
    def first_day(self) -> datetime.date:
        return day_date(self.start // SECONDS_PER_DAY)

    @property
    def name(self) -> str:
        first = self.first_day
        if self.kind is Kind.DAY:
            return first.isoformat()
        if self.kind is Kind.WEEK:
            year, week, _ = first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind is Kind.MONTH:
            return first.isoformat()[:7]
        if self.kind is Kind.YEAR:
            return f"{first.year:04d}"
        return f"{first.isoformat()}/{day_date(self.end // SECONDS_PER_DAY).isoformat()}"

    def contains(self, timestamp: int) -> bool:
        return self.start <= timestamp < self.end

    def day_names(self) -> list[str]:
        first = self.start // SECONDS_PER_DAY
        return [day_name(d) for d in range(first, first + self.days)]

    def next(self) -> Period:
        """The period of the same kind that follows (a span: the next span of equal length)."""
        if self.kind is Kind.SPAN:
            return Period(self.end, self.end + (self.end - self.start), Kind.SPAN)
        return period_of(self.kind, self.end)


def _span(first: datetime.date, last_exclusive: datetime.date, kind: Kind) -> Period:
    return Period(date_seconds(first), date_seconds(last_exclusive), kind)


def period_of(kind: Kind, timestamp: int) -> Period:
    """The day, week, month or year holding `timestamp`."""
    date = day_date(timestamp // SECONDS_PER_DAY)
    if kind is Kind.DAY:
        return _span(date, date + datetime.timedelta(days=1), kind)
    if kind is Kind.WEEK:
        monday = date - datetime.timedelta(days=date.weekday())
        return _span(monday, monday + datetime.timedelta(days=7), kind)
    if kind is Kind.MONTH:
        first = date.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return _span(first, following, kind)
    if kind is Kind.YEAR:
        return _span(date.replace(month=1, day=1), datetime.date(date.year + 1, 1, 1), kind)
    raise ValueError("a span has no period 'of' a moment: use span(first, last_exclusive)")


def span(first: datetime.date, last_exclusive: datetime.date) -> Period:
    if last_exclusive <= first:
        raise ValueError(f"span {first}/{last_exclusive} ends before it starts")
    return _span(first, last_exclusive, Kind.SPAN)


_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def parse(name: str) -> Period:
    """A Period from its name; ValueError naming the text if it is not one."""
    try:
        if "/" in name:
            first, _, last = name.partition("/")
            return span(datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))
        week = _WEEK.fullmatch(name)
        if week:
            monday = datetime.date.fromisocalendar(int(week[1]), int(week[2]), 1)
            return period_of(Kind.WEEK, date_seconds(monday))
        if re.fullmatch(r"\d{4}", name):
            return period_of(Kind.YEAR, date_seconds(datetime.date(int(name), 1, 1)))
        if re.fullmatch(r"\d{4}-\d{2}", name):
            return period_of(Kind.MONTH, date_seconds(datetime.date.fromisoformat(name + "-01")))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", name):
            return period_of(Kind.DAY, date_seconds(datetime.date.fromisoformat(name)))
    except ValueError:
        pass
    raise ValueError(
        f"{name!r} is not a period: use 2026-03-01 (day), 2026-W09 (week), 2026-03 (month), "
        "2026 (year) or 2026-03-01/2026-04-15 (days, end exclusive)"
    )
