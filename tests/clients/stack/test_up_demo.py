"""`smartblocks up --demo` end to end: a subprocess on free ports, the portal answering with the
agent's readings, the two contracts ACTIVE and their first month settled by the contract
manager, the next day's forecasts posted by the prediction service and charted by the portal,
Ctrl-C stopping every child, and a second run resuming the chain."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartblocks.blockmeter.config import load as load_agent_config
from smartblocks.clients.stack import demo
from smartblocks.clients.stack.demo_contracts import CONTRACTS
from smartblocks.clients.stack.stackfile import Ports
from smartblocks.ledger.keys import load_public_key
from smartblocks.processors.blockmeter import addressing as meter_addressing
from smartblocks.processors.blockpredict import addressing as predict_addressing
from smartblocks.processors.energycontract import addressing
from smartblocks.protos.blockmeter_pb2 import MeterHead
from smartblocks.protos.energycontract_pb2 import Contract, Settlement
from tests.clients.stack.processes import Portal, Up, alive, free_ports
from tests.integration.processes import poll

pytestmark = pytest.mark.slow

# The console's "NAME | " prefix, padded to the longest component name.
UP = "up".ljust(max(len(c.name) for c in demo.components(Path("."), Ports()))) + " | "

# From `up --demo` to both contracts' first month settled, on 2 cores. Measured: see README.
SETTLED_WITHIN_S = 300
FORECAST_METERS = ("lab-970.incomer-import", "lab-970.gas", "lab-970.wind")


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


def state(rest_url: str, address: str) -> bytes | None:
    try:
        with urllib.request.urlopen(f"{rest_url}/state/{address}", timeout=10) as response:
            return base64.b64decode(json.loads(response.read())["data"])
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise


# The set-up pushes a year of BMS export through an agent, writes the months since the measure
# and fits two baselines (one to two minutes); the resumed run
# replays the agent's last day again.
@pytest.mark.timeout(900)
def test_demo_runs_stops_cleanly_and_resumes(tmp_path: Path, runs: list[Up]) -> None:
    component, rest, portal, metrics = free_ports(4)
    config = tmp_path / "stack.toml"
    config.write_text(
        f"[ports]\ncomponent = {component}\nrest_api = {rest}\nportal = {portal}\n"
        f"agent_metrics = {metrics}\n[demo]\ndays = 1\nprogress_s = 1\n"
    )
    data_dir = tmp_path / "demo"
    rest_url, portal_url = f"http://127.0.0.1:{rest}", f"http://127.0.0.1:{portal}"

    started = time.monotonic()
    first = Up("--demo", "--config", str(config), "--data-dir", str(data_dir))
    runs.append(first)
    first.wait_for(f"{UP}BlockPortal: {portal_url}/   log in as demo / demo", 400)
    banner_s = time.monotonic() - started
    for contract in CONTRACTS:
        record = Contract.FromString(
            state(rest_url, addressing.contract_address(contract.contract_id)) or b""
        )
        assert record.status == Contract.Status.ACTIVE, first.output()

    # The 1-minute history, from the measure, ends where the agent starts: one series without a
    # gap or a rebase.
    simulator = load_agent_config(data_dir / "agent.toml").simulator
    history_start, measure_start = simulator.model_start, simulator.measure.start
    head = MeterHead.FromString(
        state(rest_url, meter_addressing.meter_head_address("lab-970.incomer-import")) or b""
    )
    assert head.first_window_start == measure_start
    assert (head.gap_count, head.rebase_count, head.flagged_count) == (0, 0, 0)
    # The baseline year before it: the BMS export, on the BMS point's own 15-minute meter.
    bms = MeterHead.FromString(
        state(rest_url, meter_addressing.meter_head_address("lab-970.bms-incomer-import")) or b""
    )
    assert (bms.first_window_start, bms.last_window_end) == (history_start, measure_start)
    assert bms.value_count == 365 * 96 and bms.flagged_count == 0

    # The manager settles the first month (ended before the demo's data starts) on its own.
    def first_months_settled() -> bool:
        return all(
            state(rest_url, addressing.settlement_address(c.contract_id, 0)) is not None
            for c in CONTRACTS
        )

    poll(first_months_settled, "period 0 of both contracts settled", SETTLED_WITHIN_S, 1)
    settled_s = time.monotonic() - started
    for contract in CONTRACTS:
        settlement = Settlement.FromString(
            state(rest_url, addressing.settlement_address(contract.contract_id, 0)) or b""
        )
        assert settlement.status == Settlement.Status.SETTLED, settlement.reason
        print(
            f"{contract.contract_id} {settlement.period_name}: avoided {settlement.avoided:,} "
            f"(coverage {settlement.coverage_ppm / 1e4:.1f} %)"
        )
    print(f"banner after {banner_s:.0f} s; both first months settled after {settled_s:.0f} s")
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
    first.wait_for(UP + "block ", 30)  # the progress line
    height = head_block(rest_url)
    assert height > 1

    # The prediction service posts the next UTC day's forecasts (ledger time is the wall clock)
    # of the contract meters and the turbine, and the portal charts them beyond the actuals.
    forecaster = load_public_key(data_dir / "keys" / "forecaster.pub")

    def next_day_forecasts() -> str | None:
        for day in sorted({int(time.time()) // 86400 + 1, int(time.time()) // 86400 + 2}):
            if all(
                state(rest_url, predict_addressing.forecast_address(m, day * 86400, forecaster))
                for m in FORECAST_METERS
            ):
                return time.strftime("%Y-%m-%d", time.gmtime(day * 86400))
        return None

    tomorrow = poll(next_day_forecasts, "the next day's forecasts", timeout=120, interval=1)
    chart = client.get(
        f"/api/meters/lab-970.incomer-import/series?zoom=week&end={tomorrow}&compare=forecast"
    )
    (forecast,) = chart["forecast"]["forecasts"]
    assert forecast["model"] == "baseline-table-day-ahead 1" and len(forecast["points"]) == 24
    story = client.get("/api/overview")
    assert story["forecasts"]["posted"] >= len(FORECAST_METERS)
    # The Overview tells what each signed baseline was fitted on: the BMS meters' year.
    fits = {m["contract_id"]: m["baseline_fit"] for m in story["measures"]}
    for contract in CONTRACTS:
        fit = fits[contract.contract_id]
        assert fit["meters"] == [f"lab-970.bms-{contract.meter}"], fit
        assert fit["days"] == (measure_start - history_start) // 86400 == 365, fit
    first.wait_for("smartblocks.clients.predict.service: posted the forecast of ", 30)

    pids = first.child_pids()
    assert set(pids) == {
        "devnet",
        "tp",
        "tp-ec",
        "tp-bp",
        "agent",
        "manager",
        "predict",
        "portal",
    }, first.output()
    assert first.interrupt() == 0, first.output()
    assert not [name for name, pid in pids.items() if alive(pid)], first.output()
    assert "stopped. The demo's data stays in" in first.output()

    second = Up("--demo", "--config", str(config), "--data-dir", str(data_dir))
    runs.append(second)
    second.wait_for(UP + "BlockPortal:", 120)
    assert "resuming the demo" in second.output()
    assert "site lab-970 is on the ledger already" in second.output()
    assert "is on the ledger already" in second.output()
    assert "are on the ledger already" in second.output()
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
