"""The demo's generated files: keys, agent.toml, portal.toml, and what a resumed run keeps."""

from __future__ import annotations

import calendar
import stat
import time
import tomllib
from pathlib import Path

import pytest

from smartblocks.blockmeter.config import load as load_agent_config
from smartblocks.clients.portal.auth import verify_password
from smartblocks.clients.portal.config import load_config as load_portal_config
from smartblocks.clients.stack import demo_files
from smartblocks.clients.stack.stackfile import DemoSettings, Ports
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import load_signer

PORTS = Ports(component=14004, rest_api=18008, portal=18080, agent_metrics=19464)


def make_demo_dir(tmp_path: Path, settings: DemoSettings | None = None) -> Path:
    data_dir = tmp_path / "demo"
    demo_files.prepare(data_dir)
    demo_files.ensure_keys(data_dir)
    demo_files.write_agent_config(data_dir, PORTS, settings or DemoSettings())
    demo_files.write_portal_config(data_dir, PORTS)
    return data_dir


def test_agent_config_is_the_example_building_catching_up_from_midnight(tmp_path: Path) -> None:
    data_dir = make_demo_dir(tmp_path, DemoSettings(days=30, speed=14400))
    config = load_agent_config(data_dir / "agent.toml")
    example = load_agent_config(demo_files.EXAMPLE)
    assert [m.id for m in config.meters] == [m.id for m in example.meters]
    assert all(m.interval_s == 60 for m in config.meters)
    assert config.site_id == "lab-970"
    assert config.rest_urls == ("http://127.0.0.1:18008",)
    assert config.metrics == ("127.0.0.1", 19464)
    assert config.key_file == (data_dir / "keys" / "gateway.priv").resolve()
    assert config.spool == (data_dir / "agent-spool.sqlite").resolve()
    sim = config.simulator
    assert (sim.clock, sim.speed) == ("catch-up", 14400)
    midnight = int(time.time()) // 86400 * 86400
    assert sim.start == midnight - 30 * 86400
    load_signer(config.key_file)  # 0600 and a valid key


def test_a_resumed_demo_keeps_keys_start_and_passwords_but_takes_new_ports(
    tmp_path: Path,
) -> None:
    data_dir = make_demo_dir(tmp_path, DemoSettings(days=3))
    gateway = (data_dir / "keys" / "gateway.pub").read_text()
    sim = load_agent_config(data_dir / "agent.toml").simulator
    start, measure, model_start = sim.start, sim.measure, sim.model_start
    users = load_portal_config(data_dir / "portal.toml").users

    assert demo_files.prepare(data_dir) is True
    demo_files.ensure_keys(data_dir)
    moved = Ports(component=24004, rest_api=28008, portal=28080, agent_metrics=29464)
    demo_files.write_agent_config(data_dir, moved, DemoSettings(days=10))
    demo_files.write_portal_config(data_dir, moved)

    assert (data_dir / "keys" / "gateway.pub").read_text() == gateway
    config = load_agent_config(data_dir / "agent.toml")
    assert config.simulator.start == start
    assert (config.simulator.measure, config.simulator.model_start) == (measure, model_start)
    assert config.rest_urls == ("http://127.0.0.1:28008",)
    portal = load_portal_config(data_dir / "portal.toml")
    assert portal.users == users
    assert portal.listen == "127.0.0.1:28080"
    assert portal.component == "tcp://127.0.0.1:24004"


def test_portal_config_has_the_demo_reader_and_a_random_admin(tmp_path: Path) -> None:
    data_dir = make_demo_dir(tmp_path)
    config = load_portal_config(data_dir / "portal.toml")
    assert config.rest_api == "http://127.0.0.1:18008"
    assert Path(config.data_dir) == (data_dir / "portal").resolve()
    demo, admin = config.users["demo"], config.users["admin"]
    assert demo.role == "reader" and verify_password("demo", demo.password_hash)
    password_file = data_dir / "admin-password.txt"
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    admin_password = password_file.read_text().strip()
    assert len(admin_password) >= 12
    assert admin.role == "admin" and verify_password(admin_password, admin.password_hash)


def test_fresh_deletes_a_demo_dir_but_refuses_any_other(tmp_path: Path) -> None:
    data_dir = make_demo_dir(tmp_path)
    old_key = (data_dir / "keys" / "owner.pub").read_text()
    assert demo_files.prepare(data_dir, fresh=True) is False
    demo_files.ensure_keys(data_dir)
    assert (data_dir / "keys" / "owner.pub").read_text() != old_key

    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("x")
    with pytest.raises(UserError, match="not a demo data dir"):
        demo_files.prepare(precious, fresh=True)
    assert (precious / "thesis.tex").exists()


def test_dump_toml_round_trips_our_shapes() -> None:
    doc = {
        "agent": {"site_id": 'a "quoted" ü', "rest_urls": ["http://x:1"], "speed": 1.5},
        "meters": [{"id": "m", "enabled": True, "params": {"point": "gas_volume", "seed": 3}}],
    }
    assert tomllib.loads(demo_files.dump_toml(doc)) == doc


