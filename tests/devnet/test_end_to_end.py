"""kv transactions through devnet and the real processor runtime, over real sockets."""

from __future__ import annotations

import cbor2
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus
from sawtooth_sdk.protobuf.client_state_pb2 import ClientStateGetRequest, ClientStateGetResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.processors.kv.addressing import value_address
from tests.devnet.helpers import kv_batch

COMMITTED = ClientBatchStatus.COMMITTED
INVALID = ClientBatchStatus.INVALID


async def state_value(client, name: str) -> int | None:
    response = await client.ask(
        Message.CLIENT_STATE_GET_REQUEST,
        ClientStateGetRequest(address=value_address(name)),
        ClientStateGetResponse,
    )
    if response.status == ClientStateGetResponse.NO_RESOURCE:
        return None
    return cbor2.loads(response.value)


async def test_set_and_inc_commit(devnet, kv, client, signer) -> None:
    first = kv_batch(signer, ("set", "a", 5), ("inc", "a", 2))
    second = kv_batch(signer, ("inc", "a", 10), ("set", "b", 1))
    statuses = await client.commit(first, second)
    assert [s.status for s in statuses] == [COMMITTED, COMMITTED]
    assert await state_value(client, "a") == 17
    assert await state_value(client, "b") == 1
    assert devnet.ledger.head.num >= 1


async def test_invalid_transaction_invalidates_its_batch(devnet, kv, client, signer) -> None:
    bad = kv_batch(signer, ("set", "c", 1), ("inc", "missing", 1))
    good = kv_batch(signer, ("set", "d", 4))
    statuses = await client.commit(bad, good)
    assert [s.status for s in statuses] == [INVALID, COMMITTED]
    invalid = statuses[0].invalid_transactions[0]
    assert invalid.transaction_id == bad.transactions[1].header_signature
    assert "no value named 'missing'" in invalid.message
    # The batch is atomic: its valid first transaction wrote nothing.
    assert await state_value(client, "c") is None
    assert await state_value(client, "d") == 4
