"""One ZMQ DEALER connection to a validator's component endpoint, shared by all HTTP requests.

Requests are `validator_pb2.Message`s with a fresh correlation id; a reader task hands each
answer to the request waiting for that id. A socket monitor tracks whether the validator is
connected, so a request fails fast (and clearly) instead of queueing for a validator that is
not there, and requests in flight fail at once when the validator goes away. ZMQ reconnects
by itself; the monitor notices when it has. "Connected" means the ZMTP handshake succeeded:
with ZMQ_IMMEDIATE a bare TCP connection cannot carry a message yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

import zmq
import zmq.asyncio
from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.network_pb2 import PingResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message
from zmq.utils.monitor import parse_monitor_message

LOGGER = logging.getLogger(__name__)


class ValidatorUnavailable(Exception):
    """Not connected to the validator, or the connection dropped while waiting."""


class ValidatorTimeout(Exception):
    """Connected, but the validator did not answer in time."""


class ValidatorConnection:
    """Send client requests to a validator and await their answers."""

    def __init__(self, url: str, *, connect_grace: float = 2.0) -> None:
        self.url = url
        # How long a request waits for a (re)connection before it answers "disconnected".
        self.connect_grace = connect_grace
        self._context = zmq.asyncio.Context()
        self._socket = self._context.socket(zmq.DEALER)
        self._socket.setsockopt(zmq.IDENTITY, f"rest-api-{uuid.uuid4().hex[:12]}".encode())
        # Queue nothing for a peer that is not connected: we track the connection ourselves.
        self._socket.setsockopt(zmq.IMMEDIATE, 1)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.setsockopt(zmq.RECONNECT_IVL, 100)
        self._socket.setsockopt(zmq.RECONNECT_IVL_MAX, 1000)
        self._monitor = self._socket.get_monitor_socket(
            zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED
        )
        self._connected = asyncio.Event()
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    async def open(self) -> None:
        try:
            self._socket.connect(self.url)
        except zmq.ZMQError as exc:
            raise ValueError(f"bad component endpoint {self.url!r}: {exc}") from None
        self._tasks = [
            asyncio.create_task(self._read_answers(), name="rest-api-reader"),
            asyncio.create_task(self._watch_connection(), name="rest-api-monitor"),
        ]

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._fail_pending("the REST API is shutting down")
        self._socket.disable_monitor()
        self._monitor.close(linger=0)
        self._socket.close(linger=0)
        self._context.term()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def request(self, message_type: int, content: bytes, timeout: float) -> Message:
        """Send one request; return the validator's answer Message."""
        if not self._connected.is_set():
            try:
                await asyncio.wait_for(self._connected.wait(), min(self.connect_grace, timeout))
            except TimeoutError:
                raise ValidatorUnavailable(f"not connected to {self.url}") from None
        correlation_id = uuid.uuid4().hex
        message = Message(message_type=message_type, correlation_id=correlation_id, content=content)
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = future
        try:
            try:
                await self._socket.send(message.SerializeToString(), flags=zmq.NOBLOCK)
            except zmq.Again:
                raise ValidatorUnavailable(f"cannot send to {self.url}") from None
            try:
                return await asyncio.wait_for(future, timeout)
            except TimeoutError:
                raise ValidatorTimeout(f"no answer from {self.url} in {timeout:g} s") from None
        finally:
            self._pending.pop(correlation_id, None)

    async def _read_answers(self) -> None:
        while True:
            frames = await self._socket.recv_multipart()
            message = Message()
            try:
                message.ParseFromString(frames[-1])
            except DecodeError:
                LOGGER.warning("undecodable message from the validator ignored")
                continue
            if message.message_type == Message.PING_REQUEST:
                await self._answer_ping(message)
                continue
            future = self._pending.get(message.correlation_id)
            if future is not None and not future.done():
                future.set_result(message)
            else:
                LOGGER.debug("unexpected %s from the validator ignored", message.message_type)

    async def _answer_ping(self, ping: Message) -> None:
        pong = Message(
            message_type=Message.PING_RESPONSE,
            correlation_id=ping.correlation_id,
            content=PingResponse().SerializeToString(),
        )
        with contextlib.suppress(zmq.Again):
            await self._socket.send(pong.SerializeToString(), flags=zmq.NOBLOCK)

    async def _watch_connection(self) -> None:
        while True:
            event = parse_monitor_message(await self._monitor.recv_multipart())
            if event["event"] == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                LOGGER.info("connected to the validator at %s", self.url)
                self._connected.set()
            elif event["event"] == zmq.EVENT_DISCONNECTED:
                LOGGER.warning("lost the validator at %s; reconnecting", self.url)
                self._connected.clear()
                self._fail_pending(f"the validator at {self.url} disconnected")

    def _fail_pending(self, reason: str) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ValidatorUnavailable(reason))
