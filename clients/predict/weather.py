"""Weather forecasts for the prediction service: hourly outdoor temperature (m°C) and wind
speed (m/s) for each hour of a UTC day.

CSV folder (production): one file per target UTC day, `FOLDER/YYYY-MM-DD.csv`, written by the
site's weather-forecast adapter (any provider's day-ahead forecast), with a header and 24 rows:

    time,temperature_c,wind_speed_m_s
    2026-03-02T00:00Z,4.5,6.1
    ...

`time` is each hour's start in UTC (ISO 8601, `Z` or `+00:00`), the 24 hours of the day in
order; temperature in °C, wind speed in m/s at the height the meter's config gives
(`measurement_height`, default 10 m). A missing file, a missing or extra hour, or a value that is
not a number raises WeatherError naming the file and line.

Simulator (demos, tests, benchmarks): the building simulator's own weather
(blockmeter/simulator.py, same seed and start) for the target day, hour means of its minute
values, plus seeded forecast error that grows with lead time: a random walk from the issue time
(the previous day's 12:00 UTC), so hour h of the day has lead 12 + h hours and error standard
deviation `temperature_error_c` (wind: `wind_error_ms`) times sqrt(lead / 24 h). The error of a
day depends only on the seed and the day, so a restarted service forecasts the same values.
"""

from __future__ import annotations

import csv
import datetime
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from smartblocks.blockmeter.simulator import Building, Truth

DAY = 86_400
HOURS = 24


class WeatherError(ValueError):
    """No usable forecast for a day; the message names the file and line."""


@dataclass(frozen=True)
class DayWeather:
    temperatures_mc: tuple[int, ...]  # 24 hourly means, m°C
    wind_speeds_ms: tuple[float, ...]  # 24 hourly means, m/s


class WeatherSource(Protocol):
    def day(self, day_number: int) -> DayWeather: ...


def day_name(day_number: int) -> str:
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=day_number)).isoformat()


class CsvFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def day(self, day_number: int) -> DayWeather:
        path = self.folder / f"{day_name(day_number)}.csv"
        try:
            text = path.read_text()
        except OSError as exc:
            raise WeatherError(
                f"{path}: no weather forecast for the day ({exc.strerror})"
            ) from None
        rows = list(csv.reader(text.splitlines()))
        header = [c.strip() for c in rows[0]] if rows else []
        wanted = ["time", "temperature_c", "wind_speed_m_s"]
        if header != wanted:
            raise WeatherError(f"{path}:1: header must be {','.join(wanted)}, got {header}")
        temperatures: list[int] = []
        winds: list[float] = []
        for line, row in enumerate(rows[1:], start=2):
            if not row:
                continue
            hour = len(temperatures)
            if hour >= HOURS:
                raise WeatherError(f"{path}:{line}: more than {HOURS} hours")
            expected = day_number * DAY + hour * 3_600
            if len(row) != 3:
                raise WeatherError(f"{path}:{line}: needs 3 columns, got {len(row)}")
            try:
                when = datetime.datetime.fromisoformat(row[0].strip().replace("Z", "+00:00"))
                temperature, wind = float(row[1]), float(row[2])
            except ValueError as exc:
                raise WeatherError(f"{path}:{line}: {exc}") from None
            if when.tzinfo is None or when.utcoffset() != datetime.timedelta(0):
                raise WeatherError(f"{path}:{line}: time {row[0]!r} must be UTC (Z or +00:00)")
            if int(when.timestamp()) != expected:
                iso = datetime.datetime.fromtimestamp(expected, datetime.UTC)
                raise WeatherError(
                    f"{path}:{line}: time {row[0]!r}; expected hour {hour}, "
                    f"{iso:%Y-%m-%dT%H:%MZ} (rows are the day's hours in order, no gaps)"
                )
            if not (math.isfinite(temperature) and math.isfinite(wind)) or wind < 0:
                raise WeatherError(f"{path}:{line}: values must be finite, wind speed >= 0")
            temperatures.append(round(temperature * 1000))
            winds.append(wind)
        if len(temperatures) != HOURS:
            raise WeatherError(f"{path}: {len(temperatures)} hours; a day needs {HOURS}")
        return DayWeather(tuple(temperatures), tuple(winds))


class SimulatedForecast:
    """The simulator's weather for a day, with seeded error growing with lead time."""

    def __init__(
        self,
        seed: int,
        start: int,
        temperature_error_c: float = 1.0,
        wind_error_ms: float = 1.0,
        sample_s: int = 600,
    ) -> None:
        self.seed, self.start = seed, start
        self.temperature_error_c = temperature_error_c
        self.wind_error_ms = wind_error_ms
        self.sample_s = sample_s
        self._building = Building(seed, start)
        self._truth: dict[int, tuple[list[float], list[float]]] = {}

    def truth(self, day_number: int) -> tuple[list[float], list[float]]:
        """Hourly mean temperature (°C) and wind speed (m/s) the simulator will have."""
        if day_number in self._truth:
            return self._truth[day_number]
        first = day_number * DAY
        if first < self.start:
            raise WeatherError(f"day {day_name(day_number)} is before the simulator's start")
        samples_per_hour = 3_600 // self.sample_s
        temperatures: list[float] = []
        winds: list[float] = []
        for hour in range(HOURS):
            t_sum = w_sum = 0.0
            for k in range(samples_per_hour):
                truth = self._at(first + hour * 3_600 + k * self.sample_s)
                t_sum += truth.outdoor_temperature
                w_sum += truth.wind_speed
            temperatures.append(t_sum / samples_per_hour)
            winds.append(w_sum / samples_per_hour)
        self._truth[day_number] = (temperatures, winds)
        return temperatures, winds

    def _at(self, t: int) -> Truth:
        try:
            return self._building.at(t)
        except ValueError:  # behind the model's short history: start it again
            self._building = Building(self.seed, self.start)
            return self._building.at(t)

    def day(self, day_number: int) -> DayWeather:
        temperatures, winds = self.truth(day_number)
        rng = random.Random(f"weather-forecast:{self.seed}:{day_number}")
        t_error = w_error = 0.0
        out_t: list[int] = []
        out_w: list[float] = []
        # Issued at 12:00 the day before: hour h has lead 12 + h; the first 12 hours of walk
        # happen before the day, so the walk's variance at hour h is (13 + h) / 24 of a day's.
        step_t = self.temperature_error_c / math.sqrt(HOURS)
        step_w = self.wind_error_ms / math.sqrt(HOURS)
        for _ in range(12):
            t_error += rng.gauss(0.0, step_t)
            w_error += rng.gauss(0.0, step_w)
        for hour in range(HOURS):
            t_error += rng.gauss(0.0, step_t)
            w_error += rng.gauss(0.0, step_w)
            out_t.append(round((temperatures[hour] + t_error) * 1000))
            out_w.append(max(0.0, winds[hour] + w_error))
        return DayWeather(tuple(out_t), tuple(out_w))
