"""Batch submission and batch status."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf import client_batch_submit_pb2 as cbs
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.protos.devnet_wire_pb2 import SubmittedBatches

from ..batches import BatchRejected, PendingBatch, check_batch
from ..pending import Wait, absent_families, unmet_dependency
from ..publisher import invalid_status, replay_status
from .common import check_ids, serve_async
from .paging import ResponseFailed

if TYPE_CHECKING:
    from ..node import Devnet

LOGGER = logging.getLogger(__name__)
DEFAULT_WAIT_TIMEOUT = 300
REFUSAL_LOG_PERIOD = 10.0


class _Refusals:
    """Logs why submissions get QUEUE_FULL: the first at once, then at most one line per
    REFUSAL_LOG_PERIOD seconds with the count since (a flood must not flood the log)."""

    def __init__(self) -> None:
        self._logged_at = float("-inf")
        self._since = 0

    def note(self, reason: str) -> None:
        self._since += 1
        now = time.monotonic()
        if now - self._logged_at >= REFUSAL_LOG_PERIOD:
            LOGGER.warning(
                "batches refused with QUEUE_FULL (%d submission(s) since the last such line): %s",
                self._since,
                reason,
            )
            self._logged_at = now
            self._since = 0


def register(node: Devnet) -> None:
    ledger = node.ledger
    refusals = _Refusals()
    SubmitResponse = cbs.ClientBatchSubmitResponse
    StatusResponse = cbs.ClientBatchStatusResponse

    def submit(raw: list[bytes]) -> int:
        if not ledger.queue.has_room_for(len(raw)):
            refusals.note(f"{len(ledger.queue)} batches are pending, {len(raw)} more submitted")
            return SubmitResponse.QUEUE_FULL
        checked: list[PendingBatch] = []
        for batch_bytes in raw:
            try:
                checked.append(check_batch(batch_bytes))
            except BatchRejected as exc:
                LOGGER.info("batch rejected: %s", exc)
                return SubmitResponse.INVALID_BATCH
        return accept(checked)

    def on_submit(identity: bytes, message: Message) -> None:
        try:
            # Each batch as the client sent it, to be checked and stored unchanged.
            raw = list(SubmittedBatches.FromString(message.content).batches)
        except DecodeError:
            status = SubmitResponse.INTERNAL_ERROR
        else:
            status = submit(raw)
        node.endpoint.reply(
            identity,
            message,
            Message.CLIENT_BATCH_SUBMIT_RESPONSE,
            SubmitResponse(status=status).SerializeToString(),
        )

    def accept(batches: list[PendingBatch]) -> int:
        """Queue the new batches (each ready, or waiting for a processor or a dependency) and
        record the invalid ones; QUEUE_FULL, and nothing changes, if a limit would break."""
        store = ledger.store
        queue = ledger.queue
        invalid: list[tuple[str, bytes]] = []
        new: list[tuple[PendingBatch, Wait | None]] = []
        seen: set[str] = set()
        submitted_txns: set[str] = set()  # of the new batches so far: they run first

        def available(dep: str) -> bool:
            return (
                dep in submitted_txns or queue.has_txn(dep) or store.txn_block_num(dep) is not None
            )

        for batch in batches:
            if batch.id in seen or batch.id in queue or store.batch_block_num(batch.id) is not None:
                continue  # a resubmission: the first copy decides
            seen.add(batch.id)
            if batch.problem is not None:
                txn_id, reason = batch.problem
                invalid.append((batch.id, invalid_status(batch.id, txn_id, reason)))
                continue
            replayed = replay_status(store, batch)
            if replayed is not None:
                invalid.append((batch.id, replayed))
                continue
            wait = absent_families(batch, node.registry.has) or unmet_dependency(batch, available)
            new.append((batch, wait))
            submitted_txns.update(t.id for t in batch.txns)
        refusal = queue.refusal(new)
        if refusal is not None:
            refusals.note(refusal)
            return SubmitResponse.QUEUE_FULL
        for batch, wait in new:
            queue.add(batch, wait)
        if invalid:
            store.record_invalid(invalid)
            for batch_id, _ in invalid:
                LOGGER.info("batch %s invalid at submission", batch_id[:16])
        node.publisher.wake()
        return SubmitResponse.OK

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
