"""A deterministic, seeded model of a real mixed-use building, for demos, tests and benchmarks.

The building: a 970 m2 office/lab with a main electricity incomer (import and export registers),
a 50 kWe gas CHP that runs 06:00-22:00 on weekdays heat-led but never below a 30 kWe floor, a
10 kW wind turbine driven by a wind-speed series, a 60 kWh battery that charges on the night
tariff (00:00-07:00) and discharges in the weekday peak (16:00-19:00), a gas meter (CHP fuel and
boiler), and a weather station (outdoor temperature, wind speed). Outdoor temperature drives the
heating load; occupancy follows a weekday/weekend schedule.

Internals use floats and step forward `STEP_S` at a time from `start`; the same seed and start
give the same series on every machine (only +, *, /, sin and Python's seeded Mersenne Twister).
Registers are cumulative, so rounding never accumulates. What leaves the simulator goes through
`units.to_base` (round half away from zero) into integer base units: mWh, mL, mdegC, mm/s.

Ground truth for M&V: a `Measure` (an energy conservation measure from a given moment: lighting
and small power cut by a factor, the heating set-point lowered) changes the building from then
on; the weather draws nothing from the measure, so `Building(seed, start)` without it is the
counterfactual, the same days and weather without the measure. `daily()` gives UTC day totals.
"""

from __future__ import annotations

import math
import random
from collections import deque
from dataclasses import dataclass

from .units import to_base

STEP_S = 60
HISTORY_STEPS = 240  # 4 h: readers of one building may lag each other this much
HOUR = 3600
DAY = 86400
GAS_KWH_PER_M3 = 10.55  # UK natural gas, gross calorific value ~38 MJ/m3

FLOOR_AREA_M2 = 970.0
HEAT_LOSS_KW_PER_K = 3.0  # fabric + lab ventilation, above a 15.5 degC balance point
BALANCE_POINT_C = 15.5
CHP_MAX_KWE, CHP_FLOOR_KWE = 50.0, 30.0
CHP_EL_EFF, CHP_TH_EFF, BOILER_EFF = 0.33, 0.50, 0.90
WIND_RATED_KW, CUT_IN, RATED_SPEED, CUT_OUT = 10.0, 3.0, 11.0, 25.0
BATTERY_KWH, BATTERY_KW, BATTERY_EFF = 60.0, 15.0, 0.95  # one-way efficiency


@dataclass
class Truth:
    """Cumulative registers (kWh, m3) and instantaneous weather at one instant."""

    grid_import: float = 0.0  # kWh
    grid_export: float = 0.0
    chp_generation: float = 0.0
    wind_generation: float = 0.0
    battery_charge: float = 0.0
    battery_discharge: float = 0.0
    building_load: float = 0.0
    gas_volume: float = 0.0  # m3
    outdoor_temperature: float = 0.0  # degC
    wind_speed: float = 0.0  # m/s


# point -> unit of the Truth field; what a meter of that point emits, in base units
POINTS: dict[str, str] = {
    "grid_import": "kWh",
    "grid_export": "kWh",
    "chp_generation": "kWh",
    "wind_generation": "kWh",
    "battery_charge": "kWh",
    "battery_discharge": "kWh",
    "building_load": "kWh",
    "gas_volume": "m3",
    "outdoor_temperature": "degC",
    "wind_speed": "m/s",
}


@dataclass(frozen=True)
class Measure:
    """An energy conservation measure in effect from Unix second `start` on."""

    start: int
    lighting_factor: float = 1.0  # occupied (lighting and small power) load x this, e.g. 0.7
    setpoint_change_c: float = 0.0  # heating balance point + this, e.g. -1.0


def weekday(day: int) -> int:
    """0 = Monday .. 6 = Sunday of a day counted from 1970-01-01 (a Thursday)."""
    return (day + 3) % 7


