"""BlockMeter agent: memory and CPU with 100 and 1,000 meters sampled every second, and how
fast the agent side drains a 24 h backlog of 100 meters.

- `agent_rss_mb`, `agent_cpu_percent`: `blockmeter run` in a subprocess, 100 simulated meters
  (10 buildings x 10 points) at interval 1 s, 15-minute windows, at real-time speed, against a
  stub ledger that commits everything; RSS (max VmRSS) and CPU (utime+stime / wall) measured
  from /proc after a warm-up. The spool is pre-filled as if the agent had run for 15 minutes
  and the simulated clock set so that all 100 windows (900 readings each) close, are signed
  and sent half-way through the measurement: the peak is included. Targets: < 60 MB, < 10 %
  of a core. The same two figures with `meters` = 1,000 (100 buildings): < 100 MB, < 25 %.
- `backlog_drain_windows_per_s`: 100 meters x 96 windows (24 h of 15-minute windows of 60 s
  readings) already in the spool; the submitter signs, batches and posts them to the stub
  ledger until all are committed: the agent side alone.
- `devnet_backlog_drain_readings_per_s`, `..._windows_per_s`: the same 24 h backlog of 100
  meters drained by the agent's submitter (its default batching) into `smartblocks devnet` +
  `smartblocks tp blockmeter` (subprocesses), until every window is COMMITTED; the ledger's
  meter heads are checked afterwards. Quick: 20 meters, a 4 h outage.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiohttp import web
from sawtooth_sdk.protobuf.batch_pb2 import BatchList

from bench.harness import figure
from smartblocks.blockmeter.simulator import POINTS
from smartblocks.blockmeter.spool import Spool
from smartblocks.blockmeter.submitter import Submitter
from smartblocks.ledger.keys import Signer, write_key_files

METERS = 100
LARGE_SITE = 1000  # a portfolio's gateway, or a campus: the same measurement at 10x
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


class StubLedger:
    """Accepts every batch and reports it COMMITTED: only the agent is measured."""

    def __init__(self) -> None:
        self.batches = 0
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def post(self, request: web.Request) -> web.Response:
        self.batches += len(BatchList.FromString(await request.read()).batches)
        return web.json_response({"link": ""}, status=202)

    async def statuses(self, request: web.Request) -> web.Response:
        if request.method == "POST":
            ids = await request.json()
        else:
            ids = request.query["id"].split(",")
        data = [{"id": i, "status": "COMMITTED", "invalid_transactions": []} for i in ids]
        return web.json_response({"data": data})

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/batches", self.post)
        app.router.add_get("/batch_statuses", self.statuses)
        app.router.add_post("/batch_statuses", self.statuses)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


DRAIN_START = 1_767_571_200  # where the outage's backlog begins
BOUNDARY = 1_767_571_200 + 10 * 900  # the window boundary the measurement straddles


def meter_ids(meters: int = METERS) -> list[tuple[str, str]]:
    """`meters` simulated meters: buildings of 10 points each."""
    points = sorted(POINTS)
    return [
        (f"b{i // 10}.{points[i % 10].replace('_', '-')}", points[i % 10]) for i in range(meters)
    ]


def site_config(folder: Path, url: str, lead_s: int, meters: int = METERS) -> Path:
    """`meters` simulated meters whose clock starts `lead_s` before BOUNDARY, at real-time speed;
    the spool already holds the readings of the window that closes at BOUNDARY."""
    write_key_files("gw", folder, force=True)
    start = BOUNDARY - lead_s
    text = f"""
[agent]
site_id = "bench"
key_file = "gw.priv"
rest_urls = ["{url}"]
metrics = "127.0.0.1:0"

[simulator]
start = {start}
speed = 1
clock = "start"
"""
    for i, (meter, point) in enumerate(meter_ids(meters)):
        text += f"""
