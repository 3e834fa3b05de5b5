"""An asyncio client of a validator's component endpoint (Sawtooth 1.2's ZMQ protocol).

`ValidatorClient` keeps one ZMQ DEALER connected to the validator. Each connection is a
`Session`, from the ZMTP handshake until the validator goes away or the caller ends it; the
client then connects again after a delay from its `Backoff` (reset by each handshake). So a
session never outlives its connection: when it ends, its requests in flight fail at once with
ValidatorUnavailable, and so does `receive()`, which tells a caller that subscribed to
something (events) to subscribe again on the next session.

Within a session, a request is a `validator_pb2.Message` with a fresh correlation id; a reader
task hands each answer to the request awaiting that id, answers the validator's pings, and
queues anything else (events, for one) for `Session.receive()` when the client was made with
`unsolicited=True` (else drops it). A socket monitor tells the handshake and the disconnect:
with ZMQ_IMMEDIATE nothing is queued for a validator that is not connected, so a request fails
fast (and clearly) instead of waiting for one that is not there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable

import zmq
import zmq.asyncio
from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.network_pb2 import PingResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message
from zmq.utils.monitor import parse_monitor_message

from .backoff import Backoff
from .endpoints import DEFAULT_COMPONENT
from .errors import ValidatorTimeout, ValidatorUnavailable

LOG = logging.getLogger(__name__)

_PONG = PingResponse().SerializeToString()
_MONITORED = zmq.EVENT_HANDSHAKE_SUCCEEDED | zmq.EVENT_DISCONNECTED | zmq.EVENT_CONNECT_RETRIED
_ENDED = None  # in a session's inbox: the session has ended


class Session:
    """One connection to the validator; never reopened (the client opens the next one)."""

    def __init__(
        self,
        url: str,
        number: int,
        socket: zmq.asyncio.Socket,
        unsolicited: bool,
        on_end: Callable[[], None] = lambda: None,
    ):
        self.url = url
        self.number = number  # 1 for the client's first session, then 2, ...
        self.connected = False  # the handshake succeeded (it stays True once the session ends)
        self.lost = False  # ended because the validator went away (not by the caller)
        self.ended = asyncio.Event()
        self.end_reason = ""
        self._socket = socket
        self._unsolicited = unsolicited
        self._on_end = on_end
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._inbox: asyncio.Queue[Message | None] = asyncio.Queue()

    async def request(self, message_type: int, content: bytes, timeout: float) -> Message:
        """Send one request; return the validator's answer. ValidatorUnavailable when the
        session ends first, ValidatorTimeout after `timeout` seconds."""
        correlation_id = uuid.uuid4().hex
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[correlation_id] = future
        try:
            await self.send(message_type, content, correlation_id)
            try:
                return await asyncio.wait_for(future, timeout)
            except TimeoutError:
                raise ValidatorTimeout(f"no answer from {self.url} in {timeout:g} s") from None
        finally:
            self._pending.pop(correlation_id, None)

    async def send(self, message_type: int, content: bytes, correlation_id: str = "") -> str:
        """Send a message without awaiting an answer (a reply, when given the correlation id
        of the validator's request); return its correlation id."""
        if self.ended.is_set():
            raise ValidatorUnavailable(self.end_reason)
        correlation_id = correlation_id or uuid.uuid4().hex
        message = Message(message_type=message_type, correlation_id=correlation_id, content=content)
        try:
            await self._socket.send(message.SerializeToString(), flags=zmq.NOBLOCK)
        except (zmq.Again, zmq.ZMQError):
            raise ValidatorUnavailable(f"cannot send to {self.url}") from None
        return correlation_id

    async def receive(self, timeout: float | None = None) -> Message:
        """The next message the validator sent unasked (events, ...), in order. Once the
        session has ended and every earlier message was taken: ValidatorUnavailable."""
        try:
            message = await asyncio.wait_for(self._inbox.get(), timeout)
        except TimeoutError:
            raise ValidatorTimeout(f"nothing from {self.url} in {timeout:g} s") from None
        if message is _ENDED:
            self._inbox.put_nowait(_ENDED)  # for the next call too
            raise ValidatorUnavailable(self.end_reason)
        return message

    def close(self, reason: str) -> None:
        """End this session (the client connects anew): e.g. a subscription to start over."""
        if self.ended.is_set():
            return
        self.end_reason = reason
        self.ended.set()
        # At once, not when the client's connection task next runs: a caller asking for a
        # session right after this one ended must wait for the next, not get this one back.
        self._on_end()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ValidatorUnavailable(reason))
        self._inbox.put_nowait(_ENDED)

    # -- the client's reader ------------------------------------------------------------------

    async def _deliver(self, frame: bytes) -> None:
        message = Message()
        try:
            message.ParseFromString(frame)
        except DecodeError:
            LOG.warning("undecodable message from the validator at %s ignored", self.url)
            return
        if message.message_type == Message.PING_REQUEST:
            # A validator disconnects a client that leaves its pings unanswered.
            with contextlib.suppress(ValidatorUnavailable):
                await self.send(Message.PING_RESPONSE, _PONG, message.correlation_id)
            return
        future = self._pending.get(message.correlation_id)
        if future is not None and not future.done():
            future.set_result(message)
        elif self._unsolicited:
            self._inbox.put_nowait(message)
        else:
            LOG.debug("unexpected %s from the validator ignored", message.message_type)


