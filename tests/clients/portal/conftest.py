"""Fakes that speak Sawtooth 1.2's protocols, for the follower, index and portal tests.

`FakeChain` holds blocks of real signed batches; `FakeValidator` serves its event subscriptions
on a ZMQ ROUTER (catch-up from last_known_block_ids, UNKNOWN_BLOCK, live commits, pings,
dropping every connection); `FakeRestApi` serves GET /blocks/{id} in the REST API's JSON shape.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import zmq
import zmq.asyncio
from aiohttp import web
from sawtooth_sdk.protobuf.batch_pb2 import BatchHeader
from sawtooth_sdk.protobuf.client_event_pb2 import (
    ClientEventsSubscribeRequest,
    ClientEventsSubscribeResponse,
    ClientEventsUnsubscribeResponse,
)
from sawtooth_sdk.protobuf.events_pb2 import Event, EventList
from sawtooth_sdk.protobuf.network_pb2 import PingRequest
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, StateChangeList
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.events import BLOCK_COMMIT, NULL_BLOCK_ID, STATE_DELTA
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_batch, make_transaction


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class FakeBlock:
    block_id: str
    block_num: int
    previous_block_id: str
    signer: Signer
    batches: list = field(default_factory=list)
    state_changes: list[tuple[str, bytes | None]] = field(default_factory=list)

    @property
    def state_root(self) -> str:
        return hashlib.sha256(self.block_id.encode()).hexdigest()

    def event_list(self) -> EventList:
        commit = Event(event_type=BLOCK_COMMIT)
        for key, value in (
            ("block_id", self.block_id),
            ("block_num", str(self.block_num)),
            ("state_root_hash", self.state_root),
            ("previous_block_id", self.previous_block_id),
        ):
            commit.attributes.add(key=key, value=value)
        changes = StateChangeList()
        delta = Event(event_type=STATE_DELTA)
        for address, value in self.state_changes:
            changes.state_changes.add(
                address=address,
                value=value or b"",
                type=StateChange.DELETE if value is None else StateChange.SET,
            )
            delta.attributes.add(key="address", value=address)
        delta.data = changes.SerializeToString()
        return EventList(events=[commit, delta])

    def rest_json(self) -> dict:
        """The block as the REST API's GET /blocks/{id} shows it (uint64 as strings)."""
        return {
            "header": {
                "block_num": str(self.block_num),
                "previous_block_id": self.previous_block_id,
                "signer_public_key": self.signer.public_key,
                "batch_ids": [b.header_signature for b in self.batches],
                "state_root_hash": self.state_root,
                "consensus": "RGV2bW9kZQ==",
            },
            "header_signature": self.block_id,
            "batches": [_batch_json(b) for b in self.batches],
        }


def _batch_json(batch) -> dict:
    header = BatchHeader()
    header.ParseFromString(batch.header)
    return {
        "header": {
            "signer_public_key": header.signer_public_key,
            "transaction_ids": list(header.transaction_ids),
        },
        "header_signature": batch.header_signature,
        "trace": False,
        "transactions": [_txn_json(t) for t in batch.transactions],
    }


def _txn_json(txn) -> dict:
    header = TransactionHeader()
    header.ParseFromString(txn.header)
    return {
        "header": {
            "batcher_public_key": header.batcher_public_key,
            "dependencies": list(header.dependencies),
            "family_name": header.family_name,
            "family_version": header.family_version,
            "inputs": list(header.inputs),
            "nonce": header.nonce,
            "outputs": list(header.outputs),
            "payload_sha512": header.payload_sha512,
            "signer_public_key": header.signer_public_key,
        },
        "header_signature": txn.header_signature,
        "payload": base64.b64encode(txn.payload).decode(),
    }


