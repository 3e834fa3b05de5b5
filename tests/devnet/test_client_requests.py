"""Client requests as Sawtooth 1.2 answers them: paging, order, head_id, statuses."""

from __future__ import annotations

import pytest
from sawtooth_sdk.protobuf import client_batch_pb2 as cbat
from sawtooth_sdk.protobuf import client_block_pb2 as cb
from sawtooth_sdk.protobuf import client_receipt_pb2 as cr
from sawtooth_sdk.protobuf import client_state_pb2 as cs
from sawtooth_sdk.protobuf import client_transaction_pb2 as ct
from sawtooth_sdk.protobuf.block_pb2 import BlockHeader
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import (
    ClientBatchStatus,
    ClientBatchStatusRequest,
    ClientBatchStatusResponse,
)
from sawtooth_sdk.protobuf.client_list_control_pb2 import ClientPagingControls, ClientSortControls
from sawtooth_sdk.protobuf.client_peers_pb2 import ClientPeersGetRequest, ClientPeersGetResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger.keys import verify
from smartblocks.processors.kv.addressing import NAMESPACE, value_address
from tests.devnet.helpers import kv_batch

M = Message


@pytest.fixture
async def chain(devnet, kv, client, signer):
    """Genesis plus three blocks of one batch each (two transactions per batch)."""
    batches = []
    for n in range(3):
        batch = kv_batch(signer, ("set", f"n{n}a", n), ("set", f"n{n}b", n))
        statuses = await client.commit(batch)
        assert statuses[0].status == ClientBatchStatus.COMMITTED
        batches.append(batch)
    return batches


async def test_block_list_newest_first_with_hex_positions(devnet, chain, client) -> None:
    response = await client.ask(
        M.CLIENT_BLOCK_LIST_REQUEST,
        cb.ClientBlockListRequest(paging=ClientPagingControls(limit=2)),
        cb.ClientBlockListResponse,
    )
    assert response.status == cb.ClientBlockListResponse.OK
    nums = [BlockHeader.FromString(b.header).block_num for b in response.blocks]
    assert nums == [3, 2]
    assert response.paging.start == "0x0000000000000003"
    assert response.paging.next == "0x0000000000000001"
    assert response.head_id == devnet.ledger.head.id
    rest = await client.ask(
        M.CLIENT_BLOCK_LIST_REQUEST,
        cb.ClientBlockListRequest(paging=ClientPagingControls(start=response.paging.next)),
        cb.ClientBlockListResponse,
    )
    assert [BlockHeader.FromString(b.header).block_num for b in rest.blocks] == [1, 0]
    assert rest.paging.next == ""
    reverse = await client.ask(
        M.CLIENT_BLOCK_LIST_REQUEST,
        cb.ClientBlockListRequest(sorting=[ClientSortControls(keys=["block_num"], reverse=True)]),
        cb.ClientBlockListResponse,
    )
    assert [BlockHeader.FromString(b.header).block_num for b in reverse.blocks] == [0, 1, 2, 3]


async def test_blocks_are_signed_sawtooth_blocks(devnet, chain, client) -> None:
    genesis = await client.ask(
        M.CLIENT_BLOCK_GET_BY_NUM_REQUEST,
        cb.ClientBlockGetByNumRequest(block_num=0),
        cb.ClientBlockGetResponse,
    )
    header = BlockHeader.FromString(genesis.block.header)
    assert header.previous_block_id == "0000000000000000"
    assert header.consensus == b"Genesis"
    assert list(header.batch_ids) == []
    assert verify(genesis.block.header_signature, genesis.block.header, devnet.signer.public_key)
    by_batch = await client.ask(
        M.CLIENT_BLOCK_GET_BY_BATCH_ID_REQUEST,
        cb.ClientBlockGetByBatchIdRequest(batch_id=chain[0].header_signature),
        cb.ClientBlockGetResponse,
    )
    header = BlockHeader.FromString(by_batch.block.header)
    assert header.block_num == 1 and header.consensus == b"Devmode"
    assert header.previous_block_id == genesis.block.header_signature
    assert list(header.batch_ids) == [chain[0].header_signature]
    assert by_batch.block.batches[0] == chain[0]


