"""The agent's promise under faults, against the real devnet with the BlockMeter processor:
a REST API that throttles, fails and hangs up (a fault-injecting proxy in front of the devnet),
and a meter whose windows the ledger rejects until the operator fixes the cause. After each,
the ledger holds every window exactly once and nothing else."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from smartblocks.blockmeter import config
from smartblocks.blockmeter.agent import Agent
from smartblocks.blockmeter.cli import main
from smartblocks.blockmeter.connectors.modbus import MAPS
from smartblocks.ledger.backoff import Backoff
from tests.blockmeter.devnet_site import (
    Counter,
    agent_header,
    check_ledger,
    committed_at_least,
    device_meters,
    ledger_matches_spool,
    running,
    settle,
    setup_site,
)
from tests.blockmeter.fault_proxy import FaultProxy
from tests.blockmeter.helpers import start_device
from tests.integration.blockmeter_fixtures import BlockMeterLedger, blockmeter

__all__ = ["blockmeter"]
FAST_BACKOFF = dict(backoff=Backoff(0.05, 0.5, jitter=True), status_wait=0.2)


async def until(check: object, what: str, timeout: float = 60) -> None:
    """Await `check()` (sync or async) until truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        result = check()  # type: ignore[operator]
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


def test_throttling_server_errors_and_hang_ups_lose_and_duplicate_nothing(
    blockmeter: BlockMeterLedger, tmp_path: Path
) -> None:
    """429 and 503 answers, connections closed unanswered, and answers lost after the devnet
    took the request (a POSTed batch is in, the agent cannot know): the agent backs off,
    resends the same bytes, and the ledger ends with the simulator's windows, each once."""
    path, meters = setup_site(blockmeter, tmp_path, speed=3600)
    direct = path.read_text()
    faults: list[int | str] = [429, 429, 503, "drop", 503, "lose", 429, "drop", "lose", "lose"]

    async def scenario() -> tuple[Agent, FaultProxy]:
        proxy = await FaultProxy(blockmeter.url).start()
        path.write_text(direct.replace(blockmeter.url, proxy.url))
        agent = Agent(config.load(path), **FAST_BACKOFF)  # type: ignore[arg-type]
        try:
            async with running(agent):
                await committed_at_least(agent, 1)
                proxy.faults = list(faults)
                proxy.batch_faults = ["lose", 503, "lose"]
                await until(lambda: not proxy.faults and not proxy.batch_faults, "faults injected")
                await committed_at_least(agent, 8, timeout=90)
        finally:
            await proxy.stop()
        return agent, proxy

    agent, proxy = asyncio.run(scenario())
    assert sum(proxy.injected.values()) == len(faults) + 3
    assert proxy.injected["lose POST /batches"] == 2, proxy.injected
    for kind in ("throttled", "server", "network"):
        assert agent.metrics.get("blockmeter_errors_total", kind=kind) >= 1, kind
    path.write_text(direct)  # the proxy is gone: settle against the devnet itself
    settle(path)
    assert check_ledger(blockmeter, agent.config.spool, meters) >= 24


def modbus_config(
    path: Path, site: tuple[str, list[str], Path], url: str, port: int, scales: list[str]
) -> None:
    """Each meter reads the same device's energy register (Wh) with its own scale."""
    site_id, meters, gateway_key = site
    text = agent_header(site_id, gateway_key, url)
    for meter_id, scale in zip(meters, scales, strict=True):
        text += f"""
[[meters]]
id = "{meter_id}"
connector = "modbus"
interval_s = 1
window_s = 2
scale = "{scale}"
[meters.params]
host = "127.0.0.1"
port = {port}
map = "generic"
register = "energy"
"""
    path.write_text(text)


def committed(agent: Agent, meter: str) -> int:
    return int(next(r for r in agent.spool.status() if r["meter"] == meter)["committed"])  # type: ignore[call-overload]


def test_a_wrongly_scaled_meter_is_quarantined_then_rescaled_and_requeued(
    blockmeter: BlockMeterLedger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A meter configured with scale 1000 instead of 1 posts readings 1000 times too high: the
    ledger's plausibility bound (1 MWh/h) rejects its first window; the meter is quarantined,
    `blockmeter status` names the rule, and its later windows wait while the correctly scaled
    meter beside it carries on. The operator stops the agent, fixes the scale in the config,
    runs `blockmeter requeue METER --scale-by 0.001` (refused while the agent runs) and starts
    the agent again: every window of both meters ends on the ledger once, with the device's
    readings."""
    counter = Counter(base_wh=1000, step_wh=7)
    site = device_meters(
        blockmeter, tmp_path, 2, initial_register=counter.base_wh * 1000, plausible_max=10**9
    )
    good, bad = site[1]
    path = tmp_path / "site.toml"
    register = MAPS["generic"]["energy"]

    async def scenario() -> None:
        device = await start_device()
        stepping = asyncio.create_task(counter.run(lambda wh: device.put(register, wh)))
        try:
            modbus_config(path, site, blockmeter.url, device.port, ["1", "1000"])
            counter.pause(2)
            agent = Agent(config.load(path), **FAST_BACKOFF)  # type: ignore[arg-type]
            async with running(agent):
                await until(lambda: agent.spool.windows(bad, "invalid"), "a quarantined window")
                mark = committed(agent, good)
                await until(lambda: committed(agent, good) >= mark + 3, "the good meter going on")
                assert committed(agent, bad) == 0 and agent.spool.windows(bad, "closed")
                capsys.readouterr()
                assert main(["status", "--config", str(path)]) == 0
                row = next(line for line in capsys.readouterr().out.splitlines() if bad in line)
                assert "invalid" in row and "plausible" in row, row
                refused = ["requeue", bad, "--scale-by", "0.001", "--config", str(path)]
                assert main(refused) == 1
                assert "in use by a running agent" in capsys.readouterr().err

            modbus_config(path, site, blockmeter.url, device.port, ["1", "1"])
            assert main(["requeue", bad, "--scale-by", "0.001", "--config", str(path)]) == 0
            assert "1 invalid window(s) requeued" in capsys.readouterr().out
            counter.pause(2)
            agent = Agent(config.load(path), **FAST_BACKOFF)  # type: ignore[arg-type]
            async with running(agent):
                mark = committed(agent, good)
                await until(lambda: committed(agent, bad) >= 6, "the requeued meter", 90)
                await until(lambda: committed(agent, good) >= mark + 2, "the good meter")
        finally:
            stepping.cancel()
            await asyncio.gather(stepping, return_exceptions=True)
            await device.server.shutdown()

    asyncio.run(scenario())
    settle(path)
    spool = config.load(path).spool
    for meter in (good, bad):
        windows = ledger_matches_spool(blockmeter, spool, meter)
        assert counter.check(windows) >= 8, meter
