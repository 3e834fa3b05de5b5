"""The agent's promise under faults, against the real devnet with the BlockMeter processor:
a REST API that throttles, fails and hangs up (a fault-injecting proxy in front of the devnet),
and a meter whose windows the ledger rejects until the operator fixes the cause. After each,
the ledger holds every window exactly once and nothing else."""

from __future__ import annotations

import asyncio
import getpass
import json
import os
from pathlib import Path

import pytest

from smartblocks.blockmeter import config
from smartblocks.blockmeter.agent import Agent
from smartblocks.blockmeter.cli import main
from smartblocks.blockmeter.connectors.modbus import MAPS
from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.blockmeter import addressing
from smartblocks.protos.blockmeter_pb2 import Rollup
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


BMS_HEADER = "timestamp,energy_wh\n"
HOUR_12 = 1_774_699_200  # 2026-03-28T12:00:00Z


def csv_meter(ledger: BlockMeterLedger, folder: Path) -> tuple[str, Path, Path, Path]:
    """A new site with a BMS-export meter (interval energy in Wh, a row per 15 minutes, windows
    of an hour) bound to a new gateway key: (meter id, agent config, export file, gateway
    key)."""
    site_id, (meter_id,), gateway_key = device_meters(
        ledger, folder, 1, mode="INTERVAL", rollover=0, nominal_interval_s=900
    )
    (folder / "bms").mkdir()
    path = folder / "site.toml"
    path.write_text(
        agent_header(site_id, gateway_key, ledger.url)
        + f"""
[[meters]]
id = "{meter_id}"
connector = "csv_folder"
interval_s = 900
window_s = 3600
mode = "interval"
[meters.params]
folder = "bms"
value_column = "energy_wh"
value_unit = "Wh"
poll_s = 0.05
stale_s = 1000000000
"""
    )
    return meter_id, path, folder / "bms" / "export.csv", gateway_key


async def hour_sums(url: str, meter_id: str) -> dict[int, int]:
    """The ledger's sum per UTC hour of 2026-03-28 (mWh)."""
    async with RestClient(url) as client:
        data = await client.state(addressing.day_rollup_address(meter_id, "2026-03-28"))
    assert data is not None
    return {bucket.index: bucket.sum for bucket in Rollup.FromString(data).buckets}


def scanned(agent: Agent, meter_id: str, export: Path) -> bool:
    """The agent's reader has read the export as it is now."""
    seen = getattr(agent.readers[meter_id], "seen", {})
    return export in seen and seen[export][0] == export.stat().st_size


