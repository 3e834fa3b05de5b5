"""The runtime's parts without sockets: handler table, outcomes, streams, workers (its
backoff and endpoint check are the shared core's: tests/ledger)."""

from __future__ import annotations

import threading

import pytest
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest, TpProcessResponse
from sawtooth_sdk.protobuf.state_context_pb2 import TpStateGetResponse
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.processors.families import load_handler
from smartblocks.processors.runtime import ProcessorRuntime
from smartblocks.processors.runtime.errors import ConnectionLost
from smartblocks.processors.runtime.handlers import HandlerTable
from smartblocks.processors.runtime.outcome import process
from smartblocks.processors.runtime.workers import WorkerPool
from tests.support.runtime_handlers import EchoHandler, OpsHandler


def test_one_family_version_cannot_have_two_handlers():
    with pytest.raises(ValueError, match=r"two handlers declare family testops 1\.0"):
        HandlerTable([OpsHandler(), OpsHandler()])
    with pytest.raises(ValueError, match="no transaction family"):
        HandlerTable([])


def test_registrations_cover_every_family_version():
    table = HandlerTable([OpsHandler(), EchoHandler()])
    pairs = [(r.family, r.version, r.max_occupancy) for r in table.registrations(4)]
    assert pairs == [("testops", "1.0", 4), ("testecho", "1.0", 4)]


def test_load_handler_by_module_path():
    assert isinstance(load_handler("tests.support.runtime_handlers:EchoHandler"), EchoHandler)


class LostStream:
    """A RequestStream whose connection died: every call fails as the real one would."""

    fault = None

    def send(self, message_type, content):
        self.fault = ConnectionLost("connection to the validator was closed by the validator")
        raise self.fault


def request(payload: bytes, family: str = "testops") -> TpProcessRequest:
    header = TransactionHeader(family_name=family, family_version="1.0", inputs=["a"])
    return TpProcessRequest(header=header, payload=payload, context_id="c")


def test_a_lost_connection_wins_over_the_handlers_verdict():
    stream = LostStream()
    response = process(HandlerTable([OpsHandler()]), request(b"swallow"), stream)
    assert response.status == TpProcessResponse.INTERNAL_ERROR
    assert isinstance(stream.fault, ConnectionLost)


class RefusingStream:
    """A RequestStream whose validator refuses every state read as outside the inputs."""

    fault = None

    def send(self, message_type, content):
        refused = TpStateGetResponse(status=TpStateGetResponse.AUTHORIZATION_ERROR)
        reply = Message(content=refused.SerializeToString())

        class Pending:
            def result(self, timeout=None):
                return reply

        return Pending()


def test_an_address_outside_the_inputs_is_an_invalid_transaction():
    # The SDK's own Context raises AuthorizationException, with its message.
    response = process(HandlerTable([OpsHandler()]), request(b"copy"), RefusingStream())
    assert response.status == TpProcessResponse.INVALID_TRANSACTION
    assert response.message == "Tried to get unauthorized address: ['a']"


def test_worker_pool_survives_a_failing_job():
    pool = WorkerPool(1)
    done = threading.Event()
    pool.submit(lambda: 1 / 0)
    pool.submit(done.set)
    assert done.wait(5)
    pool.stop()


def test_stop_before_run_returns_at_once():
    runtime = ProcessorRuntime("tcp://127.0.0.1:9", [OpsHandler()])
    runtime.stop()
    runtime.run()  # returns without connecting anywhere
    assert not runtime.registered.is_set()
