"""Decode and check a BlockMeter payload: everything that needs no state.

Anything wrong here (garbage, truncation, unknown action, empty ids, out-of-range numbers) is an
InvalidTransaction naming the field and its value; rules that need state are in actions.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.protos.blockmeter_pb2 import BlockMeterPayload, ReadingMode

from . import limits, units
from .periods import window_end

Action = BlockMeterPayload.Action

# Action -> the oneof field that must carry its body.
BODY_FIELDS: dict[int, str] = {
    Action.SET_AUTHORITIES: "set_authorities",
    Action.CREATE_SITE: "create_site",
    Action.REGISTER_METER: "register_meter",
    Action.BIND_KEY: "bind_key",
    Action.REVOKE_KEY: "revoke_key",
    Action.RETIRE_METER: "retire_meter",
    Action.RECORD_READINGS: "record_readings",
}

# The characters of site and meter ids (the edge agent checks its config with them too).
ID_CHARACTERS = "[A-Za-z0-9._:-]"
_ID = re.compile(ID_CHARACTERS + "+")
_PUBLIC_KEY = re.compile(r"0[23][0-9a-f]{64}")
# An IANA zone name shape ("Europe/Berlin", "UTC", "Etc/GMT+1"); never looked up: see periods.py.
_TIMEZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*")


def action_name(action: int) -> str:
    return Action.Name(action).lower().replace("_", " ")


def decode(data: bytes) -> tuple[int, Any]:
    """The action and its checked body message."""
    if len(data) > limits.MAX_PAYLOAD_BYTES:
        raise InvalidTransaction(
            f"payload is {len(data)} bytes; the limit is {limits.MAX_PAYLOAD_BYTES}"
        )
    envelope = BlockMeterPayload()
    try:
        envelope.ParseFromString(data)
    # The pure-Python decoder raises DecodeError, but also other errors on some malformed input.
    except Exception as exc:
        raise InvalidTransaction(f"payload is not a BlockMeterPayload: {exc}") from None
    action = envelope.action
    field = BODY_FIELDS.get(action)
    if field is None:
        raise InvalidTransaction(f"unknown action {action}")
    carried = envelope.WhichOneof("body")
    if carried != field:
        raise InvalidTransaction(
            f"action {action_name(action)} needs body {field}, payload carries {carried}"
        )
    body = getattr(envelope, field)
    CHECKS[action](body)
    return action, body


# ---------------------------------------------------------------------------------------------
# Field checks


def check_id(what: str, value: str) -> None:
    if not value:
        raise InvalidTransaction(f"{what} is empty")
    if len(value) > limits.MAX_ID_LENGTH or not _ID.fullmatch(value):
        raise InvalidTransaction(
            f"{what} {value[:80]!r} is not 1..{limits.MAX_ID_LENGTH} characters of "
            "A-Z a-z 0-9 . _ : -"
        )


def check_public_key(what: str, value: str) -> None:
    if not _PUBLIC_KEY.fullmatch(value):
        raise InvalidTransaction(
            f"{what} {value[:80]!r} is not a compressed secp256k1 public key (66 lowercase hex)"
        )


def check_text(what: str, value: str, *, required: bool = False) -> None:
    if required and not value.strip():
        raise InvalidTransaction(f"{what} is empty")
    if len(value) > limits.MAX_TEXT_LENGTH:
        raise InvalidTransaction(
            f"{what} is {len(value)} characters; the limit is {limits.MAX_TEXT_LENGTH}"
        )


def check_interval(what: str, value: int) -> None:
    if not 1 <= value <= limits.MAX_INTERVAL_S:
        raise InvalidTransaction(f"{what} {value} s is not within 1..{limits.MAX_INTERVAL_S} s")


def check_set_authorities(body: Any) -> None:
    keys = list(body.public_keys)
    if not keys:
        raise InvalidTransaction("set authorities: the list of authority keys is empty")
    if len(keys) > limits.MAX_AUTHORITIES:
        raise InvalidTransaction(
            f"set authorities: {len(keys)} keys; the limit is {limits.MAX_AUTHORITIES}"
        )
    for key in keys:
        check_public_key("authority key", key)
    if len(set(keys)) != len(keys):
        raise InvalidTransaction("set authorities: a key is listed twice")


def check_create_site(body: Any) -> None:
    check_id("site id", body.site_id)
    check_public_key(f"site {body.site_id}: owner key", body.owner_public_key)
    check_text(f"site {body.site_id}: name", body.name, required=True)
    check_text(f"site {body.site_id}: location", body.location)
    if not _TIMEZONE.fullmatch(body.timezone) or len(body.timezone) > limits.MAX_ID_LENGTH:
        raise InvalidTransaction(
            f"site {body.site_id}: timezone {body.timezone[:80]!r} is not an IANA zone name "
            "such as Europe/Berlin or UTC"
        )


def check_register_meter(body: Any) -> None:
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
        if body.plausible_min < 0 or body.plausible_max <= 0:
            raise InvalidTransaction(
                f"{meter}: a register cannot run backwards: plausible min {body.plausible_min} "
                f"must be >= 0 and plausible max {body.plausible_max} > 0"
            )
    else:
        raise InvalidTransaction(f"{meter}: unknown reading mode {body.mode}")


def check_key_change(body: Any) -> None:
    check_id("meter id", body.meter_id)
    check_public_key(f"meter {body.meter_id}: device key", body.public_key)


def check_retire_meter(body: Any) -> None:
    check_id("meter id", body.meter_id)


def check_record_readings(body: Any) -> None:
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


CHECKS: dict[int, Callable[[Any], None]] = {
    Action.SET_AUTHORITIES: check_set_authorities,
    Action.CREATE_SITE: check_create_site,
    Action.REGISTER_METER: check_register_meter,
    Action.BIND_KEY: check_key_change,
    Action.REVOKE_KEY: check_key_change,
    Action.RETIRE_METER: check_retire_meter,
    Action.RECORD_READINGS: check_record_readings,
}
