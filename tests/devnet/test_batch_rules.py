"""Submission rules: signatures and headers, duplicates, dependencies, the queue limit."""

from __future__ import annotations

import hashlib

import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import (
    ClientBatchStatus,
    ClientBatchSubmitResponse,
)
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from smartblocks.devnet.batches import BatchRejected, check_batch
from smartblocks.devnet.node import Devnet, DevnetConfig
from smartblocks.devnet.pending import PendingLimits
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_batch
from tests.devnet.conftest import FAST_RULES
from tests.devnet.helpers import ZmqClient, kv_batch, kv_txn

COMMITTED = ClientBatchStatus.COMMITTED
INVALID = ClientBatchStatus.INVALID
PENDING = ClientBatchStatus.PENDING
Submit = ClientBatchSubmitResponse


def resign_txn(signer: Signer, txn: Transaction, **changes) -> Transaction:
    header = TransactionHeader.FromString(txn.header)
    for key, value in changes.items():
        setattr(header, key, value)
    raw = header.SerializeToString()
    return Transaction(header=raw, header_signature=signer.sign(raw), payload=txn.payload)


def test_a_well_formed_batch_passes() -> None:
    signer = Signer.generate()
    checked = check_batch(kv_batch(signer, ("set", "a", 1), ("inc", "a", 2)).SerializeToString())
    assert [t.family for t in checked.txns] == ["kv", "kv"]
    assert checked.problem is None


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda b, s: b.transactions[0].MergeFrom(Transaction(payload=b"x")), "payload_sha512"),
        (lambda b, s: setattr(b, "header_signature", "00" * 64), "signature"),
        (lambda b, s: b.transactions[0].MergeFrom(Transaction(header_signature="11" * 64)),
         "transaction_ids"),
        (lambda b, s: b.transactions[0].MergeFrom(Transaction(header=b"\x00garbage")),
         "undecodable|signature|batcher"),
    ],
)  # fmt: skip
def test_structural_faults_reject_the_batch(tamper, reason) -> None:
    signer = Signer.generate()
    batch = kv_batch(signer, ("set", "a", 1))
    tamper(batch, signer)
    with pytest.raises(BatchRejected, match=reason):
        check_batch(batch.SerializeToString())


def test_batcher_key_must_be_the_batch_signer() -> None:
    signer, other = Signer.generate(), Signer.generate()
    txn = kv_txn(signer, "set", "a", 1, batcher_public_key=other.public_key)
    with pytest.raises(BatchRejected, match="batcher_public_key"):
        check_batch(make_batch(signer, [txn]).SerializeToString())


def test_transaction_signature_and_duplicate_ids() -> None:
    signer = Signer.generate()
    txn = kv_txn(signer, "set", "a", 1)
    forged = Transaction(header=txn.header, header_signature="ab" * 64, payload=txn.payload)
    with pytest.raises(BatchRejected, match="signature"):
        check_batch(make_batch(signer, [forged]).SerializeToString())
    with pytest.raises(BatchRejected, match="twice"):
        check_batch(make_batch(signer, [txn, txn]).SerializeToString())
    empty = BatchHeader(signer_public_key=signer.public_key).SerializeToString()
    with pytest.raises(BatchRejected, match="no transactions"):
        check_batch(Batch(header=empty, header_signature=signer.sign(empty)).SerializeToString())


def test_payload_hash_checked_against_a_resigned_header() -> None:
    signer = Signer.generate()
    txn = resign_txn(signer, kv_txn(signer, "set", "a", 1), payload_sha512="0" * 128)
    with pytest.raises(BatchRejected, match="payload_sha512"):
        check_batch(make_batch(signer, [txn]).SerializeToString())
    assert hashlib.sha512(txn.payload).hexdigest() != "0" * 128


async def test_invalid_batch_is_answered_invalid_batch(devnet, client, signer) -> None:
    batch = kv_batch(signer, ("set", "a", 1))
    batch.header_signature = "00" * 64
    assert await client.submit(batch) == Submit.INVALID_BATCH


async def test_duplicates_of_committed_batches_and_transactions(devnet, kv, client, signer) -> None:
    batch = kv_batch(signer, ("set", "dup", 1))
    assert [s.status for s in await client.commit(batch)] == [COMMITTED]
    # The same batch again: accepted, and still the one committed batch.
    assert [s.status for s in await client.commit(batch)] == [COMMITTED]
    head = devnet.ledger.head.num
    # A new batch around an already committed transaction: invalid, saying where it is.
    again = make_batch(signer, [kv_txn(signer, "set", "new", 1), batch.transactions[0]])
    [status] = await client.commit(again)
    assert status.status == INVALID
    assert f"is already in block {head}" in status.invalid_transactions[0].message


async def test_dependencies_wait_until_met(devnet, kv, client, signer) -> None:
    first = kv_txn(signer, "set", "dep", 1)
    later = kv_txn(signer, "inc", "dep", 1, dependencies=[first.header_signature])
    waiting = make_batch(signer, [later])
    assert await client.submit(waiting) == Submit.OK
    [status] = await client.statuses(waiting.header_signature, timeout=1)
    assert status.status == PENDING
    statuses = await client.commit(make_batch(signer, [first]))
    assert [s.status for s in statuses] == [COMMITTED]
    [status] = await client.statuses(waiting.header_signature)
    assert status.status == COMMITTED


async def test_dependency_earlier_in_the_same_block(devnet, kv, client, signer) -> None:
    first = kv_txn(signer, "set", "same", 1)
    later = kv_txn(signer, "inc", "same", 2, dependencies=[first.header_signature])
    a, b = make_batch(signer, [first]), make_batch(signer, [later])
    statuses = await client.commit(a, b)
    assert [s.status for s in statuses] == [COMMITTED, COMMITTED]


async def test_full_queue_answers_queue_full(tmp_path, signer) -> None:
    limits = PendingLimits(max_batches=2)
    node = Devnet(DevnetConfig(tmp_path / "q", "tcp://127.0.0.1:0", FAST_RULES, pending=limits))
    await node.start()
    client = ZmqClient(node.url)
    try:
        # No kv processor: the batches stay queued.
        batches = [kv_batch(signer, ("set", f"q{i}", 1)) for i in range(3)]
        assert await client.submit(*batches[:2]) == Submit.OK
        assert await client.submit(batches[2]) == Submit.QUEUE_FULL
    finally:
        await client.close()
        await node.stop()
