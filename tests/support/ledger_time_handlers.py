"""Test families for ledger time, served by the real runtime (`smartblocks tp MODULE:CLASS`).

- `ClockHandler` ("testclock" 1.0): reads ledger time through the kit and stores it, as ASCII
  digits, at the record named by the payload (`clock_address(name)`); its transactions declare
  the BlockInfo namespace in their inputs (`clock_txn`).
- `SettingHandler` ("testsetting" 1.0): writes the setting of a "KEY=VALUE" payload straight
  into Sawtooth's settings namespace, as genesis or a settings vote would (no votes: tests only).
"""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.setting_pb2 import Setting
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import SETTINGS_NAMESPACE, setting_address
from smartblocks.ledger.transactions import make_transaction
from smartblocks.processors.kit.addressing import make_address, namespace
from smartblocks.processors.kit.handler import FamilyHandler
from smartblocks.processors.kit.ledger_time import ledger_time, with_ledger_time
from smartblocks.processors.kit.store import RecordStore, Ref

CLOCK = "testclock"
CLOCK_NAMESPACE = namespace(CLOCK)


class _Digits:
    @staticmethod
    def decode(data: bytes) -> int:
        return int(data.decode())

    @staticmethod
    def encode(value: int) -> bytes:
        return str(value).encode()


def clock_address(name: str) -> str:
    return make_address(CLOCK_NAMESPACE, "00", name)


def clock_ref(name: str) -> Ref[int]:
    return Ref(clock_address(name), f"clock reading {name}", _Digits())


def _read_clock(name: str, signer: str, store: RecordStore) -> None:
    store.put(clock_ref(name), ledger_time(store))


class ClockHandler(FamilyHandler):
    family = CLOCK
    versions = ("1.0",)
    actions = {"read": _read_clock}

    def decode(self, data: bytes) -> tuple[str, str]:
        return "read", data.decode()


def clock_txn(signer: Signer, name: str, *, ledger_time_inputs: bool = True) -> Transaction:
    own = [clock_address(name)]
    inputs = with_ledger_time(own) if ledger_time_inputs else own
    return make_transaction(signer, CLOCK, "1.0", name.encode(), inputs, own)


class SettingHandler(TransactionHandler):
    family_name = "testsetting"
    family_versions = ["1.0"]
    namespaces = [SETTINGS_NAMESPACE]

    def apply(self, transaction, context) -> None:
        key, _, value = transaction.payload.decode().partition("=")
        record = Setting(entries=[Setting.Entry(key=key, value=value)])
        context.set_state({setting_address(key): record.SerializeToString()})


def setting_txn(signer: Signer, key: str, value: str) -> Transaction:
    address = setting_address(key)
    payload = f"{key}={value}".encode()
    return make_transaction(signer, "testsetting", "1.0", payload, [address], [address])


class RejectingBlockInfoHandler(TransactionHandler):
    """A `block_info` 1.0 processor that rejects every transaction: what the publisher does
    with an injected batch that turns out invalid."""

    family_name = "block_info"
    family_versions = ["1.0"]
    namespaces = ["00b10c"]

    def apply(self, transaction, context) -> None:
        raise InvalidTransaction("rejected by the test's block_info processor")
