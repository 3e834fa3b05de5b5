"""A probe family whose transactions make the validator's answers visible in state.

`probe` 1.0 payloads:
- b"get": read every input address in one TpStateGetRequest and write to the first output the
  CBOR list of [address, data] pairs exactly as the validator answered (order and empty entries
  kept: the SDK's Context.get_state would drop the empty ones);
- b"set-empty": set the first output to b"";
- b"invalid": reject with a message and extended data.
`LateHandler` is the same family under the name "late", for a processor that joins late.
"""

from __future__ import annotations

import hashlib

import cbor2
from sawtooth_sdk.processor.context import Context
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.state_context_pb2 import TpStateGetRequest, TpStateGetResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message

INVALID_MESSAGE = "probe: reading 7 above limit 5"
INVALID_DATA = b"\x07\x05"


def namespace(family: str) -> str:
    return hashlib.sha512(family.encode()).hexdigest()[:6]


def address(family: str, key: str) -> str:
    return namespace(family) + hashlib.sha512(key.encode()).hexdigest()[:64]


def wire_get(context: Context, addresses: list[str]) -> list[list[object]]:
    """The validator's raw answer to a get, sent through the Context's own stream."""
    request = TpStateGetRequest(context_id=context._context_id, addresses=addresses)
    reply = context._stream.send(Message.TP_STATE_GET_REQUEST, request.SerializeToString())
    response = TpStateGetResponse.FromString(reply.result(None).content)
    if response.status != TpStateGetResponse.OK:
        raise InvalidTransaction(f"probe: get answered status {response.status}")
    return [[entry.address, entry.data] for entry in response.entries]


class ProbeHandler(TransactionHandler):
    family_name = "probe"
    family_versions = ["1.0"]
    namespaces = [namespace("probe")]

    def apply(self, transaction: TpProcessRequest, context: Context) -> None:
        op = transaction.payload
        inputs, outputs = list(transaction.header.inputs), list(transaction.header.outputs)
        if op == b"get":
            context.set_state({outputs[0]: cbor2.dumps(wire_get(context, inputs))})
        elif op == b"set-empty":
            context.set_state({outputs[0]: b""})
        elif op == b"invalid":
            raise InvalidTransaction(INVALID_MESSAGE, extended_data=INVALID_DATA)
        else:
            raise InvalidTransaction(f"probe: unknown op {op!r}")


class LateHandler(ProbeHandler):
    family_name = "late"
    namespaces = [namespace("late")]