class ValidatorClient:
    """Requests to a validator, and what it sends unasked, over sessions that reconnect."""

    def __init__(
        self,
        url: str = DEFAULT_COMPONENT,
        *,
        name: str = "client",
        connect_grace: float = 2.0,
        backoff: Backoff | None = None,
        unsolicited: bool = False,
    ) -> None:
        self.url = url
        self.name = name  # the start of the socket identity the validator sees
        # How long `request` waits for a (re)connection before ValidatorUnavailable.
        self.connect_grace = connect_grace
        self.backoff = backoff or Backoff(0.1, 1.0)
        self.sessions = 0  # sessions opened so far
        self._unsolicited = unsolicited
        self._context = zmq.asyncio.Context()
        self._session: Session | None = None
        self._connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    async def __aenter__(self) -> ValidatorClient:
        await self.open()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def closed(self) -> bool:
        return self._closed

    async def open(self) -> None:
        """Start connecting; ValueError at once for an endpoint ZMQ cannot connect to."""
        socket, monitor = self._connect()  # a bad endpoint fails here, to the caller
        self._task = asyncio.create_task(
            self._keep_connected(socket, monitor), name=f"{self.name}-connection"
        )

    async def close(self, reason: str = "the client closed the connection") -> None:
        """End the session (its requests in flight fail with `reason`) and stop reconnecting."""
        if self._closed:
            return
        self._closed = True
        if self._session is not None:
            self._session.close(reason)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._connected.clear()
        self._context.destroy(linger=0)

    async def session(self, timeout: float | None = None) -> Session:
        """The connected session, once there is one (waiting at most `timeout` seconds, else
        ValidatorUnavailable)."""
        if not self._connected.is_set():
            if self._closed:
                raise ValidatorUnavailable(f"the client of {self.url} is closed")
            try:
                await asyncio.wait_for(self._connected.wait(), timeout)
            except TimeoutError:
                raise ValidatorUnavailable(f"not connected to {self.url}") from None
        assert self._session is not None
        return self._session

    async def request(self, message_type: int, content: bytes, timeout: float) -> Message:
        """Send one request on the connected session; return the validator's answer."""
        session = await self.session(min(self.connect_grace, timeout))
        return await session.request(message_type, content, timeout)

    # -- connections --------------------------------------------------------------------------

    def _connect(self) -> tuple[zmq.asyncio.Socket, zmq.asyncio.Socket]:
        socket = self._context.socket(zmq.DEALER)
        socket.setsockopt(zmq.IDENTITY, f"{self.name}-{uuid.uuid4().hex[:12]}".encode())
        # Queue nothing for a validator that is not connected: the monitor says when it is.
        socket.setsockopt(zmq.IMMEDIATE, 1)
        socket.setsockopt(zmq.LINGER, 0)
        # Notice a validator host that vanished without closing the TCP connection.
        socket.setsockopt(zmq.TCP_KEEPALIVE, 1)
        socket.setsockopt(zmq.TCP_KEEPALIVE_IDLE, 30)
        socket.setsockopt(zmq.TCP_KEEPALIVE_INTVL, 10)
        monitor = socket.get_monitor_socket(
            _MONITORED, addr=f"inproc://validator-monitor-{uuid.uuid4().hex}"
        )
        try:
            socket.connect(self.url)
        except zmq.ZMQError as exc:
            socket.disable_monitor()
            monitor.close(linger=0)
            socket.close(linger=0)
            raise ValueError(f"bad component endpoint {self.url!r}: {exc}") from None
        return socket, monitor

    async def _keep_connected(
        self, socket: zmq.asyncio.Socket, monitor: zmq.asyncio.Socket
    ) -> None:
        while True:
            self.sessions += 1
            session = Session(
                self.url, self.sessions, socket, self._unsolicited, self._connected.clear
            )
            self._session = session
            reader = asyncio.create_task(self._read(session, socket))
            try:
                await self._watch(session, monitor)
            finally:
                self._connected.clear()
                reader.cancel()
                await asyncio.gather(reader, return_exceptions=True)
                with contextlib.suppress(zmq.ZMQError):
                    socket.disable_monitor()
                monitor.close(linger=0)
                socket.close(linger=0)
            if self._closed:
                return
            delay = self.backoff.next()
            if session.lost:
                LOG.warning("%s; reconnecting in %.2f s", session.end_reason, delay)
            else:
                level = logging.INFO if session.connected else logging.DEBUG
                LOG.log(
                    level,
                    "%s (%s); connecting again in %.2f s",
                    self.url,
                    session.end_reason,
                    delay,
                )
            await asyncio.sleep(delay)
            while True:
                try:
                    socket, monitor = self._connect()
                    break
                except ValueError:
                    LOG.exception("cannot reconnect to %s", self.url)
                    await asyncio.sleep(self.backoff.next())

    async def _watch(self, session: Session, monitor: zmq.asyncio.Socket) -> None:
        """Until the session ends: the monitor's events, or the caller's `Session.close`."""
        ended = asyncio.ensure_future(session.ended.wait())
        event_frames: asyncio.Future[list[bytes]] | None = None
        try:
            while not session.ended.is_set():
                event_frames = asyncio.ensure_future(monitor.recv_multipart())
                await asyncio.wait({event_frames, ended}, return_when=asyncio.FIRST_COMPLETED)
                if not event_frames.done():
                    return
                event = parse_monitor_message(event_frames.result())["event"]
                if event == zmq.EVENT_HANDSHAKE_SUCCEEDED:
                    LOG.info("connected to the validator at %s", self.url)
                    session.connected = True
                    self.backoff.reset()
                    self._connected.set()
                elif event == zmq.EVENT_DISCONNECTED and session.connected:
                    session.lost = True
                    session.close(f"lost the validator at {self.url}")
                elif event in (zmq.EVENT_DISCONNECTED, zmq.EVENT_CONNECT_RETRIED):
                    session.close(f"cannot connect to the validator at {self.url}")
        finally:
            ended.cancel()
            if event_frames is not None and not event_frames.done():
                event_frames.cancel()

    async def _read(self, session: Session, socket: zmq.asyncio.Socket) -> None:
        while True:
            frames = await socket.recv_multipart()
            await session._deliver(frames[-1])