[[meters]]
id = "{meter}"
connector = "simulator"
interval_s = 1
window_s = 900
[meters.params]
point = "{point}"
seed = {i // 10}
"""
    path = folder / "site.toml"
    path.write_text(text)
    spool = Spool(folder / "blockmeter-spool.sqlite")
    first_simulated = start - start % 60 + 1  # the simulator's first reading
    for meter, _ in meter_ids(meters):
        spool.register_meter(meter, 1, 900)
        spool.add_samples(
            (meter, t, t - BOUNDARY + 900) for t in range(BOUNDARY - 899, first_simulated)
        )
    spool.close()
    return path


def proc_sample(pid: int) -> tuple[float, int]:
    """(CPU seconds used, RSS bytes) of `pid`."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return cpu, rss


async def measure_agent(seconds: float, warmup: float, meters: int = METERS) -> dict[str, float]:
    ledger = StubLedger()
    await ledger.start()
    with tempfile.TemporaryDirectory() as tmp:
        config = site_config(Path(tmp), ledger.url, int(warmup + seconds / 2), meters)
        command = [
            sys.executable,
            "-m",
            "smartblocks.blockmeter.cli",
            "run",
            "--config",
            str(config),
        ]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            await asyncio.sleep(warmup)
            cpu0, _ = proc_sample(process.pid)
            start = time.monotonic()
            peak = 0
            while time.monotonic() - start < seconds:
                await asyncio.sleep(0.5)
                peak = max(peak, proc_sample(process.pid)[1])
            cpu1, _ = proc_sample(process.pid)
            wall = time.monotonic() - start
            spool = Spool(Path(tmp) / "blockmeter-spool.sqlite")
            rows = spool.status()
            spool.close()
            samples = sum(int(row["open_samples"]) for row in rows)  # type: ignore[call-overload]
            committed = sum(int(row["committed"]) for row in rows)  # type: ignore[call-overload]
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
            await ledger.stop()
    if committed < meters:
        raise RuntimeError(f"only {committed} windows committed: the measurement missed the close")
    if samples < meters * seconds * 0.4:
        raise RuntimeError(f"only {samples} readings in the open window: the agent fell behind")
    return {
        "rss_mb": peak / 1e6,
        "cpu_percent": 100 * (cpu1 - cpu0) / wall,
        "samples": samples,
    }


async def measure_drain(windows_per_meter: int) -> tuple[float, int]:
    ledger = StubLedger()
    await ledger.start()
    with tempfile.TemporaryDirectory() as tmp:
        spool = Spool(Path(tmp) / "spool.sqlite")
        total = fill_backlog(spool, [f"m{m:03d}" for m in range(METERS)], windows_per_meter)
        submitter = Submitter(spool, Signer.generate(), [ledger.url], status_wait=0)
        began = time.perf_counter()
        while spool.backlog():
            await submitter.step()
        elapsed = time.perf_counter() - began
        await submitter.aclose()
        spool.close()
    await ledger.stop()
    return total / elapsed, total


def fill_backlog(spool: Spool, meters: list[str], windows_per_meter: int) -> int:
    """Every meter's readings (60 s) of `windows_per_meter` 15-minute windows, closed: the
    spool after an outage of that length. Returns the number of windows."""
    samples: list[Any] = []
    for meter in meters:
        spool.register_meter(meter, 60, 900)
        samples += [
            (meter, t, t - DRAIN_START)
            for t in range(DRAIN_START + 60, DRAIN_START + windows_per_meter * 900 + 1, 60)
        ]
    spool.add_samples(samples)
    for meter in meters:
        spool.close_windows(meter, DRAIN_START + windows_per_meter * 900)
    return spool.backlog()


async def measure_devnet_drain(meters: int, windows_per_meter: int) -> dict[str, float]:
    from bench.bench_blockmeter_devnet import register_meters
    from bench.stack import DevnetStack
    from smartblocks.ledger.rest import RestClient
    from smartblocks.processors.blockmeter import addressing
    from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
    from smartblocks.protos.blockmeter_pb2 import MeterHead

    authority, gateway = Signer.generate(), Signer.generate()
    ids = [f"d{m:03d}" for m in range(meters)]
    with (
        tempfile.TemporaryDirectory(prefix="bench-agent-drain-") as tmp,
        DevnetStack(
            Path(tmp) / "stack",
            ["blockmeter"],
            settings=[f"{AUTHORITIES_SETTING}={authority.public_key}"],
        ) as node,
    ):
        async with RestClient(node.rest_url, timeout=120) as client:
            await register_meters(client, authority, {m: gateway for m in ids})
            spool = Spool(Path(tmp) / "spool.sqlite")
            total = fill_backlog(spool, ids, windows_per_meter)
            submitter = Submitter(spool, gateway, [node.rest_url])
            began = time.perf_counter()
            while spool.backlog():
                await submitter.step()
            elapsed = time.perf_counter() - began
            batches = int(submitter.metrics.get("blockmeter_batches_sent_total"))
            await submitter.aclose()
            spool.close()
            for meter in ids:
                head = MeterHead.FromString(
                    await client.state(addressing.meter_head_address(meter)) or b""
                )
                if head.window_count != windows_per_meter:
                    raise RuntimeError(f"{meter}: {head.window_count} windows on the ledger")
    return {"seconds": elapsed, "windows": total, "batches": batches}


def run(quick: bool) -> list[dict[str, Any]]:
    seconds, warmup = (15.0, 8.0) if quick else (60.0, 15.0)
    agent = asyncio.run(measure_agent(seconds, warmup))
    large = asyncio.run(measure_agent(seconds, warmup, LARGE_SITE))
    windows = 8 if quick else 96
    rate, total = asyncio.run(measure_drain(windows))
    drain_meters, outage_h = (20, 4) if quick else (METERS, 24)
    drained = asyncio.run(measure_devnet_drain(drain_meters, outage_h * 4))
    drain = {
        "meters": drain_meters,
        "outage_h": outage_h,
        "windows": drained["windows"],
        "readings_per_window": 15,
        "batches_posted": drained["batches"],
        "ledger": "devnet + tp blockmeter",
    }
    params = {"meters": METERS, "interval_s": 1, "window_s": 900, "seconds": seconds}
    large_params = {**params, "meters": LARGE_SITE, "load_average_1m": round(os.getloadavg()[0], 2)}
    return [
        figure("agent_rss_mb", agent["rss_mb"], "MB", **params, target="< 60"),
        figure("agent_cpu_percent", agent["cpu_percent"], "% of one core", **params, target="< 10"),
        figure("agent_rss_mb", large["rss_mb"], "MB", **large_params, target="< 100"),
        figure(
            "agent_cpu_percent",
            large["cpu_percent"],
            "% of one core",
            **large_params,
            target="< 25",
        ),
        figure(
            "backlog_drain_windows_per_s",
            rate,
            "windows/s",
            meters=METERS,
            windows=total,
            readings_per_window=15,
            ledger="stub (agent side only)",
        ),
        figure(
            "devnet_backlog_drain_readings_per_s",
            drained["windows"] * 15 / drained["seconds"],
            "readings/s",
            **drain,
        ),
        figure(
            "devnet_backlog_drain_windows_per_s",
            drained["windows"] / drained["seconds"],
            "windows/s",
            **drain,
        ),
    ]
