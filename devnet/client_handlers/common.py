"""Wiring a client request type to a function that builds its response."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.validator_pb2 import Message

from ..endpoint import ComponentEndpoint
from ..ids import is_id
from .paging import ResponseFailed

LOGGER = logging.getLogger(__name__)


def _failure(response_cls: Any) -> Any:
    status = getattr(response_cls, "INTERNAL_ERROR", None) or response_cls.ERROR
    return response_cls(status=status)


def _failed(response_cls: Any, request_type: int, error: Exception) -> Any:
    """The response when building the answer raised `error`."""
    if isinstance(error, ResponseFailed):
        return response_cls(status=error.status)
    LOGGER.error("client request %d failed", request_type, exc_info=error)
    return _failure(response_cls)


def serve(
    endpoint: ComponentEndpoint,
    request_type: int,
    request_cls: Any,
    response_type: int,
    response_cls: Any,
    respond: Callable[[Any], Any],
) -> None:
    def handle(identity: bytes, message: Message) -> None:
        try:
            request = request_cls.FromString(message.content)
        except DecodeError:
            response = _failure(response_cls)
        else:
            try:
                response = respond(request)
            except Exception as error:
                response = _failed(response_cls, request_type, error)
        endpoint.reply(identity, message, response_type, response.SerializeToString())

    endpoint.on(request_type, handle)


def serve_async(
    endpoint: ComponentEndpoint,
    request_type: int,
    request_cls: Any,
    response_type: int,
    response_cls: Any,
    respond: Callable[[Any], Awaitable[Any]],
) -> None:
    """Like serve() for answers that wait (batch status with `wait`)."""
    tasks: set[asyncio.Task[None]] = set()

    async def answer(identity: bytes, message: Message, request: Any) -> None:
        try:
            response = await respond(request)
        except Exception as error:
            response = _failed(response_cls, request_type, error)
        endpoint.reply(identity, message, response_type, response.SerializeToString())

    def handle(identity: bytes, message: Message) -> None:
        try:
            request = request_cls.FromString(message.content)
        except DecodeError:
            response = _failure(response_cls)
            endpoint.reply(identity, message, response_type, response.SerializeToString())
            return
        task = asyncio.create_task(answer(identity, message, request))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    endpoint.on(request_type, handle)


def check_ids(ids: Any, invalid_id: int) -> None:
    for value in ids:
        if not is_id(value):
            raise ResponseFailed(invalid_id)
