"""The demo's data dir: keys, the agent's and the portal's configs, the admin password.

Generated on the first run and reused on later ones, so a resumed demo keeps its keys, its
simulation start (the replay is deterministic from it) and its portal passwords; ports are
rewritten every run from stack.toml.

    DIR/.smartblocks-demo     marker: --fresh deletes only a dir that has it
    DIR/keys/                 authority, owner, gateway, esco, bank, auditor, forecaster (.priv
                              0600, .pub); genesis settings: the authority's public key is
                              smartblocks.blockmeter.authorities, the bank's the EUR issuer
    DIR/agent.toml            from blockmeter/examples/simulated-building.toml, with the
                              building's energy conservation measure (ECM) on the 1st of the
                              month two full months ago, and its model starting a year before
                              that (the baseline history the set-up writes to the ledger)
    DIR/bms-export/, bms-agent.toml, bms-spool.sqlite  the baseline year as the building's BMS
                              export (15-minute CSV) and the agent that pushed it (demo_bms.py)
    DIR/baselines/, contracts/  the fitted baseline tables and the contracts' terms files
    DIR/manager.toml, manager.sqlite  the contract manager (the ESCO's key) and its state
    DIR/predict.toml, predict.sqlite  the prediction service (the forecaster's key, granted on
                              the site by the set-up) and its state
    DIR/devnet/               the chain
    DIR/agent-spool.sqlite    the agent's spool
    DIR/portal.toml, portal/  BlockPortal config and index
    DIR/admin-password.txt    the portal admin's password (0600)
"""

from __future__ import annotations

import calendar
import datetime
import json
import secrets
import shutil
import time
import tomllib
from pathlib import Path
from typing import Any

import smartblocks.blockmeter
from smartblocks.blockmeter.simulator import CUT_IN, CUT_OUT, RATED_SPEED, Building
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import load_public_key, write_key_files, write_private_file
from smartblocks.ledger.settings import BLOCKMETER_AUTHORITIES
from smartblocks.processors.energycontract.records import issuers_setting

from .stackfile import DemoSettings, Ports

MARKER = ".smartblocks-demo"
KEY_NAMES = ("authority", "owner", "gateway", "esco", "bank", "auditor", "forecaster")
CURRENCY = "EUR"
# The ECM the simulated building gets (docs/mv.md): lighting and small power x 0.7, the heating
# set-point 1 degC lower.
MEASURE_LIGHTING_FACTOR = 0.7
MEASURE_SETPOINT_CHANGE_C = -1.0
BASELINE_DAYS = 365  # a CalTRACK baseline year before the measure
EXAMPLE = Path(smartblocks.blockmeter.__file__).parent / "examples" / "simulated-building.toml"
DEMO_USER, DEMO_PASSWORD = "demo", "demo"
ADMIN_USER, ADMIN_PASSWORD_FILE = "admin", "admin-password.txt"  # the file in the data dir
DAY = 86400


def prepare(data_dir: Path, fresh: bool = False) -> bool:
    """Create (or with `fresh`, recreate) the data dir; True when it already held a demo."""
    if fresh and data_dir.exists():
        if not (data_dir / MARKER).exists() and any(data_dir.iterdir()):
            raise UserError(
                f"--fresh: {data_dir} is not a demo data dir (no {MARKER} in it); not deleting it"
            )
        shutil.rmtree(data_dir)
    resumed = (data_dir / MARKER).exists()
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / MARKER).touch()
    return resumed


def ensure_keys(data_dir: Path) -> Path:
    key_dir = data_dir / "keys"
    for name in KEY_NAMES:
        if not (key_dir / f"{name}.priv").exists():
            write_key_files(name, key_dir, force=True)
    return key_dir


def devnet_genesis_args(data_dir: Path) -> list[str]:
    """The demo devnet's genesis settings as `smartblocks devnet` flags: the demo's authority key
    is the BlockMeter authority. None once the chain exists: it keeps its settings (changed only
    by proposal and vote), and a devnet refuses genesis settings for an existing chain."""
    from smartblocks.devnet.node import chain_exists

    if chain_exists(data_dir / "devnet"):
        return []
    from smartblocks.clients.stack.demo_markets import genesis_settings as market_settings

    authority = load_public_key(data_dir / "keys" / "authority.pub")
    bank = load_public_key(data_dir / "keys" / "bank.pub")
    # The market scenarios' operators too, whether or not this run starts them (--markets), so
    # a later run can.
    settings = [
        f"{BLOCKMETER_AUTHORITIES}={authority}",
        f"{issuers_setting(CURRENCY)}={bank}",
        *market_settings(data_dir / "keys"),
    ]
    return [arg for setting in settings for arg in ("--setting", setting)]


