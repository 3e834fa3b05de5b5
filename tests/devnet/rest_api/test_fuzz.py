"""Seeded fuzzing of the REST API in front of a real devnet (in the test's loop, real ZMQ and
HTTP, the real kv processor): random paths, query parameters, methods, headers and bodies
(garbage, huge, nested JSON, wrong content types, random and mutated protobuf to POST /batches).
Every answer must be a JSON envelope with a status and code that docs/rest-api.md documents,
never a 500, with no ERROR in the log; afterwards a valid batch still commits.

`make test` runs a few hundred requests with a fixed seed; `make test-slow` runs thousands more
with other seeds, bigger bodies and raw (not always well-formed) HTTP. A failure names the seed
and the request, so `FUZZ_SEED=<seed> pytest ...` replays it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import re
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import aiohttp
import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader, BatchList
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction
from yarl import URL

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import batch_list_bytes, make_batch, make_transaction
from tests.devnet.helpers import kv_batch

REPO = Path(__file__).resolve().parents[3]
SEED = int(os.environ.get("FUZZ_SEED", "20261206"))
MAX_BODY = 10 * 1024 * 1024
ROUTES = [
    "/batches", "/batch_statuses", "/state", "/blocks", "/transactions", "/receipts", "/peers",
    "/status",
]  # fmt: skip
ONE = ["/batches/{}", "/blocks/{}", "/transactions/{}", "/state/{}"]
METHODS = ["GET", "GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]
PARAMS = ["head", "start", "limit", "reverse", "id", "address", "wait", "count", "min", "sort"]
CONTENT_TYPES = [
    "application/octet-stream", "application/json", "application/json; charset=utf-8",
    "application/json; charset=utf-16", "text/plain", "multipart/form-data; boundary=x",
    "application/x-www-form-urlencoded", "", "garbage", "application/octet-stream; x=y",
]  # fmt: skip


def documented() -> dict[int, int]:
    """Error code -> HTTP status, from the table in docs/rest-api.md."""
    table: dict[int, int] = {}
    text = (REPO / "docs" / "rest-api.md").read_text()
    for codes, status in re.findall(r"^\| ([\d, ]+) \| (\d{3}) \|", text, re.MULTILINE):
        for code in codes.split(","):
            table[int(code)] = int(status)
    assert table, "no error table in docs/rest-api.md"
    return table


@dataclass
class Known:
    """Real ids and addresses of the devnet, so that some requests find something."""

    blocks: list[str] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)
    txns: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    valid: list[bytes] = field(default_factory=list)  # serialized BatchLists the devnet accepts


@dataclass
class Request:
    method: str
    path: str  # already percent-encoded, query included
    headers: dict[str, str]
    body: bytes | None

    def describe(self) -> str:
        size = 0 if self.body is None else len(self.body)
        start = "" if not self.body else f" {self.body[:40]!r}"
        return f"{self.method} {self.path[:300]} {self.headers} body {size} bytes{start}"


class Fuzzer:
    def __init__(self, rng: random.Random, known: Known, huge: float) -> None:
        self.rng = rng
        self.known = known
        self.huge = huge  # the share of bodies beyond the REST API's limit

    # -- pieces ----------------------------------------------------------------------------

    def text(self, most: int = 40) -> str:
        rng = self.rng
        alphabet = rng.choice(
            [string.hexdigits.lower(), string.printable, "0123456789-x", "é€\u202e\x00\ufffd"]
        )
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, most)))

    def an_id(self) -> str:
        rng = self.rng
        pool = self.known.blocks + self.known.batches + self.known.txns
        return rng.choice(
            [
                rng.choice(pool) if pool else "0" * 128,
                "".join(rng.choice("0123456789abcdef") for _ in range(128)),
                "F" * 128,
                "0" * 127,
                self.text(),
                "0000000000000000",
            ]
        )

    def a_value(self, key: str) -> str:
        rng = self.rng
        choices = [
            self.text(),
            "",
            str(rng.randint(-(10**6), 10**6)),
            "9" * rng.randint(15, 5000),
            "true",
            "false",
            f"0x{rng.randint(0, 2**64 - 1):016x}",
            ",".join(self.an_id() for _ in range(rng.randint(1, 20))),
            self.an_id(),
        ]
        if key == "address" and self.known.addresses:
            choices.append(rng.choice(self.known.addresses)[: rng.randint(0, 70)])
        if key == "wait":
            choices = [str(rng.randint(-3, 2)), "", "false", self.text(5)]
        return rng.choice(choices)

    def query(self) -> str:
        rng = self.rng
        pairs = []
        for _ in range(rng.choice([0, 0, 1, 2, 3, 6])):
            key = rng.choice(PARAMS) if rng.random() < 0.85 else self.text(8)
            pairs.append(quote(key, safe="") + "=" + quote(self.a_value(key), safe=",:"))
        if rng.random() < 0.05:  # a bare key, a bare '&', a stray '%'
            pairs.append(rng.choice(["reverse", "&", "%", "%zz", "id", "=x"]))
        return "&".join(pairs)

    def path(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            path = rng.choice(ROUTES)
        elif roll < 0.8:
            segment = self.an_id()
            if rng.random() < 0.3 and self.known.addresses:
                segment = rng.choice(self.known.addresses)
            path = rng.choice(ONE).format(quote(segment, safe=""))
        else:
            parts = [quote(self.text(12), safe="") for _ in range(rng.randint(0, 4))]
            path = "/" + "/".join(parts) + rng.choice(["", "/", "//", "/.."])
        query = self.query()
        return path + ("?" + query if query else "")

    # -- bodies ----------------------------------------------------------------------------

    def nested_json(self) -> bytes:
        rng = self.rng
        depth = rng.choice([10, 500, 5_000, 100_000])
        opener = rng.choice(["[", '{"a":', "[[", '["x",'])
        return (opener * depth + rng.choice(["", "1", '"' + "0" * 128 + '"'])).encode()

    def json_list(self) -> bytes:
        rng = self.rng
        items: list[Any] = []
        for _ in range(rng.randint(0, 30)):
            items.append(
                rng.choice(
                    [self.an_id(), rng.randint(-5, 5), None, [], {}, self.text(), 1e308, True]
                )
            )
        body = rng.choice([items, {"ids": items}, self.an_id(), 7, None])
        return json.dumps(body).encode(rng.choice(["utf-8", "utf-16", "utf-32"]))

    def random_batch(self) -> Batch:
        rng = self.rng
        txns = []
        for _ in range(rng.randint(0, 3)):
            txns.append(
                Transaction(
                    header=rng.randbytes(rng.randint(0, 200)),
                    header_signature=self.an_id(),
                    payload=rng.randbytes(rng.randint(0, 100)),
                )
            )
        header = rng.choice(
            [
                rng.randbytes(rng.randint(0, 120)),
                BatchHeader(
                    signer_public_key=self.text(66),
                    transaction_ids=[t.header_signature for t in txns],
                ).SerializeToString(),
            ]
        )
        return Batch(header=header, header_signature=self.an_id(), transactions=txns)

    def mutated(self, data: bytes) -> bytes:
        rng = self.rng
        out = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            if not out:
                break
            at = rng.randrange(len(out))
            action = rng.choice(["flip", "cut", "insert"])
            if action == "flip":
                out[at] ^= 1 << rng.randrange(8)
            elif action == "cut":
                del out[at : at + rng.randint(1, 16)]
            else:
                out[at:at] = rng.randbytes(rng.randint(1, 16))
        return bytes(out)

    def protobuf(self) -> bytes:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            return rng.randbytes(rng.randint(0, 2000))
        if roll < 0.6:
            batches = [self.random_batch() for _ in range(rng.randint(0, 4))]
            return BatchList(batches=batches).SerializeToString()
        if roll < 0.9 and self.known.valid:
            return self.mutated(rng.choice(self.known.valid))
        return rng.choice(self.known.valid) if self.known.valid else b""

    def body(self, method: str, path: str) -> tuple[bytes | None, dict[str, str]]:
        rng = self.rng
        headers: dict[str, str] = {}
        if method not in ("POST", "PUT", "PATCH") and rng.random() < 0.9:
            return None, headers
        roll = rng.random()
        if roll < self.huge:
            body = b"[" * (MAX_BODY + rng.randint(1, 1000))
        elif path.startswith("/batches"):
            body = self.protobuf() if roll < 0.8 else self.json_list()
        elif roll < 0.3:
            body = self.nested_json()
        elif roll < 0.7:
            body = self.json_list()
        else:
            body = rng.randbytes(rng.randint(0, 3000))
        right = "application/octet-stream" if path.startswith("/batches") else "application/json"
        headers["Content-Type"] = right if rng.random() < 0.7 else rng.choice(CONTENT_TYPES)
        if rng.random() < 0.03:
            headers["Content-Encoding"] = rng.choice(["gzip", "deflate", "br", "x-nothing"])
        return body, headers

    def request(self) -> Request:
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:  # a submission
            method, path = "POST", "/batches" + rng.choice(["", "", "", "?" + self.query()])
        elif roll < 0.5:  # ids in a body
            method = "POST"
            path = rng.choice(["/batch_statuses", "/receipts"])
            path += rng.choice(["", "", "?" + self.query()])
        elif roll < 0.85:  # a query
            method, path = "GET", self.path()
        else:  # any method, any path
            method = rng.choice(METHODS)
            if rng.random() < 0.1:
                method = "".join(rng.choice(string.ascii_uppercase) for _ in range(5))
            path = self.path()
        body, headers = self.body(method, path)
        return Request(method, path, headers, body)


def check(
    request: Request, status: int, content_type: str, text: str, table: dict[int, int], seed: int
) -> None:
    """The answer is a JSON envelope with a documented status (and code, for an error)."""
    where = f"seed {seed}: {request.describe()} -> {status} {content_type} {text[:300]!r}"
    assert status != 500, where
    assert status in {200, 202} | set(table.values()), where
    assert content_type == "application/json", where
    if request.method == "HEAD":
        return  # no body
    body = json.loads(text)
    assert isinstance(body, dict), where
    if status in (200, 202):
        assert "error" not in body and ("data" in body or "link" in body), where
        return
    assert set(body) == {"error"}, where
    error = body["error"]
    assert set(error) == {"code", "title", "message"}, where
    assert table.get(error["code"]) == status, where
    assert error["title"] and error["message"], where


async def send(
    session: aiohttp.ClientSession, base: str, request: Request, seed: int
) -> tuple[Any, ...]:
    url = URL(base + request.path, encoded=True)
    try:
        async with session.request(
            request.method, url, data=request.body, headers=request.headers
        ) as response:
            return response.status, response.content_type, await response.text(errors="replace")
    except aiohttp.ClientError as exc:
        raise AssertionError(f"seed {seed}: {request.describe()} -> no answer: {exc!r}") from exc


async def seed_the_chain(base: str, signer: Signer) -> Known:
    """A few committed kv batches (and one for a family nobody serves), to aim at."""
    known = Known()
    async with aiohttp.ClientSession() as session:
        for n in range(3):
            batch = kv_batch(signer, ("set", f"fuzz-{n}", n))
            body = batch_list_bytes([batch])
            known.valid.append(body)
            await post_and_wait(session, base, body, batch.header_signature)
            known.batches.append(batch.header_signature)
            known.txns += [t.header_signature for t in batch.transactions]
        unserved = make_transaction(signer, "nobody", "1.0", b"x", ["ab" * 35], ["ab" * 35])
        known.valid.append(batch_list_bytes([make_batch(signer, [unserved])]))
        async with session.get(f"{base}/blocks") as response:
            known.blocks = [b["header_signature"] for b in (await response.json())["data"]]
        async with session.get(f"{base}/state") as response:
            known.addresses = [e["address"] for e in (await response.json())["data"]]
    return known


async def post_and_wait(
    session: aiohttp.ClientSession, base: str, body: bytes, batch_id: str
) -> None:
    headers = {"Content-Type": "application/octet-stream"}
    async with session.post(f"{base}/batches", data=body, headers=headers) as response:
        assert response.status == 202, await response.text()
    async with session.get(f"{base}/batch_statuses?id={batch_id}&wait=10") as response:
        assert (await response.json())["data"][0]["status"] == "COMMITTED"


async def still_healthy(base: str, signer: Signer) -> None:
    async with aiohttp.ClientSession() as session:
        batch = kv_batch(signer, ("set", f"after-fuzz-{signer.public_key[:8]}", 1))
        await post_and_wait(session, base, batch_list_bytes([batch]), batch.header_signature)
        async with session.get(f"{base}/status") as response:
            assert response.status == 200


async def fuzz(base: str, seed: int, count: int, huge: float, caplog) -> None:
    signer = Signer.generate()
    known = await seed_the_chain(base, signer)
    table = documented()
    fuzzer = Fuzzer(random.Random(seed), known, huge)
    requests = [fuzzer.request() for _ in range(count)]
    caplog.clear()
    with caplog.at_level(logging.INFO):
        async with aiohttp.ClientSession() as session:
            for start in range(0, count, 8):  # a few at once: concurrency is part of it
                chunk = requests[start : start + 8]
                answers = await asyncio.gather(*(send(session, base, r, seed) for r in chunk))
                for request, answer in zip(chunk, answers, strict=True):
                    check(request, *answer, table, seed)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    await still_healthy(base, signer)


async def test_fuzz_the_rest_api(devnet_rest, kv, caplog) -> None:
    await fuzz(devnet_rest, SEED, count=400, huge=0.005, caplog=caplog)


# -- the long run ------------------------------------------------------------------------


def raw_request(rng: random.Random, fuzzer: Fuzzer) -> bytes:
    """One request as bytes, often not well-formed HTTP; it always ends its head and closes."""
    method = rng.choice([*METHODS, "G ET", "", "\x16\x03\x01", "get"]).encode()
    target = rng.choice(
        [
            fuzzer.path().encode(),
            rng.randbytes(rng.randint(0, 50)),
            b"/" + b"a" * rng.choice([100, 8_185, 8_200, 20_000]),
            b"http://x/status",
            b"*",
        ]
    )
    version = rng.choice([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/9.9", b"", b"HTTP/1.1 x"])
    headers = [b"Host: x", b"Connection: close", b"Content-Length: 0"]
    for _ in range(rng.randint(0, 3)):
        headers.append(
            rng.choice(
                [
                    b"X-" + bytes(c for c in rng.randbytes(20) if c not in b"\r\n:") + b": y",
                    b"No colon here",
                    b"X-Long: " + b"a" * rng.choice([10, 8_000, 9_000]),
                    b"Content-Length: -1",
                    b"Content-Length: abc",
                    b" folded: continuation",
                ]
            )
        )  # fmt: skip
    return method + b" " + target + b" " + version + b"\r\n" + b"\r\n".join(headers) + b"\r\n\r\n"


async def raw_exchange(base: str, data: bytes) -> tuple[int, str, str] | None:
    """Send bytes, read until the server closes; (status, content type, body), or None when the
    server closed without an answer."""
    parts = urlsplit(base)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(data)
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 15)
    finally:
        writer.close()
    if not answer:
        return None
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}
    content_type = headers.get("content-type", "").split(";")[0]
    return status, content_type, body.decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [SEED + 1, SEED + 2, SEED + 3])
async def test_fuzz_the_rest_api_long(devnet_rest, kv, caplog, seed) -> None:
    await fuzz(devnet_rest, seed, count=8_000, huge=0.01, caplog=caplog)


@pytest.mark.slow
async def test_fuzz_raw_http(devnet_rest, kv, caplog) -> None:
    rng = random.Random(SEED)
    fuzzer = Fuzzer(rng, Known(), 0.0)
    table = documented()
    with caplog.at_level(logging.INFO):
        for _ in range(2_000):
            data = raw_request(rng, fuzzer)
            answer = await raw_exchange(devnet_rest, data)
            if answer is None:
                continue  # closed without a word (e.g. HTTP/0.9-looking bytes): acceptable
            method = data.split(b" ", 1)[0].decode("latin-1")  # HEAD: no body
            described = Request(method, repr(data[:300]), {}, None)
            check(described, *answer, table, SEED)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    await still_healthy(devnet_rest, Signer.generate())