class FakeChain:
    """A chain of blocks with content; `fork` replaces blocks from a height on."""

    def __init__(self) -> None:
        self.signer = Signer.generate()
        self.blocks: list[FakeBlock] = []
        self.by_id: dict[str, FakeBlock] = {}
        self.listeners: list = []
        self._counter = 0

    def _new_id(self) -> str:
        self._counter += 1
        return hashlib.sha512(f"block-{self._counter}-{id(self)}".encode()).hexdigest()

    def add_block(
        self,
        transactions: list[tuple[str, bytes, list[str], list[str]]] = (),  # type: ignore[assignment]
        state_changes: list[tuple[str, bytes | None]] = (),  # type: ignore[assignment]
    ) -> FakeBlock:
        """Append a block: transactions are (family, payload, inputs, outputs), one batch each."""
        previous = self.blocks[-1].block_id if self.blocks else NULL_BLOCK_ID
        batches = [
            make_batch(
                self.signer,
                [make_transaction(self.signer, family, "1.0", payload, inputs, outputs)],
            )
            for family, payload, inputs, outputs in transactions
        ]
        block = FakeBlock(
            self._new_id(), len(self.blocks), previous, self.signer, batches, list(state_changes)
        )
        self.blocks.append(block)
        self.by_id[block.block_id] = block
        for listener in self.listeners:
            listener(block)
        return block

    def add_state_of(self, state: dict[str, bytes], namespaces: tuple[str, ...]) -> FakeBlock:
        """A block that writes the records under `namespaces` of an in-memory ledger's `state`
        (tests/support/ledger.py), in address order: records made by the processors' real
        actions, shown by the portal as if a validator had committed them."""
        changes = sorted((a, v) for a, v in state.items() if a.startswith(namespaces))
        return self.add_block(state_changes=changes)  # type: ignore[arg-type]

    def fork(self, keep: int) -> None:
        """Abandon every block from height `keep` on (the next add_block builds the new branch)."""
        del self.blocks[keep:]

    def on_chain(self, block_id: str) -> FakeBlock | None:
        block = self.by_id.get(block_id)
        if block and block.block_num < len(self.blocks) and self.blocks[block.block_num] is block:
            return block
        return None


class FakeValidator:
    """The event-subscription side of a validator's component endpoint."""

    def __init__(self, chain: FakeChain, port: int) -> None:
        self.chain = chain
        self.url = f"tcp://127.0.0.1:{port}"
        self.port = port
        self.ctx = zmq.asyncio.Context.instance()
        self.router: zmq.asyncio.Socket | None = None
        self.task: asyncio.Task | None = None
        self.subscribers: set[bytes] = set()
        self.requests: list[list[str]] = []
        self.pongs = 0
        self.pong_received = asyncio.Event()
        chain.listeners.append(self._broadcast)

    async def start(self) -> None:
        self.router = self.ctx.socket(zmq.ROUTER)
        self.router.setsockopt(zmq.LINGER, 0)
        # After stop(), ZMQ's I/O thread releases the port a moment later: retry until it has.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while True:
            try:
                self.router.bind(self.url)
                break
            except zmq.ZMQError as exc:
                if exc.errno != zmq.EADDRINUSE or loop.time() > deadline:
                    raise
                await asyncio.sleep(0.02)
        self.task = asyncio.create_task(self._serve())

    async def stop(self) -> None:
        """Close the socket: every connected client sees a disconnect."""
        if self.task:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        if self.router is not None:
            self.router.close(linger=0)
            self.router = None
        self.subscribers.clear()

    async def ping_all(self) -> None:
        for identity in self.subscribers:
            await self._send(identity, Message.PING_REQUEST, PingRequest(), "ping-1")

    async def _send(self, identity: bytes, message_type: int, content, correlation_id: str = ""):
        assert self.router is not None
        message = Message(
            message_type=message_type,
            correlation_id=correlation_id,
            content=content.SerializeToString(),
        )
        await self.router.send_multipart([identity, message.SerializeToString()])

    def _broadcast(self, block: FakeBlock) -> None:
        if self.router is None:
            return
        for identity in list(self.subscribers):
            message = Message(
                message_type=Message.CLIENT_EVENTS,
                content=block.event_list().SerializeToString(),
            )
            self.router.send_multipart([identity, message.SerializeToString()])

    async def _serve(self) -> None:
        assert self.router is not None
        while True:
            identity, raw = await self.router.recv_multipart()
            message = Message()
            message.ParseFromString(raw)
            if message.message_type == Message.CLIENT_EVENTS_SUBSCRIBE_REQUEST:
                await self._subscribe(identity, message)
            elif message.message_type == Message.CLIENT_EVENTS_UNSUBSCRIBE_REQUEST:
                self.subscribers.discard(identity)
                await self._send(
                    identity,
                    Message.CLIENT_EVENTS_UNSUBSCRIBE_RESPONSE,
                    ClientEventsUnsubscribeResponse(status=ClientEventsUnsubscribeResponse.OK),
                    message.correlation_id,
                )
            elif message.message_type == Message.PING_RESPONSE:
                self.pongs += 1
                self.pong_received.set()

    async def _subscribe(self, identity: bytes, message: Message) -> None:
        request = ClientEventsSubscribeRequest()
        request.ParseFromString(message.content)
        known = list(request.last_known_block_ids)
        self.requests.append(known)
        start: int | None = None
        if not known:
            start = len(self.chain.blocks)
        elif NULL_BLOCK_ID in known:
            start = 0
        else:
            on_chain = [b for b in map(self.chain.on_chain, known) if b is not None]
            if on_chain:
                start = max(b.block_num for b in on_chain) + 1
        status = (
            ClientEventsSubscribeResponse.OK
            if start is not None
            else (ClientEventsSubscribeResponse.UNKNOWN_BLOCK)
        )
        await self._send(
            identity,
            Message.CLIENT_EVENTS_SUBSCRIBE_RESPONSE,
            ClientEventsSubscribeResponse(status=status),
            message.correlation_id,
        )
        if start is None:
            return
        for block in self.chain.blocks[start:]:
            await self._send(identity, Message.CLIENT_EVENTS, block.event_list())
        self.subscribers.add(identity)


