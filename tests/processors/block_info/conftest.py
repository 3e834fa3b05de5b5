"""A chain of BlockInfo records on the in-memory ledger, with a clock the test sets."""

from __future__ import annotations

import hashlib

import pytest
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig

from smartblocks.ledger.keys import Signer
from smartblocks.processors.block_info import addressing, txn
from smartblocks.processors.block_info.handler import BlockInfoHandler
from tests.support.contexts import StrictContext
from tests.support.ledger import Ledger

T0 = 1_772_366_400  # 2026-03-01T12:00Z
GENESIS_PREVIOUS = "0000000000000000"


def block_id(num: int) -> str:
    return hashlib.sha512(f"block {num}".encode()).hexdigest()


class Chain:
    """BlockInfo records applied through the real handler, as the injector sends them."""

    def __init__(self) -> None:
        self.now = T0
        self.validator = Signer.generate()
        self.ledger = Ledger(BlockInfoHandler())

    def info(self, num: int, timestamp: int, **fields) -> BlockInfo:
        previous = block_id(num - 1) if num else GENESIS_PREVIOUS
        values = {
            "block_num": num,
            "previous_block_id": previous,
            "signer_public_key": self.validator.public_key,
            "header_signature": block_id(num),
            "timestamp": timestamp,
        }
        return BlockInfo(**(values | fields))

    def record(self, num: int, timestamp: int, **options) -> StrictContext:
        target_count = options.pop("target_count", 0)
        sync_tolerance = options.pop("sync_tolerance", 0)
        block = self.info(num, timestamp, **options)
        return self.ledger.apply(
            txn.record_block(
                self.validator, block, target_count=target_count, sync_tolerance=sync_tolerance
            )
        )

    def config(self) -> BlockInfoConfig:
        return BlockInfoConfig.FromString(self.ledger.state[addressing.CONFIG_ADDRESS])

    def block(self, num: int) -> BlockInfo | None:
        data = self.ledger.state.get(addressing.block_address(num))
        return BlockInfo.FromString(data) if data else None

    def recorded(self) -> list[int]:
        """The block numbers that have a record, in order."""
        return sorted(n for a in self.ledger.state if (n := addressing.block_num_of(a)) is not None)


@pytest.fixture
def chain() -> Chain:
    return Chain()