ERROR_CASES = [
        (M.CLIENT_BLOCK_GET_BY_ID_REQUEST, cb.ClientBlockGetByIdRequest(block_id="zz"),
         cb.ClientBlockGetResponse, cb.ClientBlockGetResponse.INVALID_ID),
        (M.CLIENT_BLOCK_GET_BY_ID_REQUEST, cb.ClientBlockGetByIdRequest(block_id="a" * 128),
         cb.ClientBlockGetResponse, cb.ClientBlockGetResponse.NO_RESOURCE),
        (M.CLIENT_BLOCK_GET_BY_NUM_REQUEST, cb.ClientBlockGetByNumRequest(block_num=99),
         cb.ClientBlockGetResponse, cb.ClientBlockGetResponse.NO_RESOURCE),
        (M.CLIENT_BLOCK_LIST_REQUEST, cb.ClientBlockListRequest(head_id="latest"),
         cb.ClientBlockListResponse, cb.ClientBlockListResponse.NO_ROOT),
        (M.CLIENT_BLOCK_LIST_REQUEST,
         cb.ClientBlockListRequest(paging=ClientPagingControls(start="12")),
         cb.ClientBlockListResponse, cb.ClientBlockListResponse.INVALID_PAGING),
        (M.CLIENT_BLOCK_LIST_REQUEST,
         cb.ClientBlockListRequest(sorting=[ClientSortControls(keys=["nope"])]),
         cb.ClientBlockListResponse, cb.ClientBlockListResponse.INVALID_SORT),
        (M.CLIENT_BATCH_GET_REQUEST, cbat.ClientBatchGetRequest(batch_id="b" * 128),
         cbat.ClientBatchGetResponse, cbat.ClientBatchGetResponse.NO_RESOURCE),
        (M.CLIENT_BATCH_LIST_REQUEST,
         cbat.ClientBatchListRequest(paging=ClientPagingControls(start="c" * 128)),
         cbat.ClientBatchListResponse, cbat.ClientBatchListResponse.INVALID_PAGING),
        (M.CLIENT_TRANSACTION_GET_REQUEST, ct.ClientTransactionGetRequest(transaction_id="x"),
         ct.ClientTransactionGetResponse, ct.ClientTransactionGetResponse.INVALID_ID),
        (M.CLIENT_RECEIPT_GET_REQUEST, cr.ClientReceiptGetRequest(transaction_ids=["d" * 128]),
         cr.ClientReceiptGetResponse, cr.ClientReceiptGetResponse.NO_RESOURCE),
        (M.CLIENT_STATE_GET_REQUEST, cs.ClientStateGetRequest(address=NAMESPACE),
         cs.ClientStateGetResponse, cs.ClientStateGetResponse.NO_RESOURCE),
        (M.CLIENT_STATE_GET_REQUEST, cs.ClientStateGetRequest(address="XYZ"),
         cs.ClientStateGetResponse, cs.ClientStateGetResponse.INVALID_ADDRESS),
        (M.CLIENT_STATE_GET_REQUEST,
         cs.ClientStateGetRequest(address=value_address("x"), state_root="e" * 64),
         cs.ClientStateGetResponse, cs.ClientStateGetResponse.NO_ROOT),
        (M.CLIENT_STATE_LIST_REQUEST, cs.ClientStateListRequest(state_root="bad"),
         cs.ClientStateListResponse, cs.ClientStateListResponse.INVALID_ROOT),
        (M.CLIENT_BATCH_STATUS_REQUEST, ClientBatchStatusRequest(batch_ids=["nope"]),
         ClientBatchStatusResponse, ClientBatchStatusResponse.INVALID_ID),
        (M.CLIENT_BATCH_STATUS_REQUEST, ClientBatchStatusRequest(),
         ClientBatchStatusResponse, ClientBatchStatusResponse.NO_RESOURCE),
    ]  # fmt: skip


async def test_error_statuses(chain, client) -> None:
    for request_type, body, response_cls, status in ERROR_CASES:
        response = await client.ask(request_type, body, response_cls)
        assert response.status == status, (body, response)


async def test_batch_and_transaction_lists_page_by_id(chain, client) -> None:
    batches = await client.ask(
        M.CLIENT_BATCH_LIST_REQUEST,
        cbat.ClientBatchListRequest(paging=ClientPagingControls(limit=2)),
        cbat.ClientBatchListResponse,
    )
    ids = [b.header_signature for b in batches.batches]
    assert ids == [chain[2].header_signature, chain[1].header_signature]
    assert batches.paging.next == chain[0].header_signature
    txns = await client.ask(
        M.CLIENT_TRANSACTION_LIST_REQUEST,
        ct.ClientTransactionListRequest(
            paging=ClientPagingControls(start=chain[1].transactions[1].header_signature, limit=2)
        ),
        ct.ClientTransactionListResponse,
    )
    expected = [chain[1].transactions[1], chain[0].transactions[0]]
    assert list(txns.transactions) == expected
    assert txns.paging.next == chain[0].transactions[1].header_signature
    by_id = await client.ask(
        M.CLIENT_BATCH_LIST_REQUEST,
        cbat.ClientBatchListRequest(batch_ids=[chain[0].header_signature, "f" * 128]),
        cbat.ClientBatchListResponse,
    )
    assert [b.header_signature for b in by_id.batches] == [chain[0].header_signature]


