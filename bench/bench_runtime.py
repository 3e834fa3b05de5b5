"""Processor runtime throughput: transactions/s over real ZMQ, against `apply` called in-process.

The processor runs as `smartblocks tp` in its own process, as in production; the validator side
is a lean stub in this process, keeping `max_occupancy` transactions in flight per family as a
validator does. The in-process figures call the same handlers' `apply` with a dict
behind a fake context: the ceiling that the runtime's messaging eats into. "Runtime work per
transaction, no sockets" is the runtime's protobuf and Context code alone (best of several
rounds, so it barely moves with the machine's load); "processor CPU per transaction" is what
the `smartblocks tp` process used, from /proc, sockets and threads included.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
import timeit
from pathlib import Path
from typing import Any

import zmq
from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.processor_pb2 import (
    TpProcessRequest,
    TpProcessResponse,
    TpRegisterRequest,
    TpRegisterResponse,
    TpUnregisterResponse,
)
from sawtooth_sdk.protobuf.state_context_pb2 import (
    TpStateEntry,
    TpStateGetRequest,
    TpStateGetResponse,
    TpStateSetResponse,
)
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.validator_pb2 import Message

from bench.harness import cpu_seconds, figure
from smartblocks.processors.runtime.handlers import HandlerTable
from smartblocks.processors.runtime.outcome import process

ROOT = Path(__file__).resolve().parent.parent
NOOP = ("benchnoop", "1.0")
GETSET = ("benchstate", "1.0")
KEY = "02" + "ab" * 32
INPUT = "b3c1e2" + "01" * 32
OUTPUT = "b3c1e2" + "02" * 32
OK_RESPONSE = TpProcessResponse(status=TpProcessResponse.OK).SerializeToString()


class NoopHandler(TransactionHandler):
    family_name, family_versions, namespaces = NOOP[0], [NOOP[1]], ["b3c1e1"]

    def apply(self, transaction: Any, context: Any) -> None:
        return None


class GetSetHandler(TransactionHandler):
    """One state read and one write: the shape of a meter-reading transaction."""

    family_name, family_versions, namespaces = GETSET[0], [GETSET[1]], ["b3c1e2"]

    def apply(self, transaction: Any, context: Any) -> None:
        entries = context.get_state([transaction.header.inputs[0]])
        count = int(entries[0].data) if entries else 0
        context.set_state({transaction.header.outputs[0]: str(count + 1).encode()})


class FakeContext:
    """The SDK Context's get/set over a dict, without any messaging."""

    def __init__(self) -> None:
        self.state: dict[str, bytes] = {}

    def get_state(self, addresses: list[str], timeout: float | None = None) -> list[TpStateEntry]:
        return [TpStateEntry(address=a, data=self.state[a]) for a in addresses if a in self.state]

    def set_state(self, entries: dict[str, bytes], timeout: float | None = None) -> list[str]:
        self.state.update(entries)
        return list(entries)


def process_request(family: tuple[str, str], number: int) -> TpProcessRequest:
    header = TransactionHeader(
        family_name=family[0],
        family_version=family[1],
        inputs=[INPUT],
        outputs=[OUTPUT],
        signer_public_key=KEY,
        batcher_public_key=KEY,
        nonce=str(number),
        payload_sha512="cd" * 64,
    )
    return TpProcessRequest(
        header=header, payload=b"x" * 100, signature="ef" * 64, context_id=f"ctx-{number}"
    )


# A validator's answers to the get+set handler's state calls, by request type.
STATE_ANSWERS = {
    Message.TP_STATE_GET_REQUEST: (
        Message.TP_STATE_GET_RESPONSE,
        TpStateGetResponse(
            entries=[TpStateEntry(address=INPUT, data=b"41")], status=TpStateGetResponse.OK
        ),
    ),
    Message.TP_STATE_SET_REQUEST: (
        Message.TP_STATE_SET_RESPONSE,
        TpStateSetResponse(addresses=[OUTPUT], status=TpStateSetResponse.OK),
    ),
}


def in_process_rate(handler: TransactionHandler, family: tuple[str, str], seconds: float) -> float:
    request, context = process_request(family, 0), FakeContext()
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            handler.apply(request, context)
        done += 200
    return done / elapsed


class CannedStream:
    """A RequestStream without a validator: each call's Message is built and each answer's
    parsed as the connection does, then answered from STATE_ANSWERS at once."""

    fault = None

    def __init__(self) -> None:
        self._answers = {
            kind: _frame(answer_type, "f00d-1", answer.SerializeToString())
            for kind, (answer_type, answer) in STATE_ANSWERS.items()
        }

    def send(self, message_type: int, content: bytes) -> Any:
        _frame(message_type, "f00d-1", content)
        return CannedReply(self._answers[message_type])