def simulation_start(data_dir: Path, days: int, now: float | None = None) -> int:
    """The start of the first run (kept on resume), else midnight UTC `days` days ago."""
    existing = data_dir / "agent.toml"
    if existing.exists():
        try:
            return int(tomllib.loads(existing.read_text())["simulator"]["start"])
        except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError):
            pass  # unreadable: start over from a fresh date; the spool drops duplicates
    today = int(now if now is not None else time.time()) // DAY * DAY
    return today - days * DAY


def _existing_simulator(data_dir: Path) -> dict[str, Any]:
    existing = data_dir / "agent.toml"
    if not existing.exists():
        return {}
    try:
        return dict(tomllib.loads(existing.read_text()).get("simulator", {}))
    except tomllib.TOMLDecodeError:
        return {}


def measure_date(start: int, now: float | None = None) -> int:
    """The ECM's day: the 1st of the month two full months before today (UTC), or the 1st of
    the simulation start's month if that is earlier (the history must reach the measure)."""
    today = datetime.datetime.fromtimestamp(
        int(now if now is not None else time.time()), datetime.UTC
    ).date()
    year, month = today.year, today.month - 2
    if month < 1:
        year, month = year - 1, month + 12
    two_months = calendar.timegm((year, month, 1, 0, 0, 0))
    begun = datetime.datetime.fromtimestamp(start, datetime.UTC)
    start_month = calendar.timegm((begun.year, begun.month, 1, 0, 0, 0))
    return min(two_months, start_month)


def measure_and_model_start(
    data_dir: Path, start: int, now: float | None = None
) -> tuple[int, int]:
    """(ECM start, model start = a baseline year before it): those of the first run, kept on
    resume like the simulation start."""
    sim = _existing_simulator(data_dir)
    try:
        measure, model = int(sim["measure_start"]), int(sim["model_start"])
    except (KeyError, TypeError, ValueError):
        measure = measure_date(start, now)
        model = measure - BASELINE_DAYS * DAY
    return measure, model


def agent_config(data_dir: Path, ports: Ports, settings: DemoSettings) -> dict[str, Any]:
    """The example building's config, pointed at this demo's keys, ledger and spool."""
    doc = tomllib.loads(EXAMPLE.read_text())
    doc["agent"].update(
        key_file="keys/gateway.priv",
        rest_urls=[f"http://127.0.0.1:{ports.rest_api}"],
        spool="agent-spool.sqlite",
        metrics=f"127.0.0.1:{ports.agent_metrics}",
    )
    start = simulation_start(data_dir, settings.days)
    measure, model = measure_and_model_start(data_dir, start)
    doc["simulator"].update(
        start=start,
        speed=settings.speed,
        clock="catch-up",
        # The set-up writes [model_start, start) to the ledger; the agent continues from there.
        model_start=model,
        measure_start=measure,
        measure_lighting_factor=MEASURE_LIGHTING_FACTOR,
        measure_setpoint_change_c=MEASURE_SETPOINT_CHANGE_C,
    )
    return doc


def write_agent_config(data_dir: Path, ports: Ports, settings: DemoSettings) -> Path:
    path = data_dir / "agent.toml"
    header = "# Written by `smartblocks up --demo` from " + str(EXAMPLE.name) + "\n"
    path.write_text(header + dump_toml(agent_config(data_dir, ports, settings)))
    return path


def write_manager_config(data_dir: Path, ports: Ports) -> Path:
    """manager.toml: the contract manager settles the contracts where the ESCO is a party."""
    path = data_dir / "manager.toml"
    doc = {
        "service": {
            "rest_api": f"http://127.0.0.1:{ports.rest_api}",
            "component": f"tcp://127.0.0.1:{ports.component}",
            "key": "keys/esco.priv",
            "state": "manager.sqlite",
            "log_level": "info",
        },
    }
    path.write_text("# Written by `smartblocks up --demo`\n" + dump_toml(doc))
    return path


# The prediction service's weather: the simulator's own, with the error a typical day-ahead
# forecast has (1 degC, 1 m/s after a day of lead time; README "The prediction service").
FORECAST_TEMPERATURE_ERROR_C = 1.0
FORECAST_WIND_ERROR_MS = 1.0
WIND_METER = "wind"  # relative to the site
TURBINE_HEIGHT_M = 10.0  # the simulator's wind speed is the turbine's: no height scaling


