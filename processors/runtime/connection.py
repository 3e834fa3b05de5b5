"""One session with the validator: a ZMQ DEALER socket, its monitor, and the replies it awaits.

All socket work and all bookkeeping happen on the event loop's thread; other threads reach them
only through `request()`, `send()` and `forget()`, which hand over to the loop. So no lock
guards the socket or the table of awaited replies. The socket is a plain (blocking-API) ZMQ
socket driven by the loop's readers with non-blocking calls: zmq.asyncio's future per call
cost more than the messaging itself (docs/processor-runtime.md).
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import itertools
import logging
import os
from collections.abc import Callable

import zmq
from sawtooth_sdk.protobuf.validator_pb2 import Message
from zmq.utils.monitor import parse_monitor_message

from smartblocks.ledger.stage_times import StageTimes
from smartblocks.processors.runtime.errors import ConnectionLost

LOG = logging.getLogger(__name__)

# libzmq's own heartbeat notices a validator that vanished without closing TCP (a cable pulled,
# a VM frozen): without it such a connection would look alive forever.
HEARTBEAT_INTERVAL_MS = 5_000
HEARTBEAT_TIMEOUT_MS = 15_000

MESSAGING = "processor: messaging on the loop thread (ZMQ, Message frames)"
_MONITORED = zmq.EVENT_CONNECTED | zmq.EVENT_CONNECT_RETRIED | zmq.EVENT_DISCONNECTED
_Outgoing = tuple[str, bytes, "concurrent.futures.Future[Message] | None"]
_ids = itertools.count(1)
_id_prefix = os.urandom(4).hex()


def new_correlation_id() -> str:
    # Unique within this process, which is all the validator needs; cheaper than uuid4.
    return f"{_id_prefix}-{next(_ids)}"


class Connection:
    """A DEALER connected to the validator's ROUTER, until it closes; never reopened."""

    def __init__(
        self,
        context: zmq.Context,
        endpoint: str,
        on_message: Callable[[Connection, Message], None],
        stages: StageTimes | None = None,
    ) -> None:
        self.endpoint = endpoint
        self._stages = stages or StageTimes("", folder="")
        self.connected = asyncio.Event()
        self.closed = asyncio.Event()
        self.close_reason = ""
        self._loop = asyncio.get_running_loop()
        self._on_message = on_message
        self._awaited: dict[str, concurrent.futures.Future[Message]] = {}
        # From any thread to the loop: (correlation id, frame, future awaiting a reply or None).
        # A str instead is the reason to close once everything before it has been sent.
        self._handed_over: collections.deque[_Outgoing | str] = collections.deque()
        self._wakeup_scheduled = False
        self._outbox: collections.deque[bytes] = collections.deque()  # frames ZMQ refused (full)
        self._close_when_sent = ""
        self._socket = context.socket(zmq.DEALER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.setsockopt(zmq.HEARTBEAT_IVL, HEARTBEAT_INTERVAL_MS)
        self._socket.setsockopt(zmq.HEARTBEAT_TIMEOUT, HEARTBEAT_TIMEOUT_MS)
        self._monitor = self._socket.get_monitor_socket(
            _MONITORED, addr=f"inproc://monitor-{new_correlation_id()}"
        )
        self._socket.connect(endpoint)
        # ZMQ's file descriptors signal edges, not levels: each wake-up drains until EAGAIN, and
        # a first pass catches what happened before the readers were added.
        self._loop.add_reader(self._socket.FD, self._pump)
        self._loop.add_reader(self._monitor.FD, self._watch)
        self._loop.call_soon(self._watch)
        self._loop.call_soon(self._pump)

    # -- used from any thread -------------------------------------------------------------

    def request(
        self, message_type: int, content: bytes
    ) -> tuple[str, concurrent.futures.Future[Message]]:
        """Send a request: its correlation id, and a future of the validator's reply Message."""
        correlation_id = new_correlation_id()
        future: concurrent.futures.Future[Message] = concurrent.futures.Future()
        frame = _frame(message_type, correlation_id, content)
        if not self._hand_over((correlation_id, frame, future)):
            future.set_exception(ConnectionLost("the processor is shutting down"))
        return correlation_id, future

    def send(self, message_type: int, correlation_id: str, content: bytes) -> None:
        """Send a message that expects no reply (a response to the validator's request)."""
        self._hand_over((correlation_id, _frame(message_type, correlation_id, content), None))

    def forget(self, correlation_id: str) -> None:
        """Stop awaiting a reply whose caller gave up (timed out)."""
        with contextlib.suppress(RuntimeError):  # the loop has ended
            self._loop.call_soon_threadsafe(self._awaited.pop, correlation_id, None)

    def close_when_sent(self, reason: str) -> None:
        """Close once every message handed over so far has gone out."""
        self._hand_over(reason)

    def _hand_over(self, item: _Outgoing | str) -> bool:
        # One wake-up of the loop carries every item handed over until it runs: under load,
        # far fewer self-pipe writes than messages.
        self._handed_over.append(item)
        if not self._wakeup_scheduled:
            self._wakeup_scheduled = True
            try:
                self._loop.call_soon_threadsafe(self._take_handed_over)
            except RuntimeError:  # the loop has ended: the runtime stopped, this session too
                return False
        return True

    # -- loop thread only --------------------------------------------------------------

    def close(self, reason: str, linger_ms: int = 0) -> None:
        """Close the socket; every awaited reply fails with ConnectionLost."""
        if self.closed.is_set():
            return
        self.close_reason = reason
        self.closed.set()
        self._loop.remove_reader(self._socket.FD)
        self._loop.remove_reader(self._monitor.FD)
        awaited, self._awaited = self._awaited, {}
        for future in awaited.values():
            if not future.done():
                future.set_exception(ConnectionLost(f"connection to the validator {reason}"))
        self._socket.disable_monitor()
        self._monitor.close(linger=0)
        self._socket.close(linger=linger_ms)

    def _take_handed_over(self) -> None:
        clock = self._stages.start()
        self._wakeup_scheduled = False  # before draining: a later hand-over schedules anew
        while self._handed_over:
            item = self._handed_over.popleft()
            if isinstance(item, str):
                self._close_when_sent = self._close_when_sent or item
                continue
            correlation_id, frame, future = item
            if self.closed.is_set() or self._close_when_sent:
                if future is not None:
                    reason = self.close_reason or self._close_when_sent
                    future.set_exception(ConnectionLost(f"connection to the validator {reason}"))
                continue
            if future is not None:
                self._awaited[correlation_id] = future
            self._outbox.append(frame)
        self._pump_now()
        self._stages.stop(MESSAGING, clock, 0)

    def _pump(self) -> None:
        clock = self._stages.start()
        self._pump_now()
        self._stages.stop(MESSAGING, clock, 0)

    def _pump_now(self) -> None:
        """Send what is waiting and receive what has arrived, until neither can progress."""
        socket = self._socket
        while not self.closed.is_set():
            events = socket.getsockopt(zmq.EVENTS)
            progressed = False
            while self._outbox and events & zmq.POLLOUT:
                try:
                    socket.send(self._outbox[0], zmq.NOBLOCK)
                except zmq.Again:
                    break
                self._outbox.popleft()
                progressed = True
            if self._close_when_sent and not self._outbox:
                # A linger lets the last frames leave after the socket is closed.
                self.close(self._close_when_sent, linger_ms=1000)
                return
            if events & zmq.POLLIN:
                try:
                    parts = socket.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    parts = []
                if parts:
                    self._deliver(parts[-1])
                    progressed = True
            if not progressed:
                return

    def _deliver(self, frame: bytes) -> None:
        try:
            message = Message.FromString(frame)
            future = self._awaited.pop(message.correlation_id, None)
            if future is None:
                self._on_message(self, message)
            elif not future.done():
                future.set_result(message)
        except Exception:  # one bad message must not end the session
            LOG.exception("could not handle a message from the validator")

    def _watch(self) -> None:
        while not self.closed.is_set():
            try:
                event = parse_monitor_message(self._monitor.recv_multipart(zmq.NOBLOCK))
            except zmq.Again:
                return
            if event["event"] == zmq.EVENT_CONNECTED:
                self.connected.set()
            elif event["event"] == zmq.EVENT_CONNECT_RETRIED:
                # libzmq would retry quietly; the runtime retries itself, with logged backoff.
                self.close("could not be opened")
            elif event["event"] == zmq.EVENT_DISCONNECTED:
                self.close("was closed by the validator")


def _frame(message_type: int, correlation_id: str, content: bytes) -> bytes:
    message = Message(message_type=message_type, correlation_id=correlation_id, content=content)
    return message.SerializeToString()
