"""The REST API over real HTTP, in front of a fake validator over real ZMQ: every route, the
envelope, paging, and every error code a client can meet."""

from __future__ import annotations

import asyncio
import base64
import hashlib
from typing import Any

import aiohttp
import pytest
from sawtooth_sdk.protobuf.batch_pb2 import BatchList
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus as BatchStatus
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.devnet.rest_api import start_rest_api
from smartblocks.ledger.transactions import batch_list_bytes

OCTET = {"Content-Type": "application/octet-stream"}
JSON = {"Content-Type": "application/json"}
UNKNOWN_ID = "ab" * 64
NAMESPACE = hashlib.sha512(b"intkey").hexdigest()[:6]


def address(k: int) -> str:
    """The address the fake validator's k-th transaction writes."""
    return NAMESPACE + hashlib.sha512(f"key-{k}".encode()).hexdigest()[:64]


def block_position(num: int) -> str:
    return f"0x{num:016x}"


async def get(http: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with http.get(url) as response:
        assert response.content_type == "application/json"
        return response.status, await response.json()


async def post(
    http: aiohttp.ClientSession, url: str, body: bytes | str, headers: dict[str, str]
) -> tuple[int, Any]:
    async with http.post(url, data=body, headers=headers) as response:
        assert response.content_type == "application/json"
        return response.status, await response.json()


def error(status: int, body: Any) -> tuple[int, int]:
    assert set(body["error"]) == {"code", "title", "message"}, body
    assert body["error"]["message"] and body["error"]["title"]
    return status, body["error"]["code"]


def last_query(validator: Any, message_type: int) -> Any:
    return [q for t, q in validator.requests if t == message_type][-1]


# --- blocks ------------------------------------------------------------------------------


async def test_blocks_newest_first_with_expanded_headers(validator, rest_url, http):
    status, body = await get(http, f"{rest_url}/blocks")
    assert status == 200
    head = validator.blocks[-1].header_signature
    assert body["head"] == head
    assert body["link"] == f"{rest_url}/blocks?head={head}&start={block_position(4)}&limit=100"
    assert body["paging"] == {"limit": None, "start": None}
    nums = [b["header"]["block_num"] for b in body["data"]]
    assert nums == ["4", "3", "2", "1", "0"]  # uint64 renders as a string, as in Sawtooth
    top = body["data"][0]
    assert top["header_signature"] == head
    assert top["header"]["previous_block_id"] == validator.blocks[3].header_signature
    assert top["header"]["consensus"] == base64.b64encode(b"Devmode").decode()
    batch = top["batches"][0]
    assert batch["header"]["transaction_ids"] == [
        t["header_signature"] for t in batch["transactions"]
    ]
    txn = batch["transactions"][0]
    assert txn["header"]["family_name"] == "intkey"
    assert base64.b64decode(txn["payload"]).startswith(b"set key-")


async def test_blocks_paging_follows_next_to_the_end(validator, rest_url, http):
    status, body = await get(http, f"{rest_url}/blocks?limit=2")
    assert status == 200
    head = body["head"]
    assert [b["header"]["block_num"] for b in body["data"]] == ["4", "3"]
    assert body["paging"] == {
        "limit": 2,
        "start": None,
        "next_position": block_position(2),
        "next": f"{rest_url}/blocks?head={head}&start={block_position(2)}&limit=2",
    }
    seen = [b["header"]["block_num"] for b in body["data"]]
    while "next" in body["paging"]:
        status, body = await get(http, body["paging"]["next"])
        assert status == 200
        seen += [b["header"]["block_num"] for b in body["data"]]
    assert seen == ["4", "3", "2", "1", "0"]
    assert body["paging"] == {"limit": 2, "start": block_position(0)}


async def test_blocks_reverse_head_and_id_filters(validator, rest_url, http):
    status, body = await get(http, f"{rest_url}/blocks?reverse")
    assert [b["header"]["block_num"] for b in body["data"]] == ["0", "1", "2", "3", "4"]
    _, same = await get(http, f"{rest_url}/blocks?reverse=true")
    assert same["data"] == body["data"]
    _, plain = await get(http, f"{rest_url}/blocks?reverse=false")
    assert plain["data"][0]["header"]["block_num"] == "4"

    older = validator.blocks[2].header_signature
    status, body = await get(http, f"{rest_url}/blocks?head={older}")
    assert status == 200 and body["head"] == older
    assert [b["header"]["block_num"] for b in body["data"]] == ["2", "1", "0"]

    wanted = validator.blocks[1].header_signature
    status, body = await get(http, f"{rest_url}/blocks?id={wanted}")
    assert [b["header_signature"] for b in body["data"]] == [wanted]


async def test_blocks_limit_is_capped_at_1000(validator, rest_url, http):
    status, body = await get(http, f"{rest_url}/blocks?limit=5000")
    assert status == 200 and len(body["data"]) == 5
    assert last_query(validator, Message.CLIENT_BLOCK_LIST_REQUEST).paging.limit == 1000


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("limit=0", (400, 53)),
        ("limit=-3", (400, 53)),
        ("limit=ten", (400, 53)),
        ("start=0x00000000000000ff", (400, 54)),
        ("start=nonsense", (400, 54)),
        ("reverse=sideways", (400, 57)),
        ("head=latest", (400, 60)),
        (f"head={UNKNOWN_ID}", (404, 50)),
        ("id=123", (400, 60)),
    ],
)
async def test_blocks_bad_queries(rest_url, http, query, expected):
    assert error(*await get(http, f"{rest_url}/blocks?{query}")) == expected


