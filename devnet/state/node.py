"""Sawtooth's Merkle-Radix node: canonical CBOR encoding, hashing, and leaf value wrapping.

A node is the CBOR map {"c": {token: child_hash, ...}, "v": value or null}, keys in canonical
order; its hash is the first 64 hex chars of SHA-512 of that encoding. Encoding is the hot path
of every state update, so it is written out by hand (tests check it against cbor2's canonical
mode). An interior node's child entries all have the same width and sit in token order, so
an interior node is kept as its encoding alone: a child is found by binary search, and a
changed node is re-encoded by splicing, however wide it is (up to 256 children, 18 KB).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import NamedTuple

import cbor2

TOKEN_SIZE = 2
ADDRESS_LENGTH = 70
DEPTH = ADDRESS_LENGTH // TOKEN_SIZE  # a leaf sits 35 tokens below the root

_ADDRESS = re.compile(r"[0-9a-f]{70}")
_HEX = re.compile(r"[0-9a-f]*")

# Fixed pieces of the canonical encoding: map(2) "c" ... "v" ...
_OPEN = b"\xa2\x61c"
_VALUE_KEY = b"\x61v"
_NULL = b"\xf6"
# One child entry: text(2) token, text(64) hash.
_TOKEN_HEAD = b"\x62"
_HASH_HEAD = b"\x78\x40"
_ENTRY_SIZE = 1 + TOKEN_SIZE + 2 + 64
_ONE_CHILD_OPEN = _OPEN + b"\xa1" + _TOKEN_HEAD
_NULL_VALUE = _VALUE_KEY + _NULL


class Node(NamedTuple):
    """A node's encoding; for a leaf also its "v" bytes (still CBOR-wrapped), else None.

    The encoding of an interior node is always in encode()'s layout (see from_blob).
    """

    encoded: bytes
    value: bytes | None


def _head(major: int, length: int) -> bytes:
    """CBOR initial byte(s) for a length, in the shortest form (as canonical CBOR requires)."""
    if length < 24:
        return bytes([major | length])
    if length < 0x100:
        return bytes([major | 24, length])
    if length < 0x10000:
        return bytes([major | 25]) + length.to_bytes(2, "big")
    if length < 0x100000000:
        return bytes([major | 26]) + length.to_bytes(4, "big")
    return bytes([major | 27]) + length.to_bytes(8, "big")


def byte_string(data: bytes) -> bytes:
    """CBOR byte string holding `data`."""
    return _head(0x40, len(data)) + data


def text_string(text: str) -> bytes:
    """CBOR text string holding `text`."""
    data = text.encode()
    return _head(0x60, len(data)) + data


def encode(children: dict[str, str], value: bytes | None) -> bytes:
    """Canonical CBOR of a node (text keys of equal length sort bytewise, "c" before "v")."""
    parts = [_OPEN, _head(0xA0, len(children))]
    for token in sorted(children):
        parts.append(_TOKEN_HEAD + token.encode() + _HASH_HEAD + children[token].encode())
    parts.append(_VALUE_KEY)
    parts.append(_NULL if value is None else byte_string(value))
    return b"".join(parts)


def _interior_layout(encoded: bytes) -> tuple[int, int] | None:
    """(children, where the first entry starts) if `encoded` is laid out as encode() lays out
    an interior node, else None."""
    count, head_size = _map_size(encoded)
    body_end = len(encoded) - len(_NULL_VALUE)
    if count < 0 or body_end - 3 - head_size != count * _ENTRY_SIZE:
        return None
    if encoded[body_end:] != _NULL_VALUE:
        return None
    return count, 3 + head_size


def from_blob(blob: bytes) -> Node:
    """A node from a stored encoding (ours, or any other valid encoder's)."""
    if _interior_layout(blob) is not None:
        return Node(blob, None)
    obj = cbor2.loads(blob)
    if not isinstance(obj, dict) or not isinstance(obj.get("c", {}), dict):
        raise ValueError("not a Merkle node")
    children, value = obj.get("c", {}), obj.get("v")
    if value is None:
        return Node(encode(children, None), None)  # same node, in the layout lookups expect
    if not isinstance(value, bytes) or children:
        raise ValueError("a Merkle node with a value must be a leaf holding bytes")
    return Node(blob, value)


def child(node: Node, token: str) -> str | None:
    """The hash of `node`'s child at `token`, None if it has none."""
    if node.value is not None:
        return None
    count, start = _layout(node.encoded)
    key = token.encode()
    i = _position(node.encoded, start, count, key)
    at = start + i * _ENTRY_SIZE
    if i < count and node.encoded[at + 1 : at + 3] == key:
        return node.encoded[at + 5 : at + _ENTRY_SIZE].decode()
    return None


def children(node: Node) -> list[tuple[str, str]]:
    """(token, child hash) of every child, in token order."""
    if node.value is not None:
        return []
    count, start = _layout(node.encoded)
    text = node.encoded[start : start + count * _ENTRY_SIZE].decode()
    return [
        (text[at + 1 : at + 3], text[at + 5 : at + _ENTRY_SIZE])
        for at in range(0, count * _ENTRY_SIZE, _ENTRY_SIZE)
    ]


def is_empty(node: Node) -> bool:
    return node.value is None and _layout(node.encoded)[0] == 0


def _layout(encoded: bytes) -> tuple[int, int]:
    layout = _interior_layout(encoded)
    if layout is None:
        raise ValueError("interior Merkle node not in canonical layout")
    return layout


def respliced(encoded: bytes, changes: Mapping[str, str | None]) -> bytes:
    """The interior node `encoded` with children set (to a hash) or removed (None).

    Costs a few byte copies however wide the node is.
    """
    count, start = _layout(encoded)
    body = bytearray(memoryview(encoded)[start : start + count * _ENTRY_SIZE])
    for token, new_child in changes.items():
        key = token.encode()
        i = _position(body, 0, count, key)
        at = i * _ENTRY_SIZE
        present = i < count and body[at + 1 : at + 3] == key
        if new_child is None:
            if present:
                del body[at : at + _ENTRY_SIZE]
                count -= 1
        elif present:
            body[at + 5 : at + _ENTRY_SIZE] = new_child.encode()
        else:
            body[at:at] = _TOKEN_HEAD + key + _HASH_HEAD + new_child.encode()
            count += 1
    return b"".join((_OPEN, _head(0xA0, count), body, _NULL_VALUE))


def _map_size(encoded: bytes) -> tuple[int, int]:
    """(number of children, size of the map head) of an encoded node; (-1, 0) if unexpected."""
    if len(encoded) < 7 or encoded[:3] != _OPEN:
        return -1, 0
    first = encoded[3]
    if 0xA0 <= first < 0xB8:
        return first - 0xA0, 1
    if first == 0xB8 and encoded[4] >= 24:
        return encoded[4], 2
    if first == 0xB9 and (count := int.from_bytes(encoded[4:6], "big")) >= 0x100:
        return count, 3
    return -1, 0  # not a map head, or not the shortest one


def _position(entries: bytes | bytearray, start: int, count: int, key: bytes) -> int:
    """Index of the first entry (from `start`) whose token is not below `key`: they are sorted."""
    lo, hi = 0, count
    while lo < hi:
        mid = (lo + hi) // 2
        at = start + mid * _ENTRY_SIZE
        if entries[at + 1 : at + 3] < key:
            lo = mid + 1
        else:
            hi = mid
    return lo


def encode_leaf(value: bytes) -> bytes:
    """Encoding of a leaf: no children, `value` as "v"."""
    return b"".join((_OPEN, b"\xa0", _VALUE_KEY, byte_string(value)))


def node_hash(encoded: bytes) -> str:
    return hashlib.sha512(encoded).hexdigest()[:64]


def chain_hash(address: str, depth: int, value: bytes) -> str:
    """Hash of the node at `depth` on `address` when its subtree holds only that one leaf.

    This is encode() and node_hash() of one-child nodes unrolled over up to 35 levels: it is
    where an update spends most of its time.
    """
    tokens = address.encode()
    sha512 = hashlib.sha512
    child = sha512(encode_leaf(value)).hexdigest()[:64].encode()
    for i in range(ADDRESS_LENGTH - TOKEN_SIZE, depth * TOKEN_SIZE - 1, -TOKEN_SIZE):
        encoded = _ONE_CHILD_OPEN + tokens[i : i + TOKEN_SIZE] + _HASH_HEAD + child + _NULL_VALUE
        child = sha512(encoded).hexdigest()[:64].encode()
    return child.decode()


def wrap_value(data: bytes) -> bytes:
    """The leaf "v" for processor bytes: Sawtooth's validator CBOR-encodes them first."""
    return byte_string(data)


def unwrap_value(value: bytes) -> bytes:
    data = cbor2.loads(value)
    if not isinstance(data, bytes):
        raise ValueError("Merkle leaf value is not a CBOR byte string")
    return data


EMPTY_ENCODED = encode({}, None)
EMPTY_NODE = Node(EMPTY_ENCODED, None)
EMPTY_ROOT = node_hash(EMPTY_ENCODED)


def check_address(address: str) -> None:
    if not (isinstance(address, str) and _ADDRESS.fullmatch(address)):
        raise ValueError(f"state address must be 70 lowercase hex characters, got {address!r}")


def check_prefix(prefix: str, what: str = "address prefix") -> None:
    if not (isinstance(prefix, str) and len(prefix) <= ADDRESS_LENGTH and _HEX.fullmatch(prefix)):
        raise ValueError(f"{what} must be at most 70 lowercase hex characters, got {prefix!r}")
