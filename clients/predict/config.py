"""predict.toml: which validator to follow, which key signs, where the weather comes from and
which meters to forecast (example: clients/predict/predict.example.toml).

    [service]
    rest_api = "http://127.0.0.1:8008"
    component = "tcp://127.0.0.1:4004"
    key = "keys/forecaster.priv"          # a forecaster of each meter's site
    state = "data/predict.sqlite"         # the last block and what was posted and scored
    model_version = "1"

    [weather]
    kind = "csv"                          # csv | simulator
    folder = "forecasts"                  # csv: FOLDER/YYYY-MM-DD.csv (clients/predict/weather.py)
    # simulator: seed = 1, start = 1767571200, temperature_error_c = 1.0, wind_error_ms = 1.0

    [[meters]]
    meter_id = "main"
    kind = "demand"                       # demand | wind
    baseline = "baseline.pb"              # the table `smartblocks mv fit --out` wrote

    [[meters]]
    meter_id = "turbine"
    kind = "wind"
    turbine_type = "E-82/2000"            # windpowerlib's turbine library, or:
    # power_curve = [[3.0, 0.0], [11.0, 10000.0], [25.0, 10000.0]]   # [m/s, W]
    hub_height = 98.0                     # m
    measurement_height = 10.0             # m, of the forecast's wind speed

Relative paths are relative to the config file. Errors name the file, the line and the key.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from smartblocks.ledger.endpoints import DEFAULT_COMPONENT, DEFAULT_REST_API
from smartblocks.ledger.errors import ConfigError
from smartblocks.ledger.toml_config import ParamError, Params, load_toml

KINDS = ("demand", "wind")
WEATHER_KINDS = ("csv", "simulator")


@dataclass(frozen=True)
class MeterConfig:
    meter_id: str
    kind: str
    baseline: Path | None = None
    turbine_type: str | None = None
    power_curve: tuple[tuple[float, float], ...] = ()
    hub_height: float = 0.0
    measurement_height: float = 10.0


@dataclass(frozen=True)
class WeatherConfig:
    kind: str
    folder: Path | None = None
    seed: int = 1
    start: int = 1767571200
    temperature_error_c: float = 1.0
    wind_error_ms: float = 1.0


@dataclass(frozen=True)
class PredictConfig:
    key: Path
    state: Path
    weather: WeatherConfig
    meters: tuple[MeterConfig, ...]
    rest_api: str = DEFAULT_REST_API
    component: str = DEFAULT_COMPONENT
    model_version: str = "1"


def load_config(path: Path | str) -> PredictConfig:
    base = Path(path).parent
    return load_toml(path, lambda doc: parse(doc, base), ConfigError, what="predict config")


def _float(params: Params, key: str, default: float, *, low: float = 0.0) -> float:
    value = params.number(key, default)
    try:
        number = float(value)
    except ValueError:
        raise params.error(key, f"must be a number, got {value!r}") from None
    if not number >= low:
        raise params.error(key, f"must be >= {low:g}, got {value!r}")
    return number


def parse(doc: dict[str, Any], base: Path = Path(".")) -> PredictConfig:
    top = Params(doc)
    service = top.sub("service")
    rest_api = service.text("rest_api", DEFAULT_REST_API)
    component = service.text("component", DEFAULT_COMPONENT)
    key = base / service.text("key")
    state = base / service.text("state", "predict.sqlite")
    model_version = service.text("model_version", "1")
    service.done(list_known=True)

    w = top.sub("weather")
    kind = w.text("kind", choices=WEATHER_KINDS)
    if kind == "csv":
        weather = WeatherConfig(kind, folder=base / w.text("folder"))
    else:
        weather = WeatherConfig(
            kind,
            seed=w.integer("seed", 1),
            start=w.integer("start", 1767571200),
            temperature_error_c=_float(w, "temperature_error_c", 1.0),
            wind_error_ms=_float(w, "wind_error_ms", 1.0),
        )
    w.done()

    meters: list[MeterConfig] = []
    seen: set[str] = set()
    for m in top.table_list("meters"):
        meter_id = m.text("meter_id")
        if meter_id in seen:
            raise m.error("meter_id", f"meter {meter_id!r} is configured twice")
        seen.add(meter_id)
        meter_kind = m.text("kind", choices=KINDS)
        if meter_kind == "demand":
            meters.append(MeterConfig(meter_id, meter_kind, baseline=base / m.text("baseline")))
        else:
            meters.append(
                MeterConfig(
                    meter_id,
                    meter_kind,
                    turbine_type=m.text("turbine_type", None),
                    power_curve=_power_curve(m),
                    hub_height=_float(m, "hub_height", 0.0, low=1.0),
                    measurement_height=_float(m, "measurement_height", 10.0, low=0.1),
                )
            )
            if (meters[-1].turbine_type is None) == (not meters[-1].power_curve):
                raise m.error("turbine_type", "give exactly one of turbine_type and power_curve")
        m.done()
    if not meters:
        raise ParamError(("meters",), "configure at least one [[meters]]")
    top.done(list_known=True)
    return PredictConfig(
        key=key,
        state=state,
        weather=weather,
        meters=tuple(meters),
        rest_api=rest_api,
        component=component,
        model_version=model_version,
    )


def _power_curve(m: Params) -> tuple[tuple[float, float], ...]:
    value = m.value("power_curve", None)
    if value is None:
        return ()
    points: list[tuple[float, float]] = []
    ok = isinstance(value, list) and len(value) >= 2
    for point in value if ok else []:
        if not (
            isinstance(point, list)
            and len(point) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
        ):
            ok = False
            break
        points.append((float(point[0]), float(point[1])))
    if not ok or any(b[0] <= a[0] for a, b in itertools.pairwise(points)):
        raise m.error(
            "power_curve",
            "must be two or more [wind speed m/s, power W] pairs with increasing speeds",
        )
    return tuple(points)
