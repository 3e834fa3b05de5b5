"""The whole agent: simulated meters -> spool -> windows -> fake ledger over HTTP, compared
with the simulator's ground truth; metrics; SIGTERM; status and requeue commands."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from smartblocks.blockmeter import config
from smartblocks.blockmeter.agent import Agent
from smartblocks.blockmeter.cli import main
from smartblocks.blockmeter.simulator import Building
from smartblocks.blockmeter.spool import Spool, window_id
from smartblocks.ledger.keys import write_key_files
from tests.blockmeter.helpers import FakeLedger, free_port

START = 1_767_571_200
SEED = 11
POINTS = ["grid_import", "gas_volume", "outdoor_temperature"]
METERS = [f"sim.{point.replace('_', '-')}" for point in POINTS]


def site(tmp_path: Path, url: str, speed: int = 7200, metrics: bool = False) -> Path:
    write_key_files("gw", tmp_path, force=True)
    text = f"""
[agent]
site_id = "sim-site"
key_file = "gw.priv"
rest_urls = ["{url}"]
grace_s = 0
{'metrics = "127.0.0.1:0"' if metrics else ""}

[simulator]
seed = {SEED}
start = {START}
speed = {speed}
"""
    for point in POINTS:
        text += f"""
[[meters]]
id = "sim.{point.replace("_", "-")}"
connector = "simulator"
interval_s = 60
window_s = 900
[meters.params]
point = "{point}"
"""
    path = tmp_path / "site.toml"
    path.write_text(text)
    return path


def assert_matches_truth(ledger: FakeLedger, min_windows: int) -> None:
    """Every committed window holds the simulator's register/reading at each interval end."""
    recorded = [(r.meter, r.start) for r in ledger.committed]
    assert len(recorded) == len(set(recorded)), "a window reached the ledger twice"
    building = Building(SEED, START)
    by_meter: dict[str, list[int]] = {}
    for record in sorted(ledger.committed, key=lambda r: r.start):
        by_meter.setdefault(record.meter, []).append(record.start)
    for meter in METERS:
        starts = by_meter.get(meter, [])
        assert len(starts) >= min_windows, (meter, len(starts))
        assert starts == list(range(starts[0], starts[0] + 900 * len(starts), 900)), "a gap"
    for record in sorted(ledger.committed, key=lambda r: r.start):
        point = record.meter.removeprefix("sim.").replace("-", "_")
        truth = [building.reading(point, record.start + 60 * (i + 1)) for i in range(15)]
        assert record.values == truth, (record.meter, record.start)
        assert not any(record.quality)


