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
    )
