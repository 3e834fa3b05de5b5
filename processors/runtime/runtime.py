"""Runs SDK transaction handlers against a Sawtooth validator's component endpoint (1.0 to 1.2).

One asyncio loop owns the connection (connect, register, answer pings, route replies,
reconnect with backoff, unregister on SIGINT/SIGTERM); `handler.apply` runs on worker threads
because it blocks on state calls. docs/processor-runtime.md explains the choices.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import threading
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass

import zmq
from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.network_pb2 import PingResponse
from sawtooth_sdk.protobuf.processor_pb2 import (
    TpProcessRequest,
    TpProcessResponse,
    TpRegisterResponse,
    TpUnregisterRequest,
    TpUnregisterResponse,
)
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.endpoints import check_component_url
from smartblocks.ledger.stage_times import StageTimes
from smartblocks.processors.runtime.connection import Connection
from smartblocks.processors.runtime.errors import ConnectionLost, RegistrationRefused
from smartblocks.processors.runtime.handlers import SERVED_PROTOCOL_VERSIONS, HandlerTable
from smartblocks.processors.runtime.outcome import process
from smartblocks.processors.runtime.stream import RequestStream
from smartblocks.processors.runtime.workers import WorkerPool

LOG = logging.getLogger(__name__)

# The validator's own default when a processor sends max_occupancy 0.
DEFAULT_MAX_OCCUPANCY = 10
PING_RESPONSE = PingResponse().SerializeToString()
# Stage names for the ingest benchmark (smartblocks.ledger.stage_times; off unless enabled).
REQUEST_DECODE = "processor: decode TpProcessRequest"
APPLY = "processor: handler apply incl. SDK context (CPU, waits excluded)"
RESPONSE = "processor: encode and hand over the response"
STAGE_DUMP_SECONDS = 0.2


@dataclass(frozen=True)
class Timeouts:
    """Seconds to wait for the validator, per step."""

    connect: float = 5.0
    register: float = 5.0
    state: float = 10.0  # a state, receipt or event call, when the handler gives no timeout
    unregister: float = 2.0
    drain: float = 5.0  # for transactions in flight to finish after unregistering


class ProcessorRuntime:
    """Serves the given handlers until `stop()` or SIGINT/SIGTERM (in the main thread)."""

    def __init__(
        self,
        endpoint: str,
        handlers: Sequence[TransactionHandler],
        *,
        max_occupancy: int = DEFAULT_MAX_OCCUPANCY,
        backoff: Backoff | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        if max_occupancy < 1:
            raise ValueError(f"max occupancy must be at least 1, not {max_occupancy}")
        self.endpoint = check_component_url(endpoint)
        self.handlers = HandlerTable(handlers)
        self.max_occupancy = max_occupancy
        # Waits between connection attempts: doubling from 0.5 s, never above 30 s.
        self.backoff = backoff or Backoff(0.5, 30.0)
        self.timeouts = timeouts or Timeouts()
        self.registered = threading.Event()  # set while registered, for callers who must wait
        self._stop_requested = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._session: Connection | None = None
        self._in_flight = 0
        self._drained: asyncio.Event | None = None
        self._pool: WorkerPool | None = None
        families = sorted({family for family, _ in self.handlers.served()})
        self.stages = StageTimes("tp-" + "+".join(families))

    def run(self) -> None:
        asyncio.run(self.serve())

    def stop(self) -> None:
        """Ask the runtime to unregister and return; callable from any thread."""
        self._stop_requested.set()
        if self._loop is not None and self._stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                self._loop.call_soon_threadsafe(self._stopping.set)

    async def serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        if self._stop_requested.is_set():
            self._stopping.set()
        signals = self._catch_signals()
        context = zmq.Context()
        # Each (family, version) registration may hold max_occupancy requests at the validator.
        self._pool = WorkerPool(self.max_occupancy * len(self.handlers))
        self.stages.dump_every(STAGE_DUMP_SECONDS)
        try:
            self.backoff.reset()
            while not self._stopping.is_set():
                if await self._one_session(context):
                    self.backoff.reset()
                if self._stopping.is_set():
                    break
                delay = self.backoff.next()
                LOG.warning("reconnecting to %s in %g s", self.endpoint, delay)
                await self._wait(timeout=delay)
        finally:
            self._pool.stop()
            for sig in signals:
                self._loop.remove_signal_handler(sig)
            context.destroy(linger=0)
            LOG.info("stopped")

    async def _one_session(self, context: zmq.Context) -> bool:
        """Connect, register and serve until the connection ends; True if it registered."""
        assert self._stopping is not None
        LOG.info("connecting to %s", self.endpoint)
        connection = Connection(context, self.endpoint, self._on_message, self.stages)
        try:
            await self._wait(
                connection.connected.wait(), connection.closed.wait(), timeout=self.timeouts.connect
            )
            if not connection.connected.is_set() or connection.closed.is_set():
                reason = connection.close_reason or "did not open in time"
                LOG.warning("connection to %s %s", self.endpoint, reason)
                return False
            # Requests may follow the first registration before the last one is answered.
            self._session, self._in_flight, self._drained = connection, 0, asyncio.Event()
            try:
                registered = await self._register(connection)
                if registered:
                    self.registered.set()
                    await self._wait(connection.closed.wait())
            except BaseException:
                # Refused, or something unexpected: take back whatever was accepted. A Sawtooth
                # 1.0 validator would otherwise keep routing transactions to a dead registration.
                await self._take_back(connection)
                raise
            if not registered:
                await self._take_back(connection)  # some registrations may have been accepted
                return False
            if connection.closed.is_set():
                LOG.warning(
                    "connection to %s %s; %d transaction(s) in flight abandoned",
                    self.endpoint,
                    connection.close_reason,
                    self._in_flight,
                )
            else:
                await self._take_back(connection)
            return True
        finally:
            self.registered.clear()
            self._session = None
            connection.close("was closed by this processor")

    async def _take_back(self, connection: Connection) -> None:
        """Unregister (if the connection is still open) and close the connection."""
        if connection.closed.is_set():
            return  # nothing to send the unregistration on
        with contextlib.suppress(Exception):
            await self._unregister(connection)
        connection.close_when_sent("was closed by this processor")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(connection.closed.wait(), 1.0)

    async def _wait(self, *awaitables: Awaitable[object], timeout: float | None = None) -> None:
        """Wait for the first of `awaitables`, a stop request, or `timeout` seconds."""
        assert self._stopping is not None
        waiters = {asyncio.ensure_future(a) for a in (*awaitables, self._stopping.wait())}
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        for waiter in waiters:
            waiter.cancel()

    async def _register(self, connection: Connection) -> bool:
        requests = self.handlers.registrations(self.max_occupancy)
        replies = [
            connection.request(Message.TP_REGISTER_REQUEST, request.SerializeToString())[1]
            for request in requests
        ]
        for request, reply in zip(requests, replies, strict=True):
            what = f"{request.family} {request.version}"
            try:
                message = await asyncio.wait_for(asyncio.wrap_future(reply), self.timeouts.register)
            except (TimeoutError, ConnectionLost):
                LOG.warning("no answer from %s to the registration of %s", self.endpoint, what)
                return False
            response = TpRegisterResponse.FromString(message.content)
            if response.status != TpRegisterResponse.OK:
                raise RegistrationRefused(
                    f"the validator at {self.endpoint} refused to register {what} "
                    f"({TpRegisterResponse.Status.Name(response.status)})"
                )
            version = response.protocol_version
            if version not in SERVED_PROTOCOL_VERSIONS:
                served = " or ".join(map(str, SERVED_PROTOCOL_VERSIONS))
                raise RegistrationRefused(
                    f"the validator at {self.endpoint} registered {what} with processor protocol "
                    f"version {version}; this runtime serves {served} (Sawtooth 1.0 to 1.2)"
                )
            LOG.info(
                "registered %s (namespaces %s, max occupancy %s) with %s",
                what,
                ", ".join(request.namespaces),
                request.max_occupancy if version >= 1 else "not limited: Sawtooth 1.0",
                self.endpoint,
            )
        return True

    async def _unregister(self, connection: Connection) -> None:
        assert self._drained is not None
        _, reply = connection.request(
            Message.TP_UNREGISTER_REQUEST, TpUnregisterRequest().SerializeToString()
        )
        try:
            message = await asyncio.wait_for(asyncio.wrap_future(reply), self.timeouts.unregister)
            status = TpUnregisterResponse.FromString(message.content).status
            LOG.info(
                "unregistered from %s (%s)", self.endpoint, TpUnregisterResponse.Status.Name(status)
            )
        except (TimeoutError, ConnectionLost):
            LOG.warning("no answer from %s to unregistering; leaving anyway", self.endpoint)
            return
        # Requests the validator sent before it saw the unregistration still deserve an answer.
        if self._in_flight:
            try:
                await asyncio.wait_for(self._drained.wait(), self.timeouts.drain)
            except TimeoutError:
                LOG.warning("%d transaction(s) still running; abandoned", self._in_flight)

    def _catch_signals(self) -> list[signal.Signals]:
        if threading.current_thread() is not threading.main_thread():
            return []
        assert self._loop is not None
        caught = [signal.SIGINT, signal.SIGTERM]
        for sig in caught:
            self._loop.add_signal_handler(sig, self._on_signal, sig)
        return caught

    def _on_signal(self, sig: signal.Signals) -> None:
        LOG.info("%s received: stopping", sig.name)
        assert self._stopping is not None
        self._stopping.set()

    # -- messages from the validator (loop thread) -----------------------------------------

    def _on_message(self, connection: Connection, message: Message) -> None:
        kind = message.message_type
        if kind == Message.TP_PROCESS_REQUEST:
            assert self._pool is not None and self._drained is not None
            self._in_flight += 1
            self._drained.clear()
            self._pool.submit(functools.partial(self._apply, connection, message))
        elif kind == Message.PING_REQUEST:
            connection.send(Message.PING_RESPONSE, message.correlation_id, PING_RESPONSE)
        elif kind == Message.TP_UNREGISTER_REQUEST:
            ok = TpUnregisterResponse(status=TpUnregisterResponse.OK).SerializeToString()
            connection.send(Message.TP_UNREGISTER_RESPONSE, message.correlation_id, ok)
            connection.close_when_sent("was ended by the validator, which unregistered us")
        elif kind == Message.NETWORK_DISCONNECT:
            connection.close("was ended by the validator (NETWORK_DISCONNECT)")
        else:
            LOG.debug("ignored %s from the validator", Message.MessageType.Name(kind))

    # -- one transaction (worker thread) ---------------------------------------------------

    def _apply(self, connection: Connection, message: Message) -> None:
        stages = self.stages
        try:
            clock = stages.start()
            request = TpProcessRequest.FromString(message.content)
            clock = stages.stop(REQUEST_DECODE, clock)
            stream = RequestStream(connection, self.timeouts.state)
            response = process(self.handlers, request, stream)
            clock = stages.stop(APPLY, clock)
            what = f"{request.header.family_name} {request.header.family_version}"
            if isinstance(stream.fault, ConnectionLost):
                LOG.debug("%s transaction abandoned: %s", what, stream.fault)
                return
            if response.status == TpProcessResponse.INTERNAL_ERROR:
                LOG.warning("%s: INTERNAL_ERROR (validator retries): %s", what, response.message)
            elif LOG.isEnabledFor(logging.DEBUG):
                status = TpProcessResponse.Status.Name(response.status)
                detail = f" ({response.message})" if response.message else ""
                LOG.debug("%s: %s%s", what, status, detail)
            connection.send(
                Message.TP_PROCESS_RESPONSE, message.correlation_id, response.SerializeToString()
            )
            stages.stop(RESPONSE, clock)
        finally:
            assert self._loop is not None
            with contextlib.suppress(RuntimeError):  # the runtime has stopped
                self._loop.call_soon_threadsafe(self._finished, connection)

    def _finished(self, connection: Connection) -> None:
        if connection is self._session:
            self._in_flight -= 1
            if self._in_flight == 0 and self._drained is not None:
                self._drained.set()