class FakeRestApi:
    """GET /blocks/{block_id} of Sawtooth's REST API, served from a FakeChain."""

    def __init__(self, chain: FakeChain) -> None:
        self.chain = chain
        self.runner: web.AppRunner | None = None
        self.url = ""
        self.requests = 0
        self.missing: set[str] = set()  # block ids answered with 404, as if forked away
        self.state: dict[str, dict[str, bytes]] = {}  # block id -> state at it (GET /state)
        self.state_requests: list[str] = []  # the head of each GET /state

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/blocks/{block_id}", self._block)
        app.router.add_get("/state", self._state)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    async def _state(self, request: web.Request) -> web.Response:
        """GET /state?head=ID&start=ADDRESS&limit=N, two entries a page to exercise paging."""
        head = request.query["head"]
        self.state_requests.append(head)
        entries = sorted(self.state.get(head, {}).items())
        start = request.query.get("start", "")
        page = [e for e in entries if e[0] >= start][:2]
        rest = [e for e in entries if e[0] >= start][2:]
        paging: dict = {"limit": 2, "start": start}
        if rest:
            paging["next_position"] = rest[0][0]
            paging["next"] = f"{self.url}/state?head={head}&start={rest[0][0]}&limit=2"
        data = [{"address": a, "data": base64.b64encode(v).decode()} for a, v in page]
        return web.json_response({"data": data, "head": head, "paging": paging})

    async def _block(self, request: web.Request) -> web.Response:
        self.requests += 1
        block_id = request.match_info["block_id"]
        block = None if block_id in self.missing else self.chain.by_id.get(block_id)
        if block is None:
            return web.json_response(
                {"error": {"code": 75, "title": "Block Not Found", "message": "not found"}},
                status=404,
            )
        return web.json_response(
            {"data": block.rest_json(), "link": f"{self.url}/blocks/{block.block_id}"}
        )


@pytest.fixture
def chain() -> FakeChain:
    return FakeChain()


@pytest.fixture
async def validator(chain: FakeChain) -> AsyncIterator[FakeValidator]:
    fake = FakeValidator(chain, free_port())
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def rest_api(chain: FakeChain) -> AsyncIterator[FakeRestApi]:
    fake = FakeRestApi(chain)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


# -- a small building on the ledger ------------------------------------------------------------

DAY0 = 1_767_225_600  # 2026-01-01T00:00:00Z
DAYS = 10
# A meter's hourly readings: BASES[meter] + step * ((hour * 7 + day * 3) % 11), step 1 kWh or 1 °C.
BASES = {
    "main": 40_000_000,
    "chp": 15_000_000,
    "outdoor": -3_000,
    "export": 2_000_000,
    "charge": 3_000_000,
    "discharge": 2_500_000,
}