async def wait_for_windows(ledger: FakeLedger, per_meter: int, timeout_s: float = 60) -> None:
    """Until every meter has `per_meter` committed windows, or the timeout passes (the
    assertions then name the meter that fell short). A total would not do: under load the
    agent's meters reach the ledger unevenly, one meter several windows ahead of another."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while loop.time() < deadline:
        counts = Counter(record.meter for record in ledger.committed)
        if all(counts[meter] >= per_meter for meter in METERS):
            return
        await asyncio.sleep(0.01)


async def test_simulated_building_reaches_the_ledger_exactly(
    tmp_path: Path, fake_ledger: FakeLedger
) -> None:
    loaded = config.load(site(tmp_path, fake_ledger.url, metrics=True))
    agent = Agent(loaded, status_wait=0.05)
    task = asyncio.create_task(agent.run(install_signals=False))
    try:
        await wait_for_windows(fake_ledger, 6)
        assert agent.metrics_port is not None
        url = f"http://127.0.0.1:{agent.metrics_port}/metrics"
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            text = await response.text()
        assert "# TYPE blockmeter_readings_sampled_total counter" in text
        assert "blockmeter_windows_committed_total " in text
    finally:
        agent.stopping.set()
        await asyncio.wait_for(task, 10)
    assert_matches_truth(fake_ledger, 6)


async def test_sigterm_stops_the_agent_and_keeps_what_it_sampled(
    tmp_path: Path, fake_ledger: FakeLedger
) -> None:
    loaded = config.load(site(tmp_path, fake_ledger.url))
    agent = Agent(loaded, status_wait=0.05)
    task = asyncio.create_task(agent.run(install_signals=True))
    try:
        for _ in range(1000):
            if fake_ledger.committed:
                break
            await asyncio.sleep(0.01)
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(task, 10)
    finally:
        agent.stopping.set()
        await asyncio.wait_for(task, 10)
    spool = Spool(loaded.spool)
    try:
        for meter in loaded.meters:
            windows, samples = spool.windows(meter.id), spool.open_samples(meter.id)
            taken = [w.start + 60 * i for w in windows for i in range(15)]
            taken += [ts for ts, _ in samples]
            # Every slot from the first on is in a window or still open: no hole, no repeat.
            assert taken == list(range(START, START + 60 * len(taken), 60))
    finally:
        spool.close()


@pytest.mark.slow
async def test_sigkill_again_and_again_loses_and_duplicates_nothing(
    tmp_path: Path, fake_ledger: FakeLedger
) -> None:
    """The agent process is killed with SIGKILL at different moments, restarted, and finally
    stopped with SIGTERM: the ledger holds every window once, equal to the simulator's."""
    path = site(tmp_path, fake_ledger.url, speed=3600)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "smartblocks.blockmeter.cli", "run", "--config", str(path)]
    for round_, run_for in enumerate([1.5, 0.7, 2.5, 0.3, 4.0]):
        process = await asyncio.create_subprocess_exec(
            *command, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        try:
            target = len(fake_ledger.committed) + 3
            loop = asyncio.get_running_loop()
            deadline = loop.time() + run_for + 20
            # Kill it once it is busy (past start-up: committing) plus a varying delay.
            while len(fake_ledger.committed) < target and loop.time() < deadline:
                await asyncio.sleep(0.02)
            await asyncio.sleep(run_for)
        finally:
            last = round_ == 4
            process.send_signal(signal.SIGTERM if last else signal.SIGKILL)
            _, stderr = await asyncio.wait_for(process.communicate(), 30)
        if last:
            assert process.returncode == 0, stderr.decode()[-2000:]
    assert_matches_truth(fake_ledger, 10)
    assert main(["status", "--config", str(path), "--json"]) == 0


async def test_status_and_requeue_commands(
    tmp_path: Path, fake_ledger: FakeLedger, capsys: pytest.CaptureFixture[str]
) -> None:
    path = site(tmp_path, fake_ledger.url)
    bad_start: list[int] = []

    def judge(body: object) -> str | None:
        start = body.window_start  # type: ignore[attr-defined]
        if body.meter_id == "sim.gas-volume" and (not bad_start or bad_start[0] == start):  # type: ignore[attr-defined]
            bad_start[:1] = [start]
            return "meter sim.gas-volume: 9 m3 in 60 s is implausible"
        return None

    fake_ledger.judge = judge
    agent = Agent(config.load(path), status_wait=0.05)
    task = asyncio.create_task(agent.run(install_signals=False))
    try:
        for _ in range(1000):
            if (
                agent.spool.status()
                and all(r["committed"] >= 2 or r["invalid"] for r in agent.spool.status())
                and bad_start
            ):
                break
            await asyncio.sleep(0.01)
    finally:
        agent.stopping.set()
        await asyncio.wait_for(task, 10)
    capsys.readouterr()
    assert main(["status", "--config", str(path), "--json"]) == 0
    rows = {row["meter"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["sim.gas-volume"]["invalid"] == 1
    assert "implausible" in rows["sim.gas-volume"]["last_error"]
    assert rows["sim.grid-import"]["committed"] >= 2
    assert main(["status", "--config", str(path)]) == 0
    assert "implausible" in capsys.readouterr().out
    assert main(["quarantine", "list", "--json", "--config", str(path)]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["id"] == window_id("sim.gas-volume", bad_start[0])
    assert listed["slots"] == 15 and "implausible" in listed["message"]
    assert main(["quarantine", "discard", "sim.gas-volume@yesterday", "--config", str(path)]) == 1
    assert "is not a window id: METER@START" in capsys.readouterr().err
    assert main(["requeue", "sim.gas-volume", "--config", str(path)]) == 0
    assert "1 invalid window(s) requeued" in capsys.readouterr().out
    assert main(["quarantine", "list", "--config", str(path)]) == 0
    assert capsys.readouterr().out == "no quarantined windows\n"
    assert main(["requeue", "nope", "--config", str(path)]) == 1
    assert main(["status", "--spool", str(tmp_path / "none.sqlite")]) == 1


def test_refuses_to_start_without_a_usable_ledger_url(tmp_path: Path) -> None:
    path = site(tmp_path, f"http://127.0.0.1:{free_port()}")
    os.chmod(tmp_path / "gw.priv", 0o640)
    assert main(["run", "--config", str(path)]) == 1


def test_a_second_agent_on_the_same_spool_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = site(tmp_path, f"http://127.0.0.1:{free_port()}")
    running = Spool(config.load(path).spool)
    try:
        running.lock()  # what a running agent holds
        assert main(["run", "--config", str(path), "--log-format", "text"]) == 1
        assert "in use by a running agent" in capsys.readouterr().err
        assert main(["requeue", "sim.gas-volume", "--scale-by", "0.1", "--config", str(path)]) == 1
        assert main(["requeue", "sim.gas-volume", "--scale-by", "x", "--config", str(path)]) == 1
        assert "--scale-by: not a decimal number" in capsys.readouterr().err
    finally:
        running.close()


class SteppedReader:
    """A reader whose clock the test moves."""

    def __init__(self, meter_id: str, now: int) -> None:
        self.meter_id, self.at = meter_id, now

    def now(self) -> int:
        return self.at


async def test_the_closer_asks_the_spool_only_when_a_window_can_close(tmp_path: Path) -> None:
    agent = Agent(config.load(site(tmp_path, "http://127.0.0.1:9")))
    meter = METERS[0]
    reader = SteppedReader(meter, START + 905)
    agent.readers = {meter: reader}
    asked: list[str] = []
    close_due = agent._close_due

    def counting(due: list[tuple[str, int]]) -> list[list[int]]:
        asked.extend(meter_id for meter_id, _ in due)
        return close_due(due)

    agent._close_due = counting  # type: ignore[method-assign]
    try:
        assert await agent.close_windows() == 0 and asked == [meter]  # nothing spooled yet
        reader.at += 60
        assert await agent.close_windows() == 0 and asked == [meter]  # no window end passed
        # A backfill lands in a window that ended before the next check: closed at once.
        samples = [(meter, START + 60 * (i + 1), 1000 + i) for i in range(15)]
        agent._pending.append((samples, asyncio.get_running_loop().create_future()))
        await agent._write_pending()  # what the writer task does with `emit`
        assert await agent.close_windows() == 1 and asked == [meter, meter]
        reader.at = START + 1800  # the next window's end
        await agent.close_windows()
        assert asked == [meter, meter, meter]
    finally:
        await agent.db(agent.spool.close)
        agent._db_thread.shutdown()
