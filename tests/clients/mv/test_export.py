"""Export of a model to a baseline table, with the model replaced by plain functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from smartblocks.clients.mv import export
from smartblocks.clients.mv.model import DailyFit
from smartblocks.clients.mv.settings import ExportSettings
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import day_date
from smartblocks.protos.baseline_pb2 import DayTypes


def fake_fit(monkeypatch: pytest.MonkeyPatch, energy: Callable[[int, int], float]) -> DailyFit:
    """A fit whose 'model' predicts energy(day, temperature) in mWh."""

    def predict(model: Any, unit: str, days: Sequence[int], temperatures: Sequence[int]):
        assert len(set(days)) == len(days)
        return [energy(d, t) for d, t in zip(days, temperatures, strict=True)]

    monkeypatch.setattr(export.daily_model, "predict", predict)
    return DailyFit(None, "mWh", [], [-3_400, 21_700], [], [], 4, "fake")


def test_knots_cover_the_observed_range_with_a_margin() -> None:
    knots = export.knot_temperatures([-3_400, 21_700], ExportSettings())
    assert knots[0] == -9_000 and knots[-1] == 27_000 and knots[1] - knots[0] == 1_000
    wide = export.knot_temperatures([-90_000, 90_000], ExportSettings(knot_step_mdegc=100))
    assert len(wide) <= baseline.MAX_KNOTS and wide[0] >= baseline.MIN_TEMPERATURE


def test_one_curve_when_the_model_ignores_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    fit = fake_fit(monkeypatch, lambda day, t: 1_000_000 + max(0, 15_000 - t) * 20.5)
    table = export.to_table(fit, ExportSettings())
    assert table.day_types == DayTypes.ALL_DAYS and len(table.curves) == 1
    knots = {k.temperature: k.energy for k in table.curves[0].knots}
    assert knots[14_000] == 1_020_500
    assert knots[-1_000] == 1_328_000


def test_weekday_weekend_and_months(monkeypatch: pytest.MonkeyPatch) -> None:
    def weekend(day: int) -> bool:
        return day_date(day).weekday() >= 5

    fit = fake_fit(monkeypatch, lambda day, t: 500.0 if weekend(day) else 1000.0)
    table = export.to_table(fit, ExportSettings())
    assert table.day_types == DayTypes.WEEKDAY_WEEKEND
    assert [c.knots[0].energy for c in table.curves] == [1000, 500]
    fit = fake_fit(monkeypatch, lambda day, t: day_date(day).month * 100 + weekend(day))
    table = export.to_table(fit, ExportSettings())
    assert table.day_types == DayTypes.MONTHS_WEEKDAY_WEEKEND
    assert [c.knots[0].energy for c in table.curves[:4]] == [100, 101, 200, 201]


def test_rounding_half_even_and_clamping(monkeypatch: pytest.MonkeyPatch) -> None:
    fit = fake_fit(monkeypatch, lambda day, t: {-9_000: -5.0, -8_000: 2.5}.get(t, 3.5))
    curve = export.to_table(fit, ExportSettings()).curves[0]
    assert [k.energy for k in curve.knots[:3]] == [0, 2, 4]
    fit = fake_fit(monkeypatch, lambda day, t: float("nan"))
    with pytest.raises(ValueError, match="the model predicts nan"):
        export.to_table(fit, ExportSettings())


def test_the_table_records_the_meters_and_period_it_was_fitted_on() -> None:
    from smartblocks.clients.mv.data import DailyData, DailySeries

    energy = DailySeries("b + a", "mWh", meters=("b", "a"))
    ledger = DailyData(energy, DailySeries("w", "mdegC", meters=("w",)), 20_000, 20_365)
    table = baseline_table()
    export.record_inputs(table, ledger)
    assert list(table.fit_meters) == ["a", "b"] and table.fit_weather_meter == "w"
    assert (table.fit_start, table.fit_end) == (20_000 * 86_400, 20_365 * 86_400)
    assert export.table_dict(table)["fit_meters"] == ["a", "b"]
    files = DailyData(DailySeries("e.csv", "mWh"), DailySeries("t.csv", "mdegC"), 1, 2)
    table = baseline_table()
    export.record_inputs(table, files)  # files: the period only
    assert not table.fit_meters and not table.fit_weather_meter and table.fit_end == 2 * 86_400


def baseline_table() -> Any:
    from smartblocks.protos.baseline_pb2 import BaselineTable, Resolution
    from smartblocks.protos.blockmeter_pb2 import Unit

    table = BaselineTable(
        version=1, unit=Unit.MILLIWATT_HOUR, resolution=Resolution.PER_DAY, day_types=1
    )
    table.curves.add(day_type=0).knots.add(temperature=0, energy=1)
    return table
