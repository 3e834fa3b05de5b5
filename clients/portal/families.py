"""The families the portal shows: every family from its descriptor (processors/families.py),
Sawtooth's settings family included. Records of any other namespace are shown raw."""

from __future__ import annotations

from smartblocks.processors.families import FAMILIES
from smartblocks.processors.kit.family import Family as FamilyDescriptor

from .decoders import Family, FamilyRegistry


def default_registry() -> FamilyRegistry:
    registry = FamilyRegistry()
    for descriptor in FAMILIES.values():
        registry.register(from_descriptor(descriptor))
    return registry


def from_descriptor(family: FamilyDescriptor) -> Family:
    return Family(
        name=family.name,
        namespace=family.namespace,
        decode_payload=family.show_payload,
        decode_state=family.show_record,
        record_types={kind.infix: kind.name for kind in family.records},
        kind_of=lambda address: _kind_name(family, address),
        describe=lambda address, value: _describe(family, address, value),
    )


def _kind_name(family: FamilyDescriptor, address: str) -> str | None:
    kind = family.record_kind(address)
    return kind.name if kind else None


def _describe(family: FamilyDescriptor, address: str, value: bytes) -> str | None:
    kind = family.record_kind(address)
    if kind is None or kind.describe is None:
        return None
    return kind.describe(kind.codec.decode(value))
