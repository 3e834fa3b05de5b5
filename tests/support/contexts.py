"""Test doubles for the SDK's Context, for every family's handler tests.

FakeContext does what the SDK Context does over a plain dict; StrictContext also enforces the
transaction's declared inputs and outputs, as the validator does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sawtooth_sdk.processor.exceptions import AuthorizationException
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.state_context_pb2 import TpStateEntry
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from smartblocks.processors.kit.store import Declared


class FakeContext:
    """What the SDK Context does, over a plain dict: get_state returns entries with data only."""

    def __init__(self, state: dict[str, bytes] | None = None):
        self.state: dict[str, bytes] = dict(state or {})
        self.events: list[tuple[str, list[tuple[str, str]], bytes | None]] = []
        self.receipts: list[bytes] = []
        self.set_calls = 0

    def get_state(self, addresses: Iterable[str], timeout: float | None = None):
        return [TpStateEntry(address=a, data=self.state[a]) for a in addresses if self.state.get(a)]

    def set_state(self, entries: dict[str, bytes], timeout: float | None = None) -> list[str]:
        self.set_calls += 1
        self.state.update(entries)
        return list(entries)

    def delete_state(self, addresses: Iterable[str], timeout: float | None = None) -> list[str]:
        deleted = [a for a in addresses if self.state.pop(a, None) is not None]
        return deleted

    def add_event(self, event_type, attributes=None, data=None, timeout=None) -> None:
        self.events.append((event_type, list(attributes or []), data))

    def add_receipt_data(self, data: bytes, timeout: float | None = None) -> None:
        self.receipts.append(data)


class StrictContext(FakeContext):
    """Enforces the transaction's declared inputs and outputs (as prefixes), like the validator,
    which answers AUTHORIZATION_ERROR and the SDK raises AuthorizationException."""

    def __init__(self, state, inputs: Sequence[str], outputs: Sequence[str]):
        super().__init__(state)
        self.inputs, self.outputs = list(inputs), list(outputs)

    def _check(self, addresses: Iterable[str], declared: list[str], what: str) -> None:
        covered = Declared(declared)
        for a in addresses:
            if not covered.covers(a):
                raise AuthorizationException(f"Tried to {what} unauthorized address: {a}")

    def get_state(self, addresses, timeout=None):
        addresses = list(addresses)
        self._check(addresses, self.inputs, "get")
        return super().get_state(addresses, timeout)

    def set_state(self, entries, timeout=None):
        self._check(entries, self.outputs, "set")
        return super().set_state(entries, timeout)

    def delete_state(self, addresses, timeout=None):
        addresses = list(addresses)
        self._check(addresses, self.outputs, "delete")
        return super().delete_state(addresses, timeout)


def process_request(transaction: Transaction) -> TpProcessRequest:
    header = TransactionHeader()
    header.ParseFromString(transaction.header)
    return TpProcessRequest(
        header=header,
        payload=transaction.payload,
        signature=transaction.header_signature,
        context_id="test",
    )
