"""Forecast building of the prediction service: demand from a baseline table (split by the
meter's own profile) combined with the naive forecast, wind from a power curve (windpowerlib),
weather inputs and the config."""

from __future__ import annotations

import calendar
from pathlib import Path

import pytest

from smartblocks.clients.predict import forecasts as fc
from smartblocks.clients.predict.config import load_config
from smartblocks.clients.predict.weather import CsvFolder, SimulatedForecast, WeatherError
from smartblocks.ledger.errors import ConfigError
from smartblocks.processors.kit import baseline
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit

MONDAY = calendar.timegm((2026, 3, 2, 0, 0, 0)) // fc.DAY
SATURDAY = MONDAY + 5


def day_table() -> BaselineTable:
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.WEEKDAY_WEEKEND,
        model="hand-made",
    )
    for day_type, energy in ((0, 700_000_000), (1, 350_000_000)):
        curve = table.curves.add(day_type=day_type)
        curve.knots.add(temperature=0, energy=energy + 100_000_000)
        curve.knots.add(temperature=15_000, energy=energy)
    baseline.validate(table)
    return table


def test_split_by_profile_adds_up_exactly_and_follows_the_shape():
    assert fc.split_by_profile(10, [1, 1, 1]) == [4, 3, 3]  # ties: the earlier hour
    assert fc.split_by_profile(100, [0, 3, 1]) == [0, 75, 25]
    assert fc.split_by_profile(7, [0, 0]) == [4, 3]  # no shape: flat
    values = fc.split_by_profile(700_000_001, [1 / 24 + (h % 3) * 1e-3 for h in range(24)])
    assert sum(values) == 700_000_001


def test_demand_from_a_day_table_at_the_mean_temperature_split_by_the_profile():
    table = day_table()
    temperatures = [7_500] * 24  # half way between the knots: weekday 750,000,000 mWh
    flat = fc.demand_forecast(table, MONDAY, temperatures, [1 / 24] * 24)
    assert sum(flat) == 750_000_000 and flat == [31_250_000] * 24
    # Mean 7,499.5 m°C floors to 7,499: the table is evaluated by its one evaluator.
    colder = [7_500] * 12 + [7_499] * 12
    assert sum(fc.demand_forecast(table, MONDAY, colder, [1 / 24] * 24)) == (
        baseline.evaluate_day(table, MONDAY, 7_499)
    )
    weekend = fc.demand_forecast(table, SATURDAY, temperatures, [1 / 24] * 24)
    assert sum(weekend) == 400_000_000
    with pytest.raises(fc.ForecastError, match="23 hourly temperatures"):
        fc.demand_forecast(table, MONDAY, temperatures[:23], [1 / 24] * 24)


def test_the_profile_is_the_meters_own_shape_over_the_same_kind_of_day():
    office = [1] * 8 + [5] * 10 + [1] * 6  # weekdays busy 08-18
    quiet = [1] * 24
    history = {MONDAY - 7 + d: office for d in range(5)}  # the previous Monday..Friday
    history |= {MONDAY - 2: quiet, MONDAY - 1: quiet}  # its weekend
    profile = fc.hourly_profile(history, MONDAY)
    assert profile[9] == pytest.approx(5 / 64) and profile[2] == pytest.approx(1 / 64)
    values = fc.demand_forecast(day_table(), MONDAY, [0] * 24, profile)
    assert sum(values) == 800_000_000 and values[9] == 5 * values[2]
    # Two weekend days are too few: flat. Days outside the 28-day window do not count.
    assert fc.hourly_profile(history, SATURDAY) == [1 / 24] * 24
    assert fc.hourly_profile(history, MONDAY + 35) == [1 / 24] * 24


def test_demand_from_an_hour_of_week_table_uses_each_hours_temperature():
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_HOUR,
        day_types=DayTypes.HOURS_OF_WEEK,
        model="hand-made",
    )
    for how in range(168):
        curve = table.curves.add(day_type=how)
        curve.knots.add(temperature=0, energy=2_000 + how)
        curve.knots.add(temperature=10_000, energy=1_000 + how)
    temperatures = [0] * 12 + [10_000] * 12
    values = fc.demand_forecast(table, MONDAY, temperatures, [])
    assert values[:2] == [2_000, 2_001] and values[12] == 1_012 and len(values) == 24


def test_combination_weights_are_inverse_mse_and_clipped():
    assert fc.combination_weight(1.0, 3.0) == pytest.approx(0.75)  # model errs a third as much
    assert fc.combination_weight(3.0, 1.0) == pytest.approx(0.25)
    assert fc.combination_weight(0.0, 5.0) == pytest.approx(0.9)  # clipped: naive keeps 0.1
    assert fc.combination_weight(5.0, 0.0) == pytest.approx(0.1)
    assert fc.combination_weight(0.0, 0.0) == 0.5
    assert fc.blend([100, 200, 1], [200, 100, 2], 0.75) == [125, 175, 1]  # 1.25 rounds to 1
    assert fc.blend([3], [4], 0.5) == [4]  # half to even


