"""`smartblocks up --demo` end to end: a subprocess on free ports, the portal answering with the
agent's readings, Ctrl-C stopping every child, and a second run resuming the chain."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartblocks.blockmeter.config import load as load_agent_config
from tests.clients.stack.processes import Portal, Up, alive, free_ports
from tests.integration.processes import poll

pytestmark = pytest.mark.slow


@pytest.fixture
def runs() -> Iterator[list[Up]]:
    started: list[Up] = []
    try:
        yield started
    finally:
        for run in started:
            run.kill_leftovers()


def head_block(rest_url: str) -> int:
    with urllib.request.urlopen(rest_url + "/blocks?limit=1", timeout=10) as response:
        return int(json.loads(response.read())["data"][0]["header"]["block_num"])


def test_demo_runs_stops_cleanly_and_resumes(tmp_path: Path, runs: list[Up]) -> None:
    component, rest, portal, metrics = free_ports(4)
    config = tmp_path / "stack.toml"
    config.write_text(
        f"[ports]\ncomponent = {component}\nrest_api = {rest}\nportal = {portal}\n"
        f"agent_metrics = {metrics}\n[demo]\ndays = 1\nprogress_s = 1\n"
    )
    data_dir = tmp_path / "demo"
    rest_url, portal_url = f"http://127.0.0.1:{rest}", f"http://127.0.0.1:{portal}"

    first = Up("--demo", "--config", str(config), "--data-dir", str(data_dir))
    runs.append(first)
    first.wait_for(f"up     | BlockPortal: {portal_url}/   log in as demo / demo", 120)
    meters = [m.id for m in load_agent_config(data_dir / "agent.toml").meters]

    client = Portal(portal_url)
    assert client.post("/api/login", {"user": "demo", "password": "demo"})["role"] == "reader"

    def every_meter_has_readings() -> bool:
        listed = {m["meter_id"]: m for m in client.get("/api/meters")["data"]}
        return all(
            int((listed.get(m) or {}).get("head", {}).get("value_count", 0)) > 0 for m in meters
        )

    poll(every_meter_has_readings, "readings of every meter in the portal", timeout=180, interval=1)
    series = client.get("/api/meters/lab-970.incomer-import/series?zoom=day")
    assert series["points"] and sum(p["count"] for p in series["points"]) > 0
    first.wait_for("up     | block ", 30)  # the progress line
    height = head_block(rest_url)
    assert height > 1

    pids = first.child_pids()
    assert set(pids) == {"devnet", "tp", "agent", "portal"}, first.output()
    assert first.interrupt() == 0, first.output()
    assert not [name for name, pid in pids.items() if alive(pid)], first.output()
    assert "stopped. The demo's data stays in" in first.output()

    second = Up("--demo", "--config", str(config), "--data-dir", str(data_dir))
    runs.append(second)
    second.wait_for("up     | BlockPortal:", 120)
    assert "resuming the demo" in second.output()
    assert "nothing to set up" in second.output()
    assert head_block(rest_url) >= height
    again = Portal(portal_url)
    again.post("/api/login", {"user": "demo", "password": "demo"})
    assert again.get("/api/meters/lab-970.incomer-import/series?zoom=day")["points"]

    # The replay resumes where the first run stopped and catches up to now without a gap.
    def caught_up() -> dict[str, Any] | None:
        listed = {m["meter_id"]: m for m in again.get("/api/meters")["data"]}
        head = listed["lab-970.incomer-import"]["head"]
        return head if int(head["last_window_end"]) >= time.time() - 1800 else None

    head = poll(caught_up, "the replay to reach now", timeout=120, interval=1)
    assert int(head["gap_count"]) == 0 and int(head["flagged_count"]) == 0, head
    second.wait_for("(live)", 30)
    pids = second.child_pids()
    assert second.interrupt() == 0, second.output()
    assert not [name for name, pid in pids.items() if alive(pid)], second.output()
