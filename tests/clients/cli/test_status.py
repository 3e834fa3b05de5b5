"""`smartblocks status` against the REST API + fake validator, and against nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from smartblocks.clients.cli.main import main


async def test_status_prints_head_blocks_and_peers(validator, rest_url, capsys):
    # The CLI runs its own event loop: give it a thread while this loop serves the REST API.
    code = await asyncio.to_thread(main, ["status", "--url", rest_url])
    out = capsys.readouterr().out
    assert code == 0
    assert f"head block: 4 {validator.blocks[-1].header_signature}" in out
    assert "blocks:     5" in out
    assert "peers:      tcp://10.0.0.2:8800, tcp://10.0.0.3:8800" in out


async def test_status_url_from_environment(validator, rest_url, capsys, monkeypatch):
    monkeypatch.setenv("SMARTBLOCKS_URL", rest_url)
    assert await asyncio.to_thread(main, ["status"]) == 0
    assert f"REST API:   {rest_url}" in capsys.readouterr().out


async def test_status_of_an_empty_chain(validator, rest_url, capsys):
    validator.blocks.clear()
    assert await asyncio.to_thread(main, ["status", "--url", rest_url]) == 0
    assert "blocks:     0" in capsys.readouterr().out


def test_unreachable_url_is_one_line_and_exit_1(unused_tcp_port, capsys):
    url = f"http://127.0.0.1:{unused_tcp_port}"
    assert main(["status", "--url", url]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"smartblocks status: GET {url}/blocks: cannot reach the REST API")
    assert "Traceback" not in captured.err


def test_malformed_url_is_one_line_and_exit_1(capsys):
    assert main(["status", "--url", "ledger:8008"]) == 1
    assert "not a REST API URL: 'ledger:8008'" in capsys.readouterr().err


def test_help_documents_the_environment_variable(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["status", "--help"])
    assert exit_.value.code == 0
    assert "SMARTBLOCKS_URL" in capsys.readouterr().out


@pytest.fixture
async def sawtooth10_rest() -> AsyncIterator[str]:
    """A REST API shaped like Sawtooth 1.0's: /blocks and /peers, and aiohttp's plain-text 404
    for /status, which came with 1.1."""
    head = {"header_signature": "ab" * 64, "header": {"block_num": "7"}}

    async def blocks(request: web.Request) -> web.Response:
        return web.json_response({"data": [head], "head": head["header_signature"]})

    async def peers(request: web.Request) -> web.Response:
        return web.json_response({"data": ["tcp://10.0.0.9:8800"]})

    app = web.Application()
    app.router.add_get("/blocks", blocks)
    app.router.add_get("/peers", peers)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_status_of_a_sawtooth_10_rest_api_without_status(sawtooth10_rest, capsys):
    code = await asyncio.to_thread(main, ["status", "--url", sawtooth10_rest])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert f"head block: 7 {'ab' * 64}" in captured.out
    assert "peers:      tcp://10.0.0.9:8800" in captured.out
    assert "endpoint:   unknown (this REST API has no /status: Sawtooth 1.0)" in captured.out
