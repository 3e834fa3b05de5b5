"""The simulator's catch-up clock: accelerated from `start` until it reaches now, then real time."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from smartblocks.blockmeter.config import ConfigError, load
from smartblocks.blockmeter.connectors.simulated import CatchUpClock, SimulatedReader
from smartblocks.blockmeter.simulator import Building


def test_runs_fast_then_follows_the_wall_clock() -> None:
    start = int(time.time()) - 3600  # an hour behind
    clock = CatchUpClock(start, speed=1e6)  # an hour in under 4 ms
    assert not clock.realtime
    assert clock.now() < time.time()
    deadline = time.monotonic() + 5
    while not clock.realtime and time.monotonic() < deadline:
        clock.now()
    assert clock.realtime and clock.speed == 1.0
    assert abs(clock.time() - time.time()) < 0.01


def test_a_start_in_the_future_is_real_time_from_the_beginning() -> None:
    clock = CatchUpClock(time.time() + 3600, speed=100)
    assert clock.realtime
    assert abs(clock.time() - time.time()) < 0.01


async def test_reader_replays_the_past_then_waits_for_real_slots() -> None:
    now = int(time.time())
    start = now - now % 60 - 2 * 3600  # two hours of 1-minute slots to catch up
    clock = CatchUpClock(start, speed=1e5)
    reader = SimulatedReader("m", 60, "grid_import", Building(3, start), clock)
    seen: list[int] = []

    async def emit(samples: list[tuple[str, int, int]]) -> None:
        seen.extend(ts for _, ts, _ in samples)

    task = asyncio.create_task(reader.run(emit))
    try:
        deadline = time.monotonic() + 10
        # Caught up: the clock has switched to real time and the last past slot is in.
        while (
            not clock.realtime or not seen or seen[-1] < now - 60
        ) and time.monotonic() < deadline:
            clock.now()
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert seen[0] == start + 60
    assert seen == list(range(start + 60, seen[-1] + 1, 60))
    # Nothing beyond the wall clock: once caught up, slots come at their real time.
    assert seen[-1] <= time.time()
    assert clock.realtime


def write_config(tmp_path: Path, simulator: str) -> Path:
    (tmp_path / "k.priv").write_text("00" * 32)
    path = tmp_path / "site.toml"
    path.write_text(
        '[agent]\nsite_id = "s"\nkey_file = "k.priv"\nrest_urls = ["http://127.0.0.1:1"]\n'
        f"[simulator]\n{simulator}\n"
        '[[meters]]\nid = "s.m"\nconnector = "simulator"\n[meters.params]\npoint = "wind_speed"\n'
    )
    return path


def test_config_accepts_catch_up_above_speed_one(tmp_path: Path) -> None:
    config = load(write_config(tmp_path, 'speed = 600\nclock = "catch-up"'))
    assert config.simulator.clock == "catch-up"
    with pytest.raises(ConfigError, match=r"site.toml:\d+: simulator.clock: catch-up needs"):
        load(write_config(tmp_path, 'speed = 1\nclock = "catch-up"'))
