"""The REST API's routes: each turns an HTTP request into one client request to the validator
(Sawtooth's client_*_pb2 messages) and its answer into Sawtooth's JSON envelope."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from google.protobuf.message import DecodeError
from google.protobuf.message import Message as ProtoMessage
from sawtooth_sdk.protobuf import (
    client_batch_pb2,
    client_batch_submit_pb2,
    client_block_pb2,
    client_peers_pb2,
    client_receipt_pb2,
    client_state_pb2,
    client_status_pb2,
    client_transaction_pb2,
)
from sawtooth_sdk.protobuf.batch_pb2 import BatchList
from sawtooth_sdk.protobuf.block_pb2 import BlockHeader
from sawtooth_sdk.protobuf.client_list_control_pb2 import ClientPagingControls
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger.errors import ValidatorTimeout, ValidatorUnavailable
from smartblocks.ledger.validator import ValidatorClient

from ..stages import REST_DECODE, STAGES
from . import errors, params, render, status_extras

LOGGER = logging.getLogger(__name__)

# Validator answer statuses that mean the same on every route.
_COMMON_FAILURES: dict[str, type[errors.ApiError]] = {
    "INTERNAL_ERROR": errors.UnknownValidatorError,
    "ERROR": errors.UnknownValidatorError,
    "NOT_READY": errors.ValidatorNotReady,
    "NO_ROOT": errors.HeadNotFound,
    "INVALID_ROOT": errors.HeadNotFound,
    "INVALID_PAGING": errors.PagingInvalid,
    "INVALID_SORT": errors.SortInvalid,
    "INVALID_ID": errors.InvalidResourceId,
    "INVALID_ADDRESS": errors.InvalidStateAddress,
}
# For list requests an empty list is an answer, not a failure.
_LIST: dict[str, type[errors.ApiError] | None] = {"NO_RESOURCE": None}


def _respond(envelope: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(status=status, content_type="application/json", text=render.dumps(envelope))


async def _read_body(request: web.Request) -> bytes:
    """The body as sent; a compressed one is refused (the server does not decode bodies)."""
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise errors.ContentEncodingUnsupported(f"Got {encoding!r}.")
    return await request.read()


async def _requested_ids(
    request: web.Request,
    wrong_content_type: type[errors.ApiError],
    body_invalid: type[errors.ApiError],
    query_invalid: type[errors.ApiError],
) -> list[str]:
    """The ids a POST sends as a JSON array, or a GET as the `id` query parameter."""
    if request.method != "POST":
        ids = params.filter_ids(request)
        if not ids:
            raise query_invalid()
        return ids
    if request.content_type != "application/json":
        raise wrong_content_type(f"Got {request.content_type!r}.")
    try:
        body = json.loads(await _read_body(request))
    except (ValueError, UnicodeDecodeError):
        raise body_invalid("The body is not JSON.") from None
    except RecursionError:  # e.g. '[' x 100,000: deeper than the parser goes
        raise body_invalid("The body nests JSON too deeply.") from None
    if not body or not isinstance(body, list) or not all(isinstance(i, str) for i in body):
        raise body_invalid()
    return [params.check_id(i) for i in body]


def _respond_to_ids(request: web.Request, data: list[Any]) -> web.Response:
    """A POST's ids are in its body, so only a GET's answer links back to itself."""
    if request.method == "POST":
        return _respond({"data": data})
    return _respond({"data": data, "link": params.build_url(request)})


class Routes:
    def __init__(self, connection: ValidatorClient, timeout: float) -> None:
        self.connection = connection
        self.timeout = timeout

    def add_to(self, app: web.Application) -> None:
        app.router.add_post("/batches", self.submit_batches)
        app.router.add_get("/batches", self.list_batches)
        app.router.add_get("/batches/{batch_id}", self.fetch_batch)
        app.router.add_get("/batch_statuses", self.batch_statuses)
        app.router.add_post("/batch_statuses", self.batch_statuses)
        app.router.add_get("/state", self.list_state)
        app.router.add_get("/state/{address}", self.fetch_state)
        app.router.add_get("/blocks", self.list_blocks)
        app.router.add_get("/blocks/{block_id}", self.fetch_block)
        app.router.add_get("/transactions", self.list_transactions)
        app.router.add_get("/transactions/{transaction_id}", self.fetch_transaction)
        app.router.add_get("/receipts", self.receipts)
        app.router.add_post("/receipts", self.receipts)
        app.router.add_get("/peers", self.peers)
        app.router.add_get("/status", self.status)

    async def _send(self, request_type: int, query: ProtoMessage) -> Message:
        return await self._send_bytes(request_type, query.SerializeToString())

    async def _send_bytes(self, request_type: int, content: bytes) -> Message:
        try:
            return await self.connection.request(request_type, content, self.timeout)
        except ValidatorUnavailable as exc:
            raise errors.ValidatorDisconnected(f"({exc})") from None
        except ValidatorTimeout:
            raise errors.ValidatorTimedOut() from None

    @staticmethod
    def _decode(
        message: Message,
        answer_type: type[ProtoMessage],
        traps: dict[str, type[errors.ApiError] | None] | None = None,
    ) -> Any:
        """The validator's answer; a failure status becomes the matching ApiError (`traps`
        first: route-specific meanings; None there means "not a failure")."""
        answer = answer_type()
        try:
            answer.ParseFromString(message.content)
            status_name = answer_type.Status.Name(answer.status)  # type: ignore[attr-defined]
        except Exception:  # a broken answer, whatever the parser raises
            raise errors.ValidatorResponseInvalid() from None
        if status_name == "OK":
            return answer
        traps = traps or {}
        if status_name in traps:
            failure = traps[status_name]
            if failure is None:
                return answer
            raise failure()
        if status_name in _COMMON_FAILURES:
            raise _COMMON_FAILURES[status_name]()
        LOGGER.error("validator answered %s with status %s", answer_type.__name__, status_name)
        raise errors.ValidatorResponseInvalid(f"Status {status_name}.")

    async def _ask(
        self,
        request_type: int,
        answer_type: type[ProtoMessage],
        query: ProtoMessage,
        traps: dict[str, type[errors.ApiError] | None] | None = None,
    ) -> Any:
        return self._decode(await self._send(request_type, query), answer_type, traps)

    async def _head_block(self, head_id: str | None) -> tuple[str, str]:
        """(block id, state root) of the block a state query reads at: `head`, or the chain
        head. Only the header is decoded: rendering a large block cost ~50 ms per query."""
        if head_id:
            answer = await self._ask(
                Message.CLIENT_BLOCK_GET_BY_ID_REQUEST,
                client_block_pb2.ClientBlockGetResponse,
                client_block_pb2.ClientBlockGetByIdRequest(block_id=head_id),
                {"NO_RESOURCE": errors.BlockNotFound},
            )
            block = answer.block
        else:
            answer = await self._ask(
                Message.CLIENT_BLOCK_LIST_REQUEST,
                client_block_pb2.ClientBlockListResponse,
                client_block_pb2.ClientBlockListRequest(paging=ClientPagingControls(limit=1)),
                _LIST,
            )
            if not answer.blocks:
                raise errors.ValidatorNotReady()
            block = answer.blocks[0]
        header = BlockHeader.FromString(block.header)
        return block.header_signature, header.state_root_hash

    def _page(self, request: web.Request, data: list[Any], head: str, answer: Any) -> web.Response:
        """A list answer: data, head, link, and paging {start, limit[, next_position, next]}."""
        limit = params.limit(request)
        start = request.query.get("start")
        link = params.build_url(
            request,
            head=head,
            start=answer.paging.start or None,
            limit=answer.paging.limit or None,
        )
        paging: dict[str, Any] = {"limit": limit, "start": start}
        if answer.paging.next:
            paging["next_position"] = answer.paging.next
            paging["next"] = params.build_url(
                request, head=head, limit=limit, start=answer.paging.next
            )
        return _respond({"data": data, "head": head, "link": link, "paging": paging})

    # --- batches -------------------------------------------------------------------------

    async def submit_batches(self, request: web.Request) -> web.Response:
        if request.content_type != "application/octet-stream":
            raise errors.SubmissionWrongContentType(f"Got {request.content_type!r}.")
        body = await _read_body(request)
        if not body:
            raise errors.NoBatchesSubmitted()
        clock = STAGES.start()
        try:
            batches = BatchList.FromString(body).batches
        except DecodeError:
            raise errors.BadProtobufSubmitted() from None
        if not batches:
            raise errors.NoBatchesSubmitted()
        ids = [b.header_signature for b in batches]
        STAGES.stop(REST_DECODE, clock, len(ids))
        # A BatchList's batches are field 1, as a ClientBatchSubmitRequest's: the body is the
        # request, so the validator gets each batch exactly as the client sent it.
        answer = await self._send_bytes(Message.CLIENT_BATCH_SUBMIT_REQUEST, body)
        self._decode(
            answer,
            client_batch_submit_pb2.ClientBatchSubmitResponse,
            {
                "INVALID_BATCH": errors.SubmittedBatchesInvalid,
                "QUEUE_FULL": errors.BatchQueueFull,
            },
        )
        link = params.build_url(request, path="/batch_statuses", id=",".join(ids))
        return _respond({"link": link}, status=202)

    async def batch_statuses(self, request: web.Request) -> web.Response:
        ids = await _requested_ids(
            request,
            errors.StatusWrongContentType,
            errors.StatusBodyInvalid,
            errors.StatusIdQueryInvalid,
        )
        query = client_batch_submit_pb2.ClientBatchStatusRequest(batch_ids=ids)
        wait = params.wait_seconds(request, self.timeout)
        if wait is not None:
            query.wait = True
            query.timeout = wait
        answer = await self._ask(
            Message.CLIENT_BATCH_STATUS_REQUEST,
            client_batch_submit_pb2.ClientBatchStatusResponse,
            query,
            {"NO_RESOURCE": errors.StatusResponseMissing},
        )
        data = render.tidy([render.to_dict(s) for s in answer.batch_statuses])
        return _respond_to_ids(request, data)

    async def list_batches(self, request: web.Request) -> web.Response:
        answer = await self._ask(
            Message.CLIENT_BATCH_LIST_REQUEST,
            client_batch_pb2.ClientBatchListResponse,
            client_batch_pb2.ClientBatchListRequest(
                head_id=params.head(request),
                batch_ids=params.filter_ids(request),
                paging=params.paging(request),
                sorting=params.sorting(request, "default"),
            ),
            _LIST,
        )
        data = [render.batch(b) for b in answer.batches]
        return self._page(request, data, answer.head_id, answer)

    async def fetch_batch(self, request: web.Request) -> web.Response:
        answer = await self._ask(
            Message.CLIENT_BATCH_GET_REQUEST,
            client_batch_pb2.ClientBatchGetResponse,
            client_batch_pb2.ClientBatchGetRequest(
                batch_id=params.check_id(request.match_info["batch_id"])
            ),
            {"NO_RESOURCE": errors.BatchNotFound},
        )
        data = render.batch(answer.batch)
        return _respond({"data": data, "link": params.build_url(request)})

    # --- blocks and transactions ---------------------------------------------------------

    async def list_blocks(self, request: web.Request) -> web.Response:
        answer = await self._ask(
            Message.CLIENT_BLOCK_LIST_REQUEST,
            client_block_pb2.ClientBlockListResponse,
            client_block_pb2.ClientBlockListRequest(
                head_id=params.head(request),
                block_ids=params.filter_ids(request),
                paging=params.paging(request),
                sorting=params.sorting(request, "block_num"),
            ),
            _LIST,
        )
        data = [render.block(b) for b in answer.blocks]
        return self._page(request, data, answer.head_id, answer)

    async def fetch_block(self, request: web.Request) -> web.Response:
        answer = await self._ask(
            Message.CLIENT_BLOCK_GET_BY_ID_REQUEST,
            client_block_pb2.ClientBlockGetResponse,
            client_block_pb2.ClientBlockGetByIdRequest(
                block_id=params.check_id(request.match_info["block_id"])
            ),
            {"NO_RESOURCE": errors.BlockNotFound},
        )
        data = render.block(answer.block)
        return _respond({"data": data, "link": params.build_url(request)})

    async def list_transactions(self, request: web.Request) -> web.Response:
        answer = await self._ask(
            Message.CLIENT_TRANSACTION_LIST_REQUEST,
            client_transaction_pb2.ClientTransactionListResponse,
            client_transaction_pb2.ClientTransactionListRequest(
                head_id=params.head(request),
                transaction_ids=params.filter_ids(request),
                paging=params.paging(request),
                sorting=params.sorting(request, "default"),
            ),
            _LIST,
        )
        data = [render.transaction(t) for t in answer.transactions]
        return self._page(request, data, answer.head_id, answer)

    async def fetch_transaction(self, request: web.Request) -> web.Response:
        answer = await self._ask(
            Message.CLIENT_TRANSACTION_GET_REQUEST,
            client_transaction_pb2.ClientTransactionGetResponse,
            client_transaction_pb2.ClientTransactionGetRequest(
                transaction_id=params.check_id(request.match_info["transaction_id"])
            ),
            {"NO_RESOURCE": errors.TransactionNotFound},
        )
        data = render.transaction(answer.transaction)
        return _respond({"data": data, "link": params.build_url(request)})

    async def receipts(self, request: web.Request) -> web.Response:
        ids = await _requested_ids(
            request,
            errors.ReceiptWrongContentType,
            errors.ReceiptBodyInvalid,
            errors.ReceiptIdQueryInvalid,
        )
        answer = await self._ask(
            Message.CLIENT_RECEIPT_GET_REQUEST,
            client_receipt_pb2.ClientReceiptGetResponse,
            client_receipt_pb2.ClientReceiptGetRequest(transaction_ids=ids),
            {"NO_RESOURCE": errors.ReceiptNotFound},
        )
        data = render.tidy([render.to_dict(r) for r in answer.receipts])
        return _respond_to_ids(request, data)

    # --- state ---------------------------------------------------------------------------

    async def list_state(self, request: web.Request) -> web.Response:
        paging = params.paging(request)
        sorting = params.sorting(request, "default")
        address = params.check_address(request.query.get("address", ""))
        head, state_root = await self._head_block(params.head(request))
        answer = await self._ask(
            Message.CLIENT_STATE_LIST_REQUEST,
            client_state_pb2.ClientStateListResponse,
            client_state_pb2.ClientStateListRequest(
                state_root=state_root,
                address=address,
                paging=paging,
                sorting=sorting,
            ),
            _LIST,
        )
        data = [render.to_dict(e) for e in answer.entries]
        return self._page(request, data, head, answer)

    async def fetch_state(self, request: web.Request) -> web.Response:
        address = params.check_address(request.match_info["address"])
        head, state_root = await self._head_block(params.head(request))
        answer = await self._ask(
            Message.CLIENT_STATE_GET_REQUEST,
            client_state_pb2.ClientStateGetResponse,
            client_state_pb2.ClientStateGetRequest(state_root=state_root, address=address),
            {"NO_RESOURCE": errors.StateNotFound},
        )
        data = render.to_dict(answer)["value"]
        return _respond({"data": data, "head": head, "link": params.build_url(request, head=head)})

    # --- the validator itself ------------------------------------------------------------

    async def peers(self, request: web.Request) -> web.Response:
        answer = await self._ask(
            Message.CLIENT_PEERS_GET_REQUEST,
            client_peers_pb2.ClientPeersGetResponse,
            client_peers_pb2.ClientPeersGetRequest(),
        )
        return _respond({"data": list(answer.peers), "link": params.build_url(request)})

    async def status(self, request: web.Request) -> web.Response:
        message = await self._send(
            Message.CLIENT_STATUS_GET_REQUEST, client_status_pb2.ClientStatusGetRequest()
        )
        answer = self._decode(message, client_status_pb2.ClientStatusGetResponse)
        data: dict[str, Any] = status_extras.decode(message.content)
        data["endpoint"] = answer.endpoint
        data["peers"] = [{"endpoint": p.endpoint} for p in answer.peers]
        return _respond({"data": data, "link": params.build_url(request)})
