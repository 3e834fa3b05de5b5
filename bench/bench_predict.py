"""The prediction service (clients/predict): day-ahead accuracy on the simulated building and the
service's own time per 100 meters.

Accuracy: the building simulator (seed 3) from 2025-01-01; OpenDSM's daily model is fitted on
the first year of days (the quick run: 120) and exported to a baseline table, as `smartblocks mv
fit` does. Each of the next 8 weeks' days (quick: 4) is then forecast as the service forecasts
it: the table at the simulator's weather forecast (seeded error growing with lead time, 1 °C
after a day), split into hours by the meter's own mean shape over the same kind of day in the
previous 28 days (the model). The naive forecast is the same hour one week earlier. The
combination is what the service posts (clients/predict/forecasts.py): model and naive blended
with the model's inverse-MSE weight over the trailing 21 days (clipped to [0.1, 0.9]), from the
same 28 days of history and the temperature forecasts issued for the past days. CV(RMSE) is over
every hour of the evaluation days: RMSE / mean actual. Demand meters: the building's electricity
load (mWh) and its gas (mL).

Service time per 100 meters: one step of the service (`Predictor.on_block`) with 100 demand
meters that all need the next day's forecast: reading the meters and their 28 days of rollups,
the weather, evaluating the table (for the day and the 21 days its combination weights are
measured on), building, signing and handing over 100 batches. The ledger is an in-process
stand-in answering instantly, so the figure is the service's own cost; the ledger's cost of the
posts is bench_blockpredict_devnet's.
"""

from __future__ import annotations

import asyncio
import datetime
import math
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from smartblocks.blockmeter.simulator import Building
from smartblocks.clients.predict import forecasts as fc
from smartblocks.clients.predict.weather import SimulatedForecast
from smartblocks.processors.kit.periods import day_number

SEED = 3
# Day-ahead temperature forecast error (sd after 24 h of lead): perfect, good, typical.
ERRORS_C = (0.0, 0.5, 1.0)
DAY = 86_400
HOUR = 3_600
POINTS = {"building_load": "mWh", "gas_volume": "mL"}


