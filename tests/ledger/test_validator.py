"""The shared validator client against a bare ZMQ ROUTER on a real port: answers by correlation
id, pings, unsolicited messages, sessions that end with the connection and come back."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import zmq
import zmq.asyncio
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.errors import ValidatorTimeout, ValidatorUnavailable
from smartblocks.ledger.validator import ValidatorClient

STEP = 10.0  # generous bound for one step; never reached when things work
ASK = Message.CLIENT_STATUS_GET_REQUEST
ANSWER = Message.CLIENT_STATUS_GET_RESPONSE


class Router:
    """A validator's ROUTER that answers ASK with ANSWER (the request's content echoed), unless
    `silent`; it records everything else it receives."""

    def __init__(self, port: int) -> None:
        self.url = f"tcp://127.0.0.1:{port}"
        self.ctx = zmq.asyncio.Context.instance()
        self.socket: zmq.asyncio.Socket | None = None
        self.task: asyncio.Task[None] | None = None
        self.silent = False
        self.held: list[tuple[bytes, Message]] = []  # requests left unanswered while silent
        self.received: asyncio.Queue[Message] = asyncio.Queue()
        self.peers: list[bytes] = []

    async def start(self) -> None:
        self.socket = self.ctx.socket(zmq.ROUTER)
        self.socket.setsockopt(zmq.LINGER, 0)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STEP
        while True:  # after stop(), ZMQ releases the port a moment later
            try:
                self.socket.bind(self.url)
                break
            except zmq.ZMQError as exc:
                if exc.errno != zmq.EADDRINUSE or loop.time() > deadline:
                    raise
                await asyncio.sleep(0.02)
        self.task = asyncio.create_task(self._serve())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        if self.socket is not None:
            self.socket.close(linger=0)
        self.task = self.socket = None

    async def send(self, identity: bytes, message_type: int, correlation_id: str, content: bytes):
        assert self.socket is not None
        message = Message(message_type=message_type, correlation_id=correlation_id, content=content)
        await self.socket.send_multipart([identity, message.SerializeToString()])

    async def _serve(self) -> None:
        assert self.socket is not None
        while True:
            identity, raw = await self.socket.recv_multipart()
            message = Message.FromString(raw)
            if identity not in self.peers:
                self.peers.append(identity)
            if message.message_type != ASK:
                self.received.put_nowait(message)
            elif self.silent:
                self.held.append((identity, message))
            else:
                await self.send(identity, ANSWER, message.correlation_id, message.content)


@pytest.fixture
async def router(unused_tcp_port: int) -> AsyncIterator[Router]:
    fake = Router(unused_tcp_port)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def client_of(url: str, **options) -> ValidatorClient:
    options.setdefault("backoff", Backoff(0.02, 0.2))
    return ValidatorClient(url, **options)


async def test_each_request_gets_its_own_answer(router: Router):
    async with client_of(router.url, name="test") as client:
        router.silent = True
        first = asyncio.create_task(client.request(ASK, b"first", STEP))
        second = asyncio.create_task(client.request(ASK, b"second", STEP))
        while len(router.held) < 2:
            await asyncio.sleep(0.01)
        for identity, message in reversed(router.held):  # answered in the other order
            await router.send(identity, ANSWER, message.correlation_id, message.content)
        assert (await first).content == b"first"
        assert (await second).content == b"second"
        assert client.connected and client.sessions == 1
        assert router.peers[0].startswith(b"test-")


async def test_pings_are_answered_and_unsolicited_messages_queued(router: Router):
    async with client_of(router.url, unsolicited=True) as client:
        session = await client.session(STEP)
        await session.request(ASK, b"", STEP)  # the router now knows the client's identity
        (identity,) = router.peers
        await router.send(identity, Message.PING_REQUEST, "ping-1", b"")
        await router.send(identity, Message.CLIENT_EVENTS, "", b"events")
        pong = await asyncio.wait_for(router.received.get(), STEP)
        assert (pong.message_type, pong.correlation_id) == (Message.PING_RESPONSE, "ping-1")
        events = await session.receive(STEP)
        assert (events.message_type, events.content) == (Message.CLIENT_EVENTS, b"events")
        with pytest.raises(ValidatorTimeout):
            await session.receive(0.05)


async def test_a_lost_validator_ends_the_session_and_the_next_one_works(router: Router):
    async with client_of(router.url, unsolicited=True) as client:
        session = await client.session(STEP)
        router.silent = True
        waiting = asyncio.create_task(session.request(ASK, b"", STEP))
        while not router.held:
            await asyncio.sleep(0.01)
        await router.stop()
        with pytest.raises(ValidatorUnavailable, match="lost the validator"):
            await asyncio.wait_for(waiting, STEP)
        with pytest.raises(ValidatorUnavailable, match="lost the validator"):
            await session.receive(STEP)
        assert session.lost and session.ended.is_set()
        router.silent = False
        await router.start()
        again = await client.session(STEP)
        assert again is not session and again.number >= 2
        assert (await client.request(ASK, b"back", STEP)).content == b"back"


async def test_without_a_validator_a_request_fails_after_the_grace(unused_tcp_port: int):
    async with client_of(f"tcp://127.0.0.1:{unused_tcp_port}", connect_grace=0.2) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        with pytest.raises(ValidatorUnavailable, match=r"not connected to tcp://127\.0\.0\.1"):
            await client.request(ASK, b"", STEP)
        assert loop.time() - started < 2
        assert not client.connected


async def test_a_validator_that_starts_later_is_found(unused_tcp_port: int):
    router = Router(unused_tcp_port)
    async with client_of(router.url) as client:
        await asyncio.sleep(0.3)  # several failed attempts, backing off
        assert client.backoff.failures >= 2
        await router.start()
        try:
            assert (await client.request(ASK, b"late", STEP)).content == b"late"
            assert client.backoff.failures == 0  # reset by the handshake
        finally:
            await router.stop()


async def test_a_silent_validator_times_out(router: Router):
    router.silent = True
    async with client_of(router.url) as client:
        with pytest.raises(ValidatorTimeout, match=r"no answer from tcp://127\.0\.0\.1"):
            await client.request(ASK, b"", 0.2)


async def test_closing_a_session_connects_anew(router: Router):
    async with client_of(router.url, unsolicited=True) as client:
        session = await client.session(STEP)
        await session.request(ASK, b"", STEP)
        session.close("starting over")
        with pytest.raises(ValidatorUnavailable, match="starting over"):
            await session.receive(STEP)
        assert not session.lost
        again = await client.session(STEP)
        assert again.number == session.number + 1
        await again.request(ASK, b"", STEP)
        assert len(router.peers) == 2  # a new connection, a new identity


async def test_a_session_asked_for_right_after_one_ended_is_the_next(router: Router):
    # No await between close and session(): the ended session must not come back (a caller
    # that resubscribes at once would otherwise spin on it until the client's task runs).
    async with client_of(router.url) as client:
        session = await client.session(STEP)
        session.close("starting over")
        again = await client.session(STEP)
        assert again is not session and again.number == session.number + 1
        await again.request(ASK, b"", STEP)


async def test_closing_the_client_fails_what_waits(router: Router):
    client = client_of(router.url)
    await client.open()
    router.silent = True
    waiting = asyncio.create_task(client.request(ASK, b"", STEP))
    while not router.held:
        await asyncio.sleep(0.01)
    await client.close("shutting down")
    with pytest.raises(ValidatorUnavailable, match="shutting down"):
        await waiting
    with pytest.raises(ValidatorUnavailable, match="closed"):
        await client.session(STEP)


async def test_a_bad_endpoint_is_refused_at_open():
    with pytest.raises(ValueError, match="bad component endpoint 'nonsense'"):
        await ValidatorClient("nonsense").open()
