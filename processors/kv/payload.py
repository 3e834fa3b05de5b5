"""kv payloads: canonical CBOR maps {"Verb": "set" | "inc", "Name": str, "Value": int}."""

from __future__ import annotations

from dataclasses import dataclass

import cbor2

VERBS = ("set", "inc")
MAX_VALUE = 2**63 - 1
MAX_NAME_LENGTH = 64


class PayloadError(ValueError):
    pass


@dataclass(frozen=True)
class KvPayload:
    verb: str
    name: str
    value: int

    def encode(self) -> bytes:
        return cbor2.dumps(
            {"Verb": self.verb, "Name": self.name, "Value": self.value}, canonical=True
        )


def decode(data: bytes) -> KvPayload:
    try:
        content = cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several types for bad input
        raise PayloadError(f"payload is not CBOR: {exc}") from None
    if not isinstance(content, dict):
        raise PayloadError("payload must be a CBOR map with Verb, Name and Value")
    verb, name, value = content.get("Verb"), content.get("Name"), content.get("Value")
    if verb not in VERBS:
        raise PayloadError(f"Verb must be one of {', '.join(VERBS)}, got {verb!r}")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME_LENGTH:
        raise PayloadError(f"Name must be a string of 1 to {MAX_NAME_LENGTH} chars, got {name!r}")
    if not isinstance(value, int) or isinstance(value, bool):
        raise PayloadError(f"Value must be an integer, got {value!r}")
    if not 0 <= value <= MAX_VALUE:
        raise PayloadError(f"Value must be between 0 and {MAX_VALUE}, got {value}")
    return KvPayload(verb, name, value)