def simulate(first: int, days: int) -> tuple[dict[str, list[list[int]]], list[int]]:
    """Hourly values of each point per day, and each day's floor-mean temperature (m°C) of
    15-minute samples (a weather meter's day rollup)."""
    building = Building(SEED, first * DAY)
    hourly: dict[str, list[list[int]]] = {p: [] for p in POINTS}
    temperatures: list[int] = []
    previous = {p: building.reading(p, first * DAY) for p in POINTS}
    for d in range(days):
        day_values: dict[str, list[int]] = {p: [] for p in POINTS}
        samples = 0
        for h in range(24):
            for q in range(4):
                samples += building.reading(
                    "outdoor_temperature", (first + d) * DAY + h * HOUR + q * 900
                )
            t = (first + d) * DAY + (h + 1) * HOUR
            for p in POINTS:
                now = building.reading(p, t)
                day_values[p].append(now - previous[p])
                previous[p] = now
        for p in POINTS:
            hourly[p].append(day_values[p])
        temperatures.append(samples // 96)
    return hourly, temperatures


def cv_rmse(forecast: Sequence[int], actual: Sequence[int]) -> float:
    errors = [(f - a) ** 2 for f, a in zip(forecast, actual, strict=True)]
    return math.sqrt(sum(errors) / len(errors)) / (sum(actual) / len(actual))


def accuracy(quick: bool) -> list[dict[str, Any]]:
    from smartblocks.clients.mv import data, export, model
    from smartblocks.clients.mv.settings import ExportSettings

    first = day_number(datetime.date(2025, 1, 1))
    train, evaluate = (120, 28) if quick else (365, 56)
    hourly, temperatures = simulate(first, train + evaluate)
    figures = []
    for point, unit in POINTS.items():
        days = hourly[point]
        energy = data.DailySeries(point, unit, {first + i: sum(days[i]) for i in range(train)})
        temperature = data.DailySeries(
            "outdoor", "mdegC", {first + i: temperatures[i] for i in range(train)}
        )
        fit = model.fit_daily(
            data.DailyData(energy, temperature, first, first + train),
            electricity=point == "building_load",
        )
        table = export.to_table(fit, ExportSettings())
        naive: list[int] = []
        actual: list[int] = []
        for i in range(train, train + evaluate):
            naive += days[i - 7]
            actual += days[i]
        parameters = {"meter": point, "training_days": train, "evaluation_days": evaluate}
        figures.append(
            {
                "figure": f"day-ahead hourly CV(RMSE), {point}, naive (same hour a week before)",
                "value": round(100 * cv_rmse(naive, actual), 2),
                "unit": "%",
                "parameters": parameters,
            }
        )
        for error_c in ERRORS_C:
            weather = SimulatedForecast(SEED, first * DAY, temperature_error_c=error_c)
            predicted: list[int] = []
            combined: list[int] = []
            weights: list[float] = []
            for i in range(train, train + evaluate):
                day = first + i
                history = {first + j: days[j] for j in range(i - fc.PROFILE_WINDOW_DAYS, i)}
                # the past days first, in order: the simulated weather only runs forward
                past = {
                    d: weather.day(d).temperatures_mc
                    for d in range(day - fc.COMBINATION_WINDOW_DAYS, day)
                }
                temperatures_mc = weather.day(day).temperatures_mc
                profile = fc.hourly_profile(history, day)
                predicted += fc.demand_forecast(table, day, temperatures_mc, profile)
                combination = fc.combined_demand_forecast(
                    table, day, temperatures_mc, history, past
                )
                combined += combination.values
                weights.append(combination.model_weight)
            at_error = {**parameters, "temperature_error_c_at_24h": error_c}
            figures.append(
                {
                    "figure": f"day-ahead hourly CV(RMSE), {point}, model (baseline table), "
                    f"temperature forecast error {error_c:g} °C at 24 h",
                    "value": round(100 * cv_rmse(predicted, actual), 2),
                    "unit": "%",
                    "parameters": at_error,
                }
            )
            figures.append(
                {
                    "figure": f"day-ahead hourly CV(RMSE), {point}, service (model and naive "
                    f"combined), temperature forecast error {error_c:g} °C at 24 h",
                    "value": round(100 * cv_rmse(combined, actual), 2),
                    "unit": "%",
                    "parameters": {
                        **at_error,
                        "method": "inverse-MSE combination of model and naive",
                        "weight_window_days": fc.COMBINATION_WINDOW_DAYS,
                        "min_scored_days": fc.MIN_COMBINATION_DAYS,
                        "weight_clip": [fc.WEIGHT_MIN, 1 - fc.WEIGHT_MIN],
                        "model_weight_mean": round(sum(weights) / len(weights), 2),
                        "model_weight_range": [round(min(weights), 2), round(max(weights), 2)],
                    },
                }
            )
    return figures


class _StandIn:
    """The REST client's three calls the service makes, answered from memory at once."""

    def __init__(self, state: dict[str, bytes]) -> None:
        self.values = state
        self.submitted = 0

    async def state(self, address: str, head: str | None = None) -> bytes | None:
        return self.values.get(address)

    async def submit_batches(self, batches: Sequence[Any]) -> str:
        self.submitted += len(batches)
        return ""

    async def wait_for_batches(
        self, ids: Sequence[str], timeout: float = 30
    ) -> list[dict[str, Any]]:
        return [{"id": i, "status": "COMMITTED"} for i in ids]


def service_time(quick: bool) -> list[dict[str, Any]]:
    from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig

    from smartblocks.clients.predict.config import MeterConfig, PredictConfig, WeatherConfig
    from smartblocks.clients.predict.service import Predictor, PredictState
    from smartblocks.ledger.block_info import CONFIG_ADDRESS, block_address
    from smartblocks.ledger.keys import Signer
    from smartblocks.ledger.rest import RestClient
    from smartblocks.processors.blockmeter import addressing as meter_addr
    from smartblocks.processors.kit import baseline
    from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
    from smartblocks.protos.blockmeter_pb2 import Bucket, Meter, Rollup, Unit

    count = 100
    first = day_number(datetime.date(2026, 3, 2))
    now = first * DAY - 6 * HOUR  # the evening before: tomorrow's forecasts are due
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.MONTHS_WEEKDAY_WEEKEND,
        model="bench",
    )
    for day_type in range(24):
        curve = table.curves.add(day_type=day_type)
        for k in range(40):  # a knot every degree from -10 to 29 °C
            curve.knots.add(temperature=(k - 10) * 1_000, energy=900_000_000 - k * 10_000_000)
    state: dict[str, bytes] = {
        CONFIG_ADDRESS: BlockInfoConfig(latest_block=7).SerializeToString(),
        block_address(7): BlockInfo(block_num=7, timestamp=now).SerializeToString(),
    }
    meters = []
    rollup_day = datetime.date(1970, 1, 1)
    for m in range(count):
        meter_id = f"bench-{m}"
        meters.append(MeterConfig(meter_id, "demand", baseline=None))
        state[meter_addr.meter_address(meter_id)] = Meter(
            meter_id=meter_id, site_id="bench-site", unit=Unit.MILLIWATT_HOUR
        ).SerializeToString()
        for d in range(first - 28, first):
            name = (rollup_day + datetime.timedelta(days=d)).isoformat()
            buckets = [
                Bucket(index=h, sum=1_000_000 + 50_000 * (8 <= h < 18), count=4) for h in range(24)
            ]
            state[meter_addr.day_rollup_address(meter_id, name)] = Rollup(
                meter_id=meter_id, period=name, buckets=buckets
            ).SerializeToString()
    # The weather from 29 days before: the forecasts issued for the 21 days the combination
    # weights are measured on are there, so the step includes scoring them.
    weather_start = (first - 29) * DAY
    weather = SimulatedForecast(SEED, weather_start)
    with tempfile.TemporaryDirectory() as folder:
        config = PredictConfig(
            key=Path(folder) / "unused.priv",
            state=Path(folder) / "state.sqlite",
            weather=WeatherConfig("simulator", seed=SEED, start=weather_start),
            meters=tuple(meters),
        )
        timings = []
        for attempt in range(2 if quick else 5):
            predict_state = PredictState(Path(folder) / f"state-{attempt}.sqlite")
            predict_state.db.execute("INSERT INTO blocks VALUES (7, 'b7', 'b6', ?)", (now,))
            stand_in = _StandIn(state)
            predictor = Predictor(
                config,
                Signer.generate(),
                predict_state,
                cast(RestClient, stand_in),
                weather,
            )
            for meter in meters:
                predictor._tables[meter.meter_id] = table
            baseline.validate(table)
            started = time.perf_counter()
            outcome = asyncio.run(predictor.on_block(7))
            elapsed = time.perf_counter() - started
            assert outcome.posted == count and stand_in.submitted == count, outcome
            if attempt:  # the first warms the simulator's weather for the days
                timings.append(elapsed)
            predict_state.close()
    return [
        {
            "figure": "service step per 100 meters (build, sign, submit; ledger stand-in)",
            "value": round(min(timings), 3),
            "unit": "s",
            "parameters": {"meters": count, "kind": "demand", "values_per_forecast": 24},
        }
    ]


def run(quick: bool = False) -> list[dict[str, Any]]:
    return service_time(quick) + accuracy(quick)