async def test_one_block(validator, rest_url, http):
    block_id = validator.blocks[3].header_signature
    status, body = await get(http, f"{rest_url}/blocks/{block_id}")
    assert status == 200, body
    assert body["data"]["header_signature"] == block_id
    assert body["data"]["header"]["block_num"] == "3"
    assert body["link"] == f"{rest_url}/blocks/{block_id}"
    assert "head" not in body
    assert error(*await get(http, f"{rest_url}/blocks/{UNKNOWN_ID}")) == (404, 70)
    assert error(*await get(http, f"{rest_url}/blocks/xyz")) == (400, 60)


# --- batches and transactions ------------------------------------------------------------


async def test_batches_list_paging_by_id(validator, rest_url, http):
    batches = validator.all_batches()
    status, body = await get(http, f"{rest_url}/batches?limit=3")
    assert status == 200
    assert [b["header_signature"] for b in body["data"]] == [
        b.header_signature for b in batches[:3]
    ]
    assert body["paging"]["next_position"] == batches[3].header_signature
    status, body = await get(http, body["paging"]["next"])
    assert [b["header_signature"] for b in body["data"]] == [batches[3].header_signature]
    assert "next" not in body["paging"]
    assert error(*await get(http, f"{rest_url}/batches?start={UNKNOWN_ID}")) == (400, 54)
    _, reverse = await get(http, f"{rest_url}/batches?reverse")
    assert reverse["data"][0]["header_signature"] == batches[-1].header_signature


async def test_one_batch(validator, rest_url, http):
    batch = validator.all_batches()[1]
    status, body = await get(http, f"{rest_url}/batches/{batch.header_signature}")
    assert status == 200
    assert body["data"]["header"]["signer_public_key"] == validator.client_key.public_key
    assert len(body["data"]["transactions"]) == len(batch.transactions)
    assert error(*await get(http, f"{rest_url}/batches/{UNKNOWN_ID}")) == (404, 71)
    assert error(*await get(http, f"{rest_url}/batches/{'A' * 128}")) == (400, 60)


async def test_transactions_list_and_one(validator, rest_url, http):
    txns = validator.all_transactions()
    status, body = await get(http, f"{rest_url}/transactions?limit=4")
    assert status == 200 and len(body["data"]) == 4
    assert body["paging"]["next_position"] == txns[4].header_signature
    assert body["data"][0]["header"]["inputs"] == body["data"][0]["header"]["outputs"]
    wanted = ",".join(t.header_signature for t in txns[:2])
    _, by_id = await get(http, f"{rest_url}/transactions?id={wanted}")
    assert [t["header_signature"] for t in by_id["data"]] == wanted.split(",")

    txn = txns[5]
    status, body = await get(http, f"{rest_url}/transactions/{txn.header_signature}")
    assert status == 200
    assert base64.b64decode(body["data"]["payload"]) == txn.payload
    assert error(*await get(http, f"{rest_url}/transactions/{UNKNOWN_ID}")) == (404, 72)
    assert error(*await get(http, f"{rest_url}/transactions/00")) == (400, 60)


