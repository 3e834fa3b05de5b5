"""Checks a submitted batch against Sawtooth's rules and keeps it in a parsed form.

Structural faults (signatures, payload hash, batcher key, transaction ids) reject the batch at
submission, as Sawtooth does. A malformed address in a transaction's inputs or outputs does not:
the batch is accepted and marked INVALID at once with the reason, where Sawtooth would leave it
PENDING forever.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from .ids import PUBLIC_KEY_RE, is_address_prefix, is_id
from .signatures import verify
from .stages import BATCH_CHECKS, SIGNATURES, STAGES


class BatchRejected(Exception):
    """The batch breaks a structural rule; the submitter gets INVALID_BATCH."""


@dataclass(slots=True)
class Txn:
    id: str
    header_bytes: bytes
    payload: bytes
    family: str
    version: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    dependencies: tuple[str, ...]
    signer: str = ""  # signer_public_key: the on-chain validation rules' `local` looks at it


@dataclass(slots=True)
class PendingBatch:
    id: str
    # The batch as submitted, stored as is: never decoded and encoded again.
    raw: bytes
    signer: str
    txns: list[Txn]
    # (transaction id, reason) when a transaction can never be valid: the batch is INVALID.
    problem: tuple[str, str] | None = None
    arrived: float = field(default_factory=time.monotonic)

    @property
    def families(self) -> set[tuple[str, str]]:
        return {(t.family, t.version) for t in self.txns}


def _address_problem(header: TransactionHeader) -> str | None:
    for kind, values in (("inputs", header.inputs), ("outputs", header.outputs)):
        for value in values:
            if not is_address_prefix(value):
                return (
                    f"malformed address {value!r} in {kind}: an address or address prefix is "
                    "1 to 70 lowercase hex characters"
                )
    return None


def check_batch(raw: bytes) -> PendingBatch:
    """Verify a serialized Batch and return it parsed; raise BatchRejected with the reason."""
    clock = STAGES.start()
    try:
        batch = Batch.FromString(raw)
        batch_header = BatchHeader.FromString(batch.header)
    except DecodeError as exc:
        raise BatchRejected(f"undecodable batch: {exc}") from None
    signer, listed = batch_header.signer_public_key, list(batch_header.transaction_ids)
    batch_id = batch.header_signature
    if not is_id(batch_id):
        raise BatchRejected(f"batch header_signature {batch_id[:20]!r} is not 128 hex chars")
    if PUBLIC_KEY_RE.fullmatch(signer) is None:
        raise BatchRejected(f"batch {batch_id[:16]}: signer_public_key is not a public key")
    clock = STAGES.stop(BATCH_CHECKS, clock, 0)
    if not verify(batch_id, batch.header, signer):
        raise BatchRejected(f"batch {batch_id[:16]}: signature does not match its header")
    clock = STAGES.stop(SIGNATURES, clock)
    if not batch.transactions:
        raise BatchRejected(f"batch {batch_id[:16]} has no transactions")
    actual = [t.header_signature for t in batch.transactions]
    if listed != actual:
        raise BatchRejected(
            f"batch {batch_id[:16]}: header transaction_ids do not match its transactions in order"
        )
    if len(set(actual)) != len(actual):
        raise BatchRejected(f"batch {batch_id[:16]} lists a transaction twice")

    txns: list[Txn] = []
    problem: tuple[str, str] | None = None
    for txn in batch.transactions:
        txn_id = txn.header_signature
        if not is_id(txn_id):
            raise BatchRejected(f"transaction id {txn_id[:20]!r} is not 128 hex chars")
        header_bytes, payload = txn.header, txn.payload  # each read of a field copies it
        try:
            header = TransactionHeader.FromString(header_bytes)
        except DecodeError as exc:
            raise BatchRejected(f"transaction {txn_id[:16]}: undecodable header: {exc}") from None
        if header.batcher_public_key != signer:
            raise BatchRejected(
                f"transaction {txn_id[:16]}: batcher_public_key does not match the batch signer"
            )
        clock = STAGES.stop(BATCH_CHECKS, clock, 0)
        if not verify(txn_id, header_bytes, header.signer_public_key):
            raise BatchRejected(f"transaction {txn_id[:16]}: signature does not match its header")
        clock = STAGES.stop(SIGNATURES, clock)
        if hashlib.sha512(payload).hexdigest() != header.payload_sha512:
            raise BatchRejected(f"transaction {txn_id[:16]}: payload_sha512 does not match")
        for dep in header.dependencies:
            if not is_id(dep):
                raise BatchRejected(
                    f"transaction {txn_id[:16]}: dependency {dep[:20]!r} is not a transaction id"
                )
        if problem is None:
            reason = _address_problem(header)
            if reason is not None:
                problem = (txn_id, reason)
        txns.append(
            Txn(
                id=txn_id,
                header_bytes=header_bytes,
                payload=payload,
                family=header.family_name,
                version=header.family_version,
                inputs=tuple(header.inputs),
                outputs=tuple(header.outputs),
                dependencies=tuple(header.dependencies),
                signer=header.signer_public_key,
            )
        )
    STAGES.stop(BATCH_CHECKS, clock, len(txns))
    return PendingBatch(id=batch_id, raw=raw, signer=signer, txns=txns, problem=problem)
