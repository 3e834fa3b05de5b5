"""The REST client against the REST API + fake validator, and against a tiny HTTP server that
answers with error envelopes, non-JSON bodies, or not at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp import web
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus

from smartblocks.ledger.errors import UserError
from smartblocks.ledger.rest import (
    BatchInvalid,
    BatchTimeout,
    RestClient,
    RestError,
    run,
)
from smartblocks.ledger.transactions import make_batch

UNKNOWN_ID = "ab" * 64


@pytest.fixture
async def client(rest_url: str) -> AsyncIterator[RestClient]:
    async with RestClient(rest_url, timeout=5) as c:
        yield c


async def test_submit_and_wait_until_committed(validator, client):
    validator.pending_polls = 1  # the first status query still sees PENDING
    batch = validator.make_batch(2, first_key=900)
    statuses = await client.submit_and_wait([batch], timeout=5)
    assert statuses == [
        {"id": batch.header_signature, "status": "COMMITTED", "invalid_transactions": []}
    ]
    assert validator.submitted == [batch]


async def test_submit_and_wait_names_the_processors_reason(validator, client):
    batch = validator.make_batch(1, first_key=901)
    validator.outcomes[batch.header_signature] = (
        ClientBatchStatus.INVALID,
        "meter m-1: window 10:00 does not follow 10:15",
    )
    with pytest.raises(BatchInvalid) as caught:
        await client.submit_and_wait([batch])
    assert "meter m-1: window 10:00 does not follow 10:15" in str(caught.value)
    assert batch.header_signature[:16] in str(caught.value)
    assert caught.value.statuses[0]["status"] == "INVALID"


async def test_submit_and_wait_gives_up_on_pending(validator, client):
    validator.pending_polls = 10**6
    batch = validator.make_batch(1, first_key=902)
    with pytest.raises(BatchTimeout) as caught:
        await client.submit_and_wait([batch], timeout=0.3)
    assert "PENDING" in str(caught.value)
    assert caught.value.statuses[0]["status"] == "PENDING"


async def test_rejected_submission_is_a_rest_error(validator, client, rest_url):
    batch = validator.make_batch(1, first_key=903)
    batch.header_signature = "0" * 128
    with pytest.raises(RestError) as caught:
        await client.submit_batches([batch])
    error = caught.value
    assert (error.status, error.code, error.title) == (400, 30, "Submitted Batches Invalid")
    assert str(error).startswith(
        f"POST {rest_url}/batches: 400 Submitted Batches Invalid (code 30): "
    )


async def test_batch_statuses_few_by_get_many_by_post(validator, client):
    few = await client.batch_statuses([UNKNOWN_ID])
    assert few == [{"id": UNKNOWN_ID, "status": "UNKNOWN", "invalid_transactions": []}]
    many_ids = [f"{i:0128x}" for i in range(20)]
    many = await client.batch_statuses(many_ids, wait=1)
    assert [s["id"] for s in many] == many_ids
    query = [q for _, q in validator.requests][-1]
    assert (query.wait, query.timeout) == (True, 1)


async def test_state_entry_and_missing_entry(validator, client):
    assert await client.state(validator.address(2)) == b"value-2"
    assert await client.state(validator.address(4242)) is None
    older = validator.blocks[1].header_signature
    assert await client.state(validator.address(2), head=older) is None
    with pytest.raises(RestError) as caught:
        await client.state("zz")
    assert caught.value.code == 62


async def test_list_state_follows_pages_at_one_head(validator, client):
    for k in range(1000, 1150):
        validator._state[validator.address(k)] = b"x"
    validator.add_block()
    entries = [entry async for entry in client.list_state(validator.NAMESPACE)]
    assert [a for a, _ in entries] == sorted(validator._state)
    assert dict(entries)[validator.address(3)] == b"value-3"
    pages = [q for t, q in validator.requests if q.DESCRIPTOR.name == "ClientStateListRequest"]
    assert len(pages) == 2 and pages[0].state_root == pages[1].state_root
    assert [e async for e in client.list_state("00")] == []


async def test_blocks_pages_and_iteration(validator, client):
    page = await client.blocks(limit=2)
    assert [b["header"]["block_num"] for b in page["data"]] == ["4", "3"]
    assert page["paging"]["next_position"] == "0x0000000000000002"
    rest = await client.blocks(limit=2, start=page["paging"]["next_position"])
    assert [b["header"]["block_num"] for b in rest["data"]] == ["2", "1"]
    newest_first = [b["header"]["block_num"] async for b in client.iter_blocks(limit=2)]
    assert newest_first == ["4", "3", "2", "1", "0"]
    oldest_first = [b["header"]["block_num"] async for b in client.iter_blocks(reverse=True)]
    assert oldest_first == ["0", "1", "2", "3", "4"]
    block = await client.block(validator.blocks[2].header_signature)
    assert block["header"]["block_num"] == "2"


async def test_batches_transactions_receipts_peers_status(validator, client):
    batches = await client.batches(limit=1)
    batch_id = batches["data"][0]["header_signature"]
    assert (await client.batch(batch_id))["header_signature"] == batch_id
    txns = await client.transactions(reverse=True)
    first = txns["data"][0]["header_signature"]
    assert first == validator.blocks[1].batches[0].transactions[0].header_signature
    assert (await client.transaction(first))["header"]["family_name"] == "intkey"
    receipts = await client.receipts([first])
    assert receipts[0]["id"] == first
    assert await client.peers() == validator.peers
    status = await client.status()
    assert status["endpoint"] == validator.endpoint
    with pytest.raises(RestError) as caught:
        await client.block(UNKNOWN_ID)
    assert (caught.value.status, caught.value.code) == (404, 70)


# --- error envelopes from a tiny HTTP server ---------------------------------------------


@pytest.fixture
async def tiny_server() -> AsyncIterator[Callable[[web.Response], Awaitable[str]]]:
    """Serves one canned response on every path; returns its base URL."""
    runners: list[web.AppRunner] = []

    async def serve(response: web.Response) -> str:
        async def answer(_request: web.Request) -> web.Response:
            return response

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    try:
        yield serve
    finally:
        for runner in runners:
            await runner.cleanup()


def envelope(status: int, code: int, title: str, message: str) -> web.Response:
    body = {"error": {"code": code, "title": title, "message": message}}
    return web.json_response(body, status=status)


async def test_transaction_committed_asks_the_chain(validator, client):
    on_chain = validator.blocks[1].batches[0].transactions[0].header_signature
    assert await client.transaction_committed(on_chain)
    assert not await client.transaction_committed("ab" * 64)  # 404: not on the chain


async def test_queue_full_and_validator_gone_envelopes(tiny_server):
    url = await tiny_server(envelope(429, 31, "Unable to Accept Batches", "queue full"))
    async with RestClient(url) as client:
        with pytest.raises(RestError) as caught:
            await client.submit_batches([])
    assert (caught.value.status, caught.value.code) == (429, 31)
    assert str(caught.value) == (
        f"POST {url}/batches: 429 Unable to Accept Batches (code 31): queue full"
    )

    url = await tiny_server(envelope(503, 18, "Validator Disconnected", "try later"))
    async with RestClient(url) as client:
        with pytest.raises(RestError) as caught:
            await client.status()
    assert (caught.value.status, caught.value.code) == (503, 18)


async def test_non_json_answer(tiny_server):
    url = await tiny_server(web.Response(status=502, text="<html>Bad Gateway</html>"))
    async with RestClient(url) as client:
        with pytest.raises(RestError) as caught:
            await client.blocks()
    assert caught.value.status == 502
    assert "not JSON" in str(caught.value) and "Bad Gateway" in str(caught.value)


async def test_connection_refused_says_what_to_check(unused_tcp_port):
    url = f"http://127.0.0.1:{unused_tcp_port}"
    async with RestClient(url) as client:
        with pytest.raises(RestError) as caught:
            await client.status()
    assert caught.value.status == 0
    assert f"cannot reach the REST API at {url}" in str(caught.value)
    assert "SMARTBLOCKS_URL" in str(caught.value)


async def test_slow_server_times_out():
    async def never(_request: web.Request) -> web.Response:
        await asyncio.Event().wait()
        raise AssertionError

    app = web.Application()
    app.router.add_get("/status", never)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        async with RestClient(url, timeout=0.2) as client:
            with pytest.raises(RestError) as caught:
                await client.status()
        assert "no answer" in str(caught.value)
    finally:
        await runner.cleanup()


def test_bad_url_is_a_user_error():
    with pytest.raises(UserError, match="not a REST API URL"):
        RestClient("127.0.0.1:8008")


def test_run_from_sync_code(unused_tcp_port):
    async def ask() -> dict:
        async with RestClient(f"http://127.0.0.1:{unused_tcp_port}") as client:
            return await client.status()

    with pytest.raises(RestError, match="cannot reach"):
        run(ask())


def test_default_url_from_environment(monkeypatch):
    monkeypatch.setenv("SMARTBLOCKS_URL", "http://ledger.example:8008/")
    assert RestClient().url == "http://ledger.example:8008"
    monkeypatch.delenv("SMARTBLOCKS_URL")
    assert RestClient().url == "http://127.0.0.1:8008"


async def test_signed_batch_from_shared_builders_commits(validator, client):
    from smartblocks.ledger.keys import Signer
    from smartblocks.ledger.transactions import make_transaction

    signer = Signer.generate()
    txn = make_transaction(signer, "intkey", "1.0", b"set a 1", ["1cf126"], ["1cf126"])
    statuses = await client.submit_and_wait([make_batch(signer, [txn])])
    assert statuses[0]["status"] == "COMMITTED"
