"""Batch submission and batch status."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sawtooth_sdk.protobuf import client_batch_submit_pb2 as cbs
from sawtooth_sdk.protobuf.validator_pb2 import Message

from .. import wire
from ..batches import BatchRejected, PendingBatch, check_batch
from ..parsing import Frame
from ..publisher import invalid_status, replay_status
from .common import check_ids, serve_async
from .paging import ResponseFailed

if TYPE_CHECKING:
    from ..node import Devnet

LOGGER = logging.getLogger(__name__)
DEFAULT_WAIT_TIMEOUT = 300


def register(node: Devnet) -> None:
    ledger = node.ledger
    SubmitResponse = cbs.ClientBatchSubmitResponse
    StatusResponse = cbs.ClientBatchStatusResponse

    def submit(raw: list[bytes]) -> int:
        if not ledger.queue.has_room_for(len(raw)):
            return SubmitResponse.QUEUE_FULL
        checked: list[PendingBatch] = []
        for batch_bytes in raw:
            try:
                checked.append(check_batch(batch_bytes))
            except BatchRejected as exc:
                LOGGER.info("batch rejected: %s", exc)
                return SubmitResponse.INVALID_BATCH
        accept(checked)
        return SubmitResponse.OK

    def on_submit(identity: bytes, message: Frame) -> None:
        try:
            raw = wire.repeated_field(message.content, 1)
        except ValueError:
            status = SubmitResponse.INTERNAL_ERROR
        else:
            status = submit(raw)
        node.endpoint.reply(
            identity,
            message,
            Message.CLIENT_BATCH_SUBMIT_RESPONSE,
            SubmitResponse(status=status).SerializeToString(),
        )

    def accept(batches: list[PendingBatch]) -> None:
        store = ledger.store
        invalid: list[tuple[str, bytes]] = []
        for batch in batches:
            if store.batch_block_num(batch.id) is not None or batch.id in ledger.queue:
                continue  # a resubmission: the first copy decides
            if batch.problem is not None:
                txn_id, reason = batch.problem
                invalid.append((batch.id, invalid_status(batch.id, txn_id, reason)))
                continue
            replayed = replay_status(store, batch)
            if replayed is not None:
                invalid.append((batch.id, replayed))
                continue
            ledger.queue.add(batch)
        if invalid:
            store.record_invalid(invalid)
            for batch_id, _ in invalid:
                LOGGER.info("batch %s invalid at submission", batch_id[:16])
        node.publisher.wake()

    async def status(request: cbs.ClientBatchStatusRequest) -> cbs.ClientBatchStatusResponse:
        check_ids(request.batch_ids, StatusResponse.INVALID_ID)
        if not request.batch_ids:
            raise ResponseFailed(StatusResponse.NO_RESOURCE)
        if request.wait:
            statuses = await ledger.wait_statuses(
                request.batch_ids, request.timeout or DEFAULT_WAIT_TIMEOUT
            )
        else:
            statuses = ledger.statuses(request.batch_ids)
        return StatusResponse(status=StatusResponse.OK, batch_statuses=statuses)

    node.endpoint.on(Message.CLIENT_BATCH_SUBMIT_REQUEST, on_submit)
    serve_async(
        node.endpoint,
        Message.CLIENT_BATCH_STATUS_REQUEST,
        cbs.ClientBatchStatusRequest,
        Message.CLIENT_BATCH_STATUS_RESPONSE,
        StatusResponse,
        status,
    )
