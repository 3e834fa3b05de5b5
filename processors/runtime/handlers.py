"""The handlers one processor hosts, keyed by the (family, version) pairs they declare."""

from __future__ import annotations

from collections.abc import Iterable

from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.processor_pb2 import TpRegisterRequest

# The processor protocol version we ask for. 1 = the validator understands max_occupancy and
# request_header_style (Sawtooth 1.1 and later).
PROTOCOL_VERSION = 1
# The versions a validator may answer that we serve. 0 is Sawtooth 1.0: its TpRegisterResponse
# has no protocol_version field, it ignores max_occupancy and request_header_style, and every
# TpProcessRequest carries the expanded TransactionHeader, which is what handlers read.
SERVED_PROTOCOL_VERSIONS = (0, 1)


class HandlerTable:
    """Finds the handler for a transaction; builds the registrations to send."""

    def __init__(self, handlers: Iterable[TransactionHandler]) -> None:
        self._by_family: dict[tuple[str, str], TransactionHandler] = {}
        for handler in handlers:
            for version in handler.family_versions:
                key = (handler.family_name, version)
                if key in self._by_family:
                    raise ValueError(f"two handlers declare family {key[0]} {key[1]}")
                self._by_family[key] = handler
        if not self._by_family:
            raise ValueError("no transaction family to serve")

    def __len__(self) -> int:
        return len(self._by_family)

    def served(self) -> list[tuple[str, str]]:
        """The (family, version) pairs served."""
        return list(self._by_family)

    def find(self, family: str, version: str) -> TransactionHandler | None:
        return self._by_family.get((family, version))

    def registrations(self, max_occupancy: int) -> list[TpRegisterRequest]:
        return [
            TpRegisterRequest(
                family=family,
                version=version,
                namespaces=list(handler.namespaces),
                max_occupancy=max_occupancy,
                protocol_version=PROTOCOL_VERSION,
                request_header_style=TpRegisterRequest.EXPANDED,
            )
            for (family, version), handler in self._by_family.items()
        ]
