import calendar

from smartblocks.processors.blockmeter.periods import window_days, window_periods


def test_window_periods_follow_each_values_start():
    start = calendar.timegm((2024, 2, 28, 23, 0, 0))  # leap year
    # 3 values of a day each: 28 Feb, 29 Feb, 1 Mar (the window ends on 2 Mar, untouched).
    assert window_periods(start, 86_400, 3) == (
        ["2024-02-28", "2024-02-29", "2024-03-01"],
        ["2024-02", "2024-03"],
    )
    # A value ending exactly at midnight stays in its start day.
    assert window_days(calendar.timegm((2026, 1, 1, 23, 0, 0)), 3600, 1) == [20454]
