"""Decode and check a BlockMeter payload: everything that needs no state.

Anything wrong here (garbage, truncation, unknown action, empty ids, out-of-range numbers) is an
InvalidTransaction naming the field and its value; rules that need state are in actions.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit import payload as kit
from smartblocks.processors.kit.payload import check_id, check_public_key, check_text
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR
from smartblocks.protos.blockmeter_pb2 import (
    BindKey,
    BlockMeterPayload,
    CreateSite,
    ReadingMode,
    RecordReadings,
    RegisterMeter,
    RepairHead,
    RetireMeter,
    RevokeKey,
    SetAuthorities,
    UpdateMeter,
)

from . import limits, units
from .periods import window_end

Action = BlockMeterPayload.Action

# An IANA zone name shape ("Europe/Berlin", "UTC", "Etc/GMT+1"); never looked up: rollups are UTC.
_TIMEZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")


def action_name(action: int) -> str:
    return kit.action_name(BlockMeterPayload, action)


def decode(data: bytes) -> tuple[int, Any]:
    """The action and its checked body message."""
    return kit.decode_envelope(data, BlockMeterPayload, CHECKS, max_bytes=limits.MAX_PAYLOAD_BYTES)


def check_interval(what: str, value: int) -> None:
    kit.check_range(what, value, 1, limits.MAX_INTERVAL_S, "s")


def check_set_authorities(body: SetAuthorities) -> None:
    """Nothing to check: the action is retired and says so (actions.set_authorities)."""


def check_create_site(body: CreateSite) -> None:
    check_id("site id", body.site_id)
    check_public_key(f"site {body.site_id}: owner key", body.owner_public_key)
    check_text(f"site {body.site_id}: name", body.name, required=True)
    check_text(f"site {body.site_id}: location", body.location)
    if not _TIMEZONE.fullmatch(body.timezone) or len(body.timezone) > limits.MAX_ID_LENGTH:
        raise InvalidTransaction(
            f"site {body.site_id}: timezone {body.timezone[:80]!r} is not an IANA zone name "
            "such as Europe/Berlin or UTC"
        )


def check_register_meter(body: RegisterMeter) -> None:
    meter = f"meter {body.meter_id}"
    check_id("meter id", body.meter_id)
    check_id(f"{meter}: site id", body.site_id)
    check_text(f"{meter}: name", body.name)
    check_text(f"{meter}: BMS tag", body.bms_tag)
    allowed = units.ALLOWED_UNITS.get(body.kind)
    if allowed is None:
        raise InvalidTransaction(f"{meter}: unknown meter kind {body.kind}")
    if body.unit not in allowed:
        raise InvalidTransaction(
            f"{meter}: unit {units.unit_name(body.unit)} does not fit kind "
            f"{units.kind_name(body.kind)} (allowed: "
            f"{', '.join(sorted(units.unit_name(u) for u in allowed))})"
        )
    check_interval(f"{meter}: nominal interval", body.nominal_interval_s)
    if body.plausible_min > body.plausible_max:
        raise InvalidTransaction(
            f"{meter}: plausible min {body.plausible_min} exceeds plausible max "
            f"{body.plausible_max}"
        )
    if body.mode == ReadingMode.INTERVAL:
        if body.rollover or body.initial_register:
            raise InvalidTransaction(
                f"{meter}: rollover and initial register apply only to CUMULATIVE meters"
            )
    elif body.mode == ReadingMode.CUMULATIVE:
        if not units.is_quantity(body.unit):
            raise InvalidTransaction(
                f"{meter}: a CUMULATIVE register needs a quantity unit (mWh or mL), "
                f"not {units.unit_name(body.unit)}"
            )
        if not 2 <= body.rollover <= limits.INT64_MAX:
            raise InvalidTransaction(
                f"{meter}: rollover {body.rollover} is not within 2..{limits.INT64_MAX}"
            )
        if body.initial_register >= body.rollover:
            raise InvalidTransaction(
                f"{meter}: initial register {body.initial_register} is not below the rollover "
                f"{body.rollover}"
            )
        # Otherwise a register stepping backwards could pass as a plausible wrap.
        if body.rollover * SECONDS_PER_HOUR <= body.plausible_max * body.nominal_interval_s:
            raise InvalidTransaction(
                f"{meter}: rollover {body.rollover} is not above the plausible max over one "
                f"interval ({body.plausible_max} per hour x {body.nominal_interval_s} s): a "
                "register stepping backwards would pass as a wrap"
            )
        if body.plausible_min < 0 or body.plausible_max <= 0:
            raise InvalidTransaction(
                f"{meter}: a register cannot run backwards: plausible min {body.plausible_min} "
                f"must be >= 0 and plausible max {body.plausible_max} > 0"
            )
    else:
        raise InvalidTransaction(f"{meter}: unknown reading mode {body.mode}")


def check_update_meter(body: UpdateMeter) -> None:
    check_id("meter id", body.meter_id)
    if body.plausible_min > body.plausible_max:
        raise InvalidTransaction(
            f"meter {body.meter_id}: plausible min {body.plausible_min} exceeds plausible max "
            f"{body.plausible_max}"
        )


def check_repair_head(body: RepairHead) -> None:
    check_id("meter id", body.meter_id)
    check_text(f"meter {body.meter_id}: repair reason", body.reason, required=True)
    if body.recorded_until < 0:
        raise InvalidTransaction(
            f"meter {body.meter_id}: recorded until {body.recorded_until} is before 1970"
        )


def check_key_change(body: BindKey | RevokeKey) -> None:
    check_id("meter id", body.meter_id)
    check_public_key(f"meter {body.meter_id}: device key", body.public_key)


def check_retire_meter(body: RetireMeter) -> None:
    check_id("meter id", body.meter_id)


def check_record_readings(body: RecordReadings) -> None:
    meter = f"meter {body.meter_id}"
    check_id("meter id", body.meter_id)
    check_interval(f"{meter}: interval", body.interval_s)
    count = len(body.values)
    if count == 0:
        raise InvalidTransaction(f"{meter}: no values")
    if count > limits.MAX_VALUES:
        raise InvalidTransaction(f"{meter}: {count} values; the limit is {limits.MAX_VALUES}")
    if body.quality and len(body.quality) != count:
        raise InvalidTransaction(
            f"{meter}: {len(body.quality)} quality flags for {count} values "
            "(send none or one per value)"
        )
    if len(body.raw_digest) not in (0, 32, 64):
        raise InvalidTransaction(
            f"{meter}: raw digest is {len(body.raw_digest)} bytes (SHA-256: 32, SHA-512: 64)"
        )
    if body.window_start < 0:
        raise InvalidTransaction(f"{meter}: window start {body.window_start} is before 1970")
    span = body.interval_s * count
    if span > limits.MAX_WINDOW_S:
        raise InvalidTransaction(
            f"{meter}: window of {count} x {body.interval_s} s = {span} s is longer than the "
            f"limit {limits.MAX_WINDOW_S} s (62 days)"
        )
    end = window_end(body.window_start, body.interval_s, count)
    if end > limits.MAX_TIMESTAMP:
        raise InvalidTransaction(f"{meter}: window ends at {end}, after 9999-12-31")


CHECKS: dict[int, tuple[str, Callable[[Any], None]]] = {
    Action.SET_AUTHORITIES: ("set_authorities", check_set_authorities),
    Action.CREATE_SITE: ("create_site", check_create_site),
    Action.REGISTER_METER: ("register_meter", check_register_meter),
    Action.BIND_KEY: ("bind_key", check_key_change),
    Action.REVOKE_KEY: ("revoke_key", check_key_change),
    Action.RETIRE_METER: ("retire_meter", check_retire_meter),
    Action.RECORD_READINGS: ("record_readings", check_record_readings),
    Action.UPDATE_METER: ("update_meter", check_update_meter),
    Action.REPAIR_HEAD: ("repair_head", check_repair_head),
}
