"""kv addresses: namespace sha512("kv")[:6], record type "00", then 62 hex of sha512(name)."""

from __future__ import annotations

import hashlib

FAMILY_NAME = "kv"
FAMILY_VERSION = "1.0"
NAMESPACE = hashlib.sha512(FAMILY_NAME.encode()).hexdigest()[:6]
VALUE_TYPE = "00"


def value_address(name: str) -> str:
    return NAMESPACE + VALUE_TYPE + hashlib.sha512(name.encode()).hexdigest()[:62]