class CannedReply:
    def __init__(self, frame: bytes) -> None:
        self._frame = frame

    def result(self, timeout: float | None = None) -> Message:
        return Message.FromString(self._frame)


def _frame(message_type: int, correlation_id: str, content: bytes) -> bytes:
    message = Message(message_type=message_type, correlation_id=correlation_id, content=content)
    return message.SerializeToString()


def runtime_work_us(handler: TransactionHandler, family: tuple[str, str]) -> float:
    """The runtime's own CPU per transaction, without sockets or threads: parse the incoming
    Message and TpProcessRequest, apply with the SDK Context (its calls answered by
    CannedStream), build the response Message. Best of 7 rounds: a busy machine adds little."""
    content = process_request(family, 1).SerializeToString()
    incoming = _frame(Message.TP_PROCESS_REQUEST, "p1", content)
    handlers = HandlerTable([handler])
    stream: Any = CannedStream()  # stands in for a RequestStream

    def one() -> None:
        message = Message.FromString(incoming)
        response = process(handlers, TpProcessRequest.FromString(message.content), stream)
        content = response.SerializeToString()
        _frame(Message.TP_PROCESS_RESPONSE, message.correlation_id, content)

    number = 2_000
    return 1e6 * min(timeit.repeat(one, number=number, repeat=7)) / number


