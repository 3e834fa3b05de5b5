"""Processor registration, unregistration and pings on the component endpoint."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sawtooth_sdk.protobuf import processor_pb2 as pp
from sawtooth_sdk.protobuf.network_pb2 import PingRequest, PingResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message

from .endpoint import ComponentEndpoint
from .processors import DEFAULT_MAX_OCCUPANCY, MAX_PROTOCOL_VERSION, Processor, ProcessorRegistry

LOGGER = logging.getLogger(__name__)

PING_INTERVAL = 1.0


class ProcessorProtocol:
    def __init__(
        self,
        endpoint: ComponentEndpoint,
        registry: ProcessorRegistry,
        on_change: Callable[[], None],
    ) -> None:
        self._endpoint = endpoint
        self._registry = registry
        self._on_change = on_change
        endpoint.on(Message.TP_REGISTER_REQUEST, self._on_register)
        endpoint.on(Message.TP_UNREGISTER_REQUEST, self._on_unregister)
        endpoint.on(Message.PING_REQUEST, self._on_ping)
        endpoint.on(Message.PING_RESPONSE, lambda identity, message: None)

    def _on_register(self, identity: bytes, message: Message) -> None:
        request = pp.TpRegisterRequest.FromString(message.content)
        Response = pp.TpRegisterResponse
        if request.protocol_version > MAX_PROTOCOL_VERSION:
            LOGGER.error(
                "refusing %s %s processor: it asks for protocol version %d, devnet speaks %d",
                request.family,
                request.version,
                request.protocol_version,
                MAX_PROTOCOL_VERSION,
            )
            response = Response(status=Response.ERROR, protocol_version=MAX_PROTOCOL_VERSION)
            self._endpoint.reply(
                identity, message, Message.TP_REGISTER_RESPONSE, response.SerializeToString()
            )
            return
        response = Response(status=Response.OK, protocol_version=request.protocol_version)
        self._endpoint.reply(
            identity, message, Message.TP_REGISTER_RESPONSE, response.SerializeToString()
        )
        self._registry.register(
            Processor(
                identity=identity,
                family=request.family,
                version=request.version,
                namespaces=tuple(request.namespaces),
                max_occupancy=request.max_occupancy or DEFAULT_MAX_OCCUPANCY,
                raw_header=request.request_header_style == pp.TpRegisterRequest.RAW,
            )
        )
        self._on_change()

    def _on_unregister(self, identity: bytes, message: Message) -> None:
        LOGGER.info("processor connection %s unregisters", identity.hex())
        self._registry.unregister(identity)
        response = pp.TpUnregisterResponse(status=pp.TpUnregisterResponse.OK)
        self._endpoint.reply(
            identity, message, Message.TP_UNREGISTER_RESPONSE, response.SerializeToString()
        )
        self._on_change()

    def _on_ping(self, identity: bytes, message: Message) -> None:
        self._endpoint.reply(
            identity, message, Message.PING_RESPONSE, PingResponse().SerializeToString()
        )

    def lost(self, identity: bytes) -> None:
        """The endpoint could not reach this connection: it is gone."""
        if self._registry.unregister(identity):
            LOGGER.info("processor connection %s is gone", identity.hex())
            self._on_change()

    async def ping_forever(self) -> None:
        """Ping every processor, so a vanished one is noticed within about a second."""
        content = PingRequest().SerializeToString()
        while True:
            await asyncio.sleep(PING_INTERVAL)
            for identity in self._registry.identities():
                future = self._endpoint.request(identity, Message.PING_REQUEST, content)
                # The reply is not required (a busy processor may answer late); only an
                # unreachable identity counts, reported by the endpoint itself.
                asyncio.get_running_loop().call_later(5, future.cancel)
