"""The block_info rules, one by one, through the real handler on contexts that enforce the
transaction's inputs and outputs (as Sawtooth 1.2's block_info processor applies them)."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InternalError, InvalidTransaction
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig, BlockInfoTxn
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.processors.block_info import FAMILY, addressing, txn
from smartblocks.processors.block_info.handler import BlockInfoHandler
from smartblocks.processors.block_info.rules import DEFAULT_SYNC_TOLERANCE, DEFAULT_TARGET_COUNT
from smartblocks.processors.families import FAMILIES, load_handler
from tests.processors.block_info.conftest import T0, Chain, block_id
from tests.support.contexts import StrictContext, process_request


def build(chain: Chain, last: int, start: int = 0, step: int = 5) -> None:
    """Records of blocks start..last, `step` seconds apart from T0."""
    for num in range(start, last + 1):
        chain.record(num, T0 + step * (num - start))


# -- the family ----------------------------------------------------------------------------------


def test_registered_with_sawtooths_name_version_and_namespace() -> None:
    assert FAMILIES["block_info"] is FAMILY
    handler = load_handler("block_info")
    assert isinstance(handler, BlockInfoHandler)
    assert (handler.family_name, handler.family_versions) == ("block_info", ["1.0"])
    assert handler.namespaces == ["00b10c"] == [FAMILY.namespace]


def test_records_are_shown_by_kind_with_readable_times(chain: Chain) -> None:
    chain.record(0, T0)
    kind, shown = FAMILY.show_record(
        addressing.block_address(0), chain.ledger.state[addressing.block_address(0)]
    )
    assert kind == "block" and shown["timestamp"] == "2026-03-01T12:00:00Z"
    kind, shown = FAMILY.show_record(
        addressing.CONFIG_ADDRESS, chain.ledger.state[addressing.CONFIG_ADDRESS]
    )
    assert kind == "config" and shown["target_count"] == DEFAULT_TARGET_COUNT


# -- the first record ----------------------------------------------------------------------------


def test_first_record_sets_up_the_config_with_the_defaults(chain: Chain) -> None:
    context = chain.record(7, T0)  # any block number may come first
    assert chain.config() == BlockInfoConfig(
        latest_block=7, oldest_block=7, target_count=256, sync_tolerance=300
    )
    assert chain.block(7) == chain.info(7, T0)
    assert set(context.state) == {addressing.CONFIG_ADDRESS, addressing.block_address(7)}
    assert context.events == []  # Sawtooth's processor emits none
    assert (DEFAULT_TARGET_COUNT, DEFAULT_SYNC_TOLERANCE) == (256, 300)


def test_first_record_takes_target_count_and_sync_tolerance_from_the_transaction(
    chain: Chain,
) -> None:
    chain.record(0, T0, target_count=3, sync_tolerance=60)
    assert (chain.config().target_count, chain.config().sync_tolerance) == (3, 60)


def test_first_record_may_carry_the_genesis_previous_id(chain: Chain) -> None:
    chain.record(0, T0)
    assert chain.block(0).previous_block_id == "0000000000000000"


def test_past_timestamps_are_accepted_so_old_blocks_replay(chain: Chain) -> None:
    chain.now = T0 + 10 * 365 * 86_400
    build(chain, 3)
    assert chain.config().latest_block == 3


# -- continuing the chain of records -------------------------------------------------------------


def test_each_record_continues_the_latest(chain: Chain) -> None:
    build(chain, 2)
    chain.record(3, T0 + 15)
    assert chain.config() == BlockInfoConfig(
        latest_block=3, oldest_block=0, target_count=256, sync_tolerance=300
    )
    assert chain.recorded() == [0, 1, 2, 3]


@pytest.mark.parametrize("num", [0, 2, 4, 100])
def test_block_num_must_be_the_latest_plus_one(chain: Chain, num: int) -> None:
    build(chain, 2)
    with pytest.raises(InvalidTransaction) as caught:
        chain.record(num, T0 + 20)
    assert str(caught.value) == (
        f"BlockInfo of block {num}: the latest recorded block is 2, so the next record must be "
        "of block 3"
    )


def test_previous_block_id_must_be_the_latest_records_header_signature(chain: Chain) -> None:
    build(chain, 2)
    with pytest.raises(InvalidTransaction) as caught:
        chain.record(3, T0 + 20, previous_block_id=block_id(1))
    assert str(caught.value) == (
        f"BlockInfo of block 3: previous_block_id {block_id(1)[:16]}... is not the header "
        f"signature of recorded block 2 ({block_id(2)[:16]}...)"
    )


def test_timestamp_may_not_go_back(chain: Chain) -> None:
    build(chain, 2)  # block 2 at T0 + 10
    with pytest.raises(InvalidTransaction) as caught:
        chain.record(3, T0 + 9)
    assert str(caught.value) == (
        "BlockInfo of block 3: timestamp 1772366409 (2026-03-01T12:00:09Z) is before block 2's "
        "timestamp 1772366410 (2026-03-01T12:00:10Z)"
    )
    chain.record(3, T0 + 10)  # the same second is allowed (Sawtooth's code; the spec says ">")
    assert chain.block(3).timestamp == T0 + 10


def test_no_clock_is_read_a_transactions_sync_tolerance_is_kept(chain: Chain) -> None:
    # Sawtooth's processor would refuse T0 + 10**6 as ahead of its clock; ours reads none
    # (the injector bounds ledger time) and keeps sync_tolerance for the official processor.
    build(chain, 1)
    chain.record(2, T0 + 10**6, sync_tolerance=600)
    assert chain.config().sync_tolerance == 600


def test_a_refused_record_changes_nothing(chain: Chain) -> None:
    build(chain, 2)
    before = dict(chain.ledger.state)
    with pytest.raises(InvalidTransaction):
        chain.record(3, T0 + 20, previous_block_id=block_id(7), target_count=1)
    assert chain.ledger.state == before


# -- target_count: old records are deleted --------------------------------------------------------


def test_records_beyond_target_count_are_deleted_oldest_first(chain: Chain) -> None:
    chain.record(0, T0, target_count=2)
    build(chain, 5, start=1)
    # Sawtooth keeps target_count + 1 records: latest - oldest == target_count.
    assert chain.recorded() == [3, 4, 5]
    assert (chain.config().oldest_block, chain.config().latest_block) == (3, 5)


def test_a_smaller_target_count_deletes_several_records_at_once(chain: Chain) -> None:
    build(chain, 6)
    context = chain.record(7, T0 + 40, target_count=1)
    assert chain.recorded() == [6, 7]
    assert chain.config() == BlockInfoConfig(
        latest_block=7, oldest_block=6, target_count=1, sync_tolerance=300
    )
    assert set(context.state) == {addressing.CONFIG_ADDRESS} | {
        addressing.block_address(n) for n in (6, 7)
    }


def test_zero_target_count_and_sync_tolerance_keep_the_configs(chain: Chain) -> None:
    chain.record(0, T0, target_count=5, sync_tolerance=30)
    chain.record(1, T0 + 1)
    assert (chain.config().target_count, chain.config().sync_tolerance) == (5, 30)


def test_zeros_in_a_stored_config_read_as_the_defaults(chain: Chain) -> None:
    chain.record(0, T0)
    chain.ledger.state[addressing.CONFIG_ADDRESS] = BlockInfoConfig(
        latest_block=0, oldest_block=0
    ).SerializeToString()
    chain.record(1, T0 + 300)
    assert (chain.config().target_count, chain.config().sync_tolerance) == (256, 300)


# -- state that only something else could have written --------------------------------------------


def test_a_missing_latest_record_is_an_internal_error(chain: Chain) -> None:
    build(chain, 2)
    del chain.ledger.state[addressing.block_address(2)]
    with pytest.raises(InternalError, match="names block 2 as the latest recorded, but its"):
        chain.record(3, T0 + 15)


def test_a_record_at_the_wrong_address_is_an_internal_error(chain: Chain) -> None:
    build(chain, 2)
    state = chain.ledger.state
    state[addressing.block_address(2)] = state[addressing.block_address(1)]
    with pytest.raises(InternalError, match="block 2's address holds block 1"):
        chain.record(3, T0 + 15)


# -- the payload ---------------------------------------------------------------------------------


def bad_payload(chain: Chain, **fields) -> str:
    block = chain.info(0, T0, **fields)
    with pytest.raises(InvalidTransaction) as caught:
        chain.ledger.apply(txn.record_block(chain.validator, block))
    return str(caught.value)


def test_previous_block_id_is_128_hex_or_the_genesis_id(chain: Chain) -> None:
    assert bad_payload(chain, previous_block_id="ab" * 10) == (
        f"BlockInfo of block 0: previous_block_id {'ab' * 10!r} is neither 128 hex characters "
        "nor the genesis id 0000000000000000"
    )
    assert "previous_block_id" in bad_payload(chain, previous_block_id="g" * 128)
    assert "previous_block_id" in bad_payload(chain, previous_block_id="")


def test_signer_public_key_is_66_hex(chain: Chain) -> None:
    assert bad_payload(chain, signer_public_key="02" * 32) == (
        f"BlockInfo of block 0: signer_public_key {'02' * 32!r} is not 66 hex characters"
    )


def test_header_signature_is_128_hex(chain: Chain) -> None:
    message = bad_payload(chain, header_signature=" " + block_id(0)[1:])
    assert message.endswith("is not 128 hex characters") and "header_signature" in message


def test_hex_of_either_case_is_accepted(chain: Chain) -> None:
    chain.record(0, T0, header_signature=block_id(0).upper())
    chain.record(1, T0, previous_block_id=block_id(0).upper())


def test_garbage_and_empty_payloads_are_refused(chain: Chain) -> None:
    key = chain.validator.public_key
    with pytest.raises(InvalidTransaction, match="payload is not a BlockInfoTxn"):
        chain.ledger.apply_payload(b"\xff\xff\xff", key)
    # An empty BlockInfoTxn has no block: its previous block id is empty.
    with pytest.raises(InvalidTransaction, match="previous_block_id '' is neither"):
        chain.ledger.apply_payload(b"", key)


def test_unknown_fields_are_ignored_as_by_sawtooth(chain: Chain) -> None:
    payload = BlockInfoTxn(block=chain.info(0, T0)).SerializeToString() + b"\x98\x01\x05"
    chain.ledger.apply_payload(payload, chain.validator.public_key)
    assert chain.config().latest_block == 0


# -- inputs and outputs --------------------------------------------------------------------------


def request(block: BlockInfo, inputs: list[str], outputs: list[str]) -> TpProcessRequest:
    payload = BlockInfoTxn(block=block).SerializeToString()
    return TpProcessRequest(
        header=TransactionHeader(inputs=inputs, outputs=outputs), payload=payload
    )


def test_the_injectors_inputs_and_outputs_suffice(chain: Chain) -> None:
    transaction = txn.record_block(chain.validator, chain.info(0, T0))
    header = process_request(transaction).header
    assert (
        list(header.inputs)
        == list(header.outputs)
        == [
            "00b10c01" + "0" * 62,
            "00b10c00",
        ]
    )
    assert header.nonce == "" and list(header.dependencies) == []
    build(chain, 300, step=1)  # deletes as well as writes: all under the declared prefix
    assert chain.recorded() == list(range(44, 301))


def test_a_transaction_without_the_config_in_its_inputs_is_refused(chain: Chain) -> None:
    context = StrictContext({}, ["00b10c00"], ["00b10c"])
    with pytest.raises(InvalidTransaction) as caught:
        BlockInfoHandler().apply(request(chain.info(0, T0), ["00b10c00"], ["00b10c"]), context)
    assert str(caught.value) == (
        f"transaction must list the BlockInfo config (address {addressing.CONFIG_ADDRESS}) in "
        "its inputs"
    )
