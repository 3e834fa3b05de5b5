"""The families the portal shows: Sawtooth settings, and every SmartBlocks family from its
descriptor (processors/families.py). Records of any other namespace are shown raw."""

from __future__ import annotations

from typing import Any

from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.messages import to_dict
from smartblocks.processors.families import FAMILIES
from smartblocks.processors.kit.family import Family as FamilyDescriptor

from .decoders import Family, FamilyRegistry

SETTINGS_NAMESPACE = "000000"


def default_registry() -> FamilyRegistry:
    registry = FamilyRegistry()
    registry.register(_settings_family())
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


def _settings_family() -> Family:
    def decode_state(address: str, value: bytes) -> tuple[str, dict[str, Any]]:
        return "setting", to_dict(Setting.FromString(value))

    return Family("sawtooth_settings", SETTINGS_NAMESPACE, None, decode_state, {})
