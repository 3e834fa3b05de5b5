"""An independent reference for Sawtooth's Merkle-Radix state root, from the encoding rules.

Node = canonical CBOR map {"c": {2-hex token: child hash}, "v": value}; a leaf's "v" is the CBOR
encoding of the stored bytes, an inner node's is null; hash = SHA-512 hex cut to 64 chars.
Built from scratch, it shares no code with devnet/state, so it checks devnet's roots.
"""

from __future__ import annotations

import hashlib

import cbor2

ADDRESS_LENGTH = 70
TOKEN = 2


def _hash(node: dict[str, object]) -> str:
    return hashlib.sha512(cbor2.dumps(node, canonical=True)).hexdigest()[:64]


def state_root(state: dict[str, bytes]) -> str:
    def build(path: str, addresses: list[str]) -> str:
        if len(path) == ADDRESS_LENGTH:
            return _hash({"c": {}, "v": cbor2.dumps(state[path])})
        groups: dict[str, list[str]] = {}
        for address in addresses:
            groups.setdefault(address[len(path) : len(path) + TOKEN], []).append(address)
        children = {token: build(path + token, group) for token, group in groups.items()}
        return _hash({"c": children, "v": None})

    return build("", sorted(state))
