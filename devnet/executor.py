"""Runs one transaction on a registered processor and serves the processor's state requests.

INTERNAL_ERROR (or a processor that goes away) means "try again": the transaction is sent again,
after a growing pause for INTERNAL_ERROR, so a failing processor is not driven in a busy loop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf import state_context_pb2 as sc
from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger.backoff import Backoff
from smartblocks.protos.devnet_wire_pb2 import SignedProcessRequest

from .batches import Txn
from .context import AuthorizationError, ExecutionContext, Reader
from .endpoint import ComponentEndpoint
from .processors import ProcessorLost, ProcessorRegistry
from .stages import EXECUTOR, STAGES, STATE_CALLS

LOGGER = logging.getLogger(__name__)

_T = TypeVar("_T")

FIRST_RETRY_DELAY = 0.05
MAX_RETRY_DELAY = 2.0


@dataclass(slots=True)
class TxnOutcome:
    valid: bool
    writes: dict[str, bytes | None] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    data: list[bytes] = field(default_factory=list)
    message: str = ""
    extended_data: bytes = b""


class Executor:
    def __init__(self, endpoint: ComponentEndpoint, registry: ProcessorRegistry) -> None:
        self._endpoint = endpoint
        self._registry = registry
        self._contexts: dict[str, ExecutionContext] = {}
        self._ids = itertools.count(1)
        M = Message
        endpoint.on(M.TP_STATE_GET_REQUEST, self._on_get)
        endpoint.on(M.TP_STATE_SET_REQUEST, self._on_set)
        endpoint.on(M.TP_STATE_DELETE_REQUEST, self._on_delete)
        endpoint.on(M.TP_RECEIPT_ADD_DATA_REQUEST, self._on_add_data)
        endpoint.on(M.TP_EVENT_ADD_REQUEST, self._on_add_event)

    async def execute(self, txn: Txn, read: Reader) -> TxnOutcome:
        backoff: Backoff | None = None  # made on the first retry: most transactions need none
        key = (txn.family, txn.version)
        while True:
            processor = await self._registry.acquire(key)
            clock = STAGES.start()
            context = ExecutionContext(txn.inputs, txn.outputs, read)
            context_id = f"{next(self._ids):032x}"
            self._contexts[context_id] = context
            request = process_request(txn, context_id, processor.raw_header)
            job = self._endpoint.request(processor.identity, Message.TP_PROCESS_REQUEST, request)
            processor.in_flight.add(job)
            if processor.gone and not job.done():
                # The send itself found the processor gone, before the job was in flight.
                job.set_exception(ProcessorLost())
            STAGES.stop(EXECUTOR, clock, 0)
            try:
                reply = await job
            except ProcessorLost:
                LOGGER.info("processor lost while executing %s; sending it again", txn.id[:16])
                continue
            finally:
                clock = STAGES.start()
                self._registry.release(processor, job)
                del self._contexts[context_id]
            try:
                response = TpProcessResponse.FromString(reply.content)
                status, text, extended = response.status, response.message, response.extended_data
            except DecodeError:
                status, text, extended = 0, "undecodable TpProcessResponse", b""
            if reply.message_type != Message.TP_PROCESS_RESPONSE:
                status = TpProcessResponse.INTERNAL_ERROR
            STAGES.stop(EXECUTOR, clock)
            if status == TpProcessResponse.OK:
                return TxnOutcome(True, context.writes, context.events, context.data)
            if status == TpProcessResponse.INVALID_TRANSACTION:
                return TxnOutcome(False, message=text, extended_data=extended)
            backoff = backoff or Backoff(FIRST_RETRY_DELAY, MAX_RETRY_DELAY)
            delay = backoff.next()
            LOGGER.warning(
                "%s processor reported an internal error for %s (%s); retrying in %.2f s",
                txn.family,
                txn.id[:16],
                text or "no message",
                delay,
            )
            await asyncio.sleep(delay)

    # -- the processor's requests, by context id ---------------------------------------------

    def _on_get(self, identity: bytes, message: Message) -> None:
        clock = STAGES.start()
        request = sc.TpStateGetRequest.FromString(message.content)
        entries, status = self._state_call(
            request.context_id, "get", lambda c: c.get(request.addresses)
        )
        response = sc.TpStateGetResponse(status=status)
        for address, data in entries:
            response.entries.add(address=address, data=data)
        content = response.SerializeToString()
        self._endpoint.reply(identity, message, Message.TP_STATE_GET_RESPONSE, content)
        STAGES.stop(STATE_CALLS, clock)

    def _on_set(self, identity: bytes, message: Message) -> None:
        clock = STAGES.start()
        request = sc.TpStateSetRequest.FromString(message.content)
        entries = [(entry.address, entry.data) for entry in request.entries]
        addresses, status = self._state_call(request.context_id, "set", lambda c: c.set(entries))
        content = sc.TpStateSetResponse(addresses=addresses, status=status).SerializeToString()
        self._endpoint.reply(identity, message, Message.TP_STATE_SET_RESPONSE, content)
        STAGES.stop(STATE_CALLS, clock)

    def _on_delete(self, identity: bytes, message: Message) -> None:
        request = sc.TpStateDeleteRequest.FromString(message.content)
        deleted, status = self._state_call(
            request.context_id, "delete", lambda c: c.delete(request.addresses)
        )
        content = sc.TpStateDeleteResponse(addresses=deleted, status=status).SerializeToString()
        self._endpoint.reply(identity, message, Message.TP_STATE_DELETE_RESPONSE, content)

    def _state_call(
        self, context_id: str, kind: str, call: Callable[[ExecutionContext], list[_T]]
    ) -> tuple[list[_T], int]:
        """(result, status) of a state get, set or delete; the three responses share their
        status values. An unknown context (a transaction no longer running) gets OK, nothing."""
        context = self._contexts.get(context_id)
        if context is None:
            return [], sc.TpStateGetResponse.OK
        try:
            return call(context), sc.TpStateGetResponse.OK
        except AuthorizationError as exc:
            LOGGER.info("state %s refused: %s", kind, exc)
            return [], sc.TpStateGetResponse.AUTHORIZATION_ERROR

    def _on_add_data(self, identity: bytes, message: Message) -> None:
        request = sc.TpReceiptAddDataRequest.FromString(message.content)
        context = self._contexts.get(request.context_id)
        status = sc.TpReceiptAddDataResponse.ERROR
        if context is not None:
            context.data.append(request.data)
            status = sc.TpReceiptAddDataResponse.OK
        self._endpoint.reply(
            identity,
            message,
            Message.TP_RECEIPT_ADD_DATA_RESPONSE,
            sc.TpReceiptAddDataResponse(status=status).SerializeToString(),
        )

    def _on_add_event(self, identity: bytes, message: Message) -> None:
        clock = STAGES.start()
        status = sc.TpEventAddResponse.ERROR
        try:
            # Decoded whole: a malformed event is refused here, not at a subscriber.
            request = sc.TpEventAddRequest.FromString(message.content)
        except DecodeError:
            LOGGER.info("undecodable TpEventAddRequest refused")
        else:
            context = self._contexts.get(request.context_id)
            if context is not None:
                context.events.append(request.event)
                status = sc.TpEventAddResponse.OK
        self._endpoint.reply(
            identity,
            message,
            Message.TP_EVENT_ADD_RESPONSE,
            sc.TpEventAddResponse(status=status).SerializeToString(),
        )
        STAGES.stop(STATE_CALLS, clock)


def process_request(txn: Txn, context_id: str, raw_header: bool) -> bytes:
    """The TpProcessRequest for `txn`, its header as signed: in `header_bytes` for a processor
    registered for the RAW header style, else as the `header` message (SignedProcessRequest)."""
    request = SignedProcessRequest(payload=txn.payload, signature=txn.id, context_id=context_id)
    if raw_header:
        request.header_bytes = txn.header_bytes
    else:
        request.header = txn.header_bytes
    return request.SerializeToString()
