"""The block_info rules, as Sawtooth 1.2's block_info processor applies them (its Rust
handler; the BlockInfo transaction family specification says the same except where noted).

A transaction records one block: in a block built by the BlockInfo injector it is the previous
block's number, previous block id, signer and header signature, with the injector's clock
reading as timestamp.

- No config in state: this is the first record. The config starts with the transaction's
  target_count and sync_tolerance (0 means the defaults, 256 and 300 s), latest and oldest
  block both the recorded block; block_num may be any number.
- Otherwise a non-zero target_count or sync_tolerance in the transaction replaces the config's,
  and the record must continue the chain of records: block_num is the latest recorded block
  + 1, previous_block_id is the latest record's header_signature, and the timestamp is not
  before the latest record's (equal is allowed; the specification says "greater", Sawtooth's
  code allows equal).
- Sawtooth's processor also refuses a timestamp more than sync_tolerance seconds ahead of the
  validator's own clock. This one does not: no SmartBlocks processor reads a clock
  (docs/design.md, "Ledger time"). What bounds ledger time by real time is the publisher's
  injector (devnet's, or on a Sawtooth network the official block-info-tp beside each
  validator, which does check it); sync_tolerance is kept in the config for that processor.
- The record is written, the config's latest block moves to it, and records older than
  target_count blocks behind it are deleted (oldest first, so target_count + 1 records remain).

A config or a latest record that disagree with each other is an internal error, as in Sawtooth:
only these rules write the namespace, so it means state was written by something else.
"""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InternalError, InvalidTransaction
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfoConfig, BlockInfoTxn

from smartblocks.processors.kit.periods import iso
from smartblocks.processors.kit.store import RecordStore

from . import records

DEFAULT_TARGET_COUNT = 256
DEFAULT_SYNC_TOLERANCE = 5 * 60  # seconds
_YEAR_10000 = 253_402_300_800  # Unix seconds of 10000-01-01, beyond what iso() can show


def record_block(txn: BlockInfoTxn, signer: str, store: RecordStore) -> None:
    block = txn.block
    config = store.get(records.config())
    if config is None:
        config = BlockInfoConfig(
            latest_block=block.block_num,
            oldest_block=block.block_num,
            target_count=txn.target_count or DEFAULT_TARGET_COUNT,
            sync_tolerance=txn.sync_tolerance or DEFAULT_SYNC_TOLERANCE,
        )
    else:
        config = _continue(config, txn, store)
    store.put(records.config(), config)
    store.put(records.block(block.block_num), block)


def _continue(stored: BlockInfoConfig, txn: BlockInfoTxn, store: RecordStore) -> BlockInfoConfig:
    """The config after recording `txn.block` on top of the stored records."""
    block = txn.block
    # A zero in the stored config reads as the default, as in Sawtooth.
    target_count = txn.target_count or stored.target_count or DEFAULT_TARGET_COUNT
    sync_tolerance = txn.sync_tolerance or stored.sync_tolerance or DEFAULT_SYNC_TOLERANCE
    latest = stored.latest_block
    if block.block_num != latest + 1:
        raise InvalidTransaction(
            f"BlockInfo of block {block.block_num}: the latest recorded block is {latest}, so "
            f"the next record must be of block {latest + 1}"
        )
    previous = store.get(records.block(latest))
    if previous is None:
        raise InternalError(
            f"BlockInfo state is inconsistent: the config names block {latest} as the latest "
            "recorded, but its record is absent"
        )
    if previous.block_num != latest:
        raise InternalError(
            f"BlockInfo state is inconsistent: the record at block {latest}'s address holds "
            f"block {previous.block_num}"
        )
    if block.previous_block_id != previous.header_signature:
        raise InvalidTransaction(
            f"BlockInfo of block {block.block_num}: previous_block_id "
            f"{block.previous_block_id[:16]}... is not the header signature of recorded block "
            f"{latest} ({previous.header_signature[:16]}...)"
        )
    if block.timestamp < previous.timestamp:
        raise InvalidTransaction(
            f"BlockInfo of block {block.block_num}: timestamp {_moment(block.timestamp)} is "
            f"before block {latest}'s timestamp {_moment(previous.timestamp)}"
        )
    oldest = stored.oldest_block
    while block.block_num - oldest > target_count:
        store.delete(records.block(oldest))
        oldest += 1
    return BlockInfoConfig(
        latest_block=block.block_num,
        oldest_block=oldest,
        target_count=target_count,
        sync_tolerance=sync_tolerance,
    )


def _moment(timestamp: int) -> str:
    """Unix seconds as "1772366400 (2026-03-01T12:00Z)"; beyond year 9999 the number alone."""
    return f"{timestamp} ({iso(timestamp)})" if 0 <= timestamp < _YEAR_10000 else str(timestamp)
