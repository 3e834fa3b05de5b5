"""Transactions and batches for the end-to-end tests: kv (set/inc) and the probe family."""

from __future__ import annotations

from typing import Any

from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_batch, make_transaction
from smartblocks.processors.kv.addressing import FAMILY_NAME, FAMILY_VERSION, value_address
from smartblocks.processors.kv.payload import KvPayload
from tests.integration.handlers import address


def kv_txn(signer: Signer, verb: str, name: str, value: int, **kwargs: Any) -> Transaction:
    target = value_address(name)
    return make_transaction(
        signer,
        FAMILY_NAME,
        FAMILY_VERSION,
        KvPayload(verb, name, value).encode(),
        kwargs.pop("inputs", [target]),
        kwargs.pop("outputs", [target]),
        **kwargs,
    )


def kv_batch(signer: Signer, *ops: tuple[str, str, int]) -> Batch:
    """One batch of kv transactions, e.g. kv_batch(s, ("set", "a", 1), ("inc", "a", 2))."""
    return make_batch(signer, [kv_txn(signer, *op) for op in ops])


def probe_txn(
    signer: Signer, op: str, inputs: list[str], outputs: list[str], family: str = "probe"
) -> Transaction:
    return make_transaction(signer, family, "1.0", op.encode(), inputs, outputs)


def probe_address(key: str, family: str = "probe") -> str:
    return address(family, key)
