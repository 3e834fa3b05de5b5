"""A block_info transaction as Sawtooth's BlockInfo injector builds it: family block_info 1.0,
inputs and outputs the config address and the block records' prefix, no nonce (the payload,
which names a new block, makes it unique), no dependencies. Validators inject these; a client
never needs to (the on-chain validation rules refuse client ones: docs/design.md)."""

from __future__ import annotations

from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoTxn
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.kit.builder import Builder

from .addressing import BLOCK_PREFIX, CONFIG_ADDRESS, FAMILY_NAME, FAMILY_VERSION

ADDRESSES = (CONFIG_ADDRESS, BLOCK_PREFIX)
BUILDER = Builder(FAMILY_NAME, FAMILY_VERSION)


def record_block(
    signer: Signer, block: BlockInfo, *, target_count: int = 0, sync_tolerance: int = 0
) -> Transaction:
    payload = BlockInfoTxn(block=block, target_count=target_count, sync_tolerance=sync_tolerance)
    return BUILDER.transaction(signer, payload, ADDRESSES, ADDRESSES, nonce="")
