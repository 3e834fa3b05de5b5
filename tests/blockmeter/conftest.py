"""Test doubles for the SDK Context, and a small in-memory ledger that applies BlockMeter
transactions the way a validator would: header inputs/outputs enforced, state changes kept only
when the transaction is valid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pytest
from sawtooth_sdk.processor.exceptions import AuthorizationException
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.state_context_pb2 import TpStateEntry
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from smartblocks.clients.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.addressing import NAMESPACE
from smartblocks.processors.blockmeter.handler import BlockMeterHandler


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
        for a in addresses:
            if not any(a.startswith(p) for p in declared):
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


class Ledger:
    """Applies transactions one by one; a rejected transaction leaves state unchanged."""

    def __init__(self):
        self.handler = BlockMeterHandler()
        self.state: dict[str, bytes] = {}
        self.events: list[tuple[str, dict[str, str]]] = []
        self.transactions: list[Transaction] = []  # the valid ones, in order

    def apply(self, transaction: Transaction) -> StrictContext:
        context = self.apply_request(process_request(transaction))
        self.transactions.append(transaction)
        return context

    def apply_payload(self, payload: bytes, signer_public_key: str) -> StrictContext:
        """Apply any payload bytes, unsigned, with the whole namespace declared."""
        header = TransactionHeader(
            family_name="blockmeter",
            family_version="1.0",
            signer_public_key=signer_public_key,
            inputs=[NAMESPACE],
            outputs=[NAMESPACE],
        )
        return self.apply_request(TpProcessRequest(header=header, payload=payload))

    def apply_request(self, request: TpProcessRequest) -> StrictContext:
        context = StrictContext(self.state, request.header.inputs, request.header.outputs)
        self.handler.apply(request, context)
        self.state = context.state
        self.events += [(t, dict(attrs)) for t, attrs, _ in context.events]
        return context


class World:
    """A ledger with an authority, a site owned by `owner` and helpers to add meters."""

    def __init__(self):
        self.ledger = Ledger()
        self.authority = Signer.generate()
        self.owner = Signer.generate()
        self.device = Signer.generate()
        self.ledger.apply(
            txn.set_authorities(self.authority, public_keys=[self.authority.public_key])
        )
        self.ledger.apply(
            txn.create_site(
                self.authority,
                site_id="s-1",
                owner_public_key=self.owner.public_key,
                name="Town hall",
                floor_area_m2=2400,
                timezone="Europe/Berlin",
                location="Marktplatz 1",
            )
        )

    def meter(self, meter_id: str = "m-17", *, bind: bool = True, **fields) -> str:
        spec = dict(
            kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=900,
            plausible_min=0,
            plausible_max=500_000_000,  # 500 kW
        )
        spec.update(fields)
        self.ledger.apply(txn.register_meter(self.owner, meter_id=meter_id, site_id="s-1", **spec))
        if bind:
            self.ledger.apply(
                txn.bind_key(
                    self.owner, meter_id=meter_id, site_id="s-1", public_key=self.device.public_key
                )
            )
        return meter_id

    def record(
        self, meter_id: str, start: int, values, *, interval_s: int = 900, signer=None, quality=None
    ):
        return self.ledger.apply(
            txn.record_readings(
                signer or self.device,
                meter_id=meter_id,
                window_start=start,
                interval_s=interval_s,
                values=values,
                quality=quality,
            )
        )


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture(scope="session")
def world_factory():
    """For hypothesis tests: a fresh world per example."""
    return World
