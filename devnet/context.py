"""One transaction's view of state while a processor executes it.

Reads must lie under the transaction's inputs and writes under its outputs, and every address
must be 70 lowercase hex chars; anything else is an authorization error, as in Sawtooth.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sawtooth_sdk.protobuf.events_pb2 import Event

from .ids import covered, is_address

Reader = Callable[[str], bytes | None]


class AuthorizationError(Exception):
    pass


class ExecutionContext:
    __slots__ = ("_inputs", "_outputs", "_read", "data", "events", "writes")

    def __init__(self, inputs: tuple[str, ...], outputs: tuple[str, ...], read: Reader) -> None:
        self._inputs = inputs
        self._outputs = outputs
        self._read = read
        # address -> new bytes, or None for a delete; insertion order is the processor's order.
        self.writes: dict[str, bytes | None] = {}
        self.events: list[Event] = []
        self.data: list[bytes] = []

    @staticmethod
    def _check(address: str, allowed: tuple[str, ...], kind: str) -> None:
        if not is_address(address):
            raise AuthorizationError(f"{address!r} is not a 70-hex-char address")
        if not covered(address, allowed):
            raise AuthorizationError(f"{address} is not in the transaction's {kind}")

    def get(self, addresses: Iterable[str]) -> list[tuple[str, bytes]]:
        """Entries in request order; an unset address gives empty bytes."""
        addresses = list(addresses)
        for address in addresses:
            self._check(address, self._inputs, "inputs")
        entries = []
        for address in addresses:
            value = self.writes[address] if address in self.writes else self._read(address)
            entries.append((address, value if value is not None else b""))
        return entries

    def set(self, entries: Iterable[tuple[str, bytes]]) -> list[str]:
        entries = list(entries)
        for address, _ in entries:
            self._check(address, self._outputs, "outputs")
        for address, value in entries:
            self.writes[address] = value
        return [address for address, _ in entries]

    def delete(self, addresses: Iterable[str]) -> list[str]:
        addresses = list(addresses)
        for address in addresses:
            self._check(address, self._outputs, "outputs")
        for address in addresses:
            self.writes[address] = None
        return addresses
