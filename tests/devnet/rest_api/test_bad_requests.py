"""Requests the REST API cannot take, against a real devnet over real HTTP: each gets the JSON
error envelope with a documented code (docs/rest-api.md), never a 500, a plain-text page or a
traceback in the log (security review F4, F13)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from smartblocks.ledger.transactions import batch_list_bytes
from tests.devnet.helpers import kv_batch

JSON = {"Content-Type": "application/json"}
MAX_LINE = 8190  # aiohttp's default, as Sawtooth's REST API has it


def envelope(status: int, content_type: str, text: str) -> tuple[int, int]:
    """(HTTP status, error code) of a JSON error envelope; fails on anything else."""
    assert content_type == "application/json", (status, content_type, text[:200])
    body = json.loads(text)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "title", "message"}, body
    assert body["error"]["title"] and body["error"]["message"]
    return status, body["error"]["code"]


async def request(method: str, url: str, **kwargs: Any) -> tuple[int, int]:
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, url, **kwargs) as response,
    ):
        return envelope(response.status, response.content_type, await response.text())


async def raw(url: str, data: bytes) -> tuple[int, int, str]:
    """Send `data` as is on a new connection; (status, error code, message) of the answer."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(data)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)  # the server closes the connection
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split()[1])
    headers = dict(
        line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line
    )
    content_type = headers.get("Content-Type", "").split(";")[0]
    code = envelope(status, content_type, body.decode())[1]
    return status, code, json.loads(body)["error"]["message"]


@pytest.mark.parametrize(("path", "code"), [("/batch_statuses", 46), ("/receipts", 82)])
async def test_deeply_nested_json_is_400_with_the_documented_code(devnet_rest, path, code) -> None:
    assert await request("POST", devnet_rest + path, data="[" * 100_000, headers=JSON) == (
        400,
        code,
    )


async def test_a_request_line_too_long_is_the_envelope_and_one_log_line(
    devnet_rest, caplog
) -> None:
    ids = ",".join(f"{n:0128x}" for n in range(64))  # 64 ids: just over 8,190 bytes
    caplog.clear()
    with caplog.at_level(logging.INFO):
        status, code, message = await raw(
            devnet_rest, f"GET /batch_statuses?id={ids} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
    assert (status, code) == (400, 94)
    assert "POST them as a JSON list to /batch_statuses" in message
    records = [r for r in caplog.records if "bad HTTP request" in r.getMessage()]
    assert len(records) == 1 and records[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # 63 ids fit, as in Sawtooth's REST API.
    fits = ",".join(f"{n:0128x}" for n in range(63))
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{devnet_rest}/batch_statuses?id={fits}") as response,
    ):
        assert response.status == 200
        assert len((await response.json())["data"]) == 63


async def test_a_header_too_long_and_non_http_bytes_are_the_envelope(devnet_rest, caplog) -> None:
    with caplog.at_level(logging.INFO):
        long_header = b"GET /status HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 9000 + b"\r\n\r\n"
        assert (await raw(devnet_rest, long_header))[:2] == (400, 94)
        assert (await raw(devnet_rest, b"\x16\x03\x01\x02\x00garbage\r\n\r\n"))[:2] == (400, 93)
        assert (await raw(devnet_rest, b"GET /status HTTP/1.1\r\nBad Header\r\n\r\n"))[:2] == (
            400,
            93,
        )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_unknown_paths_methods_and_huge_bodies_are_the_envelope(devnet_rest) -> None:
    assert await request("GET", devnet_rest + "/nothing/here") == (404, 90)
    assert await request("GET", devnet_rest + "/batches/") == (404, 90)
    assert await request("DELETE", devnet_rest + "/batches") == (405, 91)
    assert await request("PUT", devnet_rest + "/status") == (405, 91)
    huge = b"\x00" * (10 * 1024 * 1024 + 1)
    headers = {"Content-Type": "application/octet-stream"}
    assert await request("POST", devnet_rest + "/batches", data=huge, headers=headers) == (
        413,
        92,
    )


async def test_compressed_bodies_are_refused_never_decoded(devnet_rest) -> None:
    # A 'deflate' body whose stream never ends: aiohttp's decoder would wait for ever.
    body = b'{"a":' * 1000
    for encoding, path, content_type in [
        ("deflate", "/receipts", "application/json"),
        ("gzip", "/batch_statuses", "application/json"),
        ("br", "/batches", "application/octet-stream"),
    ]:
        headers = {"Content-Type": content_type, "Content-Encoding": encoding}
        answer = await asyncio.wait_for(
            request("POST", devnet_rest + path, data=body, headers=headers), 10
        )
        assert answer == (415, 95)


async def test_the_devnet_still_commits_after_bad_requests(devnet_rest, kv, signer) -> None:
    await raw(devnet_rest, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n")
    await request("POST", devnet_rest + "/batch_statuses", data="[" * 100_000, headers=JSON)
    batch = kv_batch(signer, ("set", "after-bad", 1))
    async with aiohttp.ClientSession() as session:
        body = batch_list_bytes([batch])
        headers = {"Content-Type": "application/octet-stream"}
        async with session.post(devnet_rest + "/batches", data=body, headers=headers) as response:
            assert response.status == 202
        url = f"{devnet_rest}/batch_statuses?id={batch.header_signature}&wait=10"
        async with session.get(url) as response:
            assert (await response.json())["data"][0]["status"] == "COMMITTED"