def blockmeter_records(
    chain: FakeChain, days: int = DAYS, *, weather: bool = False, storage: bool = False
) -> dict[str, str]:
    """Commit a site, two meters (import and CHP) and `days` of hourly readings with rollups.

    Each day is one block: one record-readings transaction per meter, and the state changes the
    BlockMeter processor would make (head, day rollup, month rollup). Returns ids for the tests.
    `storage` adds an export meter and a battery's charge and discharge meters.
    """
    import datetime as dt

    from smartblocks.processors.blockmeter import addressing as a
    from smartblocks.protos import blockmeter_pb2 as pb

    def payload(**body) -> bytes:
        ((name, message),) = body.items()
        action = getattr(pb.BlockMeterPayload, name.upper())
        return pb.BlockMeterPayload(action=action, **{name: message}).SerializeToString()

    site = pb.Site(
        site_id="hq",
        name="Head office",
        owner_public_key=chain.signer.public_key,
        floor_area_m2=4200,
        timezone="Europe/Berlin",
        location="Berlin",
    )
    meters = {
        "main": pb.Meter(
            meter_id="main",
            site_id="hq",
            kind=pb.ELECTRICITY_IMPORT,
            unit=pb.MILLIWATT_HOUR,
            mode=pb.INTERVAL,
            nominal_interval_s=3600,
            name="Main incomer",
            device_keys=[chain.signer.public_key],
        ),
        "chp": pb.Meter(
            meter_id="chp",
            site_id="hq",
            kind=pb.GENERATION,
            unit=pb.MILLIWATT_HOUR,
            mode=pb.INTERVAL,
            nominal_interval_s=3600,
            name="CHP unit",
            device_keys=[chain.signer.public_key],
        ),
    }
    if weather:
        meters["outdoor"] = pb.Meter(
            meter_id="outdoor",
            site_id="hq",
            kind=pb.TEMPERATURE,
            unit=pb.MILLIDEGREE_CELSIUS,
            mode=pb.INTERVAL,
            nominal_interval_s=3600,
            name="Outdoor temperature",
            device_keys=[chain.signer.public_key],
        )
    if storage:
        for key, kind, name in [
            ("export", pb.ELECTRICITY_EXPORT, "Main incomer, export"),
            ("charge", pb.STORAGE_CHARGE, "Battery, charge"),
            ("discharge", pb.STORAGE_DISCHARGE, "Battery, discharge"),
        ]:
            meters[key] = pb.Meter(
                meter_id=key,
                site_id="hq",
                kind=kind,
                unit=pb.MILLIWATT_HOUR,
                mode=pb.INTERVAL,
                nominal_interval_s=3600,
                name=name,
                device_keys=[chain.signer.public_key],
            )
    chain.add_block()  # genesis
    chain.add_block(
        transactions=[
            (
                "blockmeter",
                payload(
                    create_site=pb.CreateSite(
                        site_id="hq", name="Head office", owner_public_key=chain.signer.public_key
                    )
                ),
                [a.site_address("hq")],
                [a.site_address("hq")],
            )
        ],
        state_changes=[(a.site_address("hq"), site.SerializeToString())],
    )
    chain.add_block(
        transactions=[
            (
                "blockmeter",
                payload(
                    register_meter=pb.RegisterMeter(
                        meter_id=m.meter_id,
                        site_id="hq",
                        kind=m.kind,
                        unit=m.unit,
                        mode=m.mode,
                        nominal_interval_s=3600,
                        name=m.name,
                    )
                ),
                [a.meter_address(m.meter_id)],
                [a.meter_address(m.meter_id)],
            )
            for m in meters.values()
        ],
        state_changes=[(a.meter_address(k), m.SerializeToString()) for k, m in meters.items()],
    )
    months: dict[str, pb.Rollup] = {}
    heads = {k: pb.MeterHead(meter_id=k, first_window_start=DAY0) for k in meters}
    for day in range(days):
        start = DAY0 + day * 86400
        date = dt.datetime.fromtimestamp(start, dt.UTC).date()
        txns, changes = [], []
        for key in meters:
            base = BASES[key]
            step = 1_000 if key == "outdoor" else 1_000_000  # 1 °C or 1 kWh
            values = [base + step * ((h * 7 + day * 3) % 11) for h in range(24)]
            outputs = [
                a.meter_head_address(key),
                a.day_rollup_address(key, date.isoformat()),
                a.month_rollup_address(key, date.strftime("%Y-%m")),
            ]
            txns.append(
                (
                    "blockmeter",
                    payload(
                        record_readings=pb.RecordReadings(
                            meter_id=key, window_start=start, interval_s=3600, values=values
                        )
                    ),
                    [a.meter_address(key), *outputs],
                    outputs,
                )
            )
            buckets = [
                pb.Bucket(index=h, sum=v, count=1, min=v, max=v) for h, v in enumerate(values)
            ]
            rollup = pb.Rollup(
                meter_id=key,
                period=date.isoformat(),
                buckets=buckets,
                sum=sum(values),
                count=24,
                min=min(values),
                max=max(values),
            )
            month = months.setdefault(key, pb.Rollup(meter_id=key, period=date.strftime("%Y-%m")))
            month.buckets.append(
                pb.Bucket(index=date.day, sum=rollup.sum, count=24, min=rollup.min, max=rollup.max)
            )
            month.sum += rollup.sum
            month.count += 24
            month.min = min(month.min or rollup.min, rollup.min)
            month.max = max(month.max, rollup.max)
            head = heads[key]
            head.last_window_end = start + 86400
            head.window_count += 1
            head.value_count += 24
            changes += [
                (outputs[0], head.SerializeToString()),
                (outputs[1], rollup.SerializeToString()),
                (outputs[2], month.SerializeToString()),
            ]
        chain.add_block(transactions=txns, state_changes=changes)
    return {"site": "hq", "meter": "main", "generation_meter": "chp"}


