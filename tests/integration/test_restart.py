"""Restart and SIGKILL recovery of `smartblocks devnet`, checked through its REST API."""

from __future__ import annotations

import asyncio
import signal

import cbor2
import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient, RestError
from smartblocks.processors.kv.addressing import value_address
from tests.integration.conftest import KV
from tests.integration.merkle_ref import state_root
from tests.integration.txns import kv_batch


async def head_block(rest: RestClient) -> dict:
    return dict((await rest.blocks(limit=1))["data"][0])


async def check_consistent_head(rest: RestClient) -> tuple[dict, dict[str, bytes]]:
    """The head block's state_root_hash is the root of the state /state lists at that head;
    returns the head block and that state."""
    head = await head_block(rest)
    state = dict([entry async for entry in rest.list_state(head=head["header_signature"])])
    assert state_root(state) == head["header"]["state_root_hash"]
    return head, state


async def batch_ids_on_chain(rest: RestClient, head: str) -> set[str]:
    """Every batch id in the chain up to `head`, from the paged /batches list."""
    ids: set[str] = set()
    start = None
    while True:
        page = await rest.batches(limit=1000, start=start, head=head)
        ids.update(batch["header_signature"] for batch in page["data"])
        start = page["paging"].get("next_position")
        if not start:
            return ids


async def test_restart_keeps_chain_and_state(make_node) -> None:
    node = make_node(KV)
    signer = Signer.generate()
    async with RestClient(node.rest_url) as rest:
        batch = kv_batch(signer, ("set", "kept", 3))
        await rest.submit_and_wait([batch])
        before, _ = await check_consistent_head(rest)
        assert node.devnet.stop() == 0
        node.devnet.start()
        after, _ = await check_consistent_head(rest)
        assert after == before
        [status] = await rest.batch_statuses([batch.header_signature])
        assert status["status"] == "COMMITTED"
        assert await rest.state(value_address("kept")) == cbor2.dumps(3)
        # The processor reconnects by itself; the chain grows on the old head.
        await rest.submit_and_wait([kv_batch(signer, ("inc", "kept", 1))])
        grown, _ = await check_consistent_head(rest)
        assert grown["header"]["previous_block_id"] == before["header_signature"]
        assert await rest.state(value_address("kept")) == cbor2.dumps(4)


async def feed(rest: RestClient, batches: list[Batch], pause: float) -> None:
    """Submit one batch at a time until the devnet goes away."""
    for batch in batches:
        try:
            await rest.submit_batches([batch])
        except RestError:
            return
        await asyncio.sleep(pause)


async def committed_ids(rest: RestClient, ids: list[str]) -> set[str]:
    statuses = await rest.batch_statuses(ids)
    return {s["id"] for s in statuses if s["status"] == "COMMITTED"}


async def kill_mid_load_and_recover(make_node, batch_count: int, kill_after: int) -> None:
    """Load the devnet, SIGKILL it once `kill_after` batches committed, restart it: the head is
    consistent and no batch seen COMMITTED is lost."""
    node = make_node(KV)
    signer = Signer.generate()
    batches = [
        kv_batch(signer, *[("set", f"k{b}-{i}", b * 100 + i) for i in range(20)])
        for b in range(batch_count)
    ]
    ids = [b.header_signature for b in batches]
    async with RestClient(node.rest_url, timeout=10) as rest:
        feeder = asyncio.create_task(feed(rest, batches, 0.002))
        seen: set[str] = set()
        while len(seen) < kill_after:
            seen = await committed_ids(rest, ids)
            await asyncio.sleep(0.02)
        node.devnet.stop(signal.SIGKILL)
        await feeder
        node.devnet.start()
        head, state = await check_consistent_head(rest)
        recovered = await committed_ids(rest, ids)
        assert seen <= recovered
        # COMMITTED means in the chain, with every write in the head's state.
        assert recovered <= await batch_ids_on_chain(rest, head["header_signature"])
        for b, batch in enumerate(batches):
            if batch.header_signature in recovered:
                assert state[value_address(f"k{b}-19")] == cbor2.dumps(b * 100 + 19)
        assert int(head["header"]["block_num"]) >= 1
        # The recovered devnet goes on: the rest of the batches commit after resubmission.
        rest_of_them = [b for b in batches if b.header_signature not in recovered]
        if rest_of_them:
            await rest.submit_and_wait(rest_of_them[:10], timeout=30)
        await check_consistent_head(rest)


async def test_sigkill_mid_load_recovers_a_consistent_head(make_node) -> None:
    await kill_mid_load_and_recover(make_node, batch_count=60, kill_after=5)


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [1, 40, 150])
async def test_sigkill_under_heavy_load_recovers(make_node, kill_after: int) -> None:
    await kill_mid_load_and_recover(make_node, batch_count=400, kill_after=kill_after)
