"""The families the portal knows: Sawtooth settings, and ours when their modules are present.

Each plug-in is skipped, not fatal, when its generated protobuf module or addressing module is
missing, so the portal runs against a ledger of any families (unknown ones are shown raw).
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from sawtooth_sdk.protobuf.setting_pb2 import Setting

from .decoders import Family, FamilyRegistry, message_dict, protobuf_decoder

LOG = logging.getLogger(__name__)

SETTINGS_NAMESPACE = "000000"


def default_registry() -> FamilyRegistry:
    registry = FamilyRegistry()
    registry.register(_settings_family())
    blockmeter = blockmeter_family()
    if blockmeter is not None:
        registry.register(blockmeter)
    return registry


def _settings_family() -> Family:
    def decode_state(address: str, value: bytes) -> tuple[str, dict[str, Any]]:
        setting = Setting()
        setting.ParseFromString(value)
        return "setting", message_dict(setting)

    return Family("sawtooth_settings", SETTINGS_NAMESPACE, None, decode_state, {})


# BlockMeter record type (address infix) -> state message name in blockmeter.proto
_BLOCKMETER_RECORDS = {
    "AUTHORITIES": "Authorities",
    "SITE": "Site",
    "METER": "Meter",
    "METER_HEAD": "MeterHead",
    "DAY_ROLLUP": "Rollup",
    "MONTH_ROLLUP": "Rollup",
}


def blockmeter_family() -> Family | None:
    try:
        pb2 = importlib.import_module("smartblocks.protos.blockmeter_pb2")
        addressing = importlib.import_module("smartblocks.processors.blockmeter.addressing")
    except ImportError as exc:
        LOG.info("BlockMeter decoders unavailable (%s); its records show raw", exc)
        return None
    record_types = {t.value: t.name.lower() for t in addressing.RecordType}

    def decode_state(address: str, value: bytes) -> tuple[str, dict[str, Any]]:
        record_type = addressing.record_type(address)
        if record_type is None:
            raise ValueError(f"{address} is not a BlockMeter address")
        message = getattr(pb2, _BLOCKMETER_RECORDS[record_type.name])()
        message.ParseFromString(value)
        return record_type.name.lower(), message_dict(message)

    return Family(
        name=addressing.FAMILY_NAME,
        namespace=addressing.NAMESPACE,
        decode_payload=protobuf_decoder(pb2.BlockMeterPayload),
        decode_state=decode_state,
        record_types=record_types,
    )