# --- state -------------------------------------------------------------------------------


async def test_state_sorted_by_address_with_prefix_filter_and_paging(validator, rest_url, http):
    status, body = await get(http, f"{rest_url}/state?limit=4")
    assert status == 200
    head = validator.blocks[-1].header_signature
    assert body["head"] == head
    addresses = sorted(validator._state)
    assert [e["address"] for e in body["data"]] == addresses[:4]
    assert body["paging"]["next_position"] == addresses[4]
    assert body["paging"]["next"] == (f"{rest_url}/state?head={head}&start={addresses[4]}&limit=4")
    first = body["data"][0]
    assert base64.b64decode(first["data"]) == validator._state[first["address"]]

    prefix = addresses[0][:8]
    _, filtered = await get(http, f"{rest_url}/state?address={prefix}")
    assert [e["address"] for e in filtered["data"]] == [
        a for a in addresses if a.startswith(prefix)
    ]
    _, other = await get(http, f"{rest_url}/state?address=00")
    assert other["data"] == [] and other["paging"] == {"limit": None, "start": None}
    _, everything = await get(http, f"{rest_url}/state?address={NAMESPACE}&reverse")
    assert [e["address"] for e in everything["data"]] == addresses[::-1]


async def test_state_at_an_older_head(validator, rest_url, http):
    older = validator.blocks[1].header_signature
    status, body = await get(http, f"{rest_url}/state?head={older}")
    assert status == 200 and body["head"] == older
    assert [e["address"] for e in body["data"]] == [address(0)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("start=" + "1" * 70, (400, 54)),
        ("limit=0", (400, 53)),
        ("address=xyz", (400, 62)),
        ("address=abc", (400, 62)),
        ("head=latest", (400, 60)),
        (f"head={UNKNOWN_ID}", (404, 70)),
        ("reverse=maybe", (400, 57)),
    ],
)
async def test_state_bad_queries(rest_url, http, query, expected):
    assert error(*await get(http, f"{rest_url}/state?{query}")) == expected


async def test_state_entry(validator, rest_url, http):
    head = validator.blocks[-1].header_signature
    status, body = await get(http, f"{rest_url}/state/{address(3)}")
    assert status == 200
    assert base64.b64decode(body["data"]) == b"value-3"
    assert body["head"] == head
    assert body["link"] == f"{rest_url}/state/{address(3)}?head={head}"
    older = validator.blocks[1].header_signature
    assert error(*await get(http, f"{rest_url}/state/{address(3)}?head={older}")) == (404, 75)
    assert error(*await get(http, f"{rest_url}/state/{address(999)}")) == (404, 75)
    assert error(*await get(http, f"{rest_url}/state/{NAMESPACE}")) == (404, 75)
    assert error(*await get(http, f"{rest_url}/state/not-hex")) == (400, 62)
    assert error(*await get(http, f"{rest_url}/state/{address(3)}?head=1")) == (400, 60)


async def test_state_entry_set_to_empty_bytes_is_empty_data(validator, rest_url, http):
    validator._state[address(100)] = b""
    validator.add_block()
    status, body = await get(http, f"{rest_url}/state/{address(100)}")
    assert status == 200 and body["data"] == ""


# --- submitting and statuses -------------------------------------------------------------


async def test_submit_batches_answers_202_with_status_link(validator, rest_url, http):
    batches = [validator.make_batch(2, first_key=500), validator.make_batch(1, first_key=600)]
    status, body = await post(http, f"{rest_url}/batches", batch_list_bytes(batches), OCTET)
    assert status == 202
    ids = ",".join(b.header_signature for b in batches)
    assert body == {"link": f"{rest_url}/batch_statuses?id={ids}"}
    assert [b.header_signature for b in validator.submitted] == ids.split(",")
    status, body = await get(http, body["link"])
    assert [s["status"] for s in body["data"]] == ["COMMITTED", "COMMITTED"]


