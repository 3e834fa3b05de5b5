"""Block list and block get (by id, number, batch id, transaction id)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sawtooth_sdk.protobuf import client_block_pb2 as cb
from sawtooth_sdk.protobuf.client_list_control_pb2 import ClientPagingResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message

from ..chainstore import BlockRecord
from ..ids import is_id
from .common import check_ids, serve
from .paging import ResponseFailed, is_reverse, page_limit

if TYPE_CHECKING:
    from ..node import Devnet


def block_num_hex(num: int) -> str:
    """Sawtooth's paging position for blocks."""
    return f"0x{num:016x}"


def head_for(node: Devnet, head_id: str, status: Any) -> BlockRecord:
    """The block named by head_id, or the chain head; NO_ROOT when unknown."""
    if head_id:
        record = node.ledger.store.block_by_id(head_id) if is_id(head_id) else None
        if record is None:
            raise ResponseFailed(status.NO_ROOT)
        return record
    if not node.ledger.has_head:
        raise ResponseFailed(status.NOT_READY)
    return node.ledger.head


def register(node: Devnet) -> None:
    store = node.ledger.store
    ListResponse = cb.ClientBlockListResponse
    GetResponse = cb.ClientBlockGetResponse

    def list_(request: cb.ClientBlockListRequest) -> cb.ClientBlockListResponse:
        head = head_for(node, request.head_id, ListResponse)
        check_ids(request.block_ids, ListResponse.INVALID_ID)
        if request.block_ids:
            records = [store.block_by_id(i) for i in request.block_ids]
            found = [r for r in records if r is not None and r.num <= head.num]
            paging = ClientPagingResponse()
        else:
            reverse = is_reverse(request.sorting, "block_num", ListResponse.INVALID_SORT)
            limit = page_limit(request.paging)
            start = request.paging.start
            if start:
                try:
                    if not start.startswith("0x"):
                        raise ValueError(start)
                    first = int(start, 16)
                except ValueError:
                    raise ResponseFailed(ListResponse.INVALID_PAGING) from None
                if store.block_by_num(first) is None:
                    raise ResponseFailed(ListResponse.INVALID_PAGING)
            else:
                first = 0 if reverse else head.num
            found = store.blocks_from(first, descending=not reverse, limit=limit + 1)
            if reverse:
                found = [r for r in found if r.num <= head.num]
            paging = ClientPagingResponse(limit=limit)
            if found:
                paging.start = block_num_hex(found[0].num)
            if len(found) > limit:
                paging.next = block_num_hex(found[limit].num)
                found = found[:limit]
        if not found:
            return ListResponse(status=ListResponse.NO_RESOURCE, head_id=head.id, paging=paging)
        return ListResponse(
            status=ListResponse.OK,
            blocks=[store.block(r) for r in found],
            head_id=head.id,
            paging=paging,
        )

    def answer(record: BlockRecord | None) -> cb.ClientBlockGetResponse:
        if record is None:
            raise ResponseFailed(GetResponse.NO_RESOURCE)
        return GetResponse(status=GetResponse.OK, block=store.block(record))

    def by_id(request: cb.ClientBlockGetByIdRequest) -> cb.ClientBlockGetResponse:
        check_ids([request.block_id], GetResponse.INVALID_ID)
        return answer(store.block_by_id(request.block_id))

    def by_num(request: cb.ClientBlockGetByNumRequest) -> cb.ClientBlockGetResponse:
        return answer(store.block_by_num(request.block_num))

    def by_batch(request: cb.ClientBlockGetByBatchIdRequest) -> cb.ClientBlockGetResponse:
        check_ids([request.batch_id], GetResponse.INVALID_ID)
        num = store.batch_block_num(request.batch_id)
        return answer(None if num is None else store.block_by_num(num))

    def by_txn(request: cb.ClientBlockGetByTransactionIdRequest) -> cb.ClientBlockGetResponse:
        check_ids([request.transaction_id], GetResponse.INVALID_ID)
        num = store.txn_block_num(request.transaction_id)
        return answer(None if num is None else store.block_by_num(num))

    M = Message
    ep = node.endpoint
    serve(ep, M.CLIENT_BLOCK_LIST_REQUEST, cb.ClientBlockListRequest,
          M.CLIENT_BLOCK_LIST_RESPONSE, ListResponse, list_)  # fmt: skip
    for request_type, request_cls, respond in (
        (M.CLIENT_BLOCK_GET_BY_ID_REQUEST, cb.ClientBlockGetByIdRequest, by_id),
        (M.CLIENT_BLOCK_GET_BY_NUM_REQUEST, cb.ClientBlockGetByNumRequest, by_num),
        (M.CLIENT_BLOCK_GET_BY_BATCH_ID_REQUEST, cb.ClientBlockGetByBatchIdRequest, by_batch),
        (
            M.CLIENT_BLOCK_GET_BY_TRANSACTION_ID_REQUEST,
            cb.ClientBlockGetByTransactionIdRequest,
            by_txn,
        ),
    ):
        serve(ep, request_type, request_cls, M.CLIENT_BLOCK_GET_RESPONSE, GetResponse, respond)
