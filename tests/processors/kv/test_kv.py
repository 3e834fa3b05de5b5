"""The kv test family: addressing, payload checks, set/inc rules."""

from __future__ import annotations

import hashlib

import cbor2
import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.processors.families import FAMILIES, load_handler
from smartblocks.processors.kv.addressing import NAMESPACE, value_address
from smartblocks.processors.kv.handler import KvHandler
from smartblocks.processors.kv.payload import KvPayload, PayloadError, decode
from tests.support.contexts import FakeContext


def apply(context: FakeContext, payload: bytes) -> None:
    """As the validator sends it: the transaction declares the value's address."""
    try:
        content = cbor2.loads(payload)
    except Exception:
        content = None  # garbage: the handler rejects it before touching state
    name = content.get("Name") if isinstance(content, dict) else None
    address = value_address(name) if isinstance(name, str) else NAMESPACE
    header = TransactionHeader(inputs=[address], outputs=[address])
    KvHandler().apply(TpProcessRequest(header=header, payload=payload), context)


def test_addressing() -> None:
    assert hashlib.sha512(b"kv").hexdigest()[:6] == NAMESPACE
    address = value_address("a")
    assert len(address) == 70 and address.startswith(NAMESPACE + "00")


def test_registered_family() -> None:
    assert FAMILIES["kv"].handler is KvHandler and FAMILIES["kv"].namespace == NAMESPACE
    assert isinstance(load_handler("kv"), KvHandler)


def test_set_then_inc() -> None:
    context = FakeContext()
    apply(context, KvPayload("set", "a", 5).encode())
    apply(context, KvPayload("inc", "a", 3).encode())
    assert cbor2.loads(context.state[value_address("a")]) == 8


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (cbor2.dumps({"Verb": "dec", "Name": "a", "Value": 1}), "Verb must be one of set, inc"),
        (cbor2.dumps({"Verb": "set", "Name": "a", "Value": -1}), "between 0 and"),
        (cbor2.dumps({"Verb": "set", "Name": "", "Value": 1}), "Name must be"),
        (cbor2.dumps({"Verb": "set", "Name": "a", "Value": "1"}), "Value must be an integer"),
        (cbor2.dumps([1, 2]), "CBOR map"),
        (b"\xff\xff", "not CBOR"),
        (KvPayload("inc", "missing", 1).encode(), "no value named 'missing'"),
    ],
)
def test_invalid_payloads_name_the_rule(payload: bytes, message: str) -> None:
    with pytest.raises(InvalidTransaction, match=message):
        apply(FakeContext(), payload)


def test_inc_overflow_is_refused() -> None:
    context = FakeContext()
    apply(context, KvPayload("set", "a", 2**63 - 1).encode())
    with pytest.raises(InvalidTransaction, match="above the maximum"):
        apply(context, KvPayload("inc", "a", 1).encode())


def test_decode_round_trip() -> None:
    assert decode(KvPayload("set", "x", 7).encode()) == KvPayload("set", "x", 7)
    with pytest.raises(PayloadError):
        decode(cbor2.dumps({"Verb": "set", "Name": "x", "Value": True}))
