"""Pluggable decoders: what a family's payloads and state records say, as JSON-ready data.

A family registers its name, namespace, a payload decoder and a state decoder; anything without
a decoder (or that fails to decode) is shown raw (hex and base64), never hidden. Our families
plug in from their descriptors (`families.py`); another family is one `register` call.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import DecodeError

PayloadDecoder = Callable[[bytes], Any]
# (address, value) -> (record type label, decoded record)
StateDecoder = Callable[[str, bytes], tuple[str, Any]]
# address -> record type label, or None when the address is no record of the family
KindOf = Callable[[str], str | None]
# (address, value) -> how a person names the record ("meter main (ELECTRICITY_IMPORT, ...)")
Describer = Callable[[str, bytes], str | None]


def raw(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "hex": data.hex(), "base64": base64.b64encode(data).decode()}


@dataclass
class Family:
    name: str
    namespace: str
    decode_payload: PayloadDecoder | None = None
    decode_state: StateDecoder | None = None
    record_types: dict[str, str] = field(default_factory=dict)  # 2-hex infix -> label
    kind_of: KindOf | None = None
    describe: Describer | None = None


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

    def label(self, address: str, value: bytes | None = None) -> dict[str, Any]:
        """What an address is: {"address", "family", "kind", "description"}. A prefix (shorter
        than 70 hex) names its family and, with the 2-hex infix, the kind; `description` needs
        the record's current value and a family that describes its records."""
        family = self.for_address(address)
        result: dict[str, Any] = {
            "address": address,
            "family": family.name if family else None,
            "kind": None,
            "description": None,
        }
        if family is None:
            return result
        if len(address) == 70 and family.kind_of is not None:
            result["kind"] = family.kind_of(address)
        elif len(address) >= len(family.namespace) + 2:
            result["kind"] = family.record_types.get(address[len(family.namespace) :][:2])
        if value is not None and family.describe is not None and len(address) == 70:
            # A record that does not decode is labelled by its kind alone.
            with contextlib.suppress(DecodeError, ValueError, KeyError):
                result["description"] = family.describe(address, value)
        return result


# Consensus engines' marks at the start of a block header's consensus field.
_CONSENSUS_MARKS = ((b"Devmode", "devmode"), (b"Genesis", "genesis"), (b"PoET", "PoET"))


def consensus(data: bytes) -> dict[str, Any]:
    """A block header's consensus field: {"engine", "text", "hex"}. devmode and devnet seal
    blocks with b"Devmode" (genesis b"Genesis"); PoET's starts with b"PoET" and a JSON wait
    certificate. Anything else: `engine` None, and `text` when it is printable ASCII."""
    engine = next((name for mark, name in _CONSENSUS_MARKS if data.startswith(mark)), None)
    try:
        text: str | None = data.decode("ascii")
    except UnicodeDecodeError:
        text = None
    if text is not None and not text.isprintable():
        text = None
    return {"engine": engine, "text": text, "hex": data.hex(), "size": len(data)}
