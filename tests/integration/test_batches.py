"""Batches through the REST API into blocks, end to end: devnet and processors as subprocesses,
real HTTP and ZMQ."""

from __future__ import annotations

import base64
import json

import aiohttp
import cbor2
import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import BatchInvalid, RestClient, RestError
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.kv.addressing import value_address
from tests.integration.conftest import KV, LATE, Node
from tests.integration.handlers import INVALID_DATA, INVALID_MESSAGE
from tests.integration.processes import poll
from tests.integration.txns import kv_batch, kv_txn, probe_address, probe_txn


async def kv_value(rest: RestClient, name: str) -> int | None:
    data = await rest.state(value_address(name))
    return None if data is None else int(cbor2.loads(data))


def unique(signer: Signer, name: str) -> str:
    """A kv name no other test uses: the shared devnet's state is shared."""
    return f"{signer.public_key[2:14]}-{name}"


async def test_kv_batches_commit_and_state_shows_the_values(rest, signer) -> None:
    a, b = unique(signer, "a"), unique(signer, "b")
    first = kv_batch(signer, ("set", a, 5), ("inc", a, 2))
    second = kv_batch(signer, ("inc", a, 10), ("set", b, 1))
    statuses = await rest.submit_and_wait([first, second])
    assert [(s["id"], s["status"]) for s in statuses] == [
        (first.header_signature, "COMMITTED"),
        (second.header_signature, "COMMITTED"),
    ]
    assert await kv_value(rest, a) == 17
    assert await kv_value(rest, b) == 1
    listed = dict([entry async for entry in rest.list_state(value_address(a))])
    assert listed == {value_address(a): cbor2.dumps(17)}
    # The committed batch and its transactions are on the chain.
    batch = await rest.batch(first.header_signature)
    assert batch["header"]["transaction_ids"] == [t.header_signature for t in first.transactions]
    txn = await rest.transaction(first.transactions[1].header_signature)
    assert txn["header"]["family_name"] == "kv"


async def test_invalid_transaction_gives_invalid_with_its_message(rest, signer) -> None:
    c, missing = unique(signer, "c"), unique(signer, "missing")
    bad = kv_batch(signer, ("set", c, 1), ("inc", missing, 1))
    good = kv_batch(signer, ("set", unique(signer, "d"), 4))
    await rest.submit_batches([bad, good])
    statuses = await rest.wait_for_batches([bad.header_signature, good.header_signature])
    assert [s["status"] for s in statuses] == ["INVALID", "COMMITTED"]
    [invalid] = statuses[0]["invalid_transactions"]
    assert invalid["id"] == bad.transactions[1].header_signature
    assert f"no value named {missing!r}" in invalid["message"]
    # The batch is atomic: its valid first transaction wrote nothing.
    assert await kv_value(rest, c) is None


async def test_invalid_transaction_extended_data_is_base64(rest, signer) -> None:
    target = probe_address(unique(signer, "x"))
    batch = make_batch(signer, [probe_txn(signer, "invalid", [target], [target])])
    with pytest.raises(BatchInvalid) as caught:
        await rest.submit_and_wait([batch])
    assert INVALID_MESSAGE in str(caught.value)
    [status] = caught.value.statuses
    assert status["invalid_transactions"] == [
        {
            "id": batch.transactions[0].header_signature,
            "message": INVALID_MESSAGE,
            "extended_data": base64.b64encode(INVALID_DATA).decode(),
        }
    ]


async def test_get_of_unset_addresses_returns_empty_entries_in_request_order(rest, signer) -> None:
    unset_1, unset_2 = probe_address(unique(signer, "u1")), probe_address(unique(signer, "u2"))
    first_report, second_report = (
        probe_address(unique(signer, "r1")),
        probe_address(unique(signer, "r2")),
    )
    # The first get writes a report, so the second reads one set and two unset addresses.
    first = probe_txn(signer, "get", [unset_1], [first_report])
    second = probe_txn(signer, "get", [unset_2, first_report, unset_1], [second_report])
    await rest.submit_and_wait([make_batch(signer, [first, second])])
    first_bytes = await rest.state(first_report)
    assert first_bytes is not None
    assert cbor2.loads(first_bytes) == [[unset_1, b""]]
    second_bytes = await rest.state(second_report)
    assert second_bytes is not None
    assert cbor2.loads(second_bytes) == [
        [unset_2, b""],
        [first_report, first_bytes],
        [unset_1, b""],
    ]


async def test_setting_empty_bytes_is_a_set_not_a_delete(node: Node, rest, signer) -> None:
    target = probe_address(unique(signer, "empty"))
    await rest.submit_and_wait([make_batch(signer, [probe_txn(signer, "set-empty", [], [target])])])
    assert await rest.state(target) == b""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{node.rest_url}/state", params={"address": target}) as response:
            assert response.status == 200
            listing = json.loads(await response.text())
        async with session.get(f"{node.rest_url}/state/{target}") as response:
            assert response.status == 200
            entry = json.loads(await response.text())
    assert listing["data"] == [{"address": target, "data": ""}]
    assert entry["data"] == ""


async def test_malformed_address_in_inputs_is_invalid_with_the_reason(rest, signer) -> None:
    name = unique(signer, "m")
    batch = make_batch(signer, [kv_txn(signer, "set", name, 1, inputs=["ABC"])])
    await rest.submit_batches([batch])
    [status] = await rest.wait_for_batches([batch.header_signature], timeout=10)
    assert status["status"] == "INVALID"
    [invalid] = status["invalid_transactions"]
    assert invalid["id"] == batch.transactions[0].header_signature
    assert "malformed address 'ABC' in inputs" in invalid["message"]


