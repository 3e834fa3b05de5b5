"""A small fake validator answering Sawtooth's client requests over a real ZMQ ROUTER, and
fixtures that put the REST API (real HTTP on 127.0.0.1) in front of it.

The fake's chain: genesis plus blocks 1..4, each block n holding one batch of n transactions;
transaction k of the chain writes address `address(k)`. It follows the validator's semantics
for what the REST API relies on: lists newest first, block positions `0x%016x`, other list
positions are ids/addresses, limit capped at 1000 (default 100), INVALID_PAGING for an unknown
start, NO_ROOT for an unknown head, NO_RESOURCE for misses, signature checks on submit.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
import zmq
import zmq.asyncio
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
from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader
from sawtooth_sdk.protobuf.block_pb2 import Block, BlockHeader
from sawtooth_sdk.protobuf.client_list_control_pb2 import ClientPagingResponse
from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, TransactionReceipt
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.devnet.rest_api import start_rest_api
from smartblocks.ledger.events import NULL_BLOCK_ID
from smartblocks.ledger.keys import Signer, verify
from smartblocks.ledger.transactions import make_batch, make_transaction

NAMESPACE = hashlib.sha512(b"intkey").hexdigest()[:6]
BatchStatus = client_batch_submit_pb2.ClientBatchStatus
_ID = re.compile(r"[0-9a-f]{128}")
_ADDRESS = re.compile(r"(?:[0-9a-f]{2}){0,35}")


def address(k: int) -> str:
    return NAMESPACE + hashlib.sha512(f"key-{k}".encode()).hexdigest()[:64]


def block_position(num: int) -> str:
    return f"0x{num:016x}"


class FakeValidator:
    """Canned chain, state, statuses and receipts behind a ZMQ ROUTER."""

    NAMESPACE = NAMESPACE
    address = staticmethod(address)

    def __init__(self, blocks: int = 5) -> None:
        self.key = Signer.generate()
        self.client_key = Signer.generate()
        self.blocks: list[Block] = []
        self.snapshots: dict[str, dict[str, bytes]] = {}  # state root -> state
        self.statuses: dict[str, BatchStatus] = {}
        self.receipts: dict[str, TransactionReceipt] = {}
        self.submitted: list[Batch] = []
        self.requests: list[tuple[int, ProtoMessage]] = []
        self.arrived: asyncio.Queue[int] = asyncio.Queue()  # message types, as they arrive
        self.peers = ["tcp://10.0.0.2:8800", "tcp://10.0.0.3:8800"]
        self.endpoint = "tcp://10.0.0.1:8800"
        self.status_extras: dict[str, Any] | None = None
        self.queue_full = False
        self.silent = False
        self.corrupt = False  # answer with undecodable content
        # Submitted batches stay PENDING for this many status queries, then take their outcome.
        self.pending_polls = 0
        self.outcomes: dict[str, tuple[int, str]] = {}  # batch id -> (status, invalid message)
        self._polls: dict[str, int] = {}
        self._state: dict[str, bytes] = {}
        self._txn_count = 0
        for _ in range(blocks):
            self.add_block()
        self.url = ""
        self._context = zmq.asyncio.Context()
        self._socket: zmq.asyncio.Socket | None = None
        self._task: asyncio.Task[None] | None = None

    # --- the canned chain ----------------------------------------------------------------

    def make_batch(self, count: int, *, first_key: int) -> Batch:
        txns = [
            make_transaction(
                self.client_key,
                "intkey",
                "1.0",
                f"set key-{k} {k}".encode(),
                [address(k)],
                [address(k)],
                nonce=f"n{k}",
            )
            for k in range(first_key, first_key + count)
        ]
        return make_batch(self.client_key, txns)

    def add_block(self) -> Block:
        num = len(self.blocks)
        batches = [] if num == 0 else [self.make_batch(num, first_key=self._txn_count)]
        for batch in batches:
            for txn in batch.transactions:
                k = self._txn_count
                self._txn_count += 1
                self._state[address(k)] = f"value-{k}".encode()
                self.receipts[txn.header_signature] = TransactionReceipt(
                    transaction_id=txn.header_signature,
                    state_changes=[
                        StateChange(
                            address=address(k), value=self._state[address(k)], type=StateChange.SET
                        )
                    ],
                    events=[
                        Event(
                            event_type="intkey/set",
                            attributes=[Event.Attribute(key="name", value=f"key-{k}")],
                            data=b"\x01",
                        )
                    ],
                    data=[b"receipt-data"],
                )
            self.statuses[batch.header_signature] = BatchStatus(
                batch_id=batch.header_signature, status=BatchStatus.COMMITTED
            )
        root = hashlib.sha512(repr(sorted(self._state.items())).encode()).hexdigest()[:64]
        self.snapshots[root] = dict(self._state)
        header = BlockHeader(
            block_num=num,
            previous_block_id=self.blocks[-1].header_signature if self.blocks else NULL_BLOCK_ID,
            signer_public_key=self.key.public_key,
            batch_ids=[b.header_signature for b in batches],
            consensus=b"Devmode",
            state_root_hash=root,
        ).SerializeToString()
        block = Block(header=header, header_signature=self.key.sign(header), batches=batches)
        self.blocks.append(block)
        return block

    def all_batches(self) -> list[Batch]:
        return [b for block in reversed(self.blocks) for b in block.batches]

    def all_transactions(self) -> list[Transaction]:
        return [t for b in self.all_batches() for t in b.transactions]

    # --- serving -------------------------------------------------------------------------

    async def start(self, url: str = "tcp://127.0.0.1:*") -> None:
        self._socket = self._context.socket(zmq.ROUTER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.bind(url)
        self.url = self._socket.getsockopt_string(zmq.LAST_ENDPOINT)
        self._task = asyncio.create_task(self._serve())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._socket:
            self._socket.close(linger=0)
            self._socket = None

    async def close(self) -> None:
        await self.stop()
        self._context.term()

    async def _serve(self) -> None:
        assert self._socket is not None
        while True:
            identity, payload = await self._socket.recv_multipart()
            request = Message()
            request.ParseFromString(payload)
            handler = self._handlers().get(request.message_type)
            if handler is None:
                continue
            request_type, respond = handler
            query = request_type()
            query.ParseFromString(request.content)
            self.requests.append((request.message_type, query))
            self.arrived.put_nowait(request.message_type)
            if self.silent:
                continue
            answer_message_type, answer = respond(query)
            if self.corrupt:
                answer = b"\xff\xff\xff"
            reply = Message(
                message_type=answer_message_type,
                correlation_id=request.correlation_id,
                content=answer,
            )
            await self._socket.send_multipart([identity, reply.SerializeToString()])

    def _handlers(self) -> dict[int, tuple[Any, Callable[[Any], tuple[int, bytes]]]]:
        def plain(answer_type: int, fn: Callable[[Any], ProtoMessage]):  # type: ignore[no-untyped-def]
            return lambda q: (answer_type, fn(q).SerializeToString())

        M = Message
        return {
            M.CLIENT_BLOCK_LIST_REQUEST: (
                client_block_pb2.ClientBlockListRequest,
                plain(M.CLIENT_BLOCK_LIST_RESPONSE, self._block_list),
            ),
            M.CLIENT_BLOCK_GET_BY_ID_REQUEST: (
                client_block_pb2.ClientBlockGetByIdRequest,
                plain(M.CLIENT_BLOCK_GET_RESPONSE, self._block_get),
            ),
            M.CLIENT_BATCH_LIST_REQUEST: (
                client_batch_pb2.ClientBatchListRequest,
                plain(M.CLIENT_BATCH_LIST_RESPONSE, self._batch_list),
            ),
            M.CLIENT_BATCH_GET_REQUEST: (
                client_batch_pb2.ClientBatchGetRequest,
                plain(M.CLIENT_BATCH_GET_RESPONSE, self._batch_get),
            ),
            M.CLIENT_TRANSACTION_LIST_REQUEST: (
                client_transaction_pb2.ClientTransactionListRequest,
                plain(M.CLIENT_TRANSACTION_LIST_RESPONSE, self._transaction_list),
            ),
            M.CLIENT_TRANSACTION_GET_REQUEST: (
                client_transaction_pb2.ClientTransactionGetRequest,
                plain(M.CLIENT_TRANSACTION_GET_RESPONSE, self._transaction_get),
            ),
            M.CLIENT_STATE_LIST_REQUEST: (
                client_state_pb2.ClientStateListRequest,
                plain(M.CLIENT_STATE_LIST_RESPONSE, self._state_list),
            ),
            M.CLIENT_STATE_GET_REQUEST: (
                client_state_pb2.ClientStateGetRequest,
                plain(M.CLIENT_STATE_GET_RESPONSE, self._state_get),
            ),
            M.CLIENT_BATCH_SUBMIT_REQUEST: (
                client_batch_submit_pb2.ClientBatchSubmitRequest,
                plain(M.CLIENT_BATCH_SUBMIT_RESPONSE, self._submit),
            ),
            M.CLIENT_BATCH_STATUS_REQUEST: (
                client_batch_submit_pb2.ClientBatchStatusRequest,
                plain(M.CLIENT_BATCH_STATUS_RESPONSE, self._batch_status),
            ),
            M.CLIENT_RECEIPT_GET_REQUEST: (
                client_receipt_pb2.ClientReceiptGetRequest,
                plain(M.CLIENT_RECEIPT_GET_RESPONSE, self._receipts),
            ),
            M.CLIENT_PEERS_GET_REQUEST: (
                client_peers_pb2.ClientPeersGetRequest,
                plain(M.CLIENT_PEERS_GET_RESPONSE, self._peers),
            ),
            M.CLIENT_STATUS_GET_REQUEST: (
                client_status_pb2.ClientStatusGetRequest,
                lambda q: (M.CLIENT_STATUS_GET_RESPONSE, self._status()),
            ),
        }

    # --- client request handlers ---------------------------------------------------------

    def _head(self, head_id: str) -> int | None:
        """Index of the head block; None when unknown."""
        if not head_id:
            return len(self.blocks) - 1
        for num, block in enumerate(self.blocks):
            if block.header_signature == head_id:
                return num
        return None

    @staticmethod
    def _limit(paging: Any) -> int:
        return min(paging.limit, 1000) or 100

    def _page_by_id(self, resources: list[Any], query: Any, answer: Any, key: str) -> Any:
        """Sawtooth's paging of batches, transactions and state entries: positions are ids."""
        if query.sorting and list(query.sorting[0].keys) != ["default"]:
            return answer(status=answer.INVALID_SORT)
        if query.sorting and query.sorting[0].reverse:
            resources = resources[::-1]
        if not resources:
            return None
        ids = [getattr(r, key) for r in resources]
        start = 0
        if query.paging.start:
            if query.paging.start not in ids:
                return answer(status=answer.INVALID_PAGING)
            start = ids.index(query.paging.start)
        limit = self._limit(query.paging)
        nxt = ids[start + limit] if start + limit < len(ids) else ""
        paging = ClientPagingResponse(start=ids[start], limit=limit, next=nxt)
        return resources[start : start + limit], paging

    def _block_list(self, q: Any) -> ProtoMessage:
        R = client_block_pb2.ClientBlockListResponse
        if not self.blocks:
            return R(status=R.NOT_READY)
        head = self._head(q.head_id)
        if head is None:
            return R(status=R.NO_ROOT)
        head_id = self.blocks[head].header_signature
        if q.block_ids:
            found = [b for b in self.blocks[: head + 1] if b.header_signature in q.block_ids]
            return R(status=R.OK if found else R.NO_RESOURCE, blocks=found, head_id=head_id)
        if q.sorting and list(q.sorting[0].keys) != ["block_num"]:
            return R(status=R.INVALID_SORT)
        reverse = bool(q.sorting and q.sorting[0].reverse)
        nums = list(range(head + 1)) if reverse else list(range(head, -1, -1))
        if q.paging.start:
            try:
                first = int(q.paging.start, 16)
            except ValueError:
                return R(status=R.INVALID_PAGING)
            if first not in nums:
                return R(status=R.INVALID_PAGING)
            nums = nums[nums.index(first) :]
        limit = self._limit(q.paging)
        page, rest = nums[:limit], nums[limit:]
        paging = ClientPagingResponse(
            start=block_position(page[0]),
            limit=limit,
            next=block_position(rest[0]) if rest else "",
        )
        return R(status=R.OK, blocks=[self.blocks[n] for n in page], head_id=head_id, paging=paging)

    def _block_get(self, q: Any) -> ProtoMessage:
        R = client_block_pb2.ClientBlockGetResponse
        if not _ID.fullmatch(q.block_id):
            return R(status=R.INVALID_ID)
        for block in self.blocks:
            if block.header_signature == q.block_id:
                return R(status=R.OK, block=block)
        return R(status=R.NO_RESOURCE)

    def _chain_list(self, q: Any, R: Any, ids: Any, everything: list[Any], field: str) -> Any:
        head = self._head(q.head_id)
        if head is None:
            return R(status=R.NO_ROOT)
        head_id = self.blocks[head].header_signature
        if ids:
            wanted = {r.header_signature: r for r in everything}
            found = [wanted[i] for i in ids if i in wanted]
            return R(status=R.OK if found else R.NO_RESOURCE, head_id=head_id, **{field: found})
        paged = self._page_by_id(everything, q, R, "header_signature")
        if paged is None:
            return R(status=R.NO_RESOURCE, head_id=head_id)
        if isinstance(paged, ProtoMessage):
            return paged
        page, paging = paged
        return R(status=R.OK, head_id=head_id, paging=paging, **{field: page})

    def _batch_list(self, q: Any) -> ProtoMessage:
        R = client_batch_pb2.ClientBatchListResponse
        return self._chain_list(q, R, q.batch_ids, self.all_batches(), "batches")

    def _transaction_list(self, q: Any) -> ProtoMessage:
        R = client_transaction_pb2.ClientTransactionListResponse
        return self._chain_list(q, R, q.transaction_ids, self.all_transactions(), "transactions")

    def _batch_get(self, q: Any) -> ProtoMessage:
        R = client_batch_pb2.ClientBatchGetResponse
        for batch in self.all_batches():
            if batch.header_signature == q.batch_id:
                return R(status=R.OK, batch=batch)
        return R(status=R.NO_RESOURCE)

    def _transaction_get(self, q: Any) -> ProtoMessage:
        R = client_transaction_pb2.ClientTransactionGetResponse
        for txn in self.all_transactions():
            if txn.header_signature == q.transaction_id:
                return R(status=R.OK, transaction=txn)
        return R(status=R.NO_RESOURCE)

    def _state_list(self, q: Any) -> ProtoMessage:
        R = client_state_pb2.ClientStateListResponse
        if q.state_root not in self.snapshots:
            return R(status=R.NO_ROOT)
        if not _ADDRESS.fullmatch(q.address):
            return R(status=R.INVALID_ADDRESS)
        state = self.snapshots[q.state_root]
        entries = [
            R.Entry(address=a, data=state[a]) for a in sorted(state) if a.startswith(q.address)
        ]
        paged = self._page_by_id(entries, q, R, "address")
        if paged is None:
            return R(status=R.NO_RESOURCE, state_root=q.state_root)
        if isinstance(paged, ProtoMessage):
            return paged
        page, paging = paged
        return R(status=R.OK, entries=page, state_root=q.state_root, paging=paging)

    def _state_get(self, q: Any) -> ProtoMessage:
        R = client_state_pb2.ClientStateGetResponse
        if q.state_root not in self.snapshots:
            return R(status=R.NO_ROOT)
        if not _ADDRESS.fullmatch(q.address):
            return R(status=R.INVALID_ADDRESS)
        value = self.snapshots[q.state_root].get(q.address)
        if value is None:
            return R(status=R.NO_RESOURCE)
        return R(status=R.OK, value=value, state_root=q.state_root)

    def _submit(self, q: Any) -> ProtoMessage:
        R = client_batch_submit_pb2.ClientBatchSubmitResponse
        if self.queue_full:
            return R(status=R.QUEUE_FULL)
        for batch in q.batches:
            if not _batch_is_valid(batch):
                return R(status=R.INVALID_BATCH)
        for batch in q.batches:
            self.submitted.append(batch)
            self.statuses[batch.header_signature] = BatchStatus(
                batch_id=batch.header_signature, status=BatchStatus.PENDING
            )
            self._polls[batch.header_signature] = self.pending_polls
        return R(status=R.OK)

    def _settle(self, batch_id: str) -> None:
        """A submitted batch leaves PENDING after `pending_polls` status queries."""
        if batch_id not in self._polls:
            return
        if self._polls[batch_id] > 0:
            self._polls[batch_id] -= 1
            return
        del self._polls[batch_id]
        status, message = self.outcomes.get(batch_id, (BatchStatus.COMMITTED, ""))
        batch = next(b for b in self.submitted if b.header_signature == batch_id)
        invalid = []
        if status == BatchStatus.INVALID:
            invalid = [
                BatchStatus.InvalidTransaction(
                    transaction_id=batch.transactions[0].header_signature,
                    message=message,
                    extended_data=b"\x00\x01",
                )
            ]
        self.statuses[batch_id] = BatchStatus(
            batch_id=batch_id, status=status, invalid_transactions=invalid
        )

    def _batch_status(self, q: Any) -> ProtoMessage:
        R = client_batch_submit_pb2.ClientBatchStatusResponse
        if not all(_ID.fullmatch(i) for i in q.batch_ids):
            return R(status=R.INVALID_ID)
        for batch_id in q.batch_ids:
            self._settle(batch_id)
        statuses = [
            self.statuses.get(i, BatchStatus(batch_id=i, status=BatchStatus.UNKNOWN))
            for i in q.batch_ids
        ]
        return R(status=R.OK, batch_statuses=statuses)

    def _receipts(self, q: Any) -> ProtoMessage:
        R = client_receipt_pb2.ClientReceiptGetResponse
        if not all(i in self.receipts for i in q.transaction_ids):
            return R(status=R.NO_RESOURCE)
        return R(status=R.OK, receipts=[self.receipts[i] for i in q.transaction_ids])

    def _peers(self, q: Any) -> ProtoMessage:
        R = client_peers_pb2.ClientPeersGetResponse
        return R(status=R.OK, peers=self.peers)

    def _status(self) -> bytes:
        from smartblocks.devnet.rest_api import status_extras

        R = client_status_pb2.ClientStatusGetResponse
        answer = R(
            status=R.OK,
            endpoint=self.endpoint,
            peers=[R.Peer(endpoint=p) for p in self.peers],
        ).SerializeToString()
        if self.status_extras is not None:
            answer = status_extras.encode(answer, self.status_extras)
        return answer


def _batch_is_valid(batch: Batch) -> bool:
    header = BatchHeader()
    header.ParseFromString(batch.header)
    if not verify(batch.header_signature, batch.header, header.signer_public_key):
        return False
    if list(header.transaction_ids) != [t.header_signature for t in batch.transactions]:
        return False
    for txn in batch.transactions:
        txn_header = TransactionHeader()
        txn_header.ParseFromString(txn.header)
        if not verify(txn.header_signature, txn.header, txn_header.signer_public_key):
            return False
        if hashlib.sha512(txn.payload).hexdigest() != txn_header.payload_sha512:
            return False
    return True


@pytest.fixture
async def validator() -> AsyncIterator[FakeValidator]:
    fake = FakeValidator()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def rest_url(validator: FakeValidator) -> AsyncIterator[str]:
    """The REST API on a free port of 127.0.0.1, in front of the fake validator."""
    runner = await start_rest_api(validator.url, "127.0.0.1", 0, timeout=5.0)
    try:
        port = runner.addresses[0][1]
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
