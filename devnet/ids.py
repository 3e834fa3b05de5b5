"""Shapes of the identifiers the validator accepts: addresses, ids, state roots."""

from __future__ import annotations

import re

ADDRESS_RE = re.compile(r"[0-9a-f]{70}")
# Inputs and outputs may name a whole address or a prefix of one (a namespace).
ADDRESS_PREFIX_RE = re.compile(r"[0-9a-f]{1,70}")
# The client request handlers accept an even-length prefix for state queries, as Sawtooth does.
NAMESPACE_RE = re.compile(r"(?:[0-9a-f]{2}){0,35}")
ID_RE = re.compile(r"[0-9a-f]{128}")
STATE_ROOT_RE = re.compile(r"[0-9a-f]{64}")
PUBLIC_KEY_RE = re.compile(r"[0-9a-f]{66}")


def is_address(value: str) -> bool:
    return ADDRESS_RE.fullmatch(value) is not None


def is_address_prefix(value: str) -> bool:
    return ADDRESS_PREFIX_RE.fullmatch(value) is not None


def is_id(value: str) -> bool:
    return ID_RE.fullmatch(value) is not None


def is_namespace(value: str) -> bool:
    return NAMESPACE_RE.fullmatch(value) is not None


def is_state_root(value: str) -> bool:
    return STATE_ROOT_RE.fullmatch(value) is not None


def covered(address: str, prefixes: list[str] | tuple[str, ...]) -> bool:
    """True when `address` lies under one of the declared inputs or outputs."""
    return address.startswith(tuple(prefixes))


def overlaps(a: str, b: str) -> bool:
    """Two address prefixes overlap when one extends the other."""
    return a.startswith(b) or b.startswith(a)
