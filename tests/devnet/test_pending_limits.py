"""Limits on pending batches (security review F3): batches that cannot make progress (a family
nobody serves, a dependency that never commits) cannot fill the queue, cost nothing when a block
is chosen, and end INVALID with the reason; counts and bytes are bounded per signer, per family
and in all. A devnet in the test's loop over real ZMQ, with the real kv processor."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import (
    ClientBatchStatus,
    ClientBatchSubmitResponse,
)
from sawtooth_sdk.protobuf.client_status_pb2 import ClientStatusGetRequest
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.devnet.node import Devnet, DevnetConfig
from smartblocks.devnet.rest_api import status_extras
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_batch, make_transaction
from tests.devnet.conftest import FAST_RULES, serving, until
from tests.devnet.helpers import ZmqClient, kv_batch, kv_txn, start_processor, stop_process

COMMITTED = ClientBatchStatus.COMMITTED
INVALID = ClientBatchStatus.INVALID
PENDING = ClientBatchStatus.PENDING
OK = ClientBatchSubmitResponse.OK
QUEUE_FULL = ClientBatchSubmitResponse.QUEUE_FULL
MB = 1_000_000
ADDRESS = "ab" * 35


def unserved(signer: Signer, payload: bytes = b"x") -> Batch:
    """A batch of family `nobody` 1.0, which no processor serves."""
    return make_batch(
        signer, [make_transaction(signer, "nobody", "1.0", payload, [ADDRESS], [ADDRESS])]
    )


def never_met(signer: Signer) -> Batch:
    """A kv batch naming a dependency that no batch holds."""
    name = os.urandom(8).hex()
    return make_batch(signer, [kv_txn(signer, "set", name, 1, dependencies=[os.urandom(64).hex()])])


async def submit_each(client: ZmqClient, batches: list[Batch], per_request: int) -> list[int]:
    """Submit in requests of `per_request` batches; each request's answer."""
    return [
        await client.submit(*batches[i : i + per_request])
        for i in range(0, len(batches), per_request)
    ]


async def status_extras_of(client: ZmqClient) -> dict[str, Any]:
    reply = await client.request(Message.CLIENT_STATUS_GET_REQUEST, ClientStatusGetRequest())
    return status_extras.decode(reply.content)


@pytest.fixture
async def make_devnet(tmp_path) -> AsyncIterator[Callable[..., Any]]:
    """A devnet of this test's own with these pending limits (PendingLimits keywords)."""
    started: list[tuple[Devnet, ZmqClient]] = []

    async def make(**limits: Any) -> tuple[Devnet, ZmqClient]:
        from smartblocks.devnet.pending import PendingLimits

        config = DevnetConfig(
            tmp_path / f"devnet{len(started)}",
            "tcp://127.0.0.1:0",
            FAST_RULES,
            pending=PendingLimits(**limits),
        )
        node = Devnet(config)
        await node.start()
        client = ZmqClient(node.url)
        started.append((node, client))
        return node, client

    try:
        yield make
    finally:
        for node, client in started:
            await client.close()
            await node.stop()


async def test_waiting_batches_cannot_crowd_out_ready_ones(devnet, kv, client, signer) -> None:
    # Any key can send batches for a family nobody serves; fresh keys, 100 per request.
    answers = await submit_each(
        client, [unserved(Signer.generate()) for _ in range(1_100)], per_request=100
    )
    # The first 1,000 (the default --max-waiting) wait; the rest are refused.
    assert answers == [OK] * 10 + [QUEUE_FULL]
    assert len(devnet.ledger.queue) == 1_000
    # A batch that can run still gets in and commits.
    [status] = await client.commit(kv_batch(signer, ("set", "still-room", 1)))
    assert status.status == COMMITTED


