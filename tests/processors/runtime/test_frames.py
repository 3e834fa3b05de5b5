"""The hand-written encodings equal protobuf's, and FastContext behaves as the SDK's Context."""

from __future__ import annotations

from typing import Any

import pytest
from sawtooth_sdk.processor.context import Context
from sawtooth_sdk.processor.exceptions import AuthorizationException, InternalError
from sawtooth_sdk.protobuf import state_context_pb2 as sc
from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.processors.runtime import frames
from smartblocks.processors.runtime.context import FastContext

A, B = "ab" * 35, "cd" * 35


@pytest.mark.parametrize(
    ("kind", "cid", "content"), [(5, "c-1", b"x" * 300), (0, "", b""), (300, "é", b"\x00")]
)
def test_message_round_trip(kind: int, cid: str, content: bytes) -> None:
    expected = Message(message_type=kind, correlation_id=cid, content=content)
    encoded = frames.message(kind, cid, content)
    assert encoded == expected.SerializeToString()
    assert frames.read_message(encoded) == (kind, cid, content)


def test_requests_equal_protobuf() -> None:
    assert (
        frames.state_get_request("ctx", [A, B])
        == sc.TpStateGetRequest(context_id="ctx", addresses=[A, B]).SerializeToString()
    )
    entries = [(A, b"1"), (B, b"")]
    assert (
        frames.state_set_request("ctx", entries)
        == sc.TpStateSetRequest(
            context_id="ctx", entries=[sc.TpStateEntry(address=a, data=d) for a, d in entries]
        ).SerializeToString()
    )
    event = Event(event_type="t", attributes=[Event.Attribute(key="k", value="v")], data=b"d")
    assert (
        frames.event_add_request("ctx", "t", [("k", "v")], b"d")
        == sc.TpEventAddRequest(context_id="ctx", event=event).SerializeToString()
    )


def test_unreadable_bytes_raise_value_error() -> None:
    for bad in (b"\x0a\x05ab", b"\x0b", b"\x80"):
        with pytest.raises(ValueError):
            frames.read_message(bad)


class FakeStream:
    """Answers every request with `answer`; remembers what was sent."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.sent: list[tuple[int, bytes]] = []

    def send(self, message_type: int, content: bytes) -> Any:
        self.sent.append((message_type, content))
        answer = self.answer

        class Reply:
            def result(self, timeout: float | None = None) -> Any:
                return Message(content=answer)

        return Reply()


def both(answer: bytes) -> tuple[tuple[Context, FakeStream], tuple[FastContext, FakeStream]]:
    sdk_stream, fast_stream = FakeStream(answer), FakeStream(answer)
    return (Context(sdk_stream, "ctx"), sdk_stream), (FastContext(fast_stream, "ctx"), fast_stream)


def outcome(call: Any) -> Any:
    try:
        return ("ok", call())
    except Exception as exc:  # compare what the handler would see
        return (type(exc).__name__, str(exc))


GET_OK = sc.TpStateGetResponse(
    entries=[sc.TpStateEntry(address=A, data=b"v"), sc.TpStateEntry(address=B)],
    status=sc.TpStateGetResponse.OK,
).SerializeToString()
GET_REFUSED = sc.TpStateGetResponse(
    status=sc.TpStateGetResponse.AUTHORIZATION_ERROR
).SerializeToString()
SET_OK = sc.TpStateSetResponse(addresses=[A], status=sc.TpStateSetResponse.OK).SerializeToString()
SET_REFUSED = sc.TpStateSetResponse(
    status=sc.TpStateSetResponse.AUTHORIZATION_ERROR
).SerializeToString()
EVENT_OK = sc.TpEventAddResponse(status=sc.TpEventAddResponse.OK).SerializeToString()
EVENT_ERROR = sc.TpEventAddResponse(status=sc.TpEventAddResponse.ERROR).SerializeToString()


@pytest.mark.parametrize(
    ("answer", "call"),
    [
        (GET_OK, lambda c: c.get_state([A, B])),
        (GET_REFUSED, lambda c: c.get_state([A])),
        (GET_OK, lambda c: c.get_state((A,))),
        (SET_OK, lambda c: list(c.set_state({A: b"v"}))),
        (SET_REFUSED, lambda c: c.set_state({A: b"v", B: b""})),
        (SET_OK, lambda c: c.set_state({A: "not bytes"})),
        (EVENT_OK, lambda c: c.add_event("t", [("k", "v")], b"d")),
        (EVENT_OK, lambda c: c.add_event("t")),
        (EVENT_ERROR, lambda c: c.add_event("t", [("k", "v")])),
        (EVENT_OK, lambda c: c.add_event("t", [("k", 1)])),
    ],
)
def test_fast_context_behaves_as_the_sdk(answer: bytes, call: Any) -> None:
    (sdk, sdk_stream), (fast, fast_stream) = both(answer)
    assert outcome(lambda: call(fast)) == outcome(lambda: call(sdk))
    assert fast_stream.sent == sdk_stream.sent


def test_exceptions_are_the_sdk_types() -> None:
    (_, _), (fast, _) = both(GET_REFUSED)
    with pytest.raises(AuthorizationException):
        fast.get_state([A])
    (_, _), (fast, _) = both(EVENT_ERROR)
    with pytest.raises(InternalError):
        fast.add_event("t")
