"""The agent against the real thing: devnet with the BlockMeter processor (subprocesses on
free ports). The ledger must end with exactly the simulator's windows and values, also after
the devnet was down for a while."""

from __future__ import annotations

import asyncio
import base64
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smartblocks.blockmeter import config
from smartblocks.blockmeter.agent import Agent
from smartblocks.blockmeter.connectors.modbus import MAPS
from smartblocks.blockmeter.simulator import Building
from smartblocks.blockmeter.spool import Spool
from smartblocks.clients.ledger.keys import write_key_files
from smartblocks.clients.ledger.rest import RestClient
from smartblocks.processors.blockmeter import txn
from smartblocks.protos.blockmeter_pb2 import BlockMeterPayload
from tests.agent.helpers import start_device
from tests.integration.blockmeter_fixtures import BlockMeterLedger, blockmeter

__all__ = ["blockmeter"]

START = 1_767_571_200
SEED = 23
ROLLOVER = 10**15
# point -> (kind, unit, mode, plausible min, plausible max)
POINTS = {
    "grid_import": ("ELECTRICITY_IMPORT", "MILLIWATT_HOUR", "CUMULATIVE", 0, 300_000_000),
    "gas_volume": ("GAS", "MILLILITRE", "CUMULATIVE", 0, 50_000_000),
    "outdoor_temperature": ("TEMPERATURE", "MILLIDEGREE_CELSIUS", "INTERVAL", -40_000, 60_000),
}


def setup_site(ledger: BlockMeterLedger, folder: Path, speed: int) -> tuple[Path, list[str]]:
    """A site with one meter per simulated point, all bound to a new gateway key; the agent's
    config for them."""
    site_id = ledger.unique("agent-site")
    _, _, owner = ledger.key_file(f"{site_id}-owner")
    ledger.submit(
        ledger.authority,
        txn.create_site(
            ledger.authority, site_id=site_id, owner_public_key=owner.public_key, name=site_id
        ),
    )
    gateway_key, _, gateway = write_key_files("gateway", folder)
    meters = []
    text = f"""
[agent]
site_id = "{site_id}"
key_file = "{gateway_key}"
rest_urls = ["{ledger.url}"]
grace_s = 0

[simulator]
seed = {SEED}
start = {START}
speed = {speed}
"""
    for point, (kind, unit, mode, low, high) in POINTS.items():
        meter_id = f"{site_id}.{point}"
        meters.append(meter_id)
        ledger.submit(
            owner,
            txn.register_meter(
                owner, meter_id=meter_id, site_id=site_id, kind=kind, unit=unit, mode=mode,
                rollover=ROLLOVER if mode == "CUMULATIVE" else 0, nominal_interval_s=60,
                plausible_min=low, plausible_max=high,
            ),
            txn.bind_key(
                owner, meter_id=meter_id, site_id=site_id, public_key=gateway.public_key
            ),
        )  # fmt: skip
        text += f"""
[[meters]]
id = "{meter_id}"
connector = "simulator"
interval_s = 60
window_s = 900
[meters.params]
point = "{point}"
"""
    path = folder / "site.toml"
    path.write_text(text)
    return path, meters