def test_the_service_forecast_blends_the_model_and_last_week_by_their_recent_errors():
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="hand-made",
    )
    table.curves.add(day_type=0).knots.add(temperature=0, energy=2_400)  # the model: 100 an hour
    # Four weeks of actuals, flat in the day: 100, then 120, 120, 110 an hour.
    levels = [100] * 7 + [120] * 14 + [110] * 7
    history = {MONDAY - 28 + i: [level] * 24 for i, level in enumerate(levels)}
    past = {d: [0] * 24 for d in range(MONDAY - 21, MONDAY)}
    combined = fc.combined_demand_forecast(table, MONDAY, [0] * 24, history, past)
    # Errors over the last 21 days, per hour: model 20, 20, 10 (a week each), naive (a week
    # before) 20, 0, -10: SSE 7 x 900 and 7 x 500, so the model's weight is 500 / 1400.
    assert combined.scored_days == 21
    assert combined.model_weight == pytest.approx(5 / 14)
    assert combined.values == [round(5 / 14 * 100 + 9 / 14 * 110)] * 24 == [106] * 24
    # Days with no temperature forecast left are not scored; with fewer than 7, the model.
    few = {d: past[d] for d in range(MONDAY - 6, MONDAY)}
    alone = fc.combined_demand_forecast(table, MONDAY, [0] * 24, history, few)
    assert (alone.values, alone.model_weight, alone.scored_days) == ([100] * 24, 1.0, 6)
    # No week-old day: the model.
    del history[MONDAY - 7]
    alone = fc.combined_demand_forecast(table, MONDAY, [0] * 24, history, past)
    assert (alone.values, alone.model_weight) == ([100] * 24, 1.0)


def test_wind_from_a_config_power_curve_at_hub_height():
    curve = fc.PowerCurve((3.0, 11.0, 25.0), (0.0, 8_000.0, 8_000.0))
    speeds = [2.0, 7.0, 11.0, 30.0] + [7.0] * 20
    # Measured at hub height: no scaling. 7 m/s is half way: 4,000 W for an hour.
    values = fc.wind_forecast(curve, speeds, hub_height_m=10.0, measurement_height_m=10.0)
    assert values[:4] == [0, 4_000_000, 8_000_000, 0]  # mWh; cut out above the curve
    # At 40 m hub height the Hellman law raises 7 m/s to 7 * 4 ** (1/7) = 8.52 m/s.
    higher = fc.wind_forecast(curve, speeds, hub_height_m=40.0, measurement_height_m=10.0)
    assert higher[1] == round((7 * 4 ** (1 / 7) - 3) / 8 * 8_000 * 1000)


def test_wind_from_windpowerlibs_bundled_turbine_library():
    curve = fc.library_power_curve("E-82/2000")
    assert max(curve.powers_w) == pytest.approx(2_000_000, rel=0.05)
    values = fc.wind_forecast(curve, [0.0] * 12 + [30.0] * 12, hub_height_m=98.0)
    assert values[0] == 0 and values[-1] == 0  # calm, then above cut-out
    with pytest.raises(fc.ForecastError, match="no power curve"):
        fc.library_power_curve("no-such-turbine")


def test_csv_weather_folder(tmp_path: Path):
    day = MONDAY
    rows = [f"2026-03-02T{h:02d}:00Z,{h / 2},{h}" for h in range(24)]
    (tmp_path / "2026-03-02.csv").write_text(
        "time,temperature_c,wind_speed_m_s\n" + "\n".join(rows)
    )
    weather = CsvFolder(tmp_path).day(day)
    assert weather.temperatures_mc[3] == 1_500 and weather.wind_speeds_ms[23] == 23.0
    rows[5] = "2026-03-02T06:00Z,1,1"
    (tmp_path / "2026-03-02.csv").write_text(
        "time,temperature_c,wind_speed_m_s\n" + "\n".join(rows)
    )
    with pytest.raises(WeatherError, match=r"2026-03-02.csv:7: .*expected hour 5"):
        CsvFolder(tmp_path).day(day)
    with pytest.raises(WeatherError, match="no weather forecast"):
        CsvFolder(tmp_path).day(day + 1)


def test_simulated_forecast_error_grows_with_lead_time_and_is_reproducible():
    start = calendar.timegm((2026, 1, 5, 0, 0, 0))
    first = start // fc.DAY
    source = SimulatedForecast(seed=3, start=start, temperature_error_c=1.5)
    days = range(first + 1, first + 41)
    early, late = 0.0, 0.0
    for d in days:
        truth, _ = source.truth(d)
        forecast = source.day(d).temperatures_mc
        early += sum((forecast[h] / 1000 - truth[h]) ** 2 for h in range(0, 4))
        late += sum((forecast[h] / 1000 - truth[h]) ** 2 for h in range(20, 24))
    assert late > early  # 32..35 h of lead against 12..15 h
    again = SimulatedForecast(seed=3, start=start, temperature_error_c=1.5)
    assert again.day(first + 40) == source.day(first + 40)


def test_config_errors_name_the_file_line_and_key(tmp_path: Path):
    path = tmp_path / "predict.toml"
    path.write_text(
        '[service]\nkey = "k.priv"\n\n[weather]\nkind = "csv"\nfolder = "f"\n\n'
        '[[meters]]\nmeter_id = "t"\nkind = "wind"\nhub_height = 80\n'
        "power_curve = [[5.0, 1.0], [4.0, 2.0]]\n"
    )
    with pytest.raises(ConfigError, match=r"predict.toml:12: meters\[0\].power_curve: must be"):
        load_config(path)
    example = Path(fc.__file__).parent / "predict.example.toml"
    config = load_config(example)
    assert [m.kind for m in config.meters] == ["demand", "wind"]
