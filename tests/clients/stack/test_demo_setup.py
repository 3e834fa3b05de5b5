"""The demo's set-up step against a real devnet with the BlockMeter and BlockPredict processors:
the site, its meters, the prediction service's grant and the baseline history (here two days of
it; the contracts are the slow demo test's)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartblocks.blockmeter.config import load as load_agent_config
from smartblocks.blockmeter.simulator import Building
from smartblocks.clients.stack import demo_files
from smartblocks.clients.stack.demo_setup import set_up
from smartblocks.clients.stack.stackfile import DemoSettings, Ports
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import load_signer
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.blockmeter import addressing
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.blockpredict import addressing as predict_addressing
from smartblocks.protos.blockmeter_pb2 import (
    Meter,
    MeterHead,
    MeterKind,
    ReadingMode,
    Site,
    Unit,
)
from smartblocks.protos.blockpredict_pb2 import Forecasters
from tests.integration.conftest import Node

HISTORY_DAYS = 2


def demo_dir(tmp_path: Path) -> Path:
    """A demo dir whose history is two days long (the demo's is a year and two months)."""
    data_dir = tmp_path / "demo"
    demo_files.prepare(data_dir)
    demo_files.ensure_keys(data_dir)
    path = demo_files.write_agent_config(data_dir, Ports(), DemoSettings())
    config = load_agent_config(path)
    start = config.simulator.start
    assert config.simulator.measure is not None
    text = (
        path.read_text()
        .replace(
            f"model_start = {config.simulator.model_start}",
            f"model_start = {start - HISTORY_DAYS * 86400}",
        )
        .replace(  # the first day is the BMS export's, the second the gateway's 1-minute data
            f"measure_start = {config.simulator.measure.start}",
            f"measure_start = {start - 86400}",
        )
    )
    path.write_text(text)
    return data_dir


def authorities_setting(data_dir: Path) -> str:
    key = load_signer(data_dir / "keys" / "authority.priv").public_key
    return f"{AUTHORITIES_SETTING}={key}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_dir(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory, demo: Path) -> Iterator[Node]:
    # As `smartblocks up --demo` does: the demo's authority key is a genesis setting.
    own = Node(tmp_path_factory.mktemp("stack") / "devnet", "--setting", authorities_setting(demo))
    try:
        yield own.start("blockmeter", "blockpredict")
    finally:
        own.stop()


EXPECTED = {
    # meter: kind, unit, mode, plausible min and max
    "lab-970.incomer-import": ("ELECTRICITY_IMPORT", "MILLIWATT_HOUR", "CUMULATIVE", 0, 3 * 10**8),
    "lab-970.incomer-export": ("ELECTRICITY_EXPORT", "MILLIWATT_HOUR", "CUMULATIVE", 0, 10**8),
    "lab-970.chp": ("GENERATION", "MILLIWATT_HOUR", "CUMULATIVE", 0, 6 * 10**7),
    "lab-970.wind": ("GENERATION", "MILLIWATT_HOUR", "CUMULATIVE", 0, 12 * 10**6),
    "lab-970.battery-charge": ("STORAGE_CHARGE", "MILLIWATT_HOUR", "CUMULATIVE", 0, 2 * 10**7),
    "lab-970.battery-discharge": (
        "STORAGE_DISCHARGE",
        "MILLIWATT_HOUR",
        "CUMULATIVE",
        0,
        2 * 10**7,
    ),
    "lab-970.gas": ("GAS", "MILLILITRE", "CUMULATIVE", 0, 5 * 10**7),
    "lab-970.outdoor-temperature": (
        "TEMPERATURE",
        "MILLIDEGREE_CELSIUS",
        "INTERVAL",
        -40000,
        60000,
    ),
    "lab-970.wind-speed": ("WIND_SPEED", "MILLIMETRE_PER_SECOND", "INTERVAL", 0, 60000),
}


async def test_sets_up_site_and_every_meter_once(node: Node, demo: Path) -> None:
    data_dir = demo
    out = io.StringIO()
    assert await set_up(data_dir, node.rest_url, out, contracts=False) is True
    assert "9 meters and their 9 BMS points registered" in out.getvalue()
    assert "granted the prediction service's key" in out.getvalue()
    assert "BMS export: 864 15-minute readings of 9 points" in out.getvalue()
    assert "864 of 864 readings spooled, 9 of 9 meter-days on the ledger" in out.getvalue()
    assert "history loaded: 12,960 readings of 9 meters" in out.getvalue()
    export = sorted((data_dir / "bms-export" / "bms-incomer-import").glob("*.csv"))
    lines = "".join(path.read_text() for path in export).splitlines()
    assert lines[0] == "timestamp,value"
    assert len([line for line in lines if line != "timestamp,value"]) == 96  # in one file or two

    config = load_agent_config(data_dir / "agent.toml")
    gateway = load_signer(data_dir / "keys" / "gateway.priv").public_key
    owner = load_signer(data_dir / "keys" / "owner.priv").public_key
    forecaster = load_signer(data_dir / "keys" / "forecaster.priv").public_key
    async with RestClient(node.rest_url) as rest:
        # The owner granted the key predict.toml names: the service may post for the site.
        granted = await rest.state(predict_addressing.forecasters_address("lab-970"))
        assert list(Forecasters.FromString(granted or b"").public_keys) == [forecaster]
        site = Site.FromString(await rest.state(addressing.site_address("lab-970")) or b"")
        assert (site.name, site.floor_area_m2, site.owner_public_key) == (
            "Office/lab (simulated)",
            970,
            owner,
        )
        assert [m.id for m in config.meters] == list(EXPECTED)
        meter_kind = {}
        for meter_id, (kind, unit, mode, low, high) in EXPECTED.items():
            raw = await rest.state(addressing.meter_address(meter_id))
            meter = Meter.FromString(raw or b"")
            assert MeterKind.Name(meter.kind) == kind, meter_id
            assert Unit.Name(meter.unit) == unit, meter_id
            assert ReadingMode.Name(meter.mode) == mode, meter_id
            assert (meter.plausible_min, meter.plausible_max) == (low, high), meter_id
            assert meter.nominal_interval_s == 60
            assert list(meter.device_keys) == [gateway]
            meter_kind[meter_id.replace("lab-970.", "lab-970.bms-")] = meter.kind

        # The history: each meter's readings from the model's start to the simulation's, the
        # registers where the agent's building (the same model) has them at its first slot.
        sim = config.simulator
        assert sim.model_start is not None and sim.start - sim.model_start == 2 * 86400
        building = Building(sim.seed, sim.model_start, sim.measure)
        for configured in config.meters:
            head = MeterHead.FromString(
                await rest.state(addressing.meter_head_address(configured.id)) or b""
            )
            # The 1-minute meters from the measure on; their BMS points' meters the day before.
            measure = sim.start - 86400
            assert (head.first_window_start, head.last_window_end) == (measure, sim.start)
            assert head.value_count == 1440 and (head.gap_count, head.flagged_count) == (0, 0)
            bms_id = configured.id.replace("lab-970.", "lab-970.bms-")
            bms = MeterHead.FromString(
                await rest.state(addressing.meter_head_address(bms_id)) or b""
            )
            assert (bms.first_window_start, bms.last_window_end) == (sim.model_start, measure)
            assert bms.value_count == 96 and (bms.gap_count, bms.flagged_count) == (0, 0)
            bms_meter = Meter.FromString(await rest.state(addressing.meter_address(bms_id)) or b"")
            assert bms_meter.nominal_interval_s == 900 and bms_meter.kind == meter_kind[bms_id]
            if configured.mode == "cumulative":
                point = configured.settings.point
                assert head.last_register == building.reading(point, sim.start)

    # A resumed chain: the site and the history are there, nothing is submitted.
    again = io.StringIO()
    assert await set_up(data_dir, node.rest_url, again, contracts=False) is False
    assert "site lab-970 is on the ledger already" in again.getvalue()
    assert f"the forecaster {forecaster[:12]}… is granted on lab-970 already" in again.getvalue()
    assert "is on the ledger already" in again.getvalue().splitlines()[-1]


async def test_a_chain_whose_authorities_are_not_the_demos_is_refused(tmp_path: Path) -> None:
    other = Node(tmp_path / "devnet")  # no authorities at genesis
    try:
        other.start("blockmeter")
        with pytest.raises(UserError, match="do not include the demo's authority key"):
            await set_up(demo_dir(tmp_path), other.rest_url, io.StringIO())
    finally:
        other.stop()
