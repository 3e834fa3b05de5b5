"""Decode a family's payload envelope and check its fields: everything that needs no state.

Every family's payload is an envelope message with an `action` enum (nested `Action`) and a
oneof `body` carrying one message per action. Anything wrong (garbage, truncation, an unknown
action, a body that does not match the action, a bad field) is an InvalidTransaction naming the
field and its value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from google.protobuf.message import Message
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import is_public_key

# The characters of ids that are hashed into addresses (no "/": see addressing.py).
ID_CHARACTERS = "[A-Za-z0-9._:-]"
MAX_ID_LENGTH = 64
MAX_TEXT_LENGTH = 256
_ID = re.compile(ID_CHARACTERS + "+")


def action_name(envelope_class: type[Message], action: int) -> str:
    """ "record readings" for RECORD_READINGS."""
    return str(envelope_class.Action.Name(action)).lower().replace("_", " ")  # type: ignore[attr-defined]


def decode_envelope(
    data: bytes,
    envelope_class: type[Message],
    checks: Mapping[int, tuple[str, Callable[[Any], None]]],
    *,
    max_bytes: int,
) -> tuple[int, Any]:
    """The action and its checked body. `checks` maps each action to (oneof field, check)."""
    if len(data) > max_bytes:
        raise InvalidTransaction(f"payload is {len(data)} bytes; the limit is {max_bytes}")
    envelope = envelope_class()
    try:
        envelope.ParseFromString(data)
    # DecodeError, or whatever else a protobuf backend raises on some malformed input.
    except Exception as exc:
        raise InvalidTransaction(f"payload is not a {envelope_class.__name__}: {exc}") from None
    action = envelope.action  # type: ignore[attr-defined]
    if action not in checks:
        raise InvalidTransaction(f"unknown action {action}")
    field, check = checks[action]
    carried = envelope.WhichOneof("body")
    if carried != field:
        raise InvalidTransaction(
            f"action {action_name(envelope_class, action)} needs body {field}, "
            f"payload carries {carried}"
        )
    body = getattr(envelope, field)
    check(body)
    return action, body


def check_id(what: str, value: str, *, max_length: int = MAX_ID_LENGTH) -> None:
    if not value:
        raise InvalidTransaction(f"{what} is empty")
    if len(value) > max_length or not _ID.fullmatch(value):
        raise InvalidTransaction(
            f"{what} {value[:80]!r} is not 1..{max_length} characters of A-Z a-z 0-9 . _ : -"
        )


def check_public_key(what: str, value: str) -> None:
    if not is_public_key(value):
        raise InvalidTransaction(
            f"{what} {value[:80]!r} is not a compressed secp256k1 public key (66 lowercase hex)"
        )


def check_text(
    what: str, value: str, *, required: bool = False, max_length: int = MAX_TEXT_LENGTH
) -> None:
    if required and not value.strip():
        raise InvalidTransaction(f"{what} is empty")
    if len(value) > max_length:
        raise InvalidTransaction(f"{what} is {len(value)} characters; the limit is {max_length}")


def check_range(what: str, value: int, low: int, high: int, unit: str = "") -> None:
    """`low <= value <= high`, e.g. check_range("interval", 0, 1, 86400, "s")."""
    if not low <= value <= high:
        suffix = f" {unit}" if unit else ""
        raise InvalidTransaction(f"{what} {value}{suffix} is not within {low}..{high}{suffix}")


def check_unique(what: str, values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise InvalidTransaction(f"{what}: a value is listed twice")


def short_key(public_key: str) -> str:
    """How messages show a public key: its first 10 hex."""
    return public_key[:10] + ".."