async def test_choosing_a_block_never_looks_at_waiting_batches(devnet, kv, client, signer) -> None:
    answers = await submit_each(
        client, [never_met(Signer.generate()) for _ in range(1_000)], per_request=100
    )
    assert answers == [OK] * 10
    store = devnet.ledger.store
    lookups = 0

    def counted(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            nonlocal lookups
            lookups += 1
            return method(*args)

        return call

    # Each look at a pending batch costs at least one of these (replayed? dependency met?).
    store.txn_block_num = counted(store.txn_block_num)  # type: ignore[method-assign]
    store.committed_txns = counted(store.committed_txns)  # type: ignore[method-assign]
    for n in range(5):
        [status] = await client.commit(kv_batch(signer, ("set", f"cheap-{n}", n)))
        assert status.status == COMMITTED
    # About one lookup per committed batch, not a thousand per block.
    assert lookups < 50, lookups


async def test_waiting_batches_end_invalid_with_the_reason(make_devnet, signer) -> None:
    devnet, client = await make_devnet(wait_timeout=0.5)
    async with serving(devnet, "kv", "kv"):
        await expire_both_kinds(devnet, client, signer)


async def expire_both_kinds(devnet: Devnet, client: ZmqClient, signer: Signer) -> None:
    family_batch = unserved(signer)
    dependency = "ee" * 64
    dependency_batch = make_batch(
        signer, [kv_txn(signer, "set", "dep", 1, dependencies=[dependency])]
    )
    # A batch whose dependency is in a batch that itself waits: it waits too, then goes.
    follower = make_batch(
        signer,
        [
            kv_txn(
                signer, "set", "f", 1, dependencies=[family_batch.transactions[0].header_signature]
            )
        ],
    )
    assert await client.submit(family_batch, dependency_batch, follower) == OK
    assert (await status_extras_of(client))["waiting_batches"] >= 2
    statuses = await client.statuses(
        family_batch.header_signature,
        dependency_batch.header_signature,
        follower.header_signature,
        timeout=10,
    )
    assert [s.status for s in statuses] == [INVALID] * 3
    [by_family] = statuses[0].invalid_transactions
    assert by_family.transaction_id == family_batch.transactions[0].header_signature
    assert "no processor of family nobody 1.0 registered within 0.5 s" in by_family.message
    [by_dependency] = statuses[1].invalid_transactions
    assert by_dependency.transaction_id == dependency_batch.transactions[0].header_signature
    assert f"dependency {dependency} was not committed within 0.5 s" in by_dependency.message
    assert len(devnet.ledger.queue) == 0
    await until(lambda: not devnet.publisher.missing)
    extras = await status_extras_of(client)
    assert (extras["waiting_batches"], extras["missing_families"]) == (0, [])


async def test_a_signer_and_a_family_have_a_share_of_the_queue(make_devnet) -> None:
    # No processor runs, so every batch stays pending.
    _, client = await make_devnet(max_per_signer=3, max_per_family=5)
    first, second = Signer.generate(), Signer.generate()
    assert await client.submit(*[unserved(first) for _ in range(3)]) == OK
    assert await client.submit(unserved(first)) == QUEUE_FULL
    assert await client.submit(unserved(second), unserved(second)) == OK
    # 5 `nobody` batches pending: the family's share is taken, whoever signs.
    assert await client.submit(unserved(Signer.generate())) == QUEUE_FULL
    assert await client.submit(kv_batch(second, ("set", "other-family", 1))) == OK
    # A refused request adds none of its batches.
    third = Signer.generate()
    assert await client.submit(kv_batch(third, ("set", "a", 1)), unserved(third)) == QUEUE_FULL
    assert await client.submit(kv_batch(third, ("set", "a", 1))) == OK


async def test_pending_bytes_are_bounded_per_signer_and_in_all(devnet, client, signer) -> None:
    payload = os.urandom(MB)
    # One signer: 16 MiB by default, so the 17th 1 MB batch is refused.
    answers = [await client.submit(unserved(signer, payload)) for _ in range(17)]
    assert answers == [OK] * 16 + [QUEUE_FULL]
    # All signers: 64 MiB by default.
    answers = [await client.submit(unserved(Signer.generate(), payload)) for _ in range(54)]
    accepted = 16 + answers.count(OK)
    assert accepted == 67  # 67 MB < 64 MiB < 68 MB
    assert answers[-1] == QUEUE_FULL
    assert devnet.ledger.queue.size <= 64 * 1024 * 1024


async def test_a_processor_registering_releases_batches_waiting_on_each_other(
    devnet, client, signer
) -> None:
    # No kv processor yet: the first waits for one, the second for it and for the first.
    first = make_batch(signer, [kv_txn(signer, "set", "chain", 1)])
    second = make_batch(
        signer,
        [kv_txn(signer, "inc", "chain", 2, dependencies=[first.transactions[0].header_signature])],
    )
    assert await client.submit(second, first) == OK
    await until(lambda: devnet.publisher.missing.get(("kv", "1.0")) == 2)
    process = start_processor(devnet.url, "kv")
    try:
        statuses = await client.statuses(first.header_signature, second.header_signature)
        assert [s.status for s in statuses] == [COMMITTED, COMMITTED]
    finally:
        stop_process(process)
