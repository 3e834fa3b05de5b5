"""Decode a BlockInfoTxn and check what needs no state, as Sawtooth 1.2's block_info processor
does: the previous block id is 128 hex characters (or the genesis id "0000000000000000"), the
signer's public key 66 and the header signature 128 (hex of either case, as Rust's
`hex::decode` takes). Sawtooth sets no size limit and checks neither block_num (any uint64) nor
the timestamp here; the rules do (rules.py). The specification also asks for a timestamp above
0; Sawtooth 1.2's code does not check that, and neither do we, so that both processors agree on
every block."""

from __future__ import annotations

import re

from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfoTxn

# The previous_block_id of block 0, as Sawtooth writes it.
GENESIS_PREVIOUS_ID = "0000000000000000"
_HEX = "[0-9a-fA-F]"


def _is_hex(value: str, length: int) -> bool:
    return re.fullmatch(f"{_HEX}{{{length}}}", value) is not None


def decode(data: bytes) -> BlockInfoTxn:
    """The checked payload; InvalidTransaction naming the field otherwise."""
    txn = BlockInfoTxn()
    try:
        txn.ParseFromString(data)
    # DecodeError, or whatever else a protobuf backend raises on some malformed input.
    except Exception as exc:
        raise InvalidTransaction(f"payload is not a BlockInfoTxn: {exc}") from None
    block = txn.block
    what = f"BlockInfo of block {block.block_num}"
    if not (
        _is_hex(block.previous_block_id, 128) or block.previous_block_id == GENESIS_PREVIOUS_ID
    ):
        raise InvalidTransaction(
            f"{what}: previous_block_id {block.previous_block_id[:140]!r} is neither 128 hex "
            f"characters nor the genesis id {GENESIS_PREVIOUS_ID}"
        )
    if not _is_hex(block.signer_public_key, 66):
        raise InvalidTransaction(
            f"{what}: signer_public_key {block.signer_public_key[:80]!r} is not 66 hex characters"
        )
    if not _is_hex(block.header_signature, 128):
        raise InvalidTransaction(
            f"{what}: header_signature {block.header_signature[:140]!r} is not 128 hex characters"
        )
    return txn
