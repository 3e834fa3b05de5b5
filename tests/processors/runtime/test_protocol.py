"""The runtime against a validator stub over real ZMQ sockets: registration, outcomes, state."""

from __future__ import annotations

import asyncio

from sawtooth_sdk.protobuf.processor_pb2 import TpProcessResponse, TpRegisterRequest
from sawtooth_sdk.protobuf.validator_pb2 import Message

from tests.support.runtime_handlers import EchoHandler, OpsHandler, address, namespace
from tests.support.runtime_thread import quick_timeouts

OPS = ("testops", "1.0")
ECHO = ("testecho", "1.0")
A = address("testops", "a")
B = address("testops", "b")


async def test_registers_two_families_from_one_process_and_serves_both(stub, start_runtime):
    start_runtime(stub.endpoint, OpsHandler(), EchoHandler(), max_occupancy=3)
    await stub.wait_registered(OPS, ECHO)

    by_family = {r.family: r for r in stub.registrations}
    assert sorted(by_family) == ["testecho", "testops"]
    for family, request in by_family.items():
        assert request.version == "1.0"
        assert list(request.namespaces) == [namespace(family)]
        assert request.max_occupancy == 3
        assert request.protocol_version == 1
        assert request.request_header_style == TpRegisterRequest.EXPANDED

    echo_at = address("testecho", "x")
    echoed = await stub.process(*ECHO, b"hello", outputs=[echo_at])
    done = await stub.process(*OPS, b"ok")
    assert (echoed.status, done.status) == (TpProcessResponse.OK, TpProcessResponse.OK)
    assert stub.state[echo_at] == b"hello"


async def test_state_get_set_and_delete_reach_the_validator(stub, start_runtime):
    start_runtime(stub.endpoint)
    await stub.wait_registered(OPS)
    stub.state[A] = b"42"

    copied = await stub.process(*OPS, b"copy", inputs=[A], outputs=[B])
    assert copied.status == TpProcessResponse.OK
    assert stub.state[B] == b"42!"

    deleted = await stub.process(*OPS, b"delete", outputs=[B])
    assert deleted.status == TpProcessResponse.OK
    assert B not in stub.state
    assert stub.state_calls == [
        Message.TP_STATE_GET_REQUEST,
        Message.TP_STATE_SET_REQUEST,
        Message.TP_STATE_DELETE_REQUEST,
    ]


async def test_invalid_transaction_keeps_message_and_extended_data(stub, start_runtime):
    start_runtime(stub.endpoint)
    await stub.wait_registered(OPS)

    response = await stub.process(*OPS, b"invalid")
    assert response.status == TpProcessResponse.INVALID_TRANSACTION
    assert response.message == "reading out of range: 7 > 5"
    assert response.extended_data == b"\x07\x05"


async def test_internal_error_is_answered_internal_error(stub, start_runtime):
    start_runtime(stub.endpoint)
    await stub.wait_registered(OPS)

    response = await stub.process(*OPS, b"internal")
    assert response.status == TpProcessResponse.INTERNAL_ERROR
    assert response.message == "meter table unavailable"


async def test_unexpected_exception_is_invalid_and_the_processor_goes_on(
    stub, start_runtime, caplog
):
    start_runtime(stub.endpoint)
    await stub.wait_registered(OPS)

    response = await stub.process(*OPS, b"bug")
    assert response.status == TpProcessResponse.INVALID_TRANSACTION
    assert response.message == "unexpected ValueError in testops 1.0: boom"
    assert any(
        r.exc_info and "ValueError: boom" in r.exc_text for r in caplog.records if r.exc_text
    )
    assert (await stub.process(*OPS, b"ok")).status == TpProcessResponse.OK


async def test_receipt_data_and_events_are_forwarded(stub, start_runtime):
    start_runtime(stub.endpoint)
    await stub.wait_registered(OPS)

    await stub.process(*OPS, b"receipt", context_id="c1")
    await stub.process(*OPS, b"event", context_id="c2")
    assert stub.receipts["c1"] == [b"receipt-1"]
    (event,) = stub.events["c2"]
    assert event.event_type == "testops/done"
    assert [(a.key, a.value) for a in event.attributes] == [("meter", "m1")]
    assert event.data == b"event-data"


async def test_state_call_timeout_is_internal_error_even_if_the_handler_swallows_it(
    stub, start_runtime
):
    start_runtime(stub.endpoint, timeouts=quick_timeouts(state=0.2))
    await stub.wait_registered(OPS)
    stub.answer_state_calls = False

    plain = await stub.process(*OPS, b"copy", inputs=[A], outputs=[B])
    assert plain.status == TpProcessResponse.INTERNAL_ERROR
    assert plain.message == "the validator did not answer TP_STATE_GET_REQUEST within 0.2 s"
    swallowed = await stub.process(*OPS, b"swallow", inputs=[A])
    assert swallowed.status == TpProcessResponse.INTERNAL_ERROR
    assert "did not answer TP_STATE_GET_REQUEST" in swallowed.message


async def test_pings_are_answered_while_every_worker_is_busy(stub, start_runtime):
    start_runtime(stub.endpoint, OpsHandler(), max_occupancy=1, timeouts=quick_timeouts(state=0.5))
    await stub.wait_registered(OPS)
    stub.answer_state_calls = False  # the one worker now waits on its state call

    stuck = asyncio.ensure_future(stub.process(*OPS, b"copy", inputs=[A], outputs=[B]))
    await stub.wait_for(lambda: len(stub.state_calls) == 1)
    assert await stub.ping(*OPS)
    stub.answer_state_calls = True
    assert (await stuck).status == TpProcessResponse.INTERNAL_ERROR  # its call timed out


async def test_a_message_protobuf_cannot_parse_is_logged_and_the_session_goes_on(
    stub, start_runtime, caplog
):
    start_runtime(stub.endpoint, OpsHandler())
    await stub.wait_registered(OPS)

    # A frame that is no validator_pb2.Message: a length-delimited field cut short.
    await stub._socket.send_multipart([stub.identity_of(*OPS), b"\x12\x05ab"])
    assert (await stub.process(*OPS, b"ok")).status == TpProcessResponse.OK
    assert "could not handle a message from the validator" in caplog.text


async def test_unknown_family_is_a_routing_fault_not_a_verdict(stub, start_runtime):
    start_runtime(stub.endpoint, OpsHandler())
    await stub.wait_registered(OPS)
    stub.misroute("other", "1.0", to=OPS)

    response = await stub.process("other", "1.0", b"ok")
    assert response.status == TpProcessResponse.INTERNAL_ERROR
    assert response.message == "this processor does not serve other 1.0"
