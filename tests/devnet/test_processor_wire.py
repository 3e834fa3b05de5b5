"""The processor protocol at the message level, with this test as the processor."""

from __future__ import annotations

from sawtooth_sdk.protobuf import state_context_pb2 as sc
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus
from sawtooth_sdk.protobuf.network_pb2 import PingResponse
from sawtooth_sdk.protobuf.processor_pb2 import (
    TpProcessRequest,
    TpProcessResponse,
    TpRegisterRequest,
    TpRegisterResponse,
)
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.ledger.transactions import make_batch, make_transaction
from tests.devnet.conftest import until
from tests.devnet.helpers import ZmqClient

M = Message
ADDRESS = "abcdef" + "0" * 64


async def register(processor: ZmqClient, **fields) -> TpRegisterResponse:
    request = TpRegisterRequest(family="wire", version="1.0", namespaces=["abcdef"], **fields)
    return await processor.ask(M.TP_REGISTER_REQUEST, request, TpRegisterResponse)


async def test_newer_protocol_versions_are_refused(devnet) -> None:
    processor = ZmqClient(devnet.url)
    try:
        response = await register(processor, protocol_version=2)
        assert response.status == TpRegisterResponse.ERROR
        assert response.protocol_version == 1
        response = await register(processor, protocol_version=1)
        assert response.status == TpRegisterResponse.OK and response.protocol_version == 1
    finally:
        await processor.close()


async def test_raw_header_style_state_calls_and_pings(devnet, client, signer) -> None:
    processor = ZmqClient(devnet.url)
    try:
        response = await register(
            processor, protocol_version=1, request_header_style=TpRegisterRequest.RAW
        )
        assert response.status == TpRegisterResponse.OK
        await until(lambda: devnet.registry.has(("wire", "1.0")))
        txn = make_transaction(signer, "wire", "1.0", b"p", [ADDRESS], [ADDRESS])
        batch = make_batch(signer, [txn])
        assert await client.submit(batch) == 1
        request_message = await processor.next_request(M.TP_PROCESS_REQUEST)
        request = TpProcessRequest.FromString(request_message.content)
        assert request.header_bytes == txn.header and not request.HasField("header")
        assert TransactionHeader.FromString(request.header_bytes).family_name == "wire"
        assert request.signature == txn.header_signature and request.payload == b"p"
        context = request.context_id

        got = await processor.ask(
            M.TP_STATE_GET_REQUEST,
            sc.TpStateGetRequest(context_id=context, addresses=[ADDRESS]),
            sc.TpStateGetResponse,
        )
        assert got.status == sc.TpStateGetResponse.OK
        assert [(e.address, e.data) for e in got.entries] == [(ADDRESS, b"")]
        refused = await processor.ask(
            M.TP_STATE_SET_REQUEST,
            sc.TpStateSetRequest(
                context_id=context, entries=[sc.TpStateEntry(address="ab" * 35, data=b"x")]
            ),
            sc.TpStateSetResponse,
        )
        assert refused.status == sc.TpStateSetResponse.AUTHORIZATION_ERROR
        short = await processor.ask(
            M.TP_STATE_GET_REQUEST,
            sc.TpStateGetRequest(context_id=context, addresses=["abcdef"]),
            sc.TpStateGetResponse,
        )
        assert short.status == sc.TpStateGetResponse.AUTHORIZATION_ERROR
        stored = await processor.ask(
            M.TP_STATE_SET_REQUEST,
            sc.TpStateSetRequest(context_id=context, entries=[sc.TpStateEntry(address=ADDRESS)]),
            sc.TpStateSetResponse,
        )
        assert list(stored.addresses) == [ADDRESS]
        await processor.reply(
            request_message,
            M.TP_PROCESS_RESPONSE,
            TpProcessResponse(status=TpProcessResponse.OK),
        )
        [status] = await client.statuses(batch.header_signature)
        assert status.status == ClientBatchStatus.COMMITTED
        # Empty bytes were set, not deleted.
        assert devnet.store.merkle.get(devnet.ledger.head.state_root, ADDRESS) == b""

        ping = await processor.next_request(M.PING_REQUEST, timeout=5)
        await processor.reply(ping, M.PING_RESPONSE, PingResponse())
    finally:
        await processor.close()