def turbine_power_curve() -> list[list[float]]:
    """The demo turbine's datasheet curve, [m/s, W]: the simulator's 10 kW turbine sampled every
    0.5 m/s from cut-in to rated speed, flat to cut-out (windpowerlib interpolates between the
    points and gives 0 outside them)."""
    speeds = [CUT_IN + 0.5 * i for i in range(int((RATED_SPEED - CUT_IN) / 0.5) + 1)]
    curve = [[s, round(Building.wind_power_kw(s) * 1000, 1)] for s in speeds]
    return [*curve, [CUT_OUT, curve[-1][1]]]


def write_predict_config(data_dir: Path, ports: Ports) -> Path:
    """predict.toml: the prediction service forecasts the contracts' demand meters from the
    baselines the set-up fits (DIR/baselines/) and the wind turbine from its power curve, on the
    simulator's weather (same seed and model start as the agent's building) with forecast
    error. Written before the set-up: the service starts after it, when the tables exist."""
    from .demo_contracts import CONTRACTS

    agent = tomllib.loads((data_dir / "agent.toml").read_text())
    simulator, site = agent["simulator"], agent["agent"]["site_id"]
    demand = [
        {
            "meter_id": f"{site}.{c.meter}",
            "kind": "demand",
            "baseline": f"baselines/{c.baseline}.pb",
        }
        for c in CONTRACTS
    ]
    wind = {
        "meter_id": f"{site}.{WIND_METER}",
        "kind": "wind",
        "power_curve": turbine_power_curve(),
        "hub_height": TURBINE_HEIGHT_M,
        "measurement_height": TURBINE_HEIGHT_M,
    }
    doc = {
        "service": {
            "rest_api": f"http://127.0.0.1:{ports.rest_api}",
            "component": f"tcp://127.0.0.1:{ports.component}",
            "key": "keys/forecaster.priv",
            "state": "predict.sqlite",
            "model_version": "1",
        },
        "weather": {
            "kind": "simulator",
            "seed": int(simulator["seed"]),
            "start": int(simulator.get("model_start", simulator["start"])),
            "temperature_error_c": FORECAST_TEMPERATURE_ERROR_C,
            "wind_error_ms": FORECAST_WIND_ERROR_MS,
        },
        "meters": [*demand, wind],
    }
    path = data_dir / "predict.toml"
    path.write_text("# Written by `smartblocks up --demo`\n" + dump_toml(doc))
    return path


def write_portal_config(data_dir: Path, ports: Ports) -> Path:
    """portal.toml with the demo reader and an admin whose random password goes to a 0600 file;
    users (and so passwords) of an earlier run are kept."""
    from smartblocks.clients.portal.auth import hash_password

    path = data_dir / "portal.toml"
    password_file = data_dir / ADMIN_PASSWORD_FILE
    users: list[dict[str, str]] = []
    if path.exists() and password_file.exists():
        users = list(tomllib.loads(path.read_text()).get("users", []))
    if not users:
        admin_password = secrets.token_urlsafe(12)
        write_private_file(password_file, admin_password + "\n")
        users = [
            {"name": DEMO_USER, "role": "reader", "password": hash_password(DEMO_PASSWORD)},
            {"name": ADMIN_USER, "role": "admin", "password": hash_password(admin_password)},
        ]
    doc = {
        "portal": {
            "listen": f"127.0.0.1:{ports.portal}",
            "rest_api": f"http://127.0.0.1:{ports.rest_api}",
            "component": f"tcp://127.0.0.1:{ports.component}",
            "data_dir": str(data_dir.resolve() / "portal"),
        },
        "users": users,
    }
    path.write_text("# Written by `smartblocks up --demo`\n" + dump_toml(doc))
    return path


def dump_toml(doc: dict[str, Any]) -> str:
    """TOML for the shapes our configs use: tables, arrays of tables, one level of sub-tables."""
    out: list[str] = []
    for name, value in doc.items():
        tables = value if isinstance(value, list) else [value]
        for table in tables:
            out.append(f"\n[[{name}]]" if isinstance(value, list) else f"\n[{name}]")
            subtables = {k: v for k, v in table.items() if isinstance(v, dict)}
            out += [f"{k} = {_value(v)}" for k, v in table.items() if k not in subtables]
            for sub, entries in subtables.items():
                out.append(f"[{name}.{sub}]")
                out += [f"{k} = {_value(v)}" for k, v in entries.items()]
    return "\n".join(out).lstrip("\n") + "\n"


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string for everything we write
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