def test_the_authority_key_is_a_genesis_setting_of_a_new_chain_only(tmp_path: Path) -> None:
    import asyncio

    from smartblocks.devnet.node import Devnet, DevnetConfig
    from smartblocks.ledger.keys import load_public_key

    data_dir = make_demo_dir(tmp_path)
    authority = load_public_key(data_dir / "keys" / "authority.pub")
    bank = load_public_key(data_dir / "keys" / "bank.pub")
    args = demo_files.devnet_genesis_args(data_dir)
    assert args[:4] == [
        "--setting",
        f"smartblocks.blockmeter.authorities={authority}",
        "--setting",
        f"smartblocks.energycontract.issuers.EUR={bank}",
    ]
    # The market scenarios' operators (their keys made beside the demo's).
    market = dict(s.split("=", 1) for s in args[5::2])
    assert set(market) == {
        "smartblocks.energycontract.aggregators",
        "smartblocks.energycontract.issuers.PLT",
        "smartblocks.markets.operator",
        "smartblocks.energycontract.suppliers",
        "smartblocks.energycontract.auctioneers",
    }
    assert market["smartblocks.energycontract.issuers.PLT"] == load_public_key(
        data_dir / "keys" / "p2p-aggregator.pub"
    )
    assert args[::2] == ["--setting"] * 7

    async def make_chain() -> None:
        devnet = Devnet(DevnetConfig(data_dir / "devnet", "tcp://127.0.0.1:0"))
        await devnet.start()
        await devnet.stop()

    # Once the devnet has written its genesis block, the flags would be refused: none.
    asyncio.run(make_chain())
    assert demo_files.devnet_genesis_args(data_dir) == []


def test_the_measure_is_on_the_first_of_the_month_two_full_months_ago() -> None:
    day = 86400
    dec_6 = calendar.timegm((2026, 12, 6, 15, 0, 0))
    start = calendar.timegm((2026, 11, 6, 0, 0, 0))
    assert demo_files.measure_date(start, dec_6) == calendar.timegm((2026, 10, 1, 0, 0, 0))
    feb_1 = calendar.timegm((2027, 2, 1, 0, 0, 0))
    assert demo_files.measure_date(feb_1 - 30 * day, feb_1) == calendar.timegm(
        (2026, 12, 1, 0, 0, 0)
    )
    # A simulation that starts earlier (a long replay): the measure moves to its month, so the
    # history written before the agent starts reaches the measure.
    early = calendar.timegm((2026, 8, 20, 0, 0, 0))
    assert demo_files.measure_date(early, dec_6) == calendar.timegm((2026, 8, 1, 0, 0, 0))


def test_agent_config_has_the_measure_and_a_baseline_year_of_model_before_it(
    tmp_path: Path,
) -> None:
    data_dir = make_demo_dir(tmp_path, DemoSettings(days=30))
    sim = load_agent_config(data_dir / "agent.toml").simulator
    assert sim.measure is not None
    assert (sim.measure.lighting_factor, sim.measure.setpoint_change_c) == (0.7, -1.0)
    assert sim.model_start == sim.measure.start - 365 * 86400
    assert sim.model_start < sim.measure.start <= sim.start
    assert demo_files.measure_date(sim.start) == sim.measure.start


def test_manager_config_settles_with_the_escos_key(tmp_path: Path) -> None:
    from smartblocks.clients.contracts.manager_config import load_config

    data_dir = make_demo_dir(tmp_path)
    config = load_config(demo_files.write_manager_config(data_dir, PORTS))
    assert config.key == data_dir / "keys" / "esco.priv"
    assert config.state == data_dir / "manager.sqlite"
    assert config.rest_api == "http://127.0.0.1:18008"
    assert config.component == "tcp://127.0.0.1:14004"
    assert (
        load_signer(config.key).public_key == (data_dir / "keys" / "esco.pub").read_text().strip()
    )


def test_predict_config_forecasts_the_contracts_meters_and_the_turbine(tmp_path: Path) -> None:
    """The prediction service: the forecaster's key, the simulator's weather (the agent's seed
    and model start, with forecast error), the two contract meters from the baselines the
    set-up fits, and the wind turbine from its power curve."""
    from smartblocks.blockmeter.simulator import Building
    from smartblocks.clients.predict.config import load_config
    from smartblocks.clients.predict.forecasts import PowerCurve, wind_forecast
    from smartblocks.clients.stack.demo_contracts import CONTRACTS

    data_dir = make_demo_dir(tmp_path)
    config = load_config(demo_files.write_predict_config(data_dir, PORTS))
    assert config.key == data_dir / "keys" / "forecaster.priv"
    load_signer(config.key)
    assert config.state == data_dir / "predict.sqlite"
    assert (config.rest_api, config.component) == (
        "http://127.0.0.1:18008",
        "tcp://127.0.0.1:14004",
    )
    sim = load_agent_config(data_dir / "agent.toml").simulator
    weather = config.weather
    assert (weather.kind, weather.seed, weather.start) == ("simulator", sim.seed, sim.model_start)
    assert (weather.temperature_error_c, weather.wind_error_ms) == (1.0, 1.0)

    demand = {m.meter_id: m.baseline for m in config.meters if m.kind == "demand"}
    assert demand == {
        f"lab-970.{c.meter}": data_dir / "baselines" / f"{c.baseline}.pb" for c in CONTRACTS
    }
    assert set(demand) == {"lab-970.incomer-import", "lab-970.gas"}
    (wind,) = [m for m in config.meters if m.kind == "wind"]
    assert wind.meter_id == "lab-970.wind"
    assert wind.hub_height == wind.measurement_height  # the simulator's speed is the turbine's
    speeds = [0.0, 2.9, 3.2, 5.0, 7.25, 10.8, 11.0, 18.0, 26.0] + [6.0] * 15
    forecast = wind_forecast(
        PowerCurve(*zip(*wind.power_curve, strict=True)),
        speeds,
        hub_height_m=wind.hub_height,
        measurement_height_m=wind.measurement_height,
    )
    truth = [Building.wind_power_kw(s) * 1_000_000 for s in speeds]  # mWh in an hour
    assert all(abs(f - t) <= 20_000 for f, t in zip(forecast, truth, strict=True))  # <= 20 W
