"""Signature checks of submitted batches and transactions (secp256k1, as Sawtooth signs).

The same library and steps as smartblocks.ledger.keys.verify (libsecp256k1 through the
`secp256k1` bindings: SHA-256 of the message, a 64-byte compact signature), with each public
key parsed once: a batch's transactions usually share one signer, and parsing the key and
building its wrapper objects cost about as much as the verification itself.
"""

from __future__ import annotations

import functools

import secp256k1

KEYS_KEPT = 4096


@functools.lru_cache(maxsize=KEYS_KEPT)
def _public_key(public_key_hex: str) -> secp256k1.PublicKey:
    return secp256k1.PublicKey(bytes.fromhex(public_key_hex), raw=True)


def verify(signature_hex: str, message: bytes, public_key_hex: str) -> bool:
    """True when `signature_hex` (128 hex) over `message` was made by `public_key_hex`."""
    try:
        key = _public_key(public_key_hex)
        signature = key.ecdsa_deserialize_compact(bytes.fromhex(signature_hex))
        return bool(key.ecdsa_verify(message, signature))
    except Exception:  # a malformed key or signature (the bindings raise several types)
        return False
