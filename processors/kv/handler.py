"""The kv transaction handler: `set` stores a value, `inc` adds to an existing one."""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.handler import FamilyHandler
from smartblocks.processors.kit.store import RecordStore

from . import records
from .addressing import FAMILY_NAME, FAMILY_VERSION
from .payload import MAX_VALUE, KvPayload, PayloadError
from .payload import decode as decode_payload


def _set(payload: KvPayload, signer: str, store: RecordStore) -> None:
    store.put(records.value(payload.name), payload.value)


def _inc(payload: KvPayload, signer: str, store: RecordStore) -> None:
    current = store.get(records.value(payload.name))
    if current is None:
        raise InvalidTransaction(f"kv inc: no value named {payload.name!r} to increment")
    total = current + payload.value
    if total > MAX_VALUE:
        raise InvalidTransaction(
            f"kv inc: {payload.name!r} would become {total}, above the maximum {MAX_VALUE}"
        )
    store.put(records.value(payload.name), total)


class KvHandler(FamilyHandler):
    family = FAMILY_NAME
    versions = (FAMILY_VERSION,)
    actions = {"set": _set, "inc": _inc}

    def decode(self, data: bytes) -> tuple[str, KvPayload]:
        try:
            payload = decode_payload(data)
        except PayloadError as exc:
            raise InvalidTransaction(f"kv: {exc}") from None
        return payload.verb, payload
