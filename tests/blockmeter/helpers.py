"""Shared parts for the agent's tests (conftest.py re-exports the fixtures): a fake Sawtooth
REST API on 127.0.0.1 that decodes BlockMeter transactions and keeps each meter's series like
the processor does, and helpers."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import DataType, SimData, SimDevice
from sawtooth_sdk.protobuf.batch_pb2 import BatchList

from smartblocks.blockmeter.connectors.modbus import Register, encode
from smartblocks.blockmeter.spool import Spool
from smartblocks.ledger.keys import Signer
from smartblocks.protos.blockmeter_pb2 import BlockMeterPayload

Judge = Callable[[Any], str | None]


@dataclass
class Recorded:
    meter: str
    start: int
    interval_s: int
    values: list[int]
    quality: list[int]
    txn_id: str


@dataclass
class FakeLedger:
    """Batches become PENDING on POST and are executed, in order, on the next status poll
    (unless `hold`). Faults scripted in `faults` answer the next requests: an HTTP status, or
    "drop" to close the connection without an answer."""

    faults: list[int | str] = field(default_factory=list)
    judge: Judge | None = None
    hold: bool = False
    # Like a Sawtooth 1.2 validator (its completer's batch cache): a batch id seen before is
    # dropped on POST, so an INVALID batch resent under the same id stays INVALID.
    drop_seen_batches: bool = False
    # Like a Sawtooth 1.2 validator (its candidate block): a batch holding a transaction already
    # on the chain is dropped without a status of its own: it stays PENDING. (Else, like the
    # devnet: INVALID, "transaction ... is already in block 1".)
    drop_replayed_transactions: bool = False
    seen_batches: list[str] = field(default_factory=list)
    txn_ids_posted: list[list[str]] = field(default_factory=list)
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    queue: list[Any] = field(default_factory=list)
    committed: list[Recorded] = field(default_factory=list)
    committed_txns: set[str] = field(default_factory=set)
    heads: dict[str, int] = field(default_factory=dict)
    posts: int = 0
    transaction_gets: int = 0
    batches_received: int = 0
    url: str = ""

    def forget_pending(self) -> None:
        """A validator restart: pending batches are lost (their status becomes UNKNOWN)."""
        for batch in self.queue:
            self.statuses.pop(batch.header_signature, None)
        self.queue.clear()

    def windows(self) -> dict[tuple[str, int], Recorded]:
        return {(r.meter, r.start): r for r in self.committed}

    def _execute(self) -> None:
        while self.queue and not self.hold:
            batch = self.queue.pop(0)
            records, failure = [], None
            heads = dict(self.heads)
            if self.drop_replayed_transactions and any(
                t.header_signature in self.committed_txns for t in batch.transactions
            ):
                continue  # PENDING for good
            for txn in batch.transactions:
                body = BlockMeterPayload.FromString(txn.payload).record_readings
                message = None
                if txn.header_signature in self.committed_txns:
                    message = f"transaction {txn.header_signature} is already in block 1"
                elif body.window_start < heads.get(body.meter_id, 0):
                    message = f"meter {body.meter_id}: window starts before recorded data ends"
                elif self.judge is not None:
                    message = self.judge(body)
                if message is not None:
                    failure = {"id": txn.header_signature, "message": message, "extended_data": ""}
                    break
                heads[body.meter_id] = body.window_start + body.interval_s * len(body.values)
                records.append(
                    Recorded(
                        body.meter_id,
                        body.window_start,
                        body.interval_s,
                        list(body.values),
                        list(body.quality),
                        txn.header_signature,
                    )
                )
            if failure is not None:
                self.statuses[batch.header_signature] = {
                    "id": batch.header_signature,
                    "status": "INVALID",
                    "invalid_transactions": [failure],
                }
                continue
            self.heads = heads
            self.committed.extend(records)
            self.committed_txns.update(r.txn_id for r in records)
            self.statuses[batch.header_signature] = {
                "id": batch.header_signature,
                "status": "COMMITTED",
                "invalid_transactions": [],
            }

    def _fault(self, request: web.Request) -> web.Response | None:
        if not self.faults:
            return None
        fault = self.faults.pop(0)
        if fault == "drop":
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        titles = {429: (31, "Unable to Accept Batches"), 503: (18, "Validator Timed Out")}
        code, title = titles.get(int(fault), (0, "Bad Request"))
        body = {"error": {"code": code, "title": title, "message": f"scripted {fault}"}}
        return web.json_response(body, status=int(fault))

    async def post_batches(self, request: web.Request) -> web.Response:
        self.posts += 1
        if (fault := self._fault(request)) is not None:
            return fault
        batches = BatchList.FromString(await request.read()).batches
        for batch in batches:
            self.batches_received += 1
            self.txn_ids_posted.append([t.header_signature for t in batch.transactions])
            seen = batch.header_signature in self.seen_batches
            self.seen_batches.append(batch.header_signature)
            if seen and self.drop_seen_batches:
                continue
            known = self.statuses.get(batch.header_signature, {}).get("status")
            if known in (None, "INVALID"):  # like the devnet: an invalid batch may be retried
                self.statuses[batch.header_signature] = {
                    "id": batch.header_signature,
                    "status": "PENDING",
                    "invalid_transactions": [],
                }
                self.queue.append(batch)
        link = f"{self.url}/batch_statuses?id={','.join(b.header_signature for b in batches)}"
        return web.json_response({"link": link}, status=202)

    async def batch_statuses(self, request: web.Request) -> web.Response:
        if (fault := self._fault(request)) is not None:
            return fault
        if request.method == "POST":
            ids = json.loads(await request.read())
        else:
            ids = request.query["id"].split(",")
        self._execute()
        unknown = {"status": "UNKNOWN", "invalid_transactions": []}
        data = [self.statuses.get(i, {"id": i, **unknown}) for i in ids]
        return web.json_response({"data": data, "link": str(request.url)})

    async def transaction(self, request: web.Request) -> web.Response:
        """GET /transactions/{id}: found when committed (only the id is filled in)."""
        self.transaction_gets += 1
        if (fault := self._fault(request)) is not None:
            return fault
        txn_id = request.match_info["transaction_id"]
        if txn_id not in self.committed_txns:
            error = {"code": 72, "title": "Transaction Not Found", "message": "not found"}
            return web.json_response({"error": error}, status=404)
        return web.json_response({"data": {"header_signature": txn_id}, "link": str(request.url)})


@pytest.fixture
async def fake_ledger() -> AsyncIterator[FakeLedger]:
    ledger = FakeLedger()
    app = web.Application()
    app.router.add_post("/batches", ledger.post_batches)
    app.router.add_get("/batch_statuses", ledger.batch_statuses)
    app.router.add_post("/batch_statuses", ledger.batch_statuses)
    app.router.add_get("/transactions/{transaction_id}", ledger.transaction)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    ledger.url = f"http://127.0.0.1:{port}"
    try:
        yield ledger
    finally:
        await runner.cleanup()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def spool(tmp_path: Any) -> Any:
    store = Spool(tmp_path / "spool.sqlite")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(scope="session")
def signer() -> Signer:
    return Signer.generate()


def fill_windows(
    spool: Spool,
    meter: str,
    windows: int,
    *,
    interval_s: int = 60,
    window_s: int = 300,
    start: int = 1_767_571_200,
    value: Callable[[int], int] = lambda ts: ts // 60,
) -> list[int]:
    """Register `meter`, sample every slot of `windows` windows and close them."""
    spool.register_meter(meter, interval_s, window_s)
    samples = [
        (meter, ts, value(ts))
        for ts in range(start + interval_s, start + windows * window_s + 1, interval_s)
    ]
    spool.add_samples(samples)
    return spool.close_windows(meter, start + windows * window_s)


HOLDING, INPUT = 16, 4  # function codes that address each table in async_setValues
DEVICE = 1


class Device:
    def __init__(self, server: ModbusTcpServer, port: int):
        self.server = server
        self.port = port

    async def put(self, register: Register, value: int | float) -> None:
        table = HOLDING if register.function == "holding" else INPUT
        await self.server.async_setValues(DEVICE, table, register.address, encode(value, register))


async def start_device(port: int = 0) -> Device:
    tables = ([SimData(0, count=8, values=False, datatype=DataType.BITS)],) * 2
    registers = (
        [SimData(0, count=1000, values=0, datatype=DataType.REGISTERS)],
        [SimData(0, count=1000, values=0, datatype=DataType.REGISTERS)],
    )
    server = ModbusTcpServer(
        SimDevice(DEVICE, simdata=(*tables, *registers)), address=("127.0.0.1", port)
    )
    await server.serve_forever(background=True)
    assert server.transport is not None
    listener: Any = server.transport  # an asyncio.Server while listening
    return Device(server, listener.sockets[0].getsockname()[1])
