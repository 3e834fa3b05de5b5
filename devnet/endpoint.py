"""The component endpoint: one ZMQ ROUTER socket speaking validator_pb2.Message frames.

Processors, the REST API and event subscribers connect here with DEALER sockets. Each inbound
message is either the reply to a request this validator sent (matched by correlation id) or a
request dispatched to the handler registered for its message type.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
from collections.abc import Callable

import zmq
import zmq.asyncio

from . import parsing, wire
from .parsing import Frame

LOGGER = logging.getLogger(__name__)

Handler = Callable[[bytes, Frame], None]


class ComponentEndpoint:
    def __init__(self, url: str) -> None:
        self.url = url
        self._context = zmq.asyncio.Context()
        self._socket: zmq.asyncio.Socket | None = None
        self._handlers: dict[int, Handler] = {}
        self._replies: dict[str, asyncio.Future[Frame]] = {}
        self._ids = itertools.count(1)
        self._receiver: asyncio.Task[None] | None = None
        self.on_unreachable: Callable[[bytes], None] = lambda identity: None
        self._outbox: list[tuple[bytes, bytes]] = []
        self._flush_scheduled = False

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
        self._receiver = asyncio.create_task(self._receive_loop(), name="component-endpoint")
        return self.url

    async def stop(self) -> None:
        if self._receiver is not None:
            self._receiver.cancel()
            await asyncio.gather(self._receiver, return_exceptions=True)
        for future in self._replies.values():
            if not future.done():
                future.cancel()
        if self._socket is not None:
            self._flush()
            self._socket.close(linger=0)
        self._context.term()

    def send(self, identity: bytes, message_type: int, content: bytes, correlation_id: str) -> None:
        self._send_frames(identity, wire.message(message_type, correlation_id, content))

    def reply(self, identity: bytes, request: Frame, message_type: int, content: bytes) -> None:
        self.send(identity, message_type, content, request.correlation_id)

    def request(self, identity: bytes, message_type: int, content: bytes) -> asyncio.Future[Frame]:
        """Send a request this validator originates; the future resolves with the reply."""
        correlation_id = f"devnet-{next(self._ids)}"
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
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
        self._flush_scheduled = False
        outbox, self._outbox = self._outbox, []
        socket = self._socket
        if socket is None or socket.closed:
            return
        for identity, message in outbox:
            # The ROUTER socket has no send high-water mark: the send completes at once, and
            # zmq.asyncio reports its outcome through the returned future.
            sent: asyncio.Future = socket.send_multipart(  # type: ignore[assignment]
                [identity, message], flags=zmq.NOBLOCK
            )
            if sent.done():
                self._check_sent(identity, sent)
            else:
                sent.add_done_callback(functools.partial(self._check_sent, identity))

    def _check_sent(self, identity: bytes, sent: asyncio.Future) -> None:
        exc = sent.exception() if not sent.cancelled() else None
        if exc is None:
            return
        if isinstance(exc, zmq.ZMQError) and exc.errno == zmq.EHOSTUNREACH:
            self.on_unreachable(identity)
        else:
            LOGGER.warning("send to %s failed: %s", identity.hex(), exc)

    async def _receive_loop(self) -> None:
        assert self._socket is not None
        while True:
            frames = await self._socket.recv_multipart()
            if len(frames) != 2:
                LOGGER.debug("dropping a message with %d frames", len(frames))
                continue
            identity, raw = frames
            try:
                message = parsing.message(raw)
            except (ValueError, UnicodeDecodeError):
                LOGGER.info("dropping an undecodable message from %s", identity.hex())
                continue
            future = self._replies.get(message.correlation_id)
            if future is not None:
                if not future.done():
                    future.set_result(message)
                continue
            handler = self._handlers.get(message.message_type)
            if handler is None:
                LOGGER.debug("no handler for message type %d", message.message_type)
                continue
            try:
                handler(identity, message)
            except Exception:
                LOGGER.exception("handler for message type %d failed", message.message_type)
