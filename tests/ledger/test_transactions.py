import hashlib

from sawtooth_sdk.protobuf.batch_pb2 import BatchHeader, BatchList
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.ledger.keys import Signer, verify
from smartblocks.ledger.transactions import batch_list_bytes, make_batch, make_transaction

ADDR = "a" * 70


def test_transaction_header_follows_sawtooth_rules():
    signer = Signer.generate()
    txn = make_transaction(
        signer, "kv", "1.0", b"payload", [ADDR], [ADDR], dependencies=["d" * 128]
    )
    header = TransactionHeader.FromString(txn.header)
    assert header.payload_sha512 == hashlib.sha512(b"payload").hexdigest()
    assert header.signer_public_key == header.batcher_public_key == signer.public_key
    assert list(header.inputs) == list(header.outputs) == [ADDR]
    assert list(header.dependencies) == ["d" * 128]
    assert verify(txn.header_signature, txn.header, signer.public_key)


def test_fixed_nonce_gives_identical_transaction():
    signer = Signer.generate()
    a = make_transaction(signer, "kv", "1.0", b"x", [ADDR], [ADDR], nonce="meter-1/0")
    b = make_transaction(signer, "kv", "1.0", b"x", [ADDR], [ADDR], nonce="meter-1/0")
    # RFC 6979 signatures: the same window always becomes the same transaction id.
    assert a.header_signature == b.header_signature
    c = make_transaction(signer, "kv", "1.0", b"x", [ADDR], [ADDR])
    assert c.header_signature != a.header_signature


def test_batch_lists_transaction_ids_in_order_and_round_trips():
    device, gateway = Signer.generate(), Signer.generate()
    txns = [
        make_transaction(
            device, "kv", "1.0", bytes([i]), [ADDR], [ADDR], batcher_public_key=gateway.public_key
        )
        for i in range(3)
    ]
    batch = make_batch(gateway, txns)
    header = BatchHeader.FromString(batch.header)
    assert list(header.transaction_ids) == [t.header_signature for t in txns]
    assert verify(batch.header_signature, batch.header, gateway.public_key)
    decoded = BatchList.FromString(batch_list_bytes([batch]))
    assert decoded.batches[0] == batch


def test_fresh_batch_ids_differ_around_the_same_transactions():
    # After `blockmeter requeue` a window goes out again: same transaction, new batch id, since
    # a Sawtooth validator silently drops a batch id it has already seen.
    signer = Signer.generate()
    txn = make_transaction(signer, "kv", "1.0", b"x", [ADDR], [ADDR], nonce="m/0")
    one, two = (make_batch(signer, [txn], fresh_id=True) for _ in range(2))
    assert one.header == two.header and one.header_signature != two.header_signature
    assert verify(one.header_signature, one.header, signer.public_key)
    assert verify(two.header_signature, two.header, signer.public_key)
    assert make_batch(signer, [txn]).header_signature == make_batch(signer, [txn]).header_signature
