"""Pluggable decoders: what a family's payloads and state records say, as JSON-ready data.

A family registers its name, namespace, a payload decoder and a state decoder; anything without
a decoder (or that fails to decode) is shown raw (hex and base64), never hidden. Our families
plug in from their descriptors (`families.py`); another family is one `register` call.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import DecodeError

PayloadDecoder = Callable[[bytes], Any]
# (address, value) -> (record type label, decoded record)
StateDecoder = Callable[[str, bytes], tuple[str, Any]]


def raw(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "hex": data.hex(), "base64": base64.b64encode(data).decode()}


@dataclass
class Family:
    name: str
    namespace: str
    decode_payload: PayloadDecoder | None = None
    decode_state: StateDecoder | None = None
    record_types: dict[str, str] = field(default_factory=dict)  # 2-hex infix -> label


class FamilyRegistry:
    def __init__(self) -> None:
        self._families: dict[str, Family] = {}

    def register(self, family: Family) -> None:
        self._families[family.name] = family

    def families(self) -> list[Family]:
        return sorted(self._families.values(), key=lambda f: f.name)

    def get(self, name: str) -> Family | None:
        return self._families.get(name)

    def for_address(self, address: str) -> Family | None:
        for family in self._families.values():
            if address.startswith(family.namespace):
                return family
        return None

    def payload(self, family_name: str, payload: bytes) -> dict[str, Any]:
        """{"decoded": dict | None, "error": str | None, "raw": {...}}."""
        family = self._families.get(family_name)
        result: dict[str, Any] = {"decoded": None, "error": None, "raw": raw(payload)}
        if family is None or family.decode_payload is None:
            result["error"] = f"no decoder for family {family_name!r}"
            return result
        try:
            result["decoded"] = family.decode_payload(payload)
        except (DecodeError, ValueError, KeyError) as exc:
            result["error"] = f"{family_name} payload does not decode: {exc}"
        return result

    def state(self, address: str, value: bytes) -> dict[str, Any]:
        """{"family", "type", "decoded", "error", "raw"} for one state value."""
        family = self.for_address(address)
        result: dict[str, Any] = {
            "family": family.name if family else None,
            "type": None,
            "decoded": None,
            "error": None,
            "raw": raw(value),
        }
        if family is None or family.decode_state is None:
            result["error"] = "no decoder for this namespace"
            return result
        try:
            result["type"], result["decoded"] = family.decode_state(address, value)
        except (DecodeError, ValueError, KeyError) as exc:
            result["error"] = f"{family.name} record does not decode: {exc}"
        return result