class LeanValidator:
    """The validator side reduced to what the benchmark needs, on a plain (blocking) ROUTER.

    Keeps `in_flight` process requests outstanding, sending a new one for each response, and
    answers state gets and sets with canned responses: as little work per message as a
    validator can do, so the figures show the processor's cost, not the stub's.
    """

    def __init__(self) -> None:
        self._context = zmq.Context()
        self._socket = self._context.socket(zmq.ROUTER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.bind("tcp://127.0.0.1:*")
        self.endpoint = self._socket.getsockopt_string(zmq.LAST_ENDPOINT)
        self.identities: dict[str, bytes] = {}
        self._ids = itertools.count()
        self._canned = {
            **STATE_ANSWERS,
            Message.TP_REGISTER_REQUEST: (
                Message.TP_REGISTER_RESPONSE,
                TpRegisterResponse(status=TpRegisterResponse.OK, protocol_version=1),
            ),
            Message.TP_UNREGISTER_REQUEST: (
                Message.TP_UNREGISTER_RESPONSE,
                TpUnregisterResponse(status=TpUnregisterResponse.OK),
            ),
        }

    def close(self) -> None:
        self._context.destroy(linger=0)

    def serve(self, until: Any, timeout: float = 60.0) -> None:
        """Answer the processor until `until()` holds."""
        deadline = time.perf_counter() + timeout
        while not until():
            if time.perf_counter() > deadline:
                raise TimeoutError("the processor did not get there in time")
            if self._socket.poll(100):
                self._handle(*self._socket.recv_multipart())

    def drive(self, family: str, request: bytes, in_flight: int, seconds: float) -> int:
        """Transactions processed with `in_flight` outstanding, in about `seconds`."""
        identity = self.identities[family]
        for _ in range(in_flight):
            self._send(identity, Message.TP_PROCESS_REQUEST, f"p{next(self._ids)}", request)
        outstanding, done = in_flight, 0
        start = time.perf_counter()
        deadline = start + seconds
        while outstanding:
            if not self._socket.poll(10_000):
                raise TimeoutError("the processor stopped answering")
            if self._handle(*self._socket.recv_multipart()):
                done += 1
                if time.perf_counter() < deadline:
                    self._send(identity, Message.TP_PROCESS_REQUEST, f"p{next(self._ids)}", request)
                else:
                    outstanding -= 1
        return done

    def _handle(self, identity: bytes, frame: bytes) -> bool:
        """Answer one message; True if it was a process response."""
        message = Message.FromString(frame)
        kind = message.message_type
        if kind == Message.TP_PROCESS_RESPONSE:
            if message.content != OK_RESPONSE:
                raise RuntimeError(
                    f"processor answered {TpProcessResponse.FromString(message.content)}"
                )
            return True
        if kind == Message.TP_REGISTER_REQUEST:
            self.identities[TpRegisterRequest.FromString(message.content).family] = identity
        answer_type, answer = self._canned[kind]
        self._send(identity, answer_type, message.correlation_id, answer.SerializeToString())
        return False

    def _send(self, identity: bytes, kind: int, correlation_id: str, content: bytes) -> None:
        self._socket.send_multipart([identity, _frame(kind, correlation_id, content)])


def over_zmq(occupancy: int, seconds: float) -> dict[tuple[str, str], tuple[float, float]]:
    """(transactions/s, the processor's CPU µs per transaction) per family, each family
    measured alone with `occupancy` in flight. The CPU figure, from /proc, moves less than the
    rate when other jobs share the machine."""
    validator = LeanValidator()
    command = [
        sys.executable,
        "-m",
        "smartblocks.clients.cli.main",
        "tp",
        "bench.bench_runtime:NoopHandler",
        "bench.bench_runtime:GetSetHandler",
        "--connect",
        validator.endpoint,
        "--max-occupancy",
        str(occupancy),
    ]
    processor = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        validator.serve(lambda: len(validator.identities) == 2)
        rates = {}
        for family in (NOOP, GETSET):
            request = process_request(family, 1).SerializeToString()
            validator.drive(family[0], request, occupancy, min(0.5, seconds / 4))  # warm up
            cpu, start = cpu_seconds(processor.pid), time.perf_counter()
            done = validator.drive(family[0], request, occupancy, seconds)
            elapsed, cpu = time.perf_counter() - start, cpu_seconds(processor.pid) - cpu
            rates[family] = (done / elapsed, 1e6 * cpu / done)
        processor.terminate()  # and answer its unregistration, so it can leave at once
        validator.serve(lambda: processor.poll() is not None, timeout=10)
        return rates
    finally:
        if processor.poll() is None:
            processor.kill()
            processor.wait()
        validator.close()


def protobuf_round_trip_rate(seconds: float) -> float:
    """Parse Message + TpProcessRequest, build a TpStateGetRequest and a TpProcessResponse."""
    incoming = Message(
        message_type=Message.TP_PROCESS_REQUEST,
        correlation_id="a1b2c3d4e5f6",
        content=process_request(GETSET, 1).SerializeToString(),
    ).SerializeToString()
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(200):
            message = Message.FromString(incoming)
            request = TpProcessRequest.FromString(message.content)
            get = TpStateGetRequest(context_id=request.context_id, addresses=[INPUT])
            Message(
                message_type=Message.TP_STATE_GET_REQUEST,
                correlation_id="f00d-1",
                content=get.SerializeToString(),
            ).SerializeToString()
            Message(
                message_type=Message.TP_PROCESS_RESPONSE,
                correlation_id=message.correlation_id,
                content=TpProcessResponse(status=TpProcessResponse.OK).SerializeToString(),
            ).SerializeToString()
        done += 200
    return done / elapsed


def run(quick: bool) -> list[dict[str, Any]]:
    import google.protobuf

    seconds = 2.0 if quick else 8.0
    occupancies = [10] if quick else [1, 10, 32]
    names = {NOOP: "no-op handler", GETSET: "get+set handler"}
    local = {
        NOOP: in_process_rate(NoopHandler(), NOOP, seconds / 2),
        GETSET: in_process_rate(GetSetHandler(), GETSET, seconds / 2),
    }
    figures = [figure(f"{names[f]}: apply in-process", rate, "tx/s") for f, rate in local.items()]
    figures += [
        figure(
            f"{names[family]}: runtime work per transaction, no sockets",
            runtime_work_us(handler, family),
            "us",
            protobuf=_protobuf_implementation(),
        )
        for handler, family in ((NoopHandler(), NOOP), (GetSetHandler(), GETSET))
    ]
    for occupancy in occupancies:
        params = {
            "max_occupancy": occupancy,
            "in_flight": occupancy,
            "seconds": seconds,
            "load_average": _load_average(),
            "protobuf": _protobuf_implementation(),
        }
        for family, (rate, cpu) in over_zmq(occupancy, seconds).items():
            name = names[family]
            figures += [
                figure(f"{name}: over ZMQ", rate, "tx/s", **params),
                figure(f"{name}: processor CPU per transaction", cpu, "us", **params),
                figure(
                    f"{name}: over ZMQ, share of in-process",
                    100 * rate / local[family],
                    "%",
                    **params,
                ),
                figure(
                    f"{name}: runtime cost per transaction",
                    1e6 / rate - 1e6 / local[family],
                    "us",
                    **params,
                ),
            ]
    figures.append(
        figure(
            "protobuf process-request round trip",
            protobuf_round_trip_rate(seconds / 2),
            "round trips/s",
            protobuf=google.protobuf.__version__,
            load_average=_load_average(),
            implementation=_protobuf_implementation(),
            lead_measured={"3.20.3 (python)": 22_000, "7.36 (python)": 16_000},
        )
    )
    return figures


def _load_average() -> float:
    # The build machine is shared: a busy neighbour halves these figures, so say how busy.
    return round(os.getloadavg()[0], 2)


def _protobuf_implementation() -> str:
    from google.protobuf.internal import api_implementation

    return api_implementation.Type()
