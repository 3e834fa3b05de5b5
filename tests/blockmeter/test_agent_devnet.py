"""The agent against the real thing: devnet with the BlockMeter processor (subprocesses on
free ports), fed by the simulator, a real Modbus TCP device and a real OPC UA server (polled
and subscribed). The ledger must end with exactly the expected windows and values, also after
the devnet was down for a while. REST faults and rejected windows: test_agent_devnet_faults.py."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from asyncua import Server, ua

from smartblocks.blockmeter import config
from smartblocks.blockmeter.agent import Agent
from smartblocks.blockmeter.connectors.modbus import MAPS
from smartblocks.blockmeter.spool import Spool
from tests.blockmeter.devnet_site import (
    Counter,
    agent_header,
    check_ledger,
    committed_at_least,
    device_meters,
    ledger_matches_spool,
    payloads,
    running,
    settle,
    setup_site,
)
from tests.blockmeter.helpers import free_port, start_device
from tests.integration.blockmeter_fixtures import BlockMeterLedger, blockmeter

__all__ = ["blockmeter"]
logging.getLogger("asyncua").setLevel(logging.ERROR)


def test_the_ledger_holds_the_simulated_building(
    blockmeter: BlockMeterLedger, tmp_path: Path
) -> None:
    path, meters = setup_site(blockmeter, tmp_path, speed=3600)
    agent = Agent(config.load(path), status_wait=0.2)

    async def scenario() -> None:
        async with running(agent):
            await committed_at_least(agent, 4)

    asyncio.run(scenario())
    settle(path)
    assert check_ledger(blockmeter, agent.config.spool, meters) >= 12


def test_a_modbus_meter_reaches_the_ledger(blockmeter: BlockMeterLedger, tmp_path: Path) -> None:
    """A real Modbus TCP device whose energy register counts 7 Wh a second; the agent samples
    it every second into 2-second windows; the ledger ends with exactly the spool's windows,
    whose readings are the device's register at each interval end."""
    site_id, (meter_id,), gateway_key = device_meters(blockmeter, tmp_path, 1)
    register = MAPS["generic"]["energy"]
    t0 = int(time.time())

    def energy_wh(t: float) -> int:
        return 1000 + 7 * (int(t) - t0)

    async def scenario() -> Path:
        device = await start_device()
        path = tmp_path / "site.toml"
        path.write_text(
            agent_header(site_id, gateway_key, blockmeter.url)
            + f"""
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
        try:
            async with running(agent):
                await committed_at_least(agent, 3, timeout=60)
        finally:
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


async def start_opcua_meter(counter: Counter) -> tuple[Server, str, str, asyncio.Task[None]]:
    """An asyncua server on a free port whose Double node (Wh) is `counter`: (server,
    endpoint, node id, the task that steps the node)."""
    server = Server()
    await server.init()
    endpoint = f"opc.tcp://127.0.0.1:{free_port()}/blockmeter-e2e/"
    server.set_endpoint(endpoint)
    idx = await server.register_namespace("urn:smartblocks:e2e")
    meter = await server.nodes.objects.add_object(idx, "Incomer")
    node = await meter.add_variable(idx, "Energy", float(counter.base_wh), ua.VariantType.Double)
    await server.start()

    async def write(wh: int) -> None:
        await node.write_value(float(wh))

    return server, endpoint, node.nodeid.to_string(), asyncio.create_task(counter.run(write))


def test_an_opcua_meter_reaches_the_ledger_polled_and_subscribed(
    blockmeter: BlockMeterLedger, tmp_path: Path
) -> None:
    """A real OPC UA server whose energy node counts 7 Wh a second; one meter polls it, one
    subscribes to it, both every second into 2-second windows. The ledger ends with exactly
    the spool's windows, and every reading is the node's value at its interval's end."""
    counter = Counter(base_wh=1000, step_wh=7)
    site_id, meters, gateway_key = device_meters(
        blockmeter, tmp_path, 2, initial_register=counter.base_wh * 1000, plausible_max=10**9
    )

    async def scenario() -> Path:
        server, endpoint, node_id, stepping = await start_opcua_meter(counter)
        text = agent_header(site_id, gateway_key, blockmeter.url)
        for meter_id, mode in zip(meters, ("poll", "subscribe"), strict=True):
            text += f"""
[[meters]]
id = "{meter_id}"
connector = "opcua"
interval_s = 1
window_s = 2
[meters.params]
endpoint = "{endpoint}"
node_id = "{node_id}"
node_unit = "Wh"
mode = "{mode}"
publish_ms = 50
"""
        path = tmp_path / "site.toml"
        path.write_text(text)
        agent = Agent(config.load(path), status_wait=0.2)
        counter.pause(2)
        try:
            async with running(agent):
                await committed_at_least(agent, 4, timeout=60)
        finally:
            stepping.cancel()
            await asyncio.gather(stepping, return_exceptions=True)
            await server.stop()
        return path

    path = asyncio.run(scenario())
    settle(path)
    for meter_id in meters:
        windows = ledger_matches_spool(blockmeter, config.load(path).spool, meter_id)
        assert counter.check(windows) >= 4, meter_id


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
        async with running(agent):
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

    asyncio.run(scenario())
    assert agent.metrics.get("blockmeter_errors_total", kind="network") >= 1
    settle(path)
    assert check_ledger(blockmeter, agent.config.spool, meters) >= 36
