"""The validator's side of the transaction processor protocol, for tests and benchmarks.

A ZMQ ROUTER on 127.0.0.1 in the caller's asyncio loop. It accepts registrations, sends process
requests to the processor that registered the family, answers state get/set/delete from a dict,
keeps receipt data and events per context, and pings. Far from a validator (no scheduler, no
contexts, no input/output checks): just enough to drive a processor over real sockets.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence

import zmq
import zmq.asyncio
from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.network_pb2 import PingRequest
from sawtooth_sdk.protobuf.processor_pb2 import (
    TpProcessRequest,
    TpProcessResponse,
    TpRegisterRequest,
    TpRegisterResponse,
    TpUnregisterRequest,
    TpUnregisterResponse,
)
from sawtooth_sdk.protobuf.state_context_pb2 import (
    TpEventAddRequest,
    TpEventAddResponse,
    TpReceiptAddDataRequest,
    TpReceiptAddDataResponse,
    TpStateDeleteRequest,
    TpStateDeleteResponse,
    TpStateEntry,
    TpStateGetRequest,
    TpStateGetResponse,
    TpStateSetRequest,
    TpStateSetResponse,
)
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.validator_pb2 import Message

# The calls a handler makes through its Context, and the type of the answer to each.
STATE_CALLS = {
    Message.TP_STATE_GET_REQUEST: Message.TP_STATE_GET_RESPONSE,
    Message.TP_STATE_SET_REQUEST: Message.TP_STATE_SET_RESPONSE,
    Message.TP_STATE_DELETE_REQUEST: Message.TP_STATE_DELETE_RESPONSE,
    Message.TP_RECEIPT_ADD_DATA_REQUEST: Message.TP_RECEIPT_ADD_DATA_RESPONSE,
    Message.TP_EVENT_ADD_REQUEST: Message.TP_EVENT_ADD_RESPONSE,
}


class ValidatorStub:
    """Bind with `await ValidatorStub.start()`; `await stub.close()` when done."""

    def __init__(self) -> None:
        self.endpoint = ""
        self.state: dict[str, bytes] = {}
        self.receipts: dict[str, list[bytes]] = defaultdict(list)
        self.events: dict[str, list[Event]] = defaultdict(list)
        self.registrations: list[TpRegisterRequest] = []
        self.unregistrations = 0
        self.state_calls: list[int] = []  # message types, in arrival order
        self.answer_state_calls = True  # False: hold them unanswered, as a hung validator would
        self._held: list[tuple[bytes, Message]] = []
        self.refuse_registration = False
        # The processor protocol version answered: None echoes the request's (Sawtooth 1.1+);
        # 0 answers as Sawtooth 1.0 does (its TpRegisterResponse has no such field).
        self.protocol_version: int | None = None
        self.refuse_families: set[str] = set()  # registrations of these families are refused
        self.silent_families: set[str] = set()  # ... accepted, but never answered
        self._processors: dict[tuple[str, str], bytes] = {}  # (family, version) -> identity
        self._awaited: dict[str, asyncio.Future[Message]] = {}
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)
        self._context = zmq.asyncio.Context()
        self._socket = self._context.socket(zmq.ROUTER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._task: asyncio.Task[None] | None = None

    @classmethod
    async def start(cls, port: int | None = None) -> ValidatorStub:
        """Listen on 127.0.0.1, on `port` or a free one."""
        stub = cls()
        stub._socket.bind(f"tcp://127.0.0.1:{port or '*'}")
        stub.endpoint = stub._socket.getsockopt_string(zmq.LAST_ENDPOINT)
        stub._task = asyncio.ensure_future(stub._serve())
        return stub

    @property
    def port(self) -> int:
        return int(self.endpoint.rsplit(":", 1)[1])

    async def close(self) -> None:
        """Stop and release the port (destroying the context waits for the socket to close)."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        for future in self._awaited.values():
            future.cancel()
        self._context.destroy(linger=0)

    # -- what a test asks -----------------------------------------------------------------

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `condition()` holds; it is checked after every message."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def wait_registered(self, *families: tuple[str, str], timeout: float = 10.0) -> None:
        await self.wait_for(lambda: all(f in self._processors for f in families), timeout)

    async def release_state_calls(self) -> None:
        """Answer the state calls held so far, and the ones to come."""
        self.answer_state_calls = True
        held, self._held = self._held, []
        for identity, message in held:
            kind = message.message_type
            answer = self._state_call(kind, message.content)
            await self._send(identity, STATE_CALLS[kind], message.correlation_id, answer)

    async def process(
        self,
        family: str,
        version: str,
        payload: bytes,
        *,
        inputs: Sequence[str] = (),
        outputs: Sequence[str] = (),
        context_id: str | None = None,
        timeout: float = 10.0,
    ) -> TpProcessResponse:
        """Send one transaction to the processor registered for the family; its response."""
        header = TransactionHeader(
            family_name=family,
            family_version=version,
            inputs=list(inputs),
            outputs=list(outputs),
            signer_public_key="02" + "11" * 32,
            batcher_public_key="02" + "11" * 32,
            nonce=str(next(self._ids)),
        )
        request = TpProcessRequest(
            header=header,
            payload=payload,
            signature="00" * 64,
            context_id=context_id or f"context-{next(self._ids)}",
        )
        content = await self.process_raw(
            self._processors[(family, version)], request.SerializeToString(), timeout
        )
        return TpProcessResponse.FromString(content)

    async def process_raw(self, identity: bytes, request: bytes, timeout: float = 10.0) -> bytes:
        """Send serialized TpProcessRequest bytes; the TpProcessResponse bytes that come back."""
        reply = await self._call(identity, Message.TP_PROCESS_REQUEST, request, timeout)
        return reply.content

    def identity_of(self, family: str, version: str) -> bytes:
        return self._processors[(family, version)]

    def misroute(self, family: str, version: str, to: tuple[str, str]) -> None:
        """Send `family version` to the processor registered for `to`, which does not serve it."""
        self._processors[(family, version)] = self._processors[to]

    async def ping(self, family: str, version: str, timeout: float = 5.0) -> bool:
        """True if the processor registered for the family answers PING_RESPONSE."""
        identity = self._processors[(family, version)]
        reply = await self._call(
            identity, Message.PING_REQUEST, PingRequest().SerializeToString(), timeout
        )
        return reply.message_type == Message.PING_RESPONSE

    async def unregister(self, family: str, version: str, timeout: float = 5.0) -> int:
        """Send the processor a TP_UNREGISTER_REQUEST; the status of its response."""
        identity = self._processors.pop((family, version))
        request = TpUnregisterRequest().SerializeToString()
        reply = await self._call(identity, Message.TP_UNREGISTER_REQUEST, request, timeout)
        return TpUnregisterResponse.FromString(reply.content).status

    # -- the protocol ---------------------------------------------------------------------

    async def _call(self, identity: bytes, kind: int, content: bytes, timeout: float) -> Message:
        correlation_id = f"stub-{next(self._ids)}"
        future = asyncio.get_running_loop().create_future()
        self._awaited[correlation_id] = future
        await self._send(identity, kind, correlation_id, content)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._awaited.pop(correlation_id, None)

    async def _send(self, identity: bytes, kind: int, correlation_id: str, content: bytes) -> None:
        message = Message(message_type=kind, correlation_id=correlation_id, content=content)
        await self._socket.send_multipart([identity, message.SerializeToString()])

    async def _serve(self) -> None:
        while True:
            identity, frame = await self._socket.recv_multipart()
            message = Message.FromString(frame)
            future = self._awaited.pop(message.correlation_id, None)
            if future is not None:
                if not future.done():
                    future.set_result(message)
            else:
                answer = self._answer(identity, message)
                if answer is not None:
                    await self._send(identity, answer[0], message.correlation_id, answer[1])
            async with self._changed:
                self._changed.notify_all()

    def _answer(self, identity: bytes, message: Message) -> tuple[int, bytes] | None:
        kind = message.message_type
        if kind == Message.TP_REGISTER_REQUEST:
            request = TpRegisterRequest.FromString(message.content)
            self.registrations.append(request)
            if request.family in self.silent_families:
                self._processors[(request.family, request.version)] = identity
                return None
            if self.refuse_registration or request.family in self.refuse_families:
                response = TpRegisterResponse(status=TpRegisterResponse.ERROR, protocol_version=1)
            else:
                self._processors[(request.family, request.version)] = identity
                version = self.protocol_version
                response = TpRegisterResponse(
                    status=TpRegisterResponse.OK,
                    protocol_version=request.protocol_version if version is None else version,
                )
            return Message.TP_REGISTER_RESPONSE, response.SerializeToString()
        if kind == Message.TP_UNREGISTER_REQUEST:
            self.unregistrations += 1
            for family in [f for f, who in self._processors.items() if who == identity]:
                del self._processors[family]
            ok = TpUnregisterResponse(status=TpUnregisterResponse.OK)
            return Message.TP_UNREGISTER_RESPONSE, ok.SerializeToString()
        if kind in STATE_CALLS:
            self.state_calls.append(kind)
            if self.answer_state_calls:
                return STATE_CALLS[kind], self._state_call(kind, message.content)
            self._held.append((identity, message))
        return None

    def _state_call(self, kind: int, content: bytes) -> bytes:
        if kind == Message.TP_STATE_GET_REQUEST:
            get = TpStateGetRequest.FromString(content)
            entries = [TpStateEntry(address=a, data=self.state.get(a, b"")) for a in get.addresses]
            got = TpStateGetResponse(entries=entries, status=TpStateGetResponse.OK)
            return got.SerializeToString()
        if kind == Message.TP_STATE_SET_REQUEST:
            put = TpStateSetRequest.FromString(content)
            self.state.update((e.address, e.data) for e in put.entries)
            addresses = [e.address for e in put.entries]
            return TpStateSetResponse(
                addresses=addresses, status=TpStateSetResponse.OK
            ).SerializeToString()
        if kind == Message.TP_STATE_DELETE_REQUEST:
            delete = TpStateDeleteRequest.FromString(content)
            gone = [a for a in delete.addresses if self.state.pop(a, None) is not None]
            return TpStateDeleteResponse(
                addresses=gone, status=TpStateDeleteResponse.OK
            ).SerializeToString()
        if kind == Message.TP_RECEIPT_ADD_DATA_REQUEST:
            receipt = TpReceiptAddDataRequest.FromString(content)
            self.receipts[receipt.context_id].append(receipt.data)
            return TpReceiptAddDataResponse(status=TpReceiptAddDataResponse.OK).SerializeToString()
        event = TpEventAddRequest.FromString(content)
        self.events[event.context_id].append(event.event)
        return TpEventAddResponse(status=TpEventAddResponse.OK).SerializeToString()