async def test_duplicates_are_not_applied_twice(rest, signer) -> None:
    name = unique(signer, "dup")
    await rest.submit_and_wait([kv_batch(signer, ("set", name, 1))])
    inc = kv_txn(signer, "inc", name, 5)
    batch = make_batch(signer, [inc])
    await rest.submit_and_wait([batch])
    head_before = (await rest.blocks(limit=1))["head"]
    # The same batch again: accepted and ignored, as Sawtooth does; it stays COMMITTED once.
    await rest.submit_batches([batch])
    [status] = await rest.batch_statuses([batch.header_signature])
    assert status["status"] == "COMMITTED"
    # The committed transaction in another batch: INVALID, and the reason says where it is.
    rewrapped = make_batch(signer, [kv_txn(signer, "set", unique(signer, "other"), 1), inc])
    await rest.submit_batches([rewrapped])
    [status] = await rest.wait_for_batches([rewrapped.header_signature], timeout=10)
    assert status["status"] == "INVALID"
    [invalid] = status["invalid_transactions"]
    assert invalid["id"] == inc.header_signature
    assert f"transaction {inc.header_signature}" in invalid["message"]
    assert "already in block" in invalid["message"]
    assert await kv_value(rest, name) == 6
    assert await kv_value(rest, unique(signer, "other")) is None
    # Neither copy made a block.
    assert (await rest.blocks(limit=1))["head"] == head_before


async def test_missing_family_waits_while_others_commit(node: Node, rest, signer) -> None:
    target = probe_address(unique(signer, "late"), family="late")
    waiting = make_batch(signer, [probe_txn(signer, "set-empty", [], [target], family="late")])
    ready = kv_batch(signer, ("set", unique(signer, "ready"), 1))
    await rest.submit_batches([waiting, ready])
    [ready_status] = await rest.wait_for_batches([ready.header_signature], timeout=20)
    assert ready_status["status"] == "COMMITTED"
    [waiting_status] = await rest.batch_statuses([waiting.header_signature])
    assert waiting_status["status"] == "PENDING"
    missing = (await rest.status())["missing_families"]
    assert {"family": "late", "version": "1.0", "pending_batches": 1} in missing
    # Once a processor for it registers, the waiting batch commits.
    node.add_processor(LATE)
    [waiting_status] = await rest.wait_for_batches([waiting.header_signature], timeout=20)
    assert waiting_status["status"] == "COMMITTED"
    assert await rest.state(target) == b""
    poll(lambda: not any(m["family"] == "late" for m in node.devnet.status()["missing_families"]),
         "missing_families without late", timeout=5)  # fmt: skip


async def test_status_lists_the_registered_processors(rest) -> None:
    status = await rest.status()
    families = {(p["family"], p["version"]) for p in status["processors"]}
    assert {("kv", "1.0"), ("probe", "1.0")} <= families
    assert status["peers"] == []


async def test_a_transaction_in_two_pending_batches_commits_once(rest, signer) -> None:
    name = unique(signer, "twice")
    shared = kv_txn(signer, "set", name, 7)
    first = make_batch(signer, [shared])
    second = make_batch(signer, [kv_txn(signer, "set", unique(signer, "twice-other"), 1), shared])
    await rest.submit_batches([first, second])
    statuses = await rest.wait_for_batches([first.header_signature, second.header_signature])
    assert [s["status"] for s in statuses] == ["COMMITTED", "INVALID"]
    [invalid] = statuses[1]["invalid_transactions"]
    assert invalid["id"] == shared.header_signature
    assert shared.header_signature in invalid["message"]
    assert await kv_value(rest, unique(signer, "twice-other")) is None


async def test_waiting_batches_are_limited_and_expire_invalid_with_the_reason(
    make_node, signer
) -> None:
    # `smartblocks devnet` with a small waiting budget and a short timeout (F3).
    node = make_node(KV, devnet_args=("--max-waiting", "1", "--pending-timeout", "1"))
    target = probe_address(unique(signer, "nobody"), family="nobody")

    def unserved() -> Batch:  # from a fresh key each: per-signer limits do not help here
        key = Signer.generate()
        return make_batch(key, [probe_txn(key, "set-empty", [], [target], family="nobody")])

    waiting, refused = unserved(), unserved()
    async with RestClient(node.rest_url, timeout=30) as rest:
        await rest.submit_batches([waiting])
        with pytest.raises(RestError) as full:
            await rest.submit_batches([refused])
        assert (full.value.status, full.value.code) == (429, 31)
        ready = kv_batch(signer, ("set", unique(signer, "ready"), 1))
        [status] = await rest.submit_and_wait([ready])
        assert status["status"] == "COMMITTED"
        assert (await rest.status())["waiting_batches"] == 1
        [status] = await rest.wait_for_batches([waiting.header_signature], timeout=10)
        assert status["status"] == "INVALID"
        [invalid] = status["invalid_transactions"]
        assert invalid["id"] == waiting.transactions[0].header_signature
        assert "no processor of family nobody 1.0 registered within 1 s" in invalid["message"]
        assert (await rest.status())["waiting_batches"] == 0
