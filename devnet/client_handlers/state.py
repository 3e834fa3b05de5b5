"""State get and list, at the head's state root or a given root."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sawtooth_sdk.protobuf import client_state_pb2 as cs
from sawtooth_sdk.protobuf.client_list_control_pb2 import ClientPagingResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message

from ..ids import is_address, is_namespace, is_state_root
from .common import serve
from .paging import ResponseFailed, is_reverse, page_limit

if TYPE_CHECKING:
    from ..node import Devnet


def register(node: Devnet) -> None:
    store = node.ledger.store
    ListResponse = cs.ClientStateListResponse
    GetResponse = cs.ClientStateGetResponse

    def root_of(request: cs.ClientStateListRequest | cs.ClientStateGetRequest, status) -> str:
        if request.state_root:
            if not is_state_root(request.state_root):
                raise ResponseFailed(status.INVALID_ROOT)
            root = request.state_root
        else:
            if not node.ledger.has_head:
                raise ResponseFailed(status.NOT_READY)
            root = node.ledger.head.state_root
        if not store.merkle.has_root(root):
            raise ResponseFailed(status.NO_ROOT)
        return root

    def get(request: cs.ClientStateGetRequest) -> cs.ClientStateGetResponse:
        root = root_of(request, GetResponse)
        if not is_namespace(request.address):
            raise ResponseFailed(GetResponse.INVALID_ADDRESS)
        if not is_address(request.address):
            # A shorter prefix never holds a value; a real 1.2 validator answers "not found".
            raise ResponseFailed(GetResponse.NO_RESOURCE)
        value = store.merkle.get(root, request.address)
        if value is None:
            raise ResponseFailed(GetResponse.NO_RESOURCE)
        return GetResponse(status=GetResponse.OK, value=value, state_root=root)

    def nothing(root: str) -> cs.ClientStateListResponse:
        return ListResponse(
            status=ListResponse.NO_RESOURCE, state_root=root, paging=ClientPagingResponse()
        )

    def unknown_start(root: str, prefix: str) -> cs.ClientStateListResponse:
        """A start that is not listed: INVALID_PAGING, unless nothing is listed at all."""
        if any(True for _ in store.merkle.leaves(root, prefix, limit=1)):
            raise ResponseFailed(ListResponse.INVALID_PAGING)
        return nothing(root)

    def list_(request: cs.ClientStateListRequest) -> cs.ClientStateListResponse:
        root = root_of(request, ListResponse)
        if not is_namespace(request.address):
            raise ResponseFailed(ListResponse.INVALID_ADDRESS)
        reverse = is_reverse(request.sorting, "default", ListResponse.INVALID_SORT)
        limit = page_limit(request.paging)
        start = request.paging.start
        if reverse:
            leaves = list(store.merkle.leaves(root, request.address))
            leaves.reverse()
            if not leaves:
                return nothing(root)
            first = 0
            if start:
                addresses = [a for a, _ in leaves]
                if start not in addresses:
                    raise ResponseFailed(ListResponse.INVALID_PAGING)
                first = addresses.index(start)
            page = leaves[first : first + limit + 1]
        else:
            if start and not (is_address(start) and start.startswith(request.address)):
                return unknown_start(root, request.address)
            page = list(store.merkle.leaves(root, request.address, start or None, limit + 1))
            if start and (not page or page[0][0] != start):
                return unknown_start(root, request.address)
            if not page:
                return nothing(root)
        paging = ClientPagingResponse(start=page[0][0], limit=limit)
        if len(page) > limit:
            paging.next = page[limit][0]
        entries = [ListResponse.Entry(address=a, data=d) for a, d in page[:limit]]
        return ListResponse(status=ListResponse.OK, entries=entries, state_root=root, paging=paging)

    serve(
        node.endpoint,
        Message.CLIENT_STATE_GET_REQUEST,
        cs.ClientStateGetRequest,
        Message.CLIENT_STATE_GET_RESPONSE,
        GetResponse,
        get,
    )
    serve(
        node.endpoint,
        Message.CLIENT_STATE_LIST_REQUEST,
        cs.ClientStateListRequest,
        Message.CLIENT_STATE_LIST_RESPONSE,
        ListResponse,
        list_,
    )
