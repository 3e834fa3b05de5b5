"""The component endpoint: one ZMQ ROUTER socket speaking validator_pb2.Message frames.

Processors, the REST API and event subscribers connect here with DEALER sockets. Each inbound
message is either the reply to a request this validator sent (matched by correlation id) or a
request dispatched to the handler registered for its message type.

The socket is a plain (blocking-API) ZMQ socket driven by the event loop's reader with
non-blocking calls, as the processor runtime's is: zmq.asyncio's futures and callbacks per
send and receive cost more CPU than the messaging itself (bench/bench_ingest.py measures it).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable

import zmq
from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.validator_pb2 import Message

from .stages import ENDPOINT_RECEIVE, ENDPOINT_SEND, STAGES

LOGGER = logging.getLogger(__name__)

Handler = Callable[[bytes, Message], None]
# Messages taken per wake-up before the loop serves others (timers, HTTP) again.
RECEIVE_BURST = 500
SEND_RETRY_S = 0.001


class ComponentEndpoint:
    def __init__(self, url: str) -> None:
        self.url = url
        self._context = zmq.Context()
        self._socket: zmq.Socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handlers: dict[int, Handler] = {}
        self._replies: dict[str, asyncio.Future[Message]] = {}
        self._ids = itertools.count(1)
        self.on_unreachable: Callable[[bytes], None] = lambda identity: None
        self._outbox: list[tuple[bytes, bytes]] = []
        self._flush_scheduled = False
        self._receive_scheduled = False

    def on(self, message_type: int, handler: Handler) -> None:
        self._handlers[message_type] = handler

    async def start(self) -> str:
        """Bind and start receiving; returns the bound URL (a port 0 becomes the real port)."""
        socket = self._context.socket(zmq.ROUTER)
        socket.setsockopt(zmq.LINGER, 0)
        # An unknown identity raises EHOSTUNREACH instead of a silent drop: a vanished
        # processor is noticed at the next ping.
        socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
        socket.setsockopt(zmq.SNDHWM, 0)
        socket.setsockopt(zmq.RCVHWM, 0)
        try:
            socket.bind(self.url)
        except zmq.ZMQError as exc:
            socket.close()
            raise OSError(f"cannot bind the component endpoint {self.url}: {exc}") from None
        self._socket = socket
        self.url = socket.getsockopt_string(zmq.LAST_ENDPOINT)
        self._loop = asyncio.get_running_loop()
        # ZMQ's file descriptor signals edges, not levels: every wake-up drains until EAGAIN
        # (or schedules itself again), and a first pass catches what came before the reader.
        self._loop.add_reader(socket.FD, self._receive)
        self._loop.call_soon(self._receive)
        return self.url

    async def stop(self) -> None:
        for future in self._replies.values():
            if not future.done():
                future.cancel()
        socket = self._socket
        if socket is not None and not socket.closed:
            self._flush()
            if self._loop is not None:
                self._loop.remove_reader(socket.FD)
            socket.close(linger=0)
        self._socket = None
        self._context.term()

    def send(self, identity: bytes, message_type: int, content: bytes, correlation_id: str) -> None:
        message = Message(message_type=message_type, correlation_id=correlation_id, content=content)
        self._send_frames(identity, message.SerializeToString())

    def reply(self, identity: bytes, request: Message, message_type: int, content: bytes) -> None:
        self.send(identity, message_type, content, request.correlation_id)

    def request(
        self, identity: bytes, message_type: int, content: bytes
    ) -> asyncio.Future[Message]:
        """Send a request this validator originates; the future resolves with the reply."""
        correlation_id = f"devnet-{next(self._ids)}"
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._replies[correlation_id] = future
        future.add_done_callback(lambda _f: self._replies.pop(correlation_id, None))
        self.send(identity, message_type, content, correlation_id)
        return future

    def _send_frames(self, identity: bytes, message: bytes) -> None:
        # Sends wait for the end of this loop iteration and then go out together: a send that
        # finds ZMQ's I/O thread asleep pays for waking it (tens of microseconds on a busy
        # machine), and the replies to a burst of requests need only one wake-up.
        self._outbox.append((identity, message))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    def _flush(self) -> None:
        clock = STAGES.start()
        sent = self._send_outbox()
        STAGES.stop(ENDPOINT_SEND, clock, sent)
        # A send may consume the descriptor's edge that announced new input: look again.
        self._schedule_receive()

    def _send_outbox(self) -> int:
        self._flush_scheduled = False
        outbox, self._outbox = self._outbox, []
        socket = self._socket
        if socket is None or socket.closed:
            return 0
        for n, (identity, message) in enumerate(outbox):
            try:
                socket.send_multipart([identity, message], flags=zmq.NOBLOCK)
            except zmq.Again:
                # No send high-water mark, so this should not happen; keep order and retry.
                self._outbox[:0] = outbox[n:]
                self._flush_scheduled = True
                asyncio.get_running_loop().call_later(SEND_RETRY_S, self._flush)
                return n
            except zmq.ZMQError as exc:
                if exc.errno == zmq.EHOSTUNREACH:
                    self.on_unreachable(identity)
                else:
                    LOGGER.warning("send to %s failed: %s", identity.hex(), exc)
        return len(outbox)

    def _schedule_receive(self) -> None:
        if not self._receive_scheduled and self._loop is not None:
            self._receive_scheduled = True
            self._loop.call_soon(self._receive)

    def _receive(self) -> None:
        self._receive_scheduled = False
        socket = self._socket
        for _ in range(RECEIVE_BURST):
            if socket is None or socket.closed:
                return
            try:
                frames = socket.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            self._dispatch(frames)
        self._schedule_receive()  # more may be waiting: come back after others had a turn

    def _dispatch(self, frames: list[bytes]) -> None:
        if len(frames) != 2:
            LOGGER.debug("dropping a message with %d frames", len(frames))
            return
        identity, raw = frames
        clock = STAGES.start()
        try:
            message = Message.FromString(raw)
        except DecodeError:
            LOGGER.info("dropping an undecodable message from %s", identity.hex())
            return
        future = self._replies.get(message.correlation_id)
        if future is not None:
            if not future.done():
                future.set_result(message)
            STAGES.stop(ENDPOINT_RECEIVE, clock)
            return
        handler = self._handlers.get(message.message_type)
        STAGES.stop(ENDPOINT_RECEIVE, clock)
        if handler is None:
            LOGGER.debug("no handler for message type %d", message.message_type)
            return
        try:
            handler(identity, message)
        except Exception:
            LOGGER.exception("handler for message type %d failed", message.message_type)
