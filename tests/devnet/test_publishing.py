"""When blocks go out: as Sawtooth's devmode engine, a wait drawn between min-wait and max-wait
after the previous block; batches that arrive in it share the next block."""

from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus

from smartblocks.devnet.node import Devnet, DevnetConfig
from smartblocks.devnet.publisher import PublishingRules
from tests.devnet.conftest import serving, until
from tests.devnet.helpers import ZmqClient, kv_batch

# A wait long enough that two submissions from this process land inside it on any machine.
SLOW = PublishingRules(min_wait=1.0, max_wait=1.0, max_batches_per_block=100)


async def test_batches_arriving_within_the_wait_after_a_block_share_the_next_one(
    tmp_path, signer
) -> None:
    node = Devnet(DevnetConfig(tmp_path / "devnet", "tcp://127.0.0.1:0", SLOW))
    await node.start()
    client = ZmqClient(node.url)
    try:
        async with serving(node, "kv", "kv"):
            first = kv_batch(signer, ("set", "a", 1))
            [status] = await client.commit(first)
            assert status.status == ClientBatchStatus.COMMITTED
            head = node.ledger.head.num
            # Answering that commit, as a closed-loop client does: two separate submissions.
            second = kv_batch(signer, ("set", "b", 2))
            third = kv_batch(signer, ("set", "c", 3))
            await client.submit(second)
            await client.submit(third)
            await until(lambda: node.ledger.head.num > head)
            await client.commit(second, third)
            store = node.ledger.store
            assert store.batch_block_num(second.header_signature) == head + 1
            assert store.batch_block_num(third.header_signature) == head + 1
    finally:
        await client.close()
        await node.stop()