async def committed_at_least(agent: Agent, count: int, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        rows = await agent.db(agent.spool.status)
        if all(int(r["committed"]) >= count for r in rows):  # type: ignore[call-overload]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not {count} windows committed per meter within {timeout} s")


async def payloads(url: str, txn_ids: list[str]) -> dict[str, list[int]]:
    async with RestClient(url) as client:
        out = {}
        for txn_id in txn_ids:
            found = await client.transaction(txn_id)
            body = BlockMeterPayload.FromString(base64.b64decode(found["payload"]))
            out[txn_id] = list(body.record_readings.values)
        return out


def settle(path: Path) -> None:
    """Let only the submitter run until every closed window is committed (no readers: no new
    windows), so the spool and the ledger can be compared exactly."""

    async def drain() -> None:
        agent = Agent(config.load(path), status_wait=0.2)
        try:
            for _ in range(600):
                if not agent.spool.backlog():
                    return
                await agent.submitter.step()
            raise AssertionError("the backlog did not drain")
        finally:
            await agent.submitter.aclose()
            agent.spool.close()

    asyncio.run(drain())


def check_ledger(ledger: BlockMeterLedger, spool_path: Path, meters: list[str]) -> int:
    """Every window the spool holds as committed is on the ledger, with the simulator's values,
    once, in an unbroken series; returns how many windows were checked."""
    spool = Spool(spool_path)
    checked = 0
    try:
        for meter in meters:
            windows = spool.windows(meter)
            assert all(w.state == "committed" for w in windows), [w.state for w in windows]
            head = ledger.head(meter)
            assert head.window_count == len(windows)
            assert head.gap_count == 0 and head.flagged_count == 0
            assert head.last_window_end == windows[-1].start + 900
            point = meter.rsplit(".", 1)[1]
            building = Building(SEED, START)  # it steps forward only: one per meter
            values = asyncio.run(payloads(ledger.url, [str(w.txn_id) for w in windows]))
            for window in windows:
                truth = [building.reading(point, window.start + 60 * (i + 1)) for i in range(15)]
                assert values[str(window.txn_id)] == truth, (meter, window.start)
                checked += 1
    finally:
        spool.close()
    return checked


def test_the_ledger_holds_the_simulated_building(
    blockmeter: BlockMeterLedger, tmp_path: Path
) -> None:
    path, meters = setup_site(blockmeter, tmp_path, speed=3600)
    agent = Agent(config.load(path), status_wait=0.2)

    async def scenario() -> None:
        task = asyncio.create_task(agent.run(install_signals=False))
        try:
            await committed_at_least(agent, 4)
        finally:
            agent.stopping.set()
            await asyncio.wait_for(task, 20)

    asyncio.run(scenario())
    settle(path)
    assert check_ledger(blockmeter, agent.config.spool, meters) >= 12


def test_a_modbus_meter_reaches_the_ledger(blockmeter: BlockMeterLedger, tmp_path: Path) -> None:
    """A real Modbus TCP device whose energy register counts 7 Wh a second; the agent samples
    it every second into 2-second windows; the ledger ends with exactly the spool's windows,
    whose readings are the device's register at each interval end."""
    site_id = blockmeter.unique("modbus-site")
    _, _, owner = blockmeter.key_file(f"{site_id}-owner")
    meter_id = f"{site_id}.incomer"
    gateway_key, _, gateway = write_key_files("gateway", tmp_path)
    blockmeter.submit(
        blockmeter.authority,
        txn.create_site(
            blockmeter.authority, site_id=site_id, owner_public_key=owner.public_key, name="m"
        ),
    )
    blockmeter.submit(
        owner,
        txn.register_meter(
            owner, meter_id=meter_id, site_id=site_id, kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR", mode="CUMULATIVE", rollover=ROLLOVER, nominal_interval_s=1,
            plausible_min=0, plausible_max=10**10,
        ),
        txn.bind_key(owner, meter_id=meter_id, site_id=site_id, public_key=gateway.public_key),
    )  # fmt: skip
    register = MAPS["generic"]["energy"]
    t0 = int(time.time())

    def energy_wh(t: float) -> int:
        return 1000 + 7 * (int(t) - t0)

    async def scenario() -> Path:
        device = await start_device()
        path = tmp_path / "site.toml"
        path.write_text(
            f"""
[agent]
site_id = "{site_id}"
key_file = "{gateway_key}"
rest_urls = ["{blockmeter.url}"]
grace_s = 0

[[meters]]
id = "{meter_id}"
connector = "modbus"
interval_s = 1
window_s = 2
[meters.params]
host = "127.0.0.1"
port = {device.port}
map = "generic"
register = "energy"
"""
        )

        async def count() -> None:
            while True:
                await device.put(register, energy_wh(time.time()))
                await asyncio.sleep(0.005)

        counter = asyncio.create_task(count())
        agent = Agent(config.load(path), status_wait=0.2)
        task = asyncio.create_task(agent.run(install_signals=False))
        try:
            await committed_at_least(agent, 3, timeout=60)
        finally:
            agent.stopping.set()
            await asyncio.wait_for(task, 20)
            counter.cancel()
            await asyncio.gather(counter, return_exceptions=True)
            await device.server.shutdown()
        return path

    path = asyncio.run(scenario())
    settle(path)
    spool = Spool(config.load(path).spool)
    try:
        windows = spool.windows(meter_id)
    finally:
        spool.close()
    assert [w.state for w in windows] == ["committed"] * len(windows)
    head = blockmeter.head(meter_id)
    assert head.window_count == len(windows) and head.last_window_end == windows[-1].start + 2
    values = asyncio.run(payloads(blockmeter.url, [str(w.txn_id) for w in windows]))
    for window in windows:
        assert values[str(window.txn_id)] == window.values
        for i, value in enumerate(window.values):
            if not window.quality[i]:
                # The reading at the interval's end; the device's own update may lag a step.
                expected = energy_wh(window.start + i + 1) * 1000
                assert expected - 7000 <= value <= expected + 7000, (window.start, i)


@pytest.mark.slow
def test_sigkilled_agent_restarts_without_loss_or_duplicates(
    blockmeter: BlockMeterLedger, tmp_path: Path
) -> None:
    path, meters = setup_site(blockmeter, tmp_path, speed=3600)
    spool_path = config.load(path).spool
    command = [sys.executable, "-m", "smartblocks.blockmeter.cli", "run", "--config", str(path)]

    def committed() -> int:
        if not spool_path.exists():
            return 0
        spool = Spool(spool_path)
        try:
            return min(int(r["committed"]) for r in spool.status())  # type: ignore[call-overload]
        except ValueError:
            return 0
        finally:
            spool.close()

    for round_, extra in enumerate([2, 1, 3, 4]):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            target = committed() + extra
            deadline = time.monotonic() + 60
            while committed() < target and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            last = round_ == 3
            process.send_signal(signal.SIGTERM if last else signal.SIGKILL)
            _, stderr = process.communicate(timeout=30)
        if last:
            assert process.returncode == 0, stderr.decode()[-2000:]
    settle(path)
    assert check_ledger(blockmeter, spool_path, meters) >= 30


def test_a_devnet_outage_delays_but_loses_and_duplicates_nothing(
    blockmeter: BlockMeterLedger, tmp_path: Path
) -> None:
    path, meters = setup_site(blockmeter, tmp_path, speed=3600)
    agent = Agent(config.load(path), status_wait=0.2)
    devnet = blockmeter.node.devnet

    async def scenario() -> None:
        task = asyncio.create_task(agent.run(install_signals=False))
        try:
            await committed_at_least(agent, 2)
            await asyncio.to_thread(devnet.stop)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + 60
            # Down until the agent has failed to reach it and built up a backlog.
            while loop.time() < deadline and not (
                agent.metrics.get("blockmeter_errors_total", kind="network")
                and await agent.db(agent.spool.backlog) >= 3 * len(meters)
            ):
                await asyncio.sleep(0.05)
            await asyncio.to_thread(devnet.start)
            await committed_at_least(agent, 12, timeout=120)
        finally:
            agent.stopping.set()
            await asyncio.wait_for(task, 20)

    asyncio.run(scenario())
    assert agent.metrics.get("blockmeter_errors_total", kind="network") >= 1
    settle(path)
    assert check_ledger(blockmeter, agent.config.spool, meters) >= 36
