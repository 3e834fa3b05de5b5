"""Transaction handlers that exercise the processor runtime, for tests and benchmarks.

`OpsHandler` ("testops" 1.0) does what its payload names, on the transaction's first input and
output addresses; `EchoHandler` ("testecho" 1.0) stores its payload at its first output.
"""

from __future__ import annotations

import hashlib

from sawtooth_sdk.processor.context import Context
from sawtooth_sdk.processor.exceptions import InternalError, InvalidTransaction
from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest


def namespace(family: str) -> str:
    return hashlib.sha512(family.encode()).hexdigest()[:6]


def address(family: str, key: str) -> str:
    return namespace(family) + hashlib.sha512(key.encode()).hexdigest()[:64]


class OpsHandler(TransactionHandler):
    family_name = "testops"
    family_versions = ["1.0"]
    namespaces = [namespace("testops")]

    def apply(self, transaction: TpProcessRequest, context: Context) -> None:
        op = transaction.payload.decode()
        source = transaction.header.inputs[0] if transaction.header.inputs else ""
        target = transaction.header.outputs[0] if transaction.header.outputs else ""
        if op == "ok":
            return
        if op == "copy":  # one get and one set
            entries = context.get_state([source])
            value = entries[0].data if entries else b""
            context.set_state({target: value + b"!"})
        elif op == "delete":
            context.delete_state([target])
        elif op == "invalid":
            raise InvalidTransaction("reading out of range: 7 > 5", extended_data=b"\x07\x05")
        elif op == "internal":
            raise InternalError("meter table unavailable")
        elif op == "bug":
            raise ValueError("boom")
        elif op == "receipt":
            context.add_receipt_data(b"receipt-1")
        elif op == "event":
            context.add_event("testops/done", [("meter", "m1")], b"event-data")
        elif op == "swallow":  # a handler that turns every failure into a verdict
            try:
                context.get_state([source])
            except Exception as exc:
                raise InvalidTransaction(f"could not read: {exc}") from exc
        else:
            raise InvalidTransaction(f"unknown op {op!r}")


class EchoHandler(TransactionHandler):
    family_name = "testecho"
    family_versions = ["1.0"]
    namespaces = [namespace("testecho")]

    def apply(self, transaction: TpProcessRequest, context: Context) -> None:
        context.set_state({transaction.header.outputs[0]: transaction.payload})
