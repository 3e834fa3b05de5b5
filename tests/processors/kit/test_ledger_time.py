"""Ledger time: the kit's reader of the latest BlockInfo timestamp, on the in-memory ledger with
the real block_info handler and a family that reads ledger time (tests/support)."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.block_info import addressing, txn
from smartblocks.processors.block_info.handler import BlockInfoHandler
from smartblocks.processors.kit import ledger_time
from smartblocks.processors.kit.store import RecordStore
from tests.processors.block_info.conftest import T0, Chain
from tests.support.contexts import FakeContext
from tests.support.ledger import Ledger
from tests.support.ledger_time_handlers import ClockHandler, clock_address, clock_txn


@pytest.fixture
def chain() -> Chain:
    chain = Chain()
    chain.ledger = Ledger(BlockInfoHandler(), ClockHandler())
    return chain


def read_clock(chain: Chain, name: str = "c") -> int:
    chain.ledger.apply(clock_txn(Signer.generate(), name))
    return int(chain.ledger.state[clock_address(name)])


def test_constants() -> None:
    assert ledger_time.BLOCK_INFO_NAMESPACE == "00b10c"
    assert ledger_time.LEDGER_TIME_INPUTS == ("00b10c",)


def test_with_ledger_time_adds_the_namespace_once() -> None:
    assert ledger_time.with_ledger_time(["ab" * 35]) == ["ab" * 35, "00b10c"]
    assert ledger_time.with_ledger_time(("00b10c", "cd")) == ["00b10c", "cd"]
    assert ledger_time.with_ledger_time([]) == ["00b10c"]


def test_ledger_time_is_the_latest_records_timestamp(chain: Chain) -> None:
    chain.record(0, T0)
    assert read_clock(chain) == T0
    chain.record(1, T0 + 7)
    chain.record(2, T0 + 7)
    assert read_clock(chain) == T0 + 7
    chain.record(3, T0 + 60)
    assert read_clock(chain) == T0 + 60


def test_ledger_time_follows_records_when_old_ones_are_deleted(chain: Chain) -> None:
    chain.record(0, T0, target_count=1)
    for num in range(1, 5):
        chain.record(num, T0 + num)
    assert chain.recorded() == [3, 4] and read_clock(chain) == T0 + 4


def test_without_block_info_records_ledger_time_is_unavailable(chain: Chain) -> None:
    with pytest.raises(InvalidTransaction) as caught:
        read_clock(chain)
    assert str(caught.value) == (
        "ledger time is unavailable: this network has no BlockInfo records; enable the "
        "block_info batch injector (setting sawtooth.validator.batch_injectors=block_info) and "
        "run a block_info processor"
    )


def test_a_config_without_its_latest_record_is_named(chain: Chain) -> None:
    chain.record(0, T0)
    chain.record(1, T0)
    del chain.ledger.state[addressing.block_address(1)]
    with pytest.raises(InvalidTransaction) as caught:
        read_clock(chain)
    assert str(caught.value) == (
        "ledger time is unavailable: the BlockInfo config names block 1 as the latest, but its "
        "record is absent"
    )


def test_a_transaction_must_declare_the_namespace(chain: Chain) -> None:
    chain.record(0, T0)
    with pytest.raises(InvalidTransaction) as caught:
        chain.ledger.apply(clock_txn(Signer.generate(), "c", ledger_time_inputs=False))
    assert str(caught.value) == (
        f"transaction must list the BlockInfo config (address {addressing.CONFIG_ADDRESS}) in "
        "its inputs"
    )


def test_reads_go_through_the_record_store_and_write_nothing() -> None:
    chain = Chain()
    chain.record(0, T0 + 3)
    context = FakeContext(chain.ledger.state)
    store = RecordStore(context, ["00b10c"], [], ["abcdef"])
    assert ledger_time.ledger_time(store) == T0 + 3
    store.flush()
    assert context.set_calls == 0 and context.state == chain.ledger.state


def test_a_record_from_the_injector_format_is_read(chain: Chain) -> None:
    """The record as devnet's injector writes it: the same builder inputs, the real handler."""
    block = chain.info(0, T0 + 11)
    chain.ledger.apply(txn.record_block(chain.validator, block))
    assert read_clock(chain) == T0 + 11
