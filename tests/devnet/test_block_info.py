"""Ledger time end to end: devnet's BlockInfo injector, the block_info processor and a family
that reads ledger time, each processor served by the real runtime in a subprocess, over real
ZMQ. The setting that enables the injector is written by a test family (tests/support)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import pytest
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig, BlockInfoTxn
from sawtooth_sdk.protobuf.block_pb2 import Block
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import ClientBatchStatus
from sawtooth_sdk.protobuf.client_state_pb2 import ClientStateGetRequest, ClientStateGetResponse
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.validator_pb2 import Message

from smartblocks.devnet.injector import FileClock
from smartblocks.devnet.node import Devnet
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.block_info import addressing, txn
from smartblocks.processors.kit.ledger_time import UNAVAILABLE
from tests.devnet.conftest import until
from tests.devnet.helpers import ZmqClient, start_processor, stop_process
from tests.support.ledger_time_handlers import clock_address, clock_txn, setting_txn

COMMITTED = ClientBatchStatus.COMMITTED
INVALID = ClientBatchStatus.INVALID
PENDING = ClientBatchStatus.PENDING
HANDLERS = "tests.support.ledger_time_handlers"
CLOCK = f"{HANDLERS}:ClockHandler"
SETTING = f"{HANDLERS}:SettingHandler"
REJECTING = f"{HANDLERS}:RejectingBlockInfoHandler"
RULES = "NofX:1,block_info;XatY:block_info,0;local:0"


@contextlib.asynccontextmanager
async def serving(devnet: Devnet, *specs: str) -> AsyncIterator[None]:
    """These handlers in one `smartblocks tp` subprocess, once all have registered."""
    process = start_processor(devnet.url, *specs)
    families = {
        "block_info": "block_info",
        CLOCK: "testclock",
        SETTING: "testsetting",
        REJECTING: "block_info",
    }
    try:
        await until(lambda: all(devnet.registry.has((families[s], "1.0")) for s in specs))
        yield
    finally:
        await asyncio.to_thread(stop_process, process)


async def commit(client: ZmqClient, signer: Signer, *txns) -> ClientBatchStatus:
    (status,) = await client.commit(make_batch(signer, list(txns)))
    return status


async def enable(client: ZmqClient, signer: Signer, rules: bool = False) -> None:
    """Write the injector setting (and the validation rules) in one block."""
    settings = [setting_txn(signer, "sawtooth.validator.batch_injectors", "block_info")]
    if rules:
        settings.append(setting_txn(signer, "sawtooth.validator.block_validation_rules", RULES))
    assert (await commit(client, signer, *settings)).status == COMMITTED


async def reading(client: ZmqClient, name: str) -> int:
    response = await client.ask(
        Message.CLIENT_STATE_GET_REQUEST,
        ClientStateGetRequest(address=clock_address(name)),
        ClientStateGetResponse,
    )
    assert response.status == ClientStateGetResponse.OK, response
    return int(response.value.decode())


def head_block(devnet: Devnet) -> Block:
    return devnet.store.block(devnet.ledger.head)


def stored(devnet: Devnet, address: str):
    return devnet.ledger.read_head(address)


@pytest.fixture
def signer() -> Signer:
    return Signer.generate()


async def test_the_injector_records_each_block_and_ledger_time_follows_the_clock(
    devnet, client, signer
) -> None:
    async with serving(devnet, "block_info", CLOCK, SETTING):
        await enable(client, signer)
        enabled_in = devnet.ledger.head
        assert len(head_block(devnet).batches) == 1  # enabled at block 1's head: none injected

        began = time.time()
        assert (await commit(client, signer, clock_txn(signer, "a"))).status == COMMITTED
        first = await reading(client, "a")
        assert int(began) <= first <= time.time()  # within seconds of the wall clock

        # The injected batch is the block's first, as Sawtooth's injector builds it.
        block = head_block(devnet)
        assert len(block.batches) == 2
        batch = block.batches[0]
        (transaction,) = batch.transactions
        header = TransactionHeader.FromString(transaction.header)
        validator = devnet.signer.public_key
        assert (header.family_name, header.family_version) == ("block_info", "1.0")
        assert header.signer_public_key == header.batcher_public_key == validator
        assert (
            list(header.inputs)
            == list(header.outputs)
            == [
                "00b10c01" + "0" * 62,
                "00b10c00",
            ]
        )
        assert header.nonce == "" and list(header.dependencies) == []
        payload = BlockInfoTxn.FromString(transaction.payload)
        previous = enabled_in.header
        assert payload == BlockInfoTxn(
            block=BlockInfo(
                block_num=previous.block_num,
                previous_block_id=previous.previous_block_id,
                signer_public_key=previous.signer_public_key,
                header_signature=enabled_in.id,
                timestamp=first,
            )
        )
        config = BlockInfoConfig.FromString(stored(devnet, addressing.CONFIG_ADDRESS))
        assert config == BlockInfoConfig(
            latest_block=1, oldest_block=1, target_count=256, sync_tolerance=300
        )

        # Block over block: the next block records this one, and ledger time moves on.
        await until(lambda: int(time.time()) > first, timeout=5)
        assert (await commit(client, signer, clock_txn(signer, "b"))).status == COMMITTED
        second = await reading(client, "b")
        assert first < second <= time.time()
        record = BlockInfo.FromString(stored(devnet, addressing.block_address(2)))
        assert (record.timestamp, record.previous_block_id) == (second, enabled_in.id)


async def test_without_the_setting_nothing_is_injected_and_ledger_time_is_unavailable(
    devnet, client, signer
) -> None:
    async with serving(devnet, "block_info", CLOCK):
        status = await commit(client, signer, clock_txn(signer, "a"))
        assert status.status == INVALID
        assert status.invalid_transactions[0].message == UNAVAILABLE
        assert devnet.ledger.head.num == 0
        assert stored(devnet, addressing.CONFIG_ADDRESS) is None


async def test_a_client_block_info_batch_is_refused_by_the_validation_rules(
    devnet, client, signer
) -> None:
    async with serving(devnet, "block_info", CLOCK, SETTING):
        await enable(client, signer, rules=True)
        head = devnet.ledger.head
        # Well formed and continuing the records, but signed by a client.
        forged = BlockInfo(
            block_num=head.num,
            previous_block_id=head.previous_id,
            signer_public_key=signer.public_key,
            header_signature=head.id,
            timestamp=int(time.time()),
        )
        status = await commit(client, signer, txn.record_block(signer, forged))
        assert status.status == INVALID
        assert status.invalid_transactions[0].message == (
            "batch can be in no block: it breaks the block validation rule NofX:1,block_info: a "
            "block holds at most 1 block_info transaction(s) (setting "
            "sawtooth.validator.block_validation_rules)"
        )
        assert devnet.ledger.head.id == head.id
        # Other batches keep the rules and commit after the injected one.
        assert (await commit(client, signer, clock_txn(signer, "a"))).status == COMMITTED
        assert len(head_block(devnet).batches) == 2


async def test_without_a_block_info_processor_every_batch_waits(devnet, client, signer) -> None:
    async with serving(devnet, CLOCK, SETTING):
        await enable(client, signer)
        batch = make_batch(signer, [clock_txn(signer, "a")])
        await client.submit(batch)
        await until(lambda: devnet.publisher.missing == {("block_info", "1.0"): 1})
        (status,) = await client.statuses(batch.header_signature, wait=False)
        assert status.status == PENDING and devnet.ledger.head.num == 1
        async with serving(devnet, "block_info"):
            (status,) = await client.statuses(batch.header_signature)
            assert status.status == COMMITTED
            assert devnet.publisher.missing == {}


async def test_a_clock_stepping_back_records_the_latest_timestamp_again(
    devnet, client, signer
) -> None:
    async with serving(devnet, "block_info", CLOCK, SETTING):
        await enable(client, signer)
        assert (await commit(client, signer, clock_txn(signer, "a"))).status == COMMITTED
        first = await reading(client, "a")
        devnet.publisher.block_info.clock = lambda: time.time() - 3600
        assert (await commit(client, signer, clock_txn(signer, "b"))).status == COMMITTED
        assert await reading(client, "b") == first


async def test_a_block_of_only_injected_batches_is_not_published(devnet, client, signer) -> None:
    async with serving(devnet, "block_info", CLOCK, SETTING):
        await enable(client, signer)
        head = devnet.ledger.head
        bad = clock_txn(signer, "a", ledger_time_inputs=False)
        status = await commit(client, signer, bad)
        assert status.status == INVALID
        assert "must list the BlockInfo config" in status.invalid_transactions[0].message
        assert devnet.ledger.head.id == head.id


async def test_an_invalid_injected_batch_is_left_out_unless_the_rules_refuse_the_block(
    devnet, client, signer, caplog
) -> None:
    async with serving(devnet, REJECTING, CLOCK, SETTING):
        await enable(client, signer)
        kept = setting_txn(signer, "smartblocks.test", "1")
        assert (await commit(client, signer, kept)).status == COMMITTED
        assert len(head_block(devnet).batches) == 1  # Sawtooth publishes it without BlockInfo

        rule = setting_txn(signer, "sawtooth.validator.block_validation_rules", RULES)
        assert (await commit(client, signer, rule)).status == COMMITTED
        head = devnet.ledger.head
        batch = make_batch(signer, [setting_txn(signer, "smartblocks.test", "2")])
        await client.submit(batch)
        await until(lambda: "block validation rule XatY:block_info,0" in caplog.text)
        (status,) = await client.statuses(batch.header_signature, wait=False)
        assert status.status == PENDING and devnet.ledger.head.id == head.id


async def test_an_unknown_injector_is_ignored(devnet, client, signer, caplog) -> None:
    async with serving(devnet, "block_info", SETTING):
        injectors = setting_txn(signer, "sawtooth.validator.batch_injectors", "block_info, x")
        assert (await commit(client, signer, injectors)).status == COMMITTED
        assert (await commit(client, signer, setting_txn(signer, "a.b", "1"))).status == COMMITTED
        assert len(head_block(devnet).batches) == 2  # block_info injected, " x" skipped
        assert "unknown batch injector ' x'" in caplog.text


def test_a_file_clock_reads_the_file_and_falls_back_to_the_clock(tmp_path) -> None:
    clock = FileClock(tmp_path / "clock")
    assert abs(clock() - time.time()) < 5  # no file yet: the clock
    (tmp_path / "clock").write_text("1772366400")
    assert clock() == 1772366400
    (tmp_path / "clock").write_text("noon")
    assert abs(clock() - time.time()) < 5