class Building:
    """Steps the model forward; `at(t)` gives the truth at any t >= start still in its history."""

    def __init__(self, seed: int = 1, start: int = 1767571200, measure: Measure | None = None):
        self.seed = seed
        self.measure = measure
        self.start = start - start % STEP_S
        self._rng = random.Random(seed)
        self._t = self.start
        self._truth = Truth()
        self._temp_noise = 0.0
        self._wind = 5.0
        self._soc = BATTERY_KWH / 2
        self._weather_at(self._t)
        self._history: deque[Truth] = deque([Truth(**vars(self._truth))], HISTORY_STEPS)

    # -- schedules ------------------------------------------------------------------------

    @staticmethod
    def occupancy(t: int) -> float:
        """Fraction of the building in use: weekdays 08-18 full with ramps, weekends light."""
        day, second = divmod(t, DAY)
        hour = second / HOUR
        if weekday(day) >= 5:
            return 0.1 if 10 <= hour < 16 else 0.0
        if 8 <= hour < 18:
            return 1.0
        if 7 <= hour < 8 or 18 <= hour < 19:
            return 0.5
        return 0.0

    @staticmethod
    def chp_scheduled(t: int) -> bool:
        day, second = divmod(t, DAY)
        return weekday(day) < 5 and 6 * HOUR <= second < 22 * HOUR

    @staticmethod
    def tariff(t: int) -> str:
        day, second = divmod(t, DAY)
        hour = second // HOUR
        if hour < 7:
            return "night"
        if weekday(day) < 5 and 16 <= hour < 19:
            return "peak"
        return "day"

    # -- the model ------------------------------------------------------------------------

    def _weather_at(self, t: int) -> None:
        year_phase = 2 * math.pi * ((t / DAY) % 365.25) / 365.25
        day_phase = 2 * math.pi * (t % DAY) / DAY
        seasonal = 10.5 - 6.5 * math.cos(year_phase - 0.35)  # coldest mid-January
        diurnal = -3.0 * math.cos(day_phase - 0.6)  # coldest before dawn
        self._temp_noise = 0.995 * self._temp_noise + self._rng.gauss(0.0, 0.08)
        self._wind = max(0.0, self._wind + 0.02 * (6.0 - self._wind) + self._rng.gauss(0.0, 0.35))
        self._truth.outdoor_temperature = seasonal + diurnal + self._temp_noise
        self._truth.wind_speed = self._wind

    @staticmethod
    def wind_power_kw(speed: float) -> float:
        if speed < CUT_IN or speed >= CUT_OUT:
            return 0.0
        if speed >= RATED_SPEED:
            return WIND_RATED_KW
        return WIND_RATED_KW * (speed**3 - CUT_IN**3) / (RATED_SPEED**3 - CUT_IN**3)

    def _step(self) -> None:
        t = self._t
        truth = self._truth
        hours = STEP_S / HOUR
        occupancy = self.occupancy(t)
        balance_c, lighting = BALANCE_POINT_C, 1.0
        if self.measure is not None and t >= self.measure.start:
            balance_c += self.measure.setpoint_change_c
            lighting = self.measure.lighting_factor
        heat_kw = HEAT_LOSS_KW_PER_K * max(0.0, balance_c - truth.outdoor_temperature)
        heat_kw *= 1.0 if occupancy > 0 else 0.6  # night set-back
        # Lab base load (fume cupboards, freezers, servers) + occupied load + heating pumps/fans.
        load_kw = 14.0 + lighting * 0.036 * FLOOR_AREA_M2 * occupancy + 0.02 * heat_kw
        chp_kw = 0.0
        if self.chp_scheduled(t):
            chp_kw = min(CHP_MAX_KWE, max(CHP_FLOOR_KWE, heat_kw * CHP_EL_EFF / CHP_TH_EFF))
        wind_kw = self.wind_power_kw(truth.wind_speed)
        charge_kw = discharge_kw = 0.0
        tariff = self.tariff(t)
        if tariff == "night" and self._soc < BATTERY_KWH:
            charge_kw = min(BATTERY_KW, (BATTERY_KWH - self._soc) / BATTERY_EFF / hours)
        elif tariff == "peak" and self._soc > 0:
            net = load_kw - chp_kw - wind_kw
            discharge_kw = max(0.0, min(BATTERY_KW, net, self._soc * BATTERY_EFF / hours))
        self._soc += (charge_kw * BATTERY_EFF - discharge_kw / BATTERY_EFF) * hours
        net_kw = load_kw + charge_kw - chp_kw - wind_kw - discharge_kw
        boiler_heat_kw = max(0.0, heat_kw - chp_kw * CHP_TH_EFF / CHP_EL_EFF)
        gas_kw = chp_kw / CHP_EL_EFF + boiler_heat_kw / BOILER_EFF

        truth.building_load += load_kw * hours
        truth.chp_generation += chp_kw * hours
        truth.wind_generation += wind_kw * hours
        truth.battery_charge += charge_kw * hours
        truth.battery_discharge += discharge_kw * hours
        truth.grid_import += max(net_kw, 0.0) * hours
        truth.grid_export += max(-net_kw, 0.0) * hours
        truth.gas_volume += gas_kw * hours / GAS_KWH_PER_M3
        self._t += STEP_S
        self._weather_at(self._t)

    def at(self, t: int) -> Truth:
        """The truth at `t`: registers advance once a step, like a meter's display. The model
        steps forward only; the last HISTORY_STEPS steps stay available for lagging readers."""
        boundary = t - (t - self.start) % STEP_S
        if boundary < self.start or boundary < self._t - (len(self._history) - 1) * STEP_S:
            raise ValueError(f"t={t} is before the simulator's remembered history")
        while self._t < boundary:
            self._step()
            self._history.append(Truth(**vars(self._truth)))
        return self._history[len(self._history) - 1 - (self._t - boundary) // STEP_S]

    def reading(self, point: str, t: int) -> int:
        """What a meter of `point` shows at `t`, in integer base units."""
        return to_base(getattr(self.at(t), point), POINTS[point])

    def daily(self, points: list[str], days: int, sample_s: int = 900) -> dict[str, list[int]]:
        """UTC day values from the building's start (a day boundary) on, in base units: the day's
        register difference for quantities, the floor mean of samples every `sample_s` for
        rates (like a weather-station meter's day rollup)."""
        if self.start % DAY:
            raise ValueError("daily() needs a building that starts at 00:00 UTC")
        out: dict[str, list[int]] = {p: [] for p in points}
        rates = [p for p in points if POINTS[p] not in ("kWh", "m3")]
        previous = {p: self.reading(p, self.start) for p in points if p not in rates}
        for day in range(days):
            first = self.start + day * DAY
            sums = dict.fromkeys(rates, 0)
            for t in range(first, first + DAY, sample_s):
                for p in rates:
                    sums[p] += self.reading(p, t)
            for p in rates:
                out[p].append(sums[p] // (DAY // sample_s))
            for p in previous:
                now = self.reading(p, first + DAY)
                out[p].append(now - previous[p])
                previous[p] = now
        return out
