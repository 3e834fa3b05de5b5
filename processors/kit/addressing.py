"""Sawtooth addresses as every SmartBlocks family lays them out.

address = namespace (6 hex: sha512(family name)[:6]) + record type (2 hex infix)
          + the first 62 hex of sha512 of the record's key parts joined by "/".

A family forbids "/" in the ids it hashes (payload.check_id), so the joined key is unambiguous.
"""

from __future__ import annotations

import hashlib

ADDRESS_LENGTH = 70
_HEX = frozenset("0123456789abcdef")


def namespace(family_name: str) -> str:
    return hashlib.sha512(family_name.encode()).hexdigest()[:6]


def key_hash(*key_parts: str) -> str:
    """62 hex of sha512 of the key parts joined by "/"."""
    return hashlib.sha512("/".join(key_parts).encode()).hexdigest()[:62]


def make_address(namespace: str, infix: str, *key_parts: str) -> str:
    return namespace + infix + key_hash(*key_parts)


def is_address(address: str) -> bool:
    """70 lowercase hex characters, as Sawtooth requires."""
    return len(address) == ADDRESS_LENGTH and _HEX.issuperset(address)


def infix_of(address: str, namespace: str) -> str | None:
    """The 2-hex record type of a well-formed address in `namespace`; None otherwise."""
    if not address.startswith(namespace) or not is_address(address):
        return None
    return address[6:8]
