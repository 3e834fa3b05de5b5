"""The kv transaction handler: `set` stores a value, `inc` adds to an existing one."""

from __future__ import annotations

import cbor2
from sawtooth_sdk.processor.context import Context
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest

from .addressing import FAMILY_NAME, FAMILY_VERSION, NAMESPACE, value_address
from .payload import MAX_VALUE, KvPayload, PayloadError, decode


def _read(context: Context, address: str) -> int | None:
    entries = context.get_state([address])
    if not entries or not entries[0].data:
        return None
    return int(cbor2.loads(entries[0].data))


def _set(payload: KvPayload, current: int | None) -> int:
    return payload.value


def _inc(payload: KvPayload, current: int | None) -> int:
    if current is None:
        raise InvalidTransaction(f"kv inc: no value named {payload.name!r} to increment")
    total = current + payload.value
    if total > MAX_VALUE:
        raise InvalidTransaction(
            f"kv inc: {payload.name!r} would become {total}, above the maximum {MAX_VALUE}"
        )
    return total


ACTIONS = {"set": _set, "inc": _inc}


class KvHandler(TransactionHandler):
    @property
    def family_name(self) -> str:
        return FAMILY_NAME

    @property
    def family_versions(self) -> list[str]:
        return [FAMILY_VERSION]

    @property
    def namespaces(self) -> list[str]:
        return [NAMESPACE]

    def apply(self, transaction: TpProcessRequest, context: Context) -> None:
        try:
            payload = decode(transaction.payload)
        except PayloadError as exc:
            raise InvalidTransaction(f"kv: {exc}") from None
        address = value_address(payload.name)
        new_value = ACTIONS[payload.verb](payload, _read(context, address))
        context.set_state({address: cbor2.dumps(new_value)})