async def test_submit_errors(validator, rest_url, http):
    good = batch_list_bytes([validator.make_batch(1, first_key=700)])
    url = f"{rest_url}/batches"
    assert error(*await post(http, url, good, JSON)) == (400, 42)
    assert error(*await post(http, url, b"", OCTET)) == (400, 34)
    assert error(*await post(http, url, b"\xff\xff\xff\xff", OCTET)) == (400, 35)
    assert error(*await post(http, url, BatchList().SerializeToString(), OCTET)) == (400, 34)

    tampered = validator.make_batch(1, first_key=701)
    tampered.transactions[0].payload = b"something else"
    assert error(*await post(http, url, batch_list_bytes([tampered]), OCTET)) == (400, 30)
    forged = validator.make_batch(1, first_key=702)
    forged.header_signature = "0" * 128
    assert error(*await post(http, url, batch_list_bytes([forged]), OCTET)) == (400, 30)

    validator.queue_full = True
    assert error(*await post(http, url, good, OCTET)) == (429, 31)
    assert validator.submitted == []


async def test_batch_statuses_get_and_post(validator, rest_url, http):
    committed = validator.all_batches()[0].header_signature
    ids = f"{committed},{UNKNOWN_ID}"
    status, body = await get(http, f"{rest_url}/batch_statuses?id={ids}")
    assert status == 200
    assert body == {
        "data": [
            {"id": committed, "status": "COMMITTED", "invalid_transactions": []},
            {"id": UNKNOWN_ID, "status": "UNKNOWN", "invalid_transactions": []},
        ],
        "link": f"{rest_url}/batch_statuses?id={ids}",
    }
    status, posted = await post(
        http, f"{rest_url}/batch_statuses", f'["{committed}", "{UNKNOWN_ID}"]', JSON
    )
    assert status == 200 and posted == {"data": body["data"]}


async def test_invalid_batch_status_lists_invalid_transactions(validator, rest_url, http):
    batch = validator.make_batch(2, first_key=800)
    validator.outcomes[batch.header_signature] = (BatchStatus.INVALID, "Verb is inc but no key")
    await post(http, f"{rest_url}/batches", batch_list_bytes([batch]), OCTET)
    status, body = await get(http, f"{rest_url}/batch_statuses?id={batch.header_signature}")
    assert status == 200
    assert body["data"] == [
        {
            "id": batch.header_signature,
            "status": "INVALID",
            "invalid_transactions": [
                {
                    "id": batch.transactions[0].header_signature,
                    "message": "Verb is inc but no key",
                    "extended_data": base64.b64encode(b"\x00\x01").decode(),
                }
            ],
        }
    ]


@pytest.mark.parametrize(
    ("wait", "expected"),
    [
        ("wait=3", (True, 3)),
        ("wait", (True, 4)),
        ("wait=soon", (True, 4)),
        ("wait=false", (False, 0)),
        ("wait=-2", (False, 0)),
        ("wait=99999", (True, 4)),
        ("", (False, 0)),
    ],
)
async def test_batch_status_wait_reaches_the_validator(validator, rest_url, http, wait, expected):
    batch_id = validator.all_batches()[0].header_signature
    status, _ = await get(http, f"{rest_url}/batch_statuses?id={batch_id}&{wait}")
    assert status == 200
    query = last_query(validator, Message.CLIENT_BATCH_STATUS_REQUEST)
    # the fixture's REST API timeout is 5 s: waits stop just under it
    assert (query.wait, query.timeout) == expected


async def test_batch_status_errors(rest_url, http):
    url = f"{rest_url}/batch_statuses"
    assert error(*await get(http, url)) == (400, 66)
    assert error(*await get(http, f"{url}?id=")) == (400, 66)
    assert error(*await get(http, f"{url}?id=nothex")) == (400, 60)
    assert error(*await get(http, f"{url}?id={UNKNOWN_ID},{UNKNOWN_ID[:-1]}")) == (400, 60)
    assert error(*await post(http, url, f'["{UNKNOWN_ID}"]', OCTET)) == (400, 43)
    assert error(*await post(http, url, "not json", JSON)) == (400, 46)
    assert error(*await post(http, url, "[]", JSON)) == (400, 46)
    assert error(*await post(http, url, '{"id": 1}', JSON)) == (400, 46)
    assert error(*await post(http, url, "[1, 2]", JSON)) == (400, 46)
    assert error(*await post(http, url, '["short"]', JSON)) == (400, 60)


# --- receipts, peers, status -------------------------------------------------------------


