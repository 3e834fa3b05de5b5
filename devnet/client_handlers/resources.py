"""Batch and transaction list/get, and receipts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sawtooth_sdk.protobuf import client_batch_pb2 as cbat
from sawtooth_sdk.protobuf import client_receipt_pb2 as cr
from sawtooth_sdk.protobuf import client_transaction_pb2 as ctx
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.client_list_control_pb2 import ClientPagingResponse
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import TransactionReceipt
from sawtooth_sdk.protobuf.validator_pb2 import Message

from ..chainstore import ChainStore
from .blocks import head_for
from .common import check_ids, serve
from .paging import ResponseFailed, is_reverse, page_limit, paginate

if TYPE_CHECKING:
    from ..node import Devnet


def _page(
    store: ChainStore,
    kind: str,
    request: Any,
    filter_ids: Sequence[str],
    head_num: int,
    block_num: Callable[[str], int | None],
    status: Any,
) -> tuple[list[str], ClientPagingResponse]:
    """The ids of one page, in Sawtooth's order: with an id filter, the filter's order (ids not
    in the chain up to the head left out); else the chain from the head, newest block first.
    `block_num` gives an id's block number, None if it is not committed. Raises
    INVALID_PAGING / INVALID_SORT as Sawtooth does."""
    reverse = is_reverse(request.sorting, "default", status.INVALID_SORT)
    if filter_ids:
        ids = [i for i in filter_ids if (num := block_num(i)) is not None and num <= head_num]
        if reverse:
            ids.reverse()
        first, end, paging = paginate(ids, request.paging, status.INVALID_PAGING)
        return ids[first:end], paging
    limit = page_limit(request.paging)
    page = store.id_page(kind, head_num, reverse, request.paging.start, limit + 1)
    if page is None:
        if not store.id_page(kind, head_num, reverse, "", 1):
            return [], ClientPagingResponse()
        raise ResponseFailed(status.INVALID_PAGING)
    if not page:
        return [], ClientPagingResponse()
    paging = ClientPagingResponse(start=page[0], limit=limit)
    if len(page) > limit:
        paging.next = page[limit]
    return page[:limit], paging


def register(node: Devnet) -> None:
    store = node.ledger.store
    BatchList = cbat.ClientBatchListResponse
    BatchGet = cbat.ClientBatchGetResponse
    TxnList = ctx.ClientTransactionListResponse
    TxnGet = ctx.ClientTransactionGetResponse
    Receipts = cr.ClientReceiptGetResponse

    def list_batches(request: cbat.ClientBatchListRequest) -> cbat.ClientBatchListResponse:
        head = head_for(node, request.head_id, BatchList)
        check_ids(request.batch_ids, BatchList.INVALID_ID)
        ids, paging = _page(
            store, "batches", request, request.batch_ids, head.num, store.batch_block_num, BatchList
        )
        if not ids:
            return BatchList(status=BatchList.NO_RESOURCE, head_id=head.id, paging=paging)
        batches = [Batch.FromString(store.batch_bytes(i) or b"") for i in ids]
        return BatchList(status=BatchList.OK, batches=batches, head_id=head.id, paging=paging)

    def get_batch(request: cbat.ClientBatchGetRequest) -> cbat.ClientBatchGetResponse:
        check_ids([request.batch_id], BatchGet.INVALID_ID)
        data = store.batch_bytes(request.batch_id)
        if data is None:
            raise ResponseFailed(BatchGet.NO_RESOURCE)
        return BatchGet(status=BatchGet.OK, batch=Batch.FromString(data))

    def list_txns(request: ctx.ClientTransactionListRequest) -> ctx.ClientTransactionListResponse:
        head = head_for(node, request.head_id, TxnList)
        check_ids(request.transaction_ids, TxnList.INVALID_ID)
        ids, paging = _page(
            store,
            "transactions",
            request,
            request.transaction_ids,
            head.num,
            store.txn_block_num,
            TxnList,
        )
        if not ids:
            return TxnList(status=TxnList.NO_RESOURCE, head_id=head.id, paging=paging)
        txns = [store.transaction(i) for i in ids]
        return TxnList(
            status=TxnList.OK,
            transactions=[t for t in txns if t is not None],
            head_id=head.id,
            paging=paging,
        )

    def get_txn(request: ctx.ClientTransactionGetRequest) -> ctx.ClientTransactionGetResponse:
        check_ids([request.transaction_id], TxnGet.INVALID_ID)
        txn = store.transaction(request.transaction_id)
        if txn is None:
            raise ResponseFailed(TxnGet.NO_RESOURCE)
        return TxnGet(status=TxnGet.OK, transaction=txn)

    def receipts(request: cr.ClientReceiptGetRequest) -> cr.ClientReceiptGetResponse:
        check_ids(request.transaction_ids, Receipts.INVALID_ID)
        found = []
        for txn_id in request.transaction_ids:
            data = store.receipt(txn_id)
            if data is None:
                raise ResponseFailed(Receipts.NO_RESOURCE)
            found.append(TransactionReceipt.FromString(data))
        return Receipts(status=Receipts.OK, receipts=found)

    M = Message
    ep = node.endpoint
    for request_type, request_cls, response_type, response_cls, respond in (
        (M.CLIENT_BATCH_LIST_REQUEST, cbat.ClientBatchListRequest,
         M.CLIENT_BATCH_LIST_RESPONSE, BatchList, list_batches),
        (M.CLIENT_BATCH_GET_REQUEST, cbat.ClientBatchGetRequest,
         M.CLIENT_BATCH_GET_RESPONSE, BatchGet, get_batch),
        (M.CLIENT_TRANSACTION_LIST_REQUEST, ctx.ClientTransactionListRequest,
         M.CLIENT_TRANSACTION_LIST_RESPONSE, TxnList, list_txns),
        (M.CLIENT_TRANSACTION_GET_REQUEST, ctx.ClientTransactionGetRequest,
         M.CLIENT_TRANSACTION_GET_RESPONSE, TxnGet, get_txn),
        (M.CLIENT_RECEIPT_GET_REQUEST, cr.ClientReceiptGetRequest,
         M.CLIENT_RECEIPT_GET_RESPONSE, Receipts, receipts),
    ):  # fmt: skip
        serve(ep, request_type, request_cls, response_type, response_cls, respond)
