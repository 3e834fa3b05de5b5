"""The demo's progress line (from a REST API and a metrics endpoint on real sockets) and the
message when a port is taken."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from smartblocks.clients.stack.ports import check_ports, port_free
from smartblocks.clients.stack.progress import parse_metrics, progress_line, read_progress
from smartblocks.ledger.errors import UserError
from smartblocks.processors.blockmeter import addressing
from smartblocks.protos.blockmeter_pb2 import MeterHead
from tests.clients.stack.processes import free_ports
from tests.integration.processes import REPO, subprocess_env

HEAD_ADDRESS = addressing.meter_head_address("lab-970.incomer-import")
UNTIL = 1772367300  # 2026-03-01T12:15Z
METRICS = """\
# HELP blockmeter_readings_committed_total Readings in committed windows.
# TYPE blockmeter_readings_committed_total counter
blockmeter_readings_committed_total 12345
blockmeter_backlog_windows 7
blockmeter_errors_total{kind="network"} 2
blockmeter_errors_total{kind="server"} 1
"""


@pytest.fixture
async def fake_services() -> AsyncIterator[str]:
    """A REST API with a head block and an agent metrics endpoint, on a free port."""

    async def blocks(request: web.Request) -> web.Response:
        assert request.query["limit"] == "1"
        return web.json_response({"data": [{"header": {"block_num": "1234"}}]})

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(text=METRICS)

    async def state(request: web.Request) -> web.Response:
        assert request.match_info["address"] == HEAD_ADDRESS
        head = MeterHead(meter_id="m", last_window_end=UNTIL).SerializeToString()
        return web.json_response({"data": base64.b64encode(head).decode()})

    app = web.Application()
    app.router.add_get("/blocks", blocks)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/state/{address}", state)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_progress_line_from_rest_and_metrics(fake_services: str) -> None:
    async with aiohttp.ClientSession() as session:
        progress = await read_progress(
            session, fake_services, fake_services + "/metrics", HEAD_ADDRESS
        )
    assert progress_line(progress, now=UNTIL + 86400) == (
        "block 1,234, readings up to 2026-03-01 12:15 UTC (replaying); "
        "agent: 12,345 readings committed since it started, backlog 7 windows"
    )
    assert "(live)" in progress_line(progress, now=UNTIL + 900)


async def test_progress_line_while_services_are_down() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    async with aiohttp.ClientSession() as session:
        progress = await read_progress(session, closed, closed + "/metrics")
    assert progress_line(progress) == "block ?; agent metrics not answering yet"


def test_metrics_are_summed_over_labels() -> None:
    assert parse_metrics(METRICS)["blockmeter_errors_total"] == 3


def test_a_taken_port_is_named_with_what_to_do() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        assert not port_free(port)
        with pytest.raises(UserError) as caught:
            check_ports([("rest_api", port)], "see docs/stack.example.toml")
    message = str(caught.value)
    assert f"port {port} on 127.0.0.1 (the REST API) is in use" in message
    assert f"[ports] rest_api = {port + 10}" in message
    assert port_free(port)


def test_a_taken_port_stops_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        component, portal, metrics = free_ports(3)
        config = tmp_path / "stack.toml"
        config.write_text(
            f"[ports]\ncomponent = {component}\nrest_api = {taken}\nportal = {portal}\n"
            f"agent_metrics = {metrics}\n"
        )
        result = subprocess.run(
            [sys.executable, "-m", "smartblocks.clients.cli.main", "up", "--demo",
             "--config", str(config), "--data-dir", str(tmp_path / "demo")],
            cwd=REPO, env=subprocess_env(), capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 1
    assert f"port {taken} on 127.0.0.1 (the REST API) is in use" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "demo").exists()
