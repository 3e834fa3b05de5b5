"""The agent's TOML config, validated at start. Every error names the file, the line and the key.

```toml
[agent]
site_id = "lab-970"
key_file = "gateway.priv"            # relative paths are relative to this file
rest_urls = ["http://127.0.0.1:8008", "http://10.0.0.2:8008"]   # failover in this order
spool = "spool.sqlite"
metrics = "127.0.0.1:9464"           # optional Prometheus endpoint

[[meters]]
id = "lab-970.incomer-import"
connector = "modbus"                 # modbus | opcua | csv_folder | simulator
interval_s = 60                      # sampling period
window_s = 900                       # one ledger transaction per window
unit = "kWh"                         # the source's unit (optional where the connector knows it)
scale = "1"                          # decimal multiplier applied before unit conversion
[meters.params]                      # connector parameters
host = "192.168.1.20"
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from smartblocks.ledger.endpoints import parse_host_port
from smartblocks.ledger.errors import ConfigError
from smartblocks.ledger.toml_config import Params, load_toml
from smartblocks.processors.blockmeter.limits import MAX_ID_LENGTH
from smartblocks.processors.kit.payload import ID_CHARACTERS
from smartblocks.processors.kit.periods import SECONDS_PER_DAY

from . import connectors
from .simulator import Measure
from .units import UNITS, is_quantity, parse_scale

# The BlockMeter processor's rule for site and meter ids, checked here so a bad id fails at
# start, not on the ledger.
LEDGER_ID = re.compile(rf"^{ID_CHARACTERS}{{1,{MAX_ID_LENGTH}}}$")
MAX_SLOTS = 1440


@dataclass(frozen=True)
class MeterConfig:
    id: str
    connector: str
    interval_s: int
    window_s: int
    unit: str
    scale: Decimal
    mode: str  # cumulative (register readings) | interval (per-interval quantities or rates)
    settings: Any  # the connector's parsed parameters

    @property
    def slots(self) -> int:
        return self.window_s // self.interval_s

    @property
    def fill(self) -> str:
        """What a missing slot holds (see spool): 0 only for interval quantities."""
        return "zero" if self.mode == "interval" and is_quantity(self.unit) else "previous"


@dataclass(frozen=True)
class SimulatorConfig:
    seed: int = 1
    start: int = 1767571200  # 2026-01-05T00:00:00Z, a Monday
    speed: float = 1.0  # simulated seconds per real second
    # "wall": simulated time is the wall clock (speed 1 only); "start": it begins at `start`
    # when the agent starts; "catch-up": as "start" until it reaches the wall clock, then the
    # wall clock. Default: "wall" at speed 1, else "start".
    clock: str = "wall"
    # An energy conservation measure from `measure.start` on (M&V ground truth): the same seed
    # without it is the counterfactual.
    measure: Measure | None = None
    # Where the model itself starts (its registers are 0 and its weather series begins there),
    # at or before `start`: readings are emitted from `start` on, continuing a history another
    # writer took from the same model over [model_start, start) (the demo's baseline year).
    # None: `start`.
    model_start: int | None = None


@dataclass(frozen=True)
class Config:
    path: Path
    site_id: str
    key_file: Path
    rest_urls: tuple[str, ...]
    spool: Path
    metrics: tuple[str, int] | None
    grace_s: int
    max_windows_per_batch: int
    max_batches_per_post: int
    simulator: SimulatorConfig
    meters: tuple[MeterConfig, ...] = field(default_factory=tuple)


def load(path: str | Path) -> Config:
    path = Path(path)
    return load_toml(path, lambda doc: _parse(doc, path), ConfigError)


def _parse(doc: dict[str, Any], path: Path) -> Config:
    root = Params(doc)
    agent = root.sub("agent")
    here = path.resolve().parent
    site_id = agent.text("site_id")
    if not LEDGER_ID.match(site_id):
        raise agent.error("site_id", f"must match {LEDGER_ID.pattern}, got {site_id!r}")
    key_file = here / Path(agent.text("key_file")).expanduser()
    urls = agent.texts("rest_urls")
    for i, url in enumerate(urls):
        if not re.match(r"^https?://[^/\s]+", url):
            raise agent.error("rest_urls", f"entry {i} is not an http(s) URL: {url!r}")
    spool = here / Path(agent.text("spool", "blockmeter-spool.sqlite"))
    metrics = _listen(agent, "metrics")
    grace_s = agent.integer("grace_s", 5, low=0, high=SECONDS_PER_DAY)
    per_batch = agent.integer("max_windows_per_batch", 24, low=1, high=100)
    per_post = agent.integer("max_batches_per_post", 50, low=1, high=1000)
    agent.done()

    sim = root.sub("simulator")
    start = sim.integer("start", SimulatorConfig.start, low=0)
    seed = sim.integer("seed", SimulatorConfig.seed)
    speed = float(sim.number("speed", 1.0))
    if not 0 < speed <= 1e6:
        raise sim.error("speed", f"must be > 0 and <= 1e6, got {speed}")
    default_clock = "wall" if speed == 1 else "start"
    clock = sim.text("clock", default_clock, choices=("wall", "start", "catch-up"))
    if clock == "wall" and speed != 1:
        raise sim.error("clock", "the wall clock runs at speed 1 only")
    if clock == "catch-up" and speed <= 1:
        raise sim.error("clock", f"catch-up needs a speed above 1, got {speed}")
    measure = None
    measure_start = sim.integer("measure_start", None, low=0)
    lighting = float(sim.number("measure_lighting_factor", 1.0))
    setpoint = float(sim.number("measure_setpoint_change_c", 0.0))
    if not 0 <= lighting <= 2:
        raise sim.error("measure_lighting_factor", f"must be within 0..2, got {lighting}")
    if not -10 <= setpoint <= 10:
        raise sim.error("measure_setpoint_change_c", f"must be within -10..10, got {setpoint}")
    if measure_start is not None:
        measure = Measure(measure_start, lighting, setpoint)
    model_start = sim.integer("model_start", None, low=0, high=start)
    sim.done()
    simulator = SimulatorConfig(
        seed=seed, start=start, speed=speed, clock=clock, measure=measure, model_start=model_start
    )

    meters = []
    seen: dict[str, int] = {}
    for i, table in enumerate(root.table_list("meters")):
        meter = _meter(table)
        if meter.id in seen:
            raise table.error(
                "id", f"duplicate meter id {meter.id!r} (also meters[{seen[meter.id]}])"
            )
        seen[meter.id] = i
        meters.append(meter)
    if not meters:
        raise root.error("meters", "at least one [[meters]] table is required")
    root.done()
    return Config(
        path=path,
        site_id=site_id,
        key_file=key_file,
        rest_urls=tuple(urls),
        spool=spool,
        metrics=metrics,
        grace_s=grace_s,
        max_windows_per_batch=per_batch,
        max_batches_per_post=per_post,
        simulator=simulator,
        meters=tuple(meters),
    )


def _listen(table: Params, key: str) -> tuple[str, int] | None:
    value = table.text(key, None)
    if value is None:
        return None
    try:
        return parse_host_port(value)
    except ValueError:
        raise table.error(key, f"must be HOST:PORT, got {value!r}") from None


def _meter(table: Params) -> MeterConfig:
    meter_id = table.text("id")
    if not LEDGER_ID.match(meter_id):
        raise table.error("id", f"must match {LEDGER_ID.pattern}, got {meter_id!r}")
    kind = table.text("connector", choices=tuple(connectors.KINDS))
    interval_s = table.integer("interval_s", 60, low=1, high=SECONDS_PER_DAY)
    window_s = table.integer("window_s", 900, low=1, high=SECONDS_PER_DAY)
    if window_s % interval_s or SECONDS_PER_DAY % window_s:
        raise table.error(
            "window_s",
            f"must be a multiple of interval_s ({interval_s}) that divides a day (86400), "
            f"got {window_s}",
        )
    if window_s // interval_s > MAX_SLOTS:
        raise table.error("window_s", f"holds more than {MAX_SLOTS} samples; raise interval_s")
    unit = table.text("unit", None, choices=tuple(UNITS))
    scale_text = table.number("scale", "1")
    try:
        scale = parse_scale(scale_text)
    except ValueError as exc:
        raise table.error("scale", str(exc)) from None
    module = connectors.module(kind)
    limit = getattr(module, "MAX_INTERVAL_S", SECONDS_PER_DAY)
    if interval_s > limit:
        raise table.error("interval_s", f"connector {kind!r} samples at most every {limit} s")
    settings, native_unit = module.parse_params(table.sub("params"))
    unit = unit or native_unit
    if unit is None:
        raise table.error("unit", f"is required for connector {kind!r}")
    default_mode = "cumulative" if is_quantity(unit) else "interval"
    mode = table.text("mode", default_mode, choices=("cumulative", "interval"))
    if mode == "cumulative" and not is_quantity(unit):
        raise table.error("mode", f"cumulative registers count energy or volume, not {unit}")
    table.done()
    return MeterConfig(meter_id, kind, interval_s, window_s, unit, scale, mode, settings)
