"""Property: the on-chain score equals a straightforward recomputation from the readings, with
exact fractions (Python's round() of a Fraction rounds half to even, as the family does)."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from smartblocks.processors.blockpredict import addressing
from smartblocks.protos.blockpredict_pb2 import MonthAccuracy, Score
from tests.processors.blockpredict.conftest import T0, World

HOUR, QUARTER = 3_600, 900

# n hours: a reading per quarter hour or None (no reading), the forecast's resolution, and a
# forecast value per quarter hour (summed per hour for an hourly forecast).
cases = st.integers(min_value=1, max_value=36).flatmap(
    lambda n: st.tuples(
        st.lists(st.one_of(st.none(), st.integers(0, 10**6)), min_size=4 * n, max_size=4 * n),
        st.sampled_from([900, 3600]),
        st.lists(st.integers(0, 10**6), min_size=4 * n, max_size=4 * n),
    )
)


def expected(forecast_hours: list[int], quarters: list[int | None]) -> dict[str, object]:
    hours = [quarters[i : i + 4] for i in range(0, len(quarters), 4)]
    # An hour is scored when all four quarters have readings.
    pairs = [
        (f, sum(q for q in hour if q is not None))
        for f, hour in zip(forecast_hours, hours, strict=True)
        if None not in hour
    ]
    with_readings = sum(1 for hour in hours if any(q is not None for q in hour))
    n = len(pairs)
    errors = [f - a for f, a in pairs]
    result: dict[str, object] = {
        "slots": n,
        "coverage_ppm": math.floor(Fraction(with_readings * 10**6, len(hours))),
    }
    if n == 0:
        return result
    apes = [round(Fraction(abs(f - a) * 10**6, a)) for f, a in pairs if a != 0]
    sse = sum(e * e for e in errors)
    actual_sum = sum(a for _, a in pairs)
    return result | {
        "mae": round(Fraction(sum(abs(e) for e in errors), n)),
        "bias": round(Fraction(sum(errors), n)),
        "mape_ppm": round(Fraction(sum(apes), len(apes))) if apes else 0,
        "sum_squared_error": sse,
        "sum_actual": actual_sum,
        # CV(RMSE) in ppm, squared: (sqrt(SSE / n) / (sum / n) * 10^6)^2
        "cv_squared": Fraction(sse * n * 10**12, actual_sum**2) if actual_sum else None,
    }


@settings(max_examples=60, deadline=None, derandomize=True)
@given(cases)
def test_the_score_is_the_recomputation_from_the_readings(case):
    quarters, resolution, quarter_forecast = case
    quarters[-1] = 1 if quarters[-1] is None else quarters[-1]  # data reaches the period's end
    world = World()
    n = len(quarters) // 4
    end = T0 + n * HOUR
    forecast_hours = [sum(quarter_forecast[i : i + 4]) for i in range(0, 4 * n, 4)]
    world.post(
        quarter_forecast if resolution == 900 else forecast_hours, end=end, resolution_s=resolution
    )
    # Each run of quarters with readings is one window (BlockMeter takes gaps between them).
    position = 0
    for present, run in itertools.groupby(quarters, key=lambda q: q is not None):
        values = list(run)
        if present:
            world.record(T0 + position * QUARTER, values)
        position += len(values)
    world.score(end=end, resolution_s=resolution)

    want = expected(forecast_hours, quarters)
    key = world.forecaster.public_key
    score = Score.FromString(world.ledger.state[addressing.score_address("m-1", T0, key)])
    assert score.sums.slots == want["slots"]
    assert score.coverage_ppm == want["coverage_ppm"]
    if not want["slots"]:
        assert score.metrics.mae == score.metrics.cv_rmse_ppm == 0
        return
    assert score.metrics.mae == want["mae"]
    assert score.metrics.bias == want["bias"]
    assert score.metrics.mape_ppm == want["mape_ppm"]
    assert int(score.sums.sum_squared_error) == want["sum_squared_error"]
    assert score.sums.sum_actual == want["sum_actual"]
    cv = score.metrics.cv_rmse_ppm
    if want["cv_squared"] is None:
        assert cv == 0
    else:
        # The exact CV(RMSE) in ppm lies within one unit of the stored value (the root is
        # floored, the division rounded half to even).
        assert Fraction(max(cv - 1, 0)) ** 2 <= want["cv_squared"] <= Fraction(cv + 1) ** 2
    # One month touched: its record holds the same sums and metrics.
    month = MonthAccuracy.FromString(
        world.ledger.state[addressing.month_accuracy_address("m-1", "2026-03", 3600)]
    )
    assert month.sums == score.sums and month.metrics == score.metrics and month.scores == 1
