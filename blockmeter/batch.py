"""Batches whose id is new every time they are built, around transactions that never change.

A window's transaction is deterministic (its id derives from meter and window), so a resent
window is recognisably the same. Its *batch* must not be: a Sawtooth 1.2 validator remembers
the batch ids it has seen (the completer's batch cache, 20 minutes by default) and silently
drops a batch it knows, so a batch rebuilt after `blockmeter requeue` with the id of the one
that was INVALID would never run again and its status would stay INVALID. The batch header
(signer key, transaction ids) is the same, so the new id comes from the signature: RFC 6979
with 32 bytes of fresh extra entropy (libsecp256k1's `ndata`), still a valid ECDSA signature
of the header. A built batch is stored and resent byte for byte, so nothing needs to rebuild
the same id.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Iterable

import secp256k1
from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.clients.ledger.keys import Signer


def sign_fresh(signer: Signer, message: bytes) -> str:
    """An ECDSA secp256k1 signature (compact, 128 hex) of sha256(message) that differs on
    every call; Sawtooth verifies it like any other."""
    key = secp256k1.PrivateKey(bytes.fromhex(signer.private_hex()))
    entropy = secp256k1.ffi.new("unsigned char[32]", os.urandom(32))
    nonce = (secp256k1.lib.secp256k1_nonce_function_rfc6979, entropy)
    signature = key.ecdsa_sign(message, custom_nonce=nonce)
    return binascii.hexlify(key.ecdsa_serialize_compact(signature)).decode()


def fresh_batch(signer: Signer, transactions: Iterable[Transaction]) -> Batch:
    transactions = list(transactions)
    header = BatchHeader(
        signer_public_key=signer.public_key,
        transaction_ids=[t.header_signature for t in transactions],
    ).SerializeToString()
    return Batch(
        header=header, header_signature=sign_fresh(signer, header), transactions=transactions
    )
