"""Build Sawtooth transactions, batches and BatchList bytes.

The header rules follow Sawtooth 1.2: `payload_sha512` is the hex SHA-512 of the payload, the
transaction signature covers the serialized TransactionHeader, the batch signature covers the
serialized BatchHeader, whose `transaction_ids` are the transactions' header signatures in order.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence

from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader, BatchList
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from .keys import Signer


def make_transaction(
    signer: Signer,
    family_name: str,
    family_version: str,
    payload: bytes,
    inputs: Sequence[str],
    outputs: Sequence[str],
    *,
    dependencies: Sequence[str] = (),
    nonce: str | None = None,
    batcher_public_key: str | None = None,
) -> Transaction:
    """Sign a transaction. Pass a deterministic `nonce` to make a resubmission byte-identical
    (same header signature = same transaction id, so the validator recognises a duplicate)."""
    header = TransactionHeader(
        family_name=family_name,
        family_version=family_version,
        inputs=list(inputs),
        outputs=list(outputs),
        dependencies=list(dependencies),
        nonce=nonce if nonce is not None else secrets.token_hex(16),
        payload_sha512=hashlib.sha512(payload).hexdigest(),
        signer_public_key=signer.public_key,
        batcher_public_key=batcher_public_key or signer.public_key,
    ).SerializeToString()
    return Transaction(header=header, header_signature=signer.sign(header), payload=payload)


def make_batch(
    signer: Signer, transactions: Iterable[Transaction], *, fresh_id: bool = False
) -> Batch:
    """Sign a batch. With `fresh_id` its id (the header signature) is new on every call, around
    the same transactions: a Sawtooth 1.2 validator remembers the batch ids it has seen (the
    completer's batch cache, 20 minutes by default) and silently drops a known one, so a batch
    resent after it was INVALID must not reuse the old id."""
    transactions = list(transactions)
    header = BatchHeader(
        signer_public_key=signer.public_key,
        transaction_ids=[t.header_signature for t in transactions],
    ).SerializeToString()
    signature = signer.sign_fresh(header) if fresh_id else signer.sign(header)
    return Batch(header=header, header_signature=signature, transactions=transactions)


def batch_list_bytes(batches: Iterable[Batch]) -> bytes:
    """The body of POST /batches (Content-Type: application/octet-stream)."""
    return BatchList(batches=list(batches)).SerializeToString()