async def test_state_list_by_prefix_and_pages(devnet, chain, client) -> None:
    listed = await client.ask(
        M.CLIENT_STATE_LIST_REQUEST,
        cs.ClientStateListRequest(address=NAMESPACE, paging=ClientPagingControls(limit=4)),
        cs.ClientStateListResponse,
    )
    assert listed.status == cs.ClientStateListResponse.OK
    addresses = [e.address for e in listed.entries]
    assert addresses == sorted(addresses) and len(addresses) == 4
    assert listed.state_root == devnet.ledger.head.state_root
    rest = await client.ask(
        M.CLIENT_STATE_LIST_REQUEST,
        cs.ClientStateListRequest(
            address=NAMESPACE, paging=ClientPagingControls(start=listed.paging.next)
        ),
        cs.ClientStateListResponse,
    )
    assert len(rest.entries) == 2 and rest.paging.next == ""
    assert rest.entries[0].address == listed.paging.next
    bad = await client.ask(
        M.CLIENT_STATE_LIST_REQUEST,
        cs.ClientStateListRequest(paging=ClientPagingControls(start=NAMESPACE + "0" * 64)),
        cs.ClientStateListResponse,
    )
    assert bad.status == cs.ClientStateListResponse.INVALID_PAGING
    empty = await client.ask(
        M.CLIENT_STATE_LIST_REQUEST,
        cs.ClientStateListRequest(address="abcdef"),
        cs.ClientStateListResponse,
    )
    assert empty.status == cs.ClientStateListResponse.NO_RESOURCE
    # An older root stays readable.
    genesis_root = devnet.store.block_by_num(1).state_root
    old = await client.ask(
        M.CLIENT_STATE_LIST_REQUEST,
        cs.ClientStateListRequest(state_root=genesis_root),
        cs.ClientStateListResponse,
    )
    assert len(old.entries) == 2


async def test_unknown_batch_status_and_peers(chain, client) -> None:
    response = await client.ask(
        M.CLIENT_BATCH_STATUS_REQUEST,
        ClientBatchStatusRequest(batch_ids=["a" * 128]),
        ClientBatchStatusResponse,
    )
    assert response.batch_statuses[0].status == ClientBatchStatus.UNKNOWN
    peers = await client.ask(
        M.CLIENT_PEERS_GET_REQUEST, ClientPeersGetRequest(), ClientPeersGetResponse
    )
    assert peers.status == ClientPeersGetResponse.OK and list(peers.peers) == []


async def test_reversed_lists_and_an_older_head(devnet, chain, client) -> None:
    reverse = [ClientSortControls(keys=["default"], reverse=True)]
    txns = await client.ask(
        M.CLIENT_TRANSACTION_LIST_REQUEST,
        ct.ClientTransactionListRequest(sorting=reverse, paging=ClientPagingControls(limit=3)),
        ct.ClientTransactionListResponse,
    )
    expected = [chain[0].transactions[1], chain[0].transactions[0], chain[1].transactions[1]]
    assert list(txns.transactions) == expected
    assert txns.paging.next == chain[1].transactions[0].header_signature
    rest = await client.ask(
        M.CLIENT_TRANSACTION_LIST_REQUEST,
        ct.ClientTransactionListRequest(
            sorting=reverse, paging=ClientPagingControls(start=txns.paging.next)
        ),
        ct.ClientTransactionListResponse,
    )
    assert len(rest.transactions) == 3 and rest.paging.next == ""
    older = devnet.store.block_by_num(2).id
    batches = await client.ask(
        M.CLIENT_BATCH_LIST_REQUEST,
        cbat.ClientBatchListRequest(head_id=older),
        cbat.ClientBatchListResponse,
    )
    assert batches.head_id == older
    assert [b.header_signature for b in batches.batches] == [
        chain[1].header_signature,
        chain[0].header_signature,
    ]
    beyond = await client.ask(
        M.CLIENT_BATCH_LIST_REQUEST,
        cbat.ClientBatchListRequest(
            head_id=older, paging=ClientPagingControls(start=chain[2].header_signature)
        ),
        cbat.ClientBatchListResponse,
    )
    assert beyond.status == cbat.ClientBatchListResponse.INVALID_PAGING


async def test_an_id_filter_at_an_older_head_leaves_out_later_ids(devnet, chain, client) -> None:
    older = devnet.store.block_by_num(2).id
    ids = [chain[2].header_signature, chain[0].header_signature, chain[1].header_signature]
    batches = await client.ask(
        M.CLIENT_BATCH_LIST_REQUEST,
        cbat.ClientBatchListRequest(head_id=older, batch_ids=ids),
        cbat.ClientBatchListResponse,
    )
    assert [b.header_signature for b in batches.batches] == ids[1:]
    txn_ids = [chain[2].transactions[0].header_signature, chain[1].transactions[0].header_signature]
    txns = await client.ask(
        M.CLIENT_TRANSACTION_LIST_REQUEST,
        ct.ClientTransactionListRequest(head_id=older, transaction_ids=txn_ids),
        ct.ClientTransactionListResponse,
    )
    assert [t.header_signature for t in txns.transactions] == txn_ids[1:]
