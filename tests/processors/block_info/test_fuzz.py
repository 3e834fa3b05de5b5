"""Seeded fuzz: random and mutated payloads only ever give InvalidTransaction (or apply
validly), and random walks of good and bad records keep BlockInfo's invariants."""

from __future__ import annotations

import contextlib
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfoTxn

from smartblocks.processors.block_info import addressing
from tests.processors.block_info.conftest import T0, Chain, block_id
from tests.support.fuzz import EDITS, fuzz_settings, mutate

FUZZ = fuzz_settings(300)


@pytest.fixture(scope="module")
def fuzzed() -> tuple[Chain, list[bytes]]:
    """A chain with records 0..3 and seeds: the next record, with and without config changes."""
    chain = Chain()
    for num in range(4):
        chain.record(num, T0 + num)
    seeds = [
        BlockInfoTxn(block=chain.info(4, T0 + 5)).SerializeToString(),
        BlockInfoTxn(
            block=chain.info(4, T0 + 5), target_count=2, sync_tolerance=60
        ).SerializeToString(),
    ]
    return chain, seeds


def apply_safely(chain: Chain, payload: bytes) -> None:
    """Apply, then forget the outcome, so every example starts from the same state."""
    saved = chain.ledger.state
    try:
        with contextlib.suppress(InvalidTransaction):
            chain.ledger.apply_payload(payload, chain.validator.public_key)
    finally:
        chain.ledger.state = saved


def test_the_seeds_apply(fuzzed) -> None:
    chain, seeds = fuzzed
    for seed in seeds:
        saved = chain.ledger.state
        chain.ledger.apply_payload(seed, chain.validator.public_key)
        assert chain.config().latest_block == 4
        chain.ledger.state = saved


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(fuzzed, data: bytes) -> None:
    apply_safely(fuzzed[0], data)


@FUZZ
@given(
    seed=st.integers(0, 1),
    edits=EDITS,
)
def test_mutated_payloads(fuzzed, seed: int, edits) -> None:
    chain, seeds = fuzzed
    data = mutate(seeds[seed], edits)
    apply_safely(chain, data)


@FUZZ
@given(
    block_num=st.integers(0, 2**64 - 1),
    timestamp=st.integers(0, 2**64 - 1),
    target_count=st.integers(0, 2**64 - 1),
    sync_tolerance=st.integers(0, 2**64 - 1),
)
def test_extreme_numbers(fuzzed, block_num, timestamp, target_count, sync_tolerance) -> None:
    chain, _ = fuzzed
    block = chain.info(block_num % 6, timestamp) if block_num < 6 else chain.info(0, timestamp)
    block.block_num = block_num
    payload = BlockInfoTxn(
        block=block, target_count=target_count, sync_tolerance=sync_tolerance
    ).SerializeToString()
    apply_safely(chain, payload)


def check_invariants(chain: Chain, timestamps: dict[int, int]) -> None:
    config = chain.config()
    recorded = chain.recorded()
    assert recorded == list(range(config.oldest_block, config.latest_block + 1))
    assert config.latest_block - config.oldest_block <= config.target_count
    stored = [chain.block(n).timestamp for n in recorded]
    assert stored == sorted(stored) and stored == [timestamps[n] for n in recorded]


@pytest.mark.parametrize("seed", range(8))
def test_random_walk_keeps_the_invariants(seed: int) -> None:
    """Good records, records with one thing wrong, and config changes, in a seeded order."""
    rng = random.Random(seed)
    chain = Chain()
    chain.record(0, T0, target_count=rng.randint(1, 6))
    latest, when, timestamps = 0, T0, {0: T0}
    for _ in range(120):
        chain.now = max(chain.now, when) + rng.randint(0, 3)
        step = rng.randint(0, 4)
        fault = rng.choice([None, None, None, "num", "previous", "back"])
        num, timestamp = latest + 1, when + step
        fields: dict = {}
        if fault == "num":
            num = latest + rng.choice([-1, 0, 2, 5])
        elif fault == "previous":
            fields["previous_block_id"] = block_id(latest + 7)
        elif fault == "back" and when > T0:
            timestamp = when - rng.randint(1, 5)
        options = {}
        if rng.random() < 0.1:
            options["target_count"] = rng.randint(1, 8)
        if num < 0:
            continue
        try:
            chain.record(num, timestamp, **fields, **options)
        except InvalidTransaction:
            assert fault is not None and not (fault == "back" and when == T0)
        else:
            assert fault is None or (fault == "back" and when == T0)
            latest, when = num, timestamp
            timestamps[num] = timestamp
        check_invariants(chain, timestamps)
    assert chain.config().latest_block == latest
    assert addressing.block_address(latest) in chain.ledger.state
