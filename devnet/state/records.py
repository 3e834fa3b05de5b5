"""What a merkle_node row holds: one Sawtooth node, or a whole single-leaf branch.

Below the few levels where addresses share nodes, each leaf hangs at the end of a chain of
one-child nodes (about 30 of 35 levels in a large state). Storing each of them would make 30
rows per address. Instead the top node of such a chain is stored as the CBOR array
[address suffix below it, leaf "v"]: its Sawtooth hash (the row's key) is recomputed from
that whenever the chain changes, and nodes inside the chain are never looked up by hash.
Every other node is stored as its exact Sawtooth encoding, a CBOR map.
"""

from __future__ import annotations

from typing import NamedTuple, TypeAlias

import cbor2

from smartblocks.devnet.state.node import Node, byte_string, from_blob, text_string


class Chain(NamedTuple):
    """A subtree holding one leaf: the address below the subtree's root, and the leaf's "v"."""

    suffix: str
    value: bytes


Record: TypeAlias = Node | Chain


def encode_chain(suffix: str, value: bytes) -> bytes:
    """CBOR array [suffix, value]."""
    return b"\x82" + text_string(suffix) + byte_string(value)


def decode_record(blob: bytes) -> Record:
    if blob[:1] != b"\x82":  # not an array: a Sawtooth node (a CBOR map)
        return from_blob(blob)
    obj = cbor2.loads(blob)
    if len(obj) != 2 or not isinstance(obj[0], str) or not isinstance(obj[1], bytes):
        raise ValueError("malformed single-leaf record")
    return Chain(obj[0], obj[1])