@pytest.fixture
def building(chain: FakeChain) -> dict[str, str]:
    """The chain with a site, two meters and DAYS days of readings (see blockmeter_records)."""
    return blockmeter_records(chain)


@pytest.fixture
def weather_building(chain: FakeChain) -> dict[str, str]:
    """`building` plus an outdoor temperature meter: a rate, shown as a mean."""
    return blockmeter_records(chain, weather=True)


@pytest.fixture
def storage_building(chain: FakeChain) -> dict[str, str]:
    """`building` plus an export meter and a battery's charge and discharge meters."""
    return blockmeter_records(chain, storage=True)


# -- a running portal ---------------------------------------------------------------------------

PASSWORDS = {"auditor": "auditor-pass-1", "admin": "admin-pass-1"}


class RunningPortal:
    def __init__(self, service, chain: FakeChain) -> None:
        self.service = service
        self.chain = chain
        self.url = service.url
        self._reached: dict[int, asyncio.Event] = {}
        feed = service.feeder.on_block

        def on_block(block: dict) -> None:
            feed(block)
            for num, event in self._reached.items():
                if block["block_num"] >= num:
                    event.set()

        service.feeder.on_block = on_block

    async def indexed(self, block_num: int | None = None) -> None:
        """Wait until the index holds `block_num` (default: the chain's head)."""
        target = len(self.chain.blocks) - 1 if block_num is None else block_num
        head = self.service.index.head()
        if head and head[0] >= target:
            return
        event = self._reached.setdefault(target, asyncio.Event())
        await asyncio.wait_for(event.wait(), 20)


@pytest.fixture
async def portal(tmp_path, chain, validator, rest_api) -> AsyncIterator[RunningPortal]:
    from smartblocks.clients.portal.auth import User, hash_password
    from smartblocks.clients.portal.config import PortalConfig
    from smartblocks.clients.portal.server import PortalService

    users = {
        name: User(name, "admin" if name == "admin" else "reader", hash_password(pw, n=2**10))
        for name, pw in PASSWORDS.items()
    }
    config = PortalConfig(
        listen="127.0.0.1:0",
        rest_api=rest_api.url,
        component=validator.url,
        data_dir=str(tmp_path / "portal"),
        users=users,
    )
    service = PortalService(config)
    service.follower.backoff = Backoff(0.05, 5.0)
    running = RunningPortal(service, chain)
    await service.start()
    running.url = service.url
    try:
        yield running
    finally:
        await service.stop()
