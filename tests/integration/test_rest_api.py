"""The REST API's answers that must match a real Sawtooth 1.2 validator (facts observed on one),
and where devnet answers better: over real HTTP to `smartblocks devnet`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from smartblocks.devnet.pending import DEFAULT_QUEUE_LIMIT
from smartblocks.ledger.transactions import batch_list_bytes, make_batch
from smartblocks.processors.kv.addressing import NAMESPACE as KV_NAMESPACE
from smartblocks.processors.kv.addressing import value_address
from tests.integration.conftest import Node
from tests.integration.txns import kv_batch, kv_txn

OCTET = {"Content-Type": "application/octet-stream"}
UNKNOWN_ID = "f" * 128


class Http:
    """Raw requests, for what the REST client would refuse to send."""

    def __init__(self, base: str, session: aiohttp.ClientSession) -> None:
        self.base = base
        self.session = session

    async def __call__(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        async with self.session.request(method, self.base + path, **kwargs) as response:
            return response.status, json.loads(await response.text())


@pytest.fixture
async def http(node: Node) -> AsyncIterator[Http]:
    async with aiohttp.ClientSession() as session:
        yield Http(node.rest_url, session)


def error_code(body: Any) -> int:
    return int(body["error"]["code"])


async def test_unknown_batch_id_is_unknown_with_200(http) -> None:
    status, body = await http("GET", "/batch_statuses", params={"id": UNKNOWN_ID})
    assert status == 200
    assert body["data"] == [{"id": UNKNOWN_ID, "invalid_transactions": [], "status": "UNKNOWN"}]


@pytest.mark.parametrize(
    ("params", "http_status", "code"),
    [({"id": "not-an-id"}, 400, 60), ({"id": "F" * 128}, 400, 60), ({}, 400, 66)],
    ids=["malformed", "uppercase", "missing"],
)
async def test_batch_status_id_errors(http, params, http_status, code) -> None:
    status, body = await http("GET", "/batch_statuses", params=params)
    assert (status, error_code(body)) == (http_status, code)


async def test_post_batches_with_the_wrong_content_type_is_42(http, signer) -> None:
    body = batch_list_bytes([kv_batch(signer, ("set", "ct", 1))])
    status, answer = await http(
        "POST", "/batches", data=body, headers={"Content-Type": "application/json"}
    )
    assert (status, error_code(answer)) == (400, 42)


async def test_post_batches_with_an_undecodable_body_is_35(http) -> None:
    status, answer = await http("POST", "/batches", data=b"\xff\x00garbage", headers=OCTET)
    assert (status, error_code(answer)) == (400, 35)


async def test_bad_batch_signature_is_30(http, signer) -> None:
    batch = kv_batch(signer, ("set", "sig", 1))
    other = kv_batch(signer, ("set", "sig", 2))
    batch.header_signature = other.header_signature
    status, answer = await http("POST", "/batches", data=batch_list_bytes([batch]), headers=OCTET)
    assert (status, error_code(answer)) == (400, 30)


async def test_bad_payload_hash_is_30(http, signer) -> None:
    txn = kv_txn(signer, "set", "hash", 1)
    txn.payload = txn.payload + b"\x00"
    batch = make_batch(signer, [txn])
    status, answer = await http("POST", "/batches", data=batch_list_bytes([batch]), headers=OCTET)
    assert (status, error_code(answer)) == (400, 30)
    status, answer = await http("GET", "/batch_statuses", params={"id": batch.header_signature})
    assert answer["data"][0]["status"] == "UNKNOWN"


async def committed_blocks(rest, signer, count: int) -> None:
    """At least `count` blocks past genesis: one batch per block, each awaited."""
    for n in range(count):
        await rest.submit_and_wait([kv_batch(signer, ("set", f"{signer.public_key[:8]}-{n}", n))])


async def test_blocks_are_newest_first_with_block_number_positions(http, rest, signer) -> None:
    await committed_blocks(rest, signer, 3)
    status, page = await http("GET", "/blocks", params={"limit": "2"})
    assert status == 200
    nums = [int(block["header"]["block_num"]) for block in page["data"]]
    assert nums == [nums[0], nums[0] - 1]
    assert page["head"] == page["data"][0]["header_signature"]
    assert page["paging"]["limit"] == 2
    assert page["paging"]["next_position"] == f"0x{nums[1] - 1:016x}"
    status, following = await http(
        "GET",
        "/blocks",
        params={"limit": "2", "start": page["paging"]["next_position"], "head": page["head"]},
    )
    assert status == 200
    assert int(following["data"][0]["header"]["block_num"]) == nums[1] - 1
    # Each block names its parent: the pages join into one chain.
    assert (
        page["data"][1]["header"]["previous_block_id"] == following["data"][0]["header_signature"]
    )
    status, oldest = await http("GET", "/blocks", params={"limit": "1", "reverse": ""})
    assert int(oldest["data"][0]["header"]["block_num"]) == 0
    assert oldest["paging"]["next_position"] == f"0x{1:016x}"


async def test_state_filters_by_prefix_and_pages_by_address(http, rest, signer) -> None:
    names = [f"{signer.public_key[:10]}-p{n}" for n in range(3)]
    await rest.submit_and_wait([kv_batch(signer, *[("set", name, 1) for name in names])])
    status, body = await http("GET", "/state", params={"address": KV_NAMESPACE, "limit": "1000"})
    assert status == 200
    addresses = [entry["address"] for entry in body["data"]]
    assert all(a.startswith(KV_NAMESPACE) for a in addresses)
    assert addresses == sorted(addresses)
    assert {value_address(name) for name in names} <= set(addresses)
    status, first = await http("GET", "/state", params={"address": KV_NAMESPACE, "limit": "1"})
    assert [e["address"] for e in first["data"]] == addresses[:1]
    assert first["paging"]["next_position"] == addresses[1]
    status, second = await http(
        "GET",
        "/state",
        params={
            "address": KV_NAMESPACE,
            "limit": "1",
            "start": addresses[1],
            "head": first["head"],
        },
    )
    assert [e["address"] for e in second["data"]] == addresses[1:2]
    one = value_address(names[0])
    status, exact = await http("GET", "/state", params={"address": one})
    assert [e["address"] for e in exact["data"]] == [one]


@pytest.mark.parametrize(
    ("path", "params", "http_status", "code"),
    [
        ("/blocks", {"start": "0xnothex"}, 400, 54),
        ("/blocks", {"start": f"0x{10**9:016x}"}, 400, 54),
        ("/state", {"start": "ab" * 35}, 400, 54),
        ("/blocks", {"limit": "0"}, 400, 53),
        ("/state", {"limit": "0"}, 400, 53),
        ("/state", {"head": "latest"}, 400, 60),
        ("/state/" + "ab" * 35, {"head": "latest"}, 400, 60),
        ("/blocks", {"head": "latest"}, 400, 60),
        ("/state/" + KV_NAMESPACE, {}, 404, 75),
        ("/state/" + "ab" * 35, {}, 404, 75),
        ("/blocks/" + UNKNOWN_ID, {}, 404, 70),
        ("/batches/" + UNKNOWN_ID, {}, 404, 71),
        ("/transactions/" + UNKNOWN_ID, {}, 404, 72),
    ],
    ids=[
        "blocks-start-malformed",
        "blocks-start-beyond",
        "state-start-absent",
        "blocks-limit-0",
        "state-limit-0",
        "state-head-latest",
        "state-address-head-latest",
        "blocks-head-latest",
        "state-short-address",
        "state-unknown-address",
        "unknown-block",
        "unknown-batch",
        "unknown-transaction",
    ],
)
async def test_query_errors_have_sawtooths_codes(http, path, params, http_status, code) -> None:
    status, body = await http("GET", path, params=params)
    assert (status, error_code(body)) == (http_status, code), body


async def test_many_statuses_at_once_keep_request_order(rest, signer) -> None:
    committed = kv_batch(signer, ("set", f"{signer.public_key[:8]}-many", 1))
    await rest.submit_and_wait([committed])
    ids = [f"{n:0128x}" for n in range(1, 20)] + [committed.header_signature]
    statuses = await rest.batch_statuses(ids)  # over 15 ids: POST /batch_statuses
    assert [s["id"] for s in statuses] == ids
    assert [s["status"] for s in statuses] == ["UNKNOWN"] * 19 + ["COMMITTED"]


async def test_a_full_queue_is_429_code_31(http, signer) -> None:
    # More batches in one request than the devnet's queue holds: one batch, repeated.
    batch = kv_batch(signer, ("set", f"{signer.public_key[:8]}-full", 1))
    body = batch_list_bytes([batch] * (DEFAULT_QUEUE_LIMIT + 1))
    status, answer = await http("POST", "/batches", data=body, headers=OCTET)
    assert (status, error_code(answer)) == (429, 31)
    status, answer = await http("GET", "/batch_statuses", params={"id": batch.header_signature})
    assert answer["data"][0]["status"] == "UNKNOWN"
