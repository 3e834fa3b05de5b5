import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartblocks.processors.kit.periods import Kind, iso, parse, period_of, span


def ts(*parts: int) -> int:
    return calendar.timegm((*parts, 0, 0, 0)[:6])  # type: ignore[arg-type]


def test_iso_shows_seconds_only_when_needed():
    assert iso(calendar.timegm((2026, 3, 1, 12, 15, 0))) == "2026-03-01T12:15Z"
    assert iso(calendar.timegm((2026, 3, 1, 12, 15, 7))) == "2026-03-01T12:15:07Z"
    assert iso(0) == "1970-01-01T00:00Z"


def test_periods_of_a_moment():
    moment = calendar.timegm((2024, 2, 29, 13, 5, 0))  # a Thursday in a leap year
    day = period_of(Kind.DAY, moment)
    assert (day.name, day.start, day.days) == ("2024-02-29", ts(2024, 2, 29), 1)
    week = period_of(Kind.WEEK, moment)
    assert (week.name, week.start, week.end) == ("2024-W09", ts(2024, 2, 26), ts(2024, 3, 4))
    month = period_of(Kind.MONTH, moment)
    assert (month.name, month.days) == ("2024-02", 29)
    year = period_of(Kind.YEAR, moment)
    assert (year.name, year.days) == ("2024", 366)
    assert month.next().name == "2024-03" and year.next().name == "2025"
    assert period_of(Kind.MONTH, ts(2026, 12, 31)).next().name == "2027-01"


def test_week_at_a_year_boundary_takes_the_iso_year():
    week = period_of(Kind.WEEK, ts(2027, 1, 1))  # a Friday in week 53 of 2026
    assert week.name == "2026-W53" and week.first_day == datetime.date(2026, 12, 28)


def test_spans_are_whole_days_end_exclusive():
    period = span(datetime.date(2026, 3, 1), datetime.date(2026, 4, 15))
    assert period.name == "2026-03-01/2026-04-15" and period.days == 45
    assert period.day_names()[0] == "2026-03-01" and period.day_names()[-1] == "2026-04-14"
    assert period.next() == span(datetime.date(2026, 4, 15), datetime.date(2026, 5, 30))
    with pytest.raises(ValueError, match="ends before it starts"):
        span(datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))


@pytest.mark.parametrize(
    "name", ["2026-03-01", "2026-W09", "2026-03", "2026", "2026-01-01/2026-02-01"]
)
def test_names_parse_back(name: str):
    assert parse(name).name == name


@pytest.mark.parametrize("bad", ["", "2026-13", "2026-W60", "26", "2026-03-01/2026-02-01", "x"])
def test_bad_names_say_what_a_period_looks_like(bad: str):
    with pytest.raises(ValueError, match="is not a period"):
        parse(bad)


# Up to the year 9997, so that next() still has a year after it.
@given(st.integers(0, 253_370_764_800 - 800 * 86_400), st.sampled_from(list(Kind)[:4]))
def test_every_moment_lies_in_its_period_and_periods_tile(moment: int, kind: Kind):
    period = period_of(kind, moment)
    assert period.contains(moment)
    assert period.start % 86_400 == 0 and period.end % 86_400 == 0
    assert period.next().start == period.end
    assert parse(period.name) == period
