"""The stream object the SDK's `Context` talks through, one per transaction being applied.

`Context` calls `stream.send(message_type, content)` and then `.result(timeout).content` on
what it returns. Here `result` waits at most the runtime's state timeout even when the handler
passes none (the SDK would wait forever), and any fault is remembered on the stream so the
runtime can answer INTERNAL_ERROR whatever the handler did with the exception.
"""

from __future__ import annotations

import concurrent.futures

from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.processors.runtime.connection import Connection
from smartblocks.processors.runtime.errors import (
    ConnectionLost,
    StateCallTimeout,
    ValidatorCallFailed,
)


class RequestStream:
    """Carries one transaction's state, receipt and event calls to the validator."""

    def __init__(self, connection: Connection, timeout: float) -> None:
        self.connection = connection
        self.timeout = timeout
        self.fault: ValidatorCallFailed | None = None

    def send(self, message_type: int, content: bytes) -> PendingReply:
        correlation_id, future = self.connection.request(message_type, content)
        return PendingReply(self, message_type, correlation_id, future)


class PendingReply:
    """What `RequestStream.send` returns: `.result(timeout)` gives the reply Message."""

    def __init__(
        self,
        stream: RequestStream,
        message_type: int,
        correlation_id: str,
        future: concurrent.futures.Future[Message],
    ) -> None:
        self._stream = stream
        self.message_type = message_type
        self.correlation_id = correlation_id
        self.future = future

    def result(self, timeout: float | None = None) -> Message:
        limit = self._stream.timeout if timeout is None else timeout
        try:
            return self.future.result(limit)
        except concurrent.futures.TimeoutError:
            self._stream.connection.forget(self.correlation_id)
            name = Message.MessageType.Name(self.message_type)
            fault: ValidatorCallFailed = StateCallTimeout(
                f"the validator did not answer {name} within {limit:g} s"
            )
        except ConnectionLost as lost:
            fault = lost
        self._stream.fault = fault
        raise fault