def test_a_csv_row_still_being_written_reaches_the_ledger_whole(
    blockmeter: BlockMeterLedger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F15, the fault-injection run: the agent scans the BMS export while the BMS is writing
    `2026-03-28T12:15:00Z,465` and has got as far as `...,4`. The ledger must sum the hour to
    the BMS's 6,870,000 mWh (it summed 6,409,000: the 4 was taken, the whole row dropped as a
    duplicate, and the status was clean). When the BMS later re-exports the file with a
    corrected value for a committed hour, the ledger keeps its value and the conflict is
    counted, logged and shown by `blockmeter status`."""
    meter_id, path, export, _ = csv_meter(blockmeter, tmp_path)

    async def scenario() -> Agent:
        agent = Agent(config.load(path), **FAST_BACKOFF)  # type: ignore[arg-type]
        async with running(agent):
            with export.open("w", newline="") as bms:
                bms.write(BMS_HEADER + "2026-03-28T12:00:00Z,1200\n2026-03-28T12:15:00Z,4")
                bms.flush()
                await until(lambda: scanned(agent, meter_id, export), "the half-written export")
                bms.write("65\n2026-03-28T12:30:00Z,1500\n2026-03-28T12:45:00Z,1705\n")
                bms.write("2026-03-28T13:00:00Z,3200\n2026-03-28T13:15:00Z,900\n")
            await until(lambda: committed(agent, meter_id) >= 2, "the hour on the ledger")
            assert (await hour_sums(blockmeter.url, meter_id))[12] == 6_870_000
            assert agent.spool.status()[0]["conflicts"] == 0
            assert agent.spool.windows(meter_id)[1].values == [
                465_000,
                1_500_000,
                1_705_000,
                3_200_000,
            ]
            # A re-export with 12:30 corrected, after the hour was committed.
            text = export.read_text().replace("12:30:00Z,1500", "12:30:00Z,1550")
            (tmp_path / "bms" / "export.tmp").write_text(text)
            os.replace(tmp_path / "bms" / "export.tmp", export)
            await until(
                lambda: agent.metrics.get(
                    "blockmeter_readings_conflicts_total", meter=meter_id, outcome="kept"
                ),
                "the conflict counted",
            )
        return agent

    agent = asyncio.run(scenario())
    assert agent.metrics.get("blockmeter_errors_total", kind="csv_row") == 0
    assert asyncio.run(hour_sums(blockmeter.url, meter_id))[12] == 6_870_000
    capsys.readouterr()
    assert main(["status", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith(meter_id))
    assert row.split()[4] == "1", row  # the conflicts column
    assert (
        f"{meter_id} reading of 2026-03-28T12:30:00Z: 1500000, then 1550000; its window was "
        "committed: 1500000 stays"
    ) in out


def test_a_quarantined_window_is_discarded_and_its_meter_goes_on(
    blockmeter: BlockMeterLedger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand backfill (`smartblocks meter record`) already put 11:00-12:00 on the ledger, so
    the ledger refuses the agent's own window for that hour and the meter is quarantined. The
    operator lists the quarantine and discards the window: the meter's later windows reach the
    ledger, the backfill stays, and `blockmeter status` keeps who discarded what, when and why."""
    meter_id, path, export, gateway_key = csv_meter(blockmeter, tmp_path)
    backfill = ["meter", "record", meter_id, "--start", "2026-03-28T11:00Z", "--interval", "900"]
    assert blockmeter.cli(*backfill, "--values", "100,200,300,400", "--key", gateway_key) == 0
    rows = [f"2026-03-28T11:{m}:00Z,{m}" for m in (15, 30, 45)]
    rows += [f"2026-03-28T12:{m:02d}:00Z,{1000 + m}" for m in (0, 15, 30, 45)]
    export.write_text(BMS_HEADER + "\n".join([*rows, "2026-03-28T13:00:00Z,2000", ""]))
    refused = f"{meter_id}@2026-03-28T11:00:00Z"
    waiting = f"{meter_id}@2026-03-28T12:00:00Z"
    spool_args = ["--config", str(path)]

    async def scenario() -> None:
        agent = Agent(config.load(path), **FAST_BACKOFF)  # type: ignore[arg-type]
        async with running(agent):
            await until(lambda: agent.spool.quarantined(), "the refused window")
            capsys.readouterr()
            assert main(["quarantine", "list", *spool_args]) == 0
            listed = capsys.readouterr().out
            assert refused in listed and "starts before recorded data ends" in listed
            assert waiting not in listed
            # All or nothing: the waiting window is not quarantined, so neither is discarded.
            assert main(["quarantine", "discard", refused, waiting, *spool_args]) == 1
            assert "not quarantined (it is closed); nothing discarded" in capsys.readouterr().err
            assert main(["quarantine", "discard", *spool_args]) == 1  # neither ids nor --all
            reason = ["--reason", "hour backfilled by hand (ticket 42)"]
            assert main(["quarantine", "discard", refused, *reason, *spool_args]) == 0
            assert f"discarded {refused}" in capsys.readouterr().out
            await until(lambda: committed(agent, meter_id) >= 1, "the meter going on")

    asyncio.run(scenario())
    head = blockmeter.head(meter_id)
    assert (head.window_count, head.last_window_end) == (2, HOUR_12 + 3600)
    assert asyncio.run(hour_sums(blockmeter.url, meter_id)) == {
        11: 1000,
        12: 1_015_000 + 1_030_000 + 1_045_000 + 2_000_000,
    }
    assert main(["quarantine", "discard", "--all", *spool_args]) == 1
    assert "no quarantined windows" in capsys.readouterr().err
    assert main(["status", *spool_args]) == 0
    out = capsys.readouterr().out
    assert "discarded windows" in out and refused in out
    assert "hour backfilled by hand (ticket 42)" in out and "starts before recorded data" in out
    assert f"by {getpass.getuser()} (uid {os.getuid()})" in out
    assert main(["status", "--json", *spool_args]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["discarded"], row["invalid"], row["committed"], row["last_error"]) == (
        1,
        0,
        1,
        None,
    )
    assert row["discards"][0]["reason"] == "hour backfilled by hand (ticket 42)"
