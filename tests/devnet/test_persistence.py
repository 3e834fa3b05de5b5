"""Restart and crash recovery of `smartblocks devnet` in a subprocess."""

from __future__ import annotations

import asyncio
import signal

import pytest
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus
from sawtooth_sdk.protobuf.client_block_pb2 import ClientBlockListRequest, ClientBlockListResponse
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.devnet.chainstore import ChainStore
from smartblocks.devnet.node import DB_FILE
from smartblocks.devnet.state.merkle import EMPTY_ROOT
from smartblocks.ledger.keys import Signer
from tests.devnet.helpers import (
    DevnetProcess,
    ZmqClient,
    kv_batch,
    start_processor,
    stop_process,
)

COMMITTED = ClientBatchStatus.COMMITTED


def check_consistent(data_dir) -> int:
    """The head's state root is stored, and recomputing it from its leaves gives it back."""
    store = ChainStore(data_dir / DB_FILE)
    try:
        head = store.head()
        assert head is not None
        assert store.merkle.has_root(head.state_root)
        leaves = dict(store.merkle.leaves(head.state_root))
        assert store.merkle.compute_root(EMPTY_ROOT, leaves) == head.state_root
        for num in range(head.num + 1):
            assert store.block_by_num(num) is not None
        return head.num
    finally:
        store.close()


async def head_of(client: ZmqClient) -> ClientBlockListResponse:
    return await client.ask(
        Message.CLIENT_BLOCK_LIST_REQUEST,
        ClientBlockListRequest(paging={"limit": 1}),
        ClientBlockListResponse,
    )


async def test_restart_keeps_chain_state_and_key(tmp_path) -> None:
    node = DevnetProcess(tmp_path / "d")
    await asyncio.to_thread(node.start)
    tp = start_processor(node.url, "kv")
    client = ZmqClient(node.url)
    signer = Signer.generate()
    try:
        batch = kv_batch(signer, ("set", "kept", 3))
        assert [s.status for s in await client.commit(batch)] == [COMMITTED]
        before = await head_of(client)
        assert node.stop() == 0
        pub = (tmp_path / "d" / "validator.pub").read_text()
        await asyncio.to_thread(node.start)
        after = await head_of(client)
        assert after.head_id == before.head_id
        assert (tmp_path / "d" / "validator.pub").read_text() == pub
        statuses = await client.statuses(batch.header_signature, wait=False)
        assert statuses[0].status == COMMITTED
        # The processor reconnects by itself; the chain grows on the old head.
        more = kv_batch(signer, ("inc", "kept", 1))
        assert [s.status for s in await client.commit(more)] == [COMMITTED]
        assert (await head_of(client)).blocks[0].header_signature != before.head_id
    finally:
        await client.close()
        await asyncio.to_thread(stop_process, tp)
        node.stop()
    check_consistent(tmp_path / "d")


@pytest.mark.parametrize(
    "kill_after",
    [pytest.param(0.3, marks=pytest.mark.slow), 0.7, pytest.param(1.1, marks=pytest.mark.slow)],
)
async def test_sigkill_mid_stream_recovers_a_consistent_head(tmp_path, kill_after) -> None:
    node = DevnetProcess(tmp_path / "d")
    await asyncio.to_thread(node.start)
    tp = start_processor(node.url, "kv")
    client = ZmqClient(node.url)
    signer = Signer.generate()
    seen_committed: set[str] = set()
    try:
        batches = [
            kv_batch(signer, *[("set", f"k{b}-{i}", i) for i in range(50)]) for b in range(200)
        ]

        async def feed() -> None:
            for batch in batches:
                await client.submit(batch)
                await asyncio.sleep(0.005)

        feeder = asyncio.create_task(feed())
        await asyncio.sleep(kill_after)
        statuses = await client.statuses(*[b.header_signature for b in batches], wait=False)
        seen_committed = {s.batch_id for s in statuses if s.status == COMMITTED}
        node.stop(signal.SIGKILL)
        feeder.cancel()
        await asyncio.gather(feeder, return_exceptions=True)
        head_num = check_consistent(tmp_path / "d")
        assert head_num >= 1 or not seen_committed
        await asyncio.to_thread(node.start)
        statuses = await client.statuses(*seen_committed, wait=False) if seen_committed else []
        assert all(s.status == COMMITTED for s in statuses)
    finally:
        await client.close()
        await asyncio.to_thread(stop_process, tp)
        node.stop()
    check_consistent(tmp_path / "d")
