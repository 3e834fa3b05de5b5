"""Batch injection at the start of each block, as Sawtooth 1.2's publisher does it: the
on-chain setting `sawtooth.validator.batch_injectors` (read at the chain head) lists the
injectors by name, comma-separated; `block_info` is the one Sawtooth ships.

The BlockInfo injector (Sawtooth's sawtooth_block_info/injector.py) puts one batch before the
block's other batches, signed by the validator key, with one `block_info` 1.0 transaction:

    BlockInfoTxn{block: BlockInfo{block_num, previous_block_id, signer_public_key of the
                 previous block (the chain head), header_signature = its id,
                 timestamp = this validator's clock in whole seconds}}

target_count and sync_tolerance are left 0, so the block_info processor keeps its config (the
first record sets the defaults, 256 blocks and 300 s). Inputs and outputs are the config
address and the block records' prefix; no nonce, no dependencies.

Devnet does one thing better: if the clock has stepped back behind the latest recorded
timestamp, the injector records that timestamp again instead of an earlier one, which the
block_info rules would reject; Sawtooth would publish the block without its BlockInfo, and
every later BlockInfo transaction would be invalid (its block would not follow the latest
record), freezing ledger time.

The BlockInfo layout is the shared core's (ledger/block_info.py), as the processors use it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig, BlockInfoTxn

from smartblocks.ledger.block_info import (
    BLOCK_PREFIX,
    CONFIG_ADDRESS,
    FAMILY_NAME,
    FAMILY_VERSION,
    block_address,
)
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import (
    BATCH_INJECTORS,
    decode_setting,
    entry_value,
    setting_address,
)
from smartblocks.ledger.transactions import make_batch, make_transaction

from .chainstore import BlockRecord
from .context import Reader

LOGGER = logging.getLogger(__name__)

BLOCK_INFO = "block_info"
BLOCK_INFO_FAMILY = (FAMILY_NAME, FAMILY_VERSION)
KNOWN_INJECTORS = (BLOCK_INFO,)


class FileClock:
    """Ledger time from a file (`smartblocks devnet --clock-file PATH`): the Unix seconds the file
    holds, the real clock while it is missing or holds no number. A demo or a test writes the
    file to let a day pass in a second; the injector still never lets ledger time go back."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __call__(self) -> float:
        try:
            return float(self.path.read_text())
        except (OSError, ValueError):
            return time.time()


def read_setting(read: Reader, key: str) -> str | None:
    """A setting's value in the state `read` reads; None when unset (or not a Setting)."""
    data = read(setting_address(key))
    if not data:
        return None
    try:
        return entry_value(decode_setting(data), key)
    except ValueError:
        LOGGER.warning("setting %s: the record at its address is not a Setting", key)
        return None


def injector_names(read: Reader) -> list[str]:
    """The names in sawtooth.validator.batch_injectors, split at "," as Sawtooth does (no
    trimming: " block_info" is not block_info)."""
    value = read_setting(read, BATCH_INJECTORS)
    return value.split(",") if value else []


def _latest_timestamp(read: Reader) -> int | None:
    """The timestamp of the latest BlockInfo record; None when there is none."""
    try:
        stored = read(CONFIG_ADDRESS)
        if not stored:
            return None
        data = read(block_address(BlockInfoConfig.FromString(stored).latest_block))
        return BlockInfo.FromString(data).timestamp if data else None
    except (DecodeError, ValueError):
        return None


class BlockInfoInjector:
    def __init__(self, signer: Signer, clock: Callable[[], float] = time.time) -> None:
        self._signer = signer
        self.clock = clock

    def block_start(self, previous: BlockRecord, read: Reader) -> Batch:
        """The batch that goes first in the block after `previous` (the chain head), whose
        state `read` reads."""
        header = previous.header
        timestamp = int(self.clock())
        latest = _latest_timestamp(read)
        if latest is not None and latest > timestamp:
            LOGGER.warning(
                "the clock reads %d, before the latest BlockInfo timestamp %d: recording %d again",
                timestamp,
                latest,
                latest,
            )
            timestamp = latest
        info = BlockInfo(
            block_num=header.block_num,
            previous_block_id=header.previous_block_id,
            signer_public_key=header.signer_public_key,
            header_signature=previous.id,
            timestamp=timestamp,
        )
        addresses = [CONFIG_ADDRESS, BLOCK_PREFIX]
        txn = make_transaction(
            self._signer,
            BLOCK_INFO,
            "1.0",
            BlockInfoTxn(block=info).SerializeToString(),
            addresses,
            addresses,
            nonce="",
        )
        return make_batch(self._signer, [txn])
