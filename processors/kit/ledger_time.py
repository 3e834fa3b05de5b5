"""Ledger time: "now" inside a transaction, without a clock.

A processor never reads its clock (validators replaying a block later would see another time).
Rules that need "now" (a reading window cannot end in the future, a forecast must precede its
period, a settlement must follow it, an offer expires) read ledger time instead: the timestamp
of the latest BlockInfo record. Sawtooth's BlockInfo injector puts one `block_info` transaction
at the start of every block, recording the previous block with the publishing validator's
clock as timestamp; the block_info rules keep those timestamps non-decreasing, and on a Sawtooth
network the official block-info-tp also keeps them at most sync_tolerance seconds (default
300) ahead of each validator's clock (processors/block_info/rules.py).

The contract of `ledger_time(store)`:
- it is the timestamp (Unix seconds, UTC) of the latest BlockInfo record: the record of the
  previous block, which the injected transaction at the start of this transaction's block
  wrote with the publishing validator's clock reading as it began the block. Every
  transaction of a block sees the same value, and it never decreases from block to block;
- it is the publishing validator's clock, trusted as far as the network's rules allow: honest
  validators' clocks, on a Sawtooth network ahead of none of them by more than sync_tolerance
  (devnet is its own only publisher). It may lag real time
  by the time a block takes to publish (seconds on devnet; a PoET block interval on a network);
- it is unavailable (InvalidTransaction) on a network without BlockInfo records.

Each rule that compares with ledger time states its own tolerance where the rule is written
(e.g. "a window may end at most 300 s after ledger time"), so its documentation says how far
"now" may be off for that rule.

A transaction that reads ledger time declares the whole namespace "00b10c" in its inputs: the
latest block's address is not known when the transaction is built (`with_ledger_time`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig

from smartblocks.ledger.block_info import CONFIG_ADDRESS, block_address
from smartblocks.ledger.block_info import NAMESPACE as BLOCK_INFO_NAMESPACE

from .store import RecordStore, Ref, proto_ref

__all__ = ["BLOCK_INFO_NAMESPACE", "LEDGER_TIME_INPUTS", "ledger_time", "with_ledger_time"]

# The inputs a transaction that reads ledger time adds to its own.
LEDGER_TIME_INPUTS: tuple[str, ...] = (BLOCK_INFO_NAMESPACE,)

UNAVAILABLE = (
    "ledger time is unavailable: this network has no BlockInfo records; enable the block_info "
    "batch injector (setting sawtooth.validator.batch_injectors=block_info) and run a "
    "block_info processor"
)


def config_ref() -> Ref[BlockInfoConfig]:
    return proto_ref(CONFIG_ADDRESS, "the BlockInfo config", BlockInfoConfig)


def block_ref(block_num: int) -> Ref[BlockInfo]:
    return proto_ref(
        block_address(block_num), f"the BlockInfo record of block {block_num}", BlockInfo
    )


def ledger_time(store: RecordStore) -> int:
    """The timestamp of the latest BlockInfo record, in Unix seconds (the contract above)."""
    config = store.get(config_ref())
    if config is None:
        raise InvalidTransaction(UNAVAILABLE)
    latest = store.get(block_ref(config.latest_block))
    if latest is None:
        raise InvalidTransaction(
            f"ledger time is unavailable: the BlockInfo config names block "
            f"{config.latest_block} as the latest, but its record is absent"
        )
    return int(latest.timestamp)


def with_ledger_time(inputs: Iterable[str]) -> list[str]:
    """A transaction's inputs plus the BlockInfo namespace, for builders of transactions whose
    rules read ledger time: `inputs=with_ledger_time([meter_address, head_address])`."""
    listed = list(inputs)
    return listed + [p for p in LEDGER_TIME_INPUTS if p not in listed]
