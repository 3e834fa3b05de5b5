"""Sawtooth's paging of client lists: `start` names the first item (an id or address), `limit`
is at most 1000 and 0 means 100; `next` names the item after the page, if any."""

from __future__ import annotations

from collections.abc import Sequence

from sawtooth_sdk.protobuf.client_list_control_pb2 import ClientPagingControls, ClientPagingResponse

MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100


class ResponseFailed(Exception):
    """Answer with this status and nothing else."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def page_limit(paging: ClientPagingControls) -> int:
    return min(paging.limit, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE


def paginate(
    ids: Sequence[str], paging: ClientPagingControls, invalid_paging: int
) -> tuple[int, int, ClientPagingResponse]:
    """(first index, end index, paging response) of the page of `ids`; empty ids: (0, 0, {})."""
    if not ids:
        return 0, 0, ClientPagingResponse()
    limit = page_limit(paging)
    if paging.start:
        try:
            first = ids.index(paging.start)
        except ValueError:
            raise ResponseFailed(invalid_paging) from None
    else:
        first = 0
    end = first + limit
    response = ClientPagingResponse(start=ids[first], limit=limit)
    if end < len(ids):
        response.next = ids[end]
    return first, min(end, len(ids)), response


def is_reverse(sorting: Sequence, key: str, invalid_sort: int) -> bool:
    """Sawtooth honours only its one sort key per resource, reversed or not."""
    if not sorting:
        return False
    if list(sorting[0].keys) != [key]:
        raise ResponseFailed(invalid_sort)
    return bool(sorting[0].reverse)
