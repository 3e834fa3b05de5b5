"""The SDK's `Context` with its frequent calls encoded and decoded by hand (frames.py).

Handlers see the SDK's Context: same methods, same arguments, same results (TpStateEntry
objects from get_state), same exceptions with the same messages. Only the bytes are built
without protobuf objects, which cost more CPU per call than the round trip to the validator.
Arguments of unexpected types, and answers the hand-written reader cannot read, go the SDK's
own way, so errors stay exactly the SDK's.
"""

from __future__ import annotations

from typing import Any

from sawtooth_sdk.processor.context import Context
from sawtooth_sdk.processor.exceptions import AuthorizationException, InternalError
from sawtooth_sdk.protobuf import state_context_pb2 as sc
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.processors.runtime import frames

GET_AUTHORIZATION_ERROR = sc.TpStateGetResponse.AUTHORIZATION_ERROR
SET_AUTHORIZATION_ERROR = sc.TpStateSetResponse.AUTHORIZATION_ERROR
EVENT_ERROR = sc.TpEventAddResponse.ERROR


def _all_text(values: Any) -> bool:
    return isinstance(values, list | tuple) and all(isinstance(v, str) for v in values)


class FastContext(Context):
    """Context(stream, context_id) whose get_state, set_state and add_event skip protobuf."""

    def get_state(self, addresses: Any, timeout: float | None = None) -> Any:
        if not _all_text(addresses):
            return super().get_state(addresses, timeout)
        request = frames.state_get_request(self._context_id, addresses)
        content = self._stream.send(Message.TP_STATE_GET_REQUEST, request).result(timeout).content
        try:
            entries, status = frames.state_get_response(content)
        except (ValueError, UnicodeDecodeError):
            return _parse_get_response(content, addresses)
        if status == GET_AUTHORIZATION_ERROR:
            raise AuthorizationException(f"Tried to get unauthorized address: {addresses}")
        return [sc.TpStateEntry(address=a, data=d) for a, d in entries if d]

    def set_state(self, entries: Any, timeout: float | None = None) -> Any:
        if not (
            isinstance(entries, dict)
            and all(isinstance(a, str) and isinstance(d, bytes) for a, d in entries.items())
        ):
            return super().set_state(entries, timeout)
        request = frames.state_set_request(self._context_id, entries.items())
        content = self._stream.send(Message.TP_STATE_SET_REQUEST, request).result(timeout).content
        try:
            addresses, status = frames.address_response(content)
        except (ValueError, UnicodeDecodeError):
            response = sc.TpStateSetResponse.FromString(content)
            addresses, status = list(response.addresses), response.status
        if status == SET_AUTHORIZATION_ERROR:
            raise AuthorizationException(f"Tried to set unauthorized address: {list(entries)}")
        return addresses

    def add_event(
        self,
        event_type: Any,
        attributes: Any = None,
        data: Any = None,
        timeout: float | None = None,
    ) -> None:
        pairs = [] if attributes is None else attributes
        well_typed = (
            isinstance(event_type, str)
            and isinstance(pairs, list | tuple)
            and all(isinstance(p, tuple) and len(p) == 2 and _all_text(p) for p in pairs)
            and (data is None or isinstance(data, bytes))
        )
        if not well_typed:
            super().add_event(event_type, attributes, data, timeout)
            return
        request = frames.event_add_request(self._context_id, event_type, pairs, data or b"")
        content = self._stream.send(Message.TP_EVENT_ADD_REQUEST, request).result(timeout).content
        try:
            status = frames.status_response(content)
        except (ValueError, UnicodeDecodeError):
            status = sc.TpEventAddResponse.FromString(content).status
        if status == EVENT_ERROR:
            raise InternalError(f"Failed to add event: ({event_type}, {pairs}, {data})")


def _parse_get_response(content: bytes, addresses: list[str]) -> Any:
    """What the SDK makes of a TpStateGetResponse the hand-written reader could not read."""
    response = sc.TpStateGetResponse.FromString(content)
    if response.status == GET_AUTHORIZATION_ERROR:
        raise AuthorizationException(f"Tried to get unauthorized address: {addresses}")
    return [e for e in response.entries if len(e.data) != 0]
