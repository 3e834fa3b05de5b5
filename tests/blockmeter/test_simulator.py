"""The building simulator: same seed, same data; and a building that adds up."""

from __future__ import annotations

import asyncio

import pytest

from smartblocks.blockmeter.connectors.base import Clock
from smartblocks.blockmeter.connectors.simulated import SimulatedReader
from smartblocks.blockmeter.simulator import DAY, POINTS, Building, Measure

START = 1_767_571_200  # Monday 2026-01-05 00:00 UTC


def series(seed: int, points: list[str], days: int = 2) -> list[tuple[int, ...]]:
    building = Building(seed, START)
    return [
        tuple(building.reading(p, t) for p in points) for t in range(START, START + days * DAY, 900)
    ]


def test_same_seed_same_data_other_seed_other_data() -> None:
    points = sorted(POINTS)
    assert series(7, points) == series(7, points)
    assert series(7, points) != series(8, points)


def test_energy_balance_over_a_week() -> None:
    building = Building(3, START)
    truth = building.at(START + 7 * DAY)
    supply = (
        truth.grid_import + truth.chp_generation + truth.wind_generation + truth.battery_discharge
    )
    demand = truth.building_load + truth.grid_export + truth.battery_charge
    assert supply == pytest.approx(demand, rel=1e-9)
    # The integer registers agree too, within the rounding of each register (0.5 mWh each).
    t = START + 7 * DAY
    r = {p: building.reading(p, t) for p in POINTS}
    balance = (
        r["grid_import"]
        + r["chp_generation"]
        + r["wind_generation"]
        + r["battery_discharge"]
        - r["building_load"]
        - r["grid_export"]
        - r["battery_charge"]
    )
    assert abs(balance) <= 4


def test_the_building_behaves_like_the_real_one() -> None:
    building = Building(5, START)
    monday_noon = building.at(START + 12 * 3600)
    # kWh by Monday noon: ~15 kW lab base load all night, ~50 kW once occupied
    assert 150 < monday_noon.building_load < 500
    week = building.at(START + 7 * DAY)
    # CHP: 16 h a weekday, at or above its 30 kWe floor, never above 50 kWe.
    assert 5 * 16 * 30 <= week.chp_generation <= 5 * 16 * 50
    assert 0 < week.wind_generation < 7 * 24 * 10
    # The battery cycles: charged at night, discharged at the weekday peak, with losses.
    assert 0 < week.battery_discharge < week.battery_charge
    assert week.gas_volume > 0
    assert -15 < week.outdoor_temperature < 25 and 0 <= week.wind_speed < 40


def test_schedules() -> None:
    saturday_noon = START + 5 * DAY + 12 * 3600
    assert Building.occupancy(START + 12 * 3600) == 1.0
    assert Building.occupancy(saturday_noon) == 0.1
    assert Building.chp_scheduled(START + 7 * 3600) and not Building.chp_scheduled(saturday_noon)
    assert Building.tariff(START + 3 * 3600) == "night"
    assert Building.tariff(START + 17 * 3600) == "peak"
    assert Building.tariff(saturday_noon + 5 * 3600) == "day"


def test_registers_only_rise_and_history_is_bounded() -> None:
    building = Building(1, START)
    previous = -1
    for t in range(START, START + DAY, 600):
        value = building.reading("grid_import", t)
        assert value >= previous
        previous = value
    with pytest.raises(ValueError):
        building.reading("grid_import", START)


async def test_readers_of_one_building_can_replay_a_long_run_together() -> None:
    """After a restart an accelerated run replays from its start at full speed: readers of one
    building advance chunk by chunk and never fall out of its remembered history."""
    building = Building(9, START)
    clock = Clock(START, speed=3e7)  # a year in about a second
    readers = [SimulatedReader(p, 60, p, building, clock) for p in ("grid_import", "gas_volume")]
    seen: dict[str, list[int]] = {"grid_import": [], "gas_volume": []}

    async def emit(samples: list[tuple[str, int, int]]) -> None:
        seen[samples[0][0]].extend(ts for _, ts, _ in samples)
        await asyncio.sleep(0)

    tasks = [asyncio.create_task(r.run(emit)) for r in readers]
    try:
        while min(len(v) for v in seen.values()) < 3 * 1440 and all(not t.done() for t in tasks):
            await asyncio.sleep(0.01)
    finally:
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results), results
    for stamps in seen.values():
        assert stamps[:3] == [START + 60, START + 120, START + 180]
        assert stamps == list(range(START + 60, START + 60 * (len(stamps) + 1), 60))


def test_a_measure_changes_the_building_from_its_start_and_the_counterfactual_keeps_the_weather():
    monday = 1767571200  # 2026-01-05 00:00 UTC
    measure = Measure(monday + 2 * 86_400, lighting_factor=0.7, setpoint_change_c=-1.0)
    points = ["building_load", "gas_volume", "outdoor_temperature"]
    actual = Building(7, monday, measure).daily(points, 3, sample_s=3600)
    counterfactual = Building(7, monday).daily(points, 3, sample_s=3600)
    assert actual["outdoor_temperature"] == counterfactual["outdoor_temperature"]
    assert actual["building_load"][:2] == counterfactual["building_load"][:2]
    assert actual["gas_volume"][:2] == counterfactual["gas_volume"][:2]
    # Wednesday: lighting -30 % of the occupied load, and heating to a 1 degC lower set-point.
    assert actual["building_load"][2] < counterfactual["building_load"][2] * 0.9
    assert actual["gas_volume"][2] < counterfactual["gas_volume"][2]


def test_a_reader_continues_a_history_taken_from_the_same_model() -> None:
    """With the model started earlier (the demo's baseline history), a reader emits from its
    own start on, the same values the model gives there: registers run on, no seam."""
    model_start, start = START, START + 2 * DAY
    building = Building(9, model_start)
    reader = SimulatedReader("m", 60, "grid_import", building, Clock(start, speed=1e6), start)
    assert reader.next_slot == start + 60
    history = Building(9, model_start)
    last_of_history = history.reading("grid_import", start)
    samples = reader.due()
    assert samples[0] == ("m", start + 60, history.reading("grid_import", start + 60))
    assert samples[0][2] >= last_of_history > 0
