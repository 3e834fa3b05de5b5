"""POST /batches in front of the real devnet: a batch is stored exactly as the client sent it."""

from __future__ import annotations

import aiohttp
from sawtooth_sdk.protobuf.batch_pb2 import Batch

from smartblocks.protos.devnet_wire_pb2 import SubmittedBatches
from tests.devnet.conftest import until
from tests.devnet.helpers import kv_batch


async def test_a_batch_is_stored_byte_for_byte_as_posted(devnet, kv, devnet_rest, signer) -> None:
    batch = kv_batch(signer, ("set", "as-sent", 1))
    # Valid, but not as protobuf writes it (fields out of number order, an unknown field), so
    # anything decoding and encoding it on the way would change the bytes.
    sent = (
        Batch(transactions=batch.transactions).SerializeToString()
        + Batch(header_signature=batch.header_signature, header=batch.header).SerializeToString()
        + b"\xf8\x06\x01"  # field 111, a varint
    )
    assert Batch.FromString(sent).SerializeToString() != sent
    body = SubmittedBatches(batches=[sent]).SerializeToString()  # a BatchList of that batch
    async with aiohttp.ClientSession() as http:
        headers = {"Content-Type": "application/octet-stream"}
        async with http.post(f"{devnet_rest}/batches", data=body, headers=headers) as response:
            assert response.status == 202, await response.text()
    store = devnet.ledger.store
    await until(lambda: store.batch_block_num(batch.header_signature) is not None)
    assert store.batch_bytes(batch.header_signature) == sent