async def test_receipts_get_and_post(validator, rest_url, http):
    txn = validator.all_transactions()[0]
    status, body = await get(http, f"{rest_url}/receipts?id={txn.header_signature}")
    assert status == 200
    receipt = body["data"][0]
    assert receipt["id"] == txn.header_signature
    change = receipt["state_changes"][0]
    assert change["type"] == "SET"
    assert base64.b64decode(change["value"]).startswith(b"value-")
    assert receipt["events"][0]["event_type"] == "intkey/set"
    assert receipt["events"][0]["attributes"][0]["key"] == "name"
    assert receipt["data"] == [base64.b64encode(b"receipt-data").decode()]
    assert body["link"] == f"{rest_url}/receipts?id={txn.header_signature}"
    status, posted = await post(http, f"{rest_url}/receipts", f'["{txn.header_signature}"]', JSON)
    assert status == 200 and posted == {"data": body["data"]}


async def test_receipt_errors(rest_url, http):
    url = f"{rest_url}/receipts"
    assert error(*await get(http, f"{url}?id={UNKNOWN_ID}")) == (404, 80)
    assert error(*await get(http, url)) == (400, 83)
    assert error(*await get(http, f"{url}?id=zz")) == (400, 60)
    assert error(*await post(http, url, f'["{UNKNOWN_ID}"]', OCTET)) == (400, 81)
    assert error(*await post(http, url, "{}", JSON)) == (400, 82)


async def test_peers_and_status(validator, rest_url, http):
    status, body = await get(http, f"{rest_url}/peers")
    assert status == 200
    assert body == {"data": validator.peers, "link": f"{rest_url}/peers"}
    status, body = await get(http, f"{rest_url}/status")
    assert status == 200
    assert body["data"] == {
        "endpoint": validator.endpoint,
        "peers": [{"endpoint": p} for p in validator.peers],
    }


async def test_status_merges_what_the_validator_adds(validator, rest_url, http):
    validator.status_extras = {"waiting_for_families": ["blockmeter 1.0"], "peers": "ignored"}
    status, body = await get(http, f"{rest_url}/status")
    assert status == 200
    assert body["data"]["waiting_for_families"] == ["blockmeter 1.0"]
    assert body["data"]["peers"] == [{"endpoint": p} for p in validator.peers]


# --- the validator misbehaving or missing ------------------------------------------------


async def test_validator_without_blocks_is_not_ready(validator, rest_url, http):
    validator.blocks.clear()
    assert error(*await get(http, f"{rest_url}/blocks")) == (503, 15)
    assert error(*await get(http, f"{rest_url}/state")) == (503, 15)
    assert error(*await get(http, f"{rest_url}/state/{address(1)}")) == (503, 15)


async def test_undecodable_validator_answer_is_500_code_20(validator, rest_url, http):
    validator.corrupt = True
    assert error(*await get(http, f"{rest_url}/peers")) == (500, 20)


async def test_no_validator_is_503_code_18(http, unused_tcp_port):
    runner = await start_rest_api(
        f"tcp://127.0.0.1:{unused_tcp_port}", "127.0.0.1", 0, connect_grace=0.2
    )
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        assert error(*await get(http, f"{url}/blocks")) == (503, 18)
        status, body = await post(http, f"{url}/batches", b"\x0a\x00", OCTET)
        assert error(status, body) == (503, 18)
    finally:
        await runner.cleanup()


async def test_silent_validator_times_out_503_code_17(validator, http):
    validator.silent = True
    runner = await start_rest_api(validator.url, "127.0.0.1", 0, timeout=0.3)
    try:
        url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        assert error(*await get(http, f"{url}/status")) == (503, 17)
    finally:
        await runner.cleanup()


async def test_validator_leaving_mid_request_is_503_code_18(validator, rest_url, http):
    validator.silent = True
    request = asyncio.create_task(get(http, f"{rest_url}/blocks"))
    assert await validator.arrived.get() == Message.CLIENT_BLOCK_LIST_REQUEST
    await validator.stop()  # the request is in flight when the validator goes away
    assert error(*await request) == (503, 18)


async def test_a_bug_in_a_route_is_500_code_10_in_the_envelope(
    validator, rest_url, http, monkeypatch
):
    from smartblocks.devnet.rest_api import render

    def broken(item):
        raise RuntimeError("bug")

    monkeypatch.setattr(render, "tidy", broken)
    batch_id = validator.all_batches()[0].header_signature
    assert error(*await get(http, f"{rest_url}/batch_statuses?id={batch_id}")) == (500, 10)
