"""kv addresses: namespace sha512("kv")[:6], record type "00", then 62 hex of sha512(name)."""

from __future__ import annotations

from smartblocks.processors.kit.addressing import make_address, namespace

FAMILY_NAME = "kv"
FAMILY_VERSION = "1.0"
NAMESPACE = namespace(FAMILY_NAME)
VALUE_TYPE = "00"


def value_address(name: str) -> str:
    return make_address(NAMESPACE, VALUE_TYPE, name)
