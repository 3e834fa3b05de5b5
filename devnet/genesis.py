"""The validator key and the genesis block, created on first start.

Genesis follows Sawtooth: block 0, previous_block_id "0000000000000000", signed by the validator
key, consensus b"Genesis". Like `sawadm genesis`, the first start may be given genesis batches
(the serialized `Batch`es of Sawtooth's genesis.batch, e.g. the settings proposals `sawset
genesis` and `sawset proposal create` write): block 0 then holds them. As Sawtooth's genesis
controller does, the devnet waits until a processor of every family they need has registered,
executes them in order on empty state, and writes block 0 with their receipts and events only
if every one is valid; otherwise it writes nothing and stops with the reason. Without genesis
batches block 0 is empty and its state root is the empty tree's.

The validator key signs every block, so it is created only with a new chain: a chain whose key
is missing, or whose key is not the one that signed its genesis block, is refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from sawtooth_sdk.protobuf.block_pb2 import BlockHeader

from smartblocks.devnet.state.merkle import EMPTY_ROOT
from smartblocks.ledger.errors import KeyFileError, UserError
from smartblocks.ledger.events import NULL_BLOCK_ID
from smartblocks.ledger.keys import Signer, key_paths, load_signer, write_key_files

from .batches import BatchRejected, PendingBatch, check_batch
from .chainstore import BlockRecord, ChainStore, NewBatch
from .events import block_events
from .processors import FamilyKey
from .receipts import effects, state_changes
from .scheduler import BlockOutcome, BlockScheduler, Execute

LOGGER = logging.getLogger(__name__)

GENESIS_CONSENSUS = b"Genesis"
DEVMODE_CONSENSUS = b"Devmode"
KEY_NAME = "validator"


class GenesisError(UserError):
    """The genesis batches cannot make a genesis block (or the chain cannot take them)."""


# -- the validator key --------------------------------------------------------------------------


def load_or_create_key(data_dir: Path, *, chain_exists: bool = False) -> Signer:
    """data_dir/validator.priv (and .pub) in `sawtooth keygen` format; created only for a new
    chain. A KeyFileError says what to do when the key of an existing chain is missing, or
    when only the .pub is there."""
    priv, pub = key_paths(KEY_NAME, data_dir)
    if priv.exists():
        return load_signer(priv)
    if pub.exists():
        raise KeyFileError(
            f"the validator's private key {priv} is missing, but its public key {pub} is there: "
            f"restore {priv.name} from your backup (it must match {pub.name}); or, to start a "
            "new chain with a new key, use a new data dir (--data-dir)"
        )
    if chain_exists:
        raise KeyFileError(
            f"the chain in {data_dir} exists, but its validator key {priv} is missing: restore "
            f"{priv.name} (and {pub.name}) from your backup, since every block is signed with "
            "it; or, to start a new chain with a new key, use a new data dir (--data-dir)"
        )
    _, _, signer = write_key_files(KEY_NAME, data_dir)
    return signer


def check_chain_key(signer: Signer, genesis: BlockRecord, data_dir: Path) -> None:
    """The key must be the one that signed the chain's genesis block."""
    signed_by = genesis.header.signer_public_key
    if signed_by != signer.public_key:
        priv, _ = key_paths(KEY_NAME, data_dir)
        raise KeyFileError(
            f"{priv} holds key {signer.public_key[:16]}.., but the chain in {data_dir} was "
            f"signed by {signed_by[:16]}..: restore that chain's {priv.name}; or, to start a new "
            "chain, use a new data dir (--data-dir)"
        )


# -- sealing blocks -----------------------------------------------------------------------------


def seal(
    signer: Signer,
    block_num: int,
    previous_id: str,
    batch_ids: list[str],
    state_root: str,
    consensus: bytes,
) -> tuple[bytes, str]:
    """Serialized BlockHeader and its signature (the block id)."""
    header = BlockHeader(
        block_num=block_num,
        previous_block_id=previous_id,
        signer_public_key=signer.public_key,
        batch_ids=batch_ids,
        consensus=consensus,
        state_root_hash=state_root,
    ).SerializeToString()
    return header, signer.sign(header)


def seal_genesis(signer: Signer, root: str, batch_ids: Sequence[str] = ()) -> tuple[bytes, str]:
    return seal(signer, 0, NULL_BLOCK_ID, list(batch_ids), root, GENESIS_CONSENSUS)


# -- block 0 ------------------------------------------------------------------------------------


def parse_genesis_batches(raw_batches: Sequence[bytes]) -> list[PendingBatch]:
    """The genesis batches, checked as submitted batches are; GenesisError names a bad one."""
    parsed = []
    for index, raw in enumerate(raw_batches):
        try:
            batch = check_batch(raw)
        except BatchRejected as exc:
            raise GenesisError(f"genesis batch {index + 1} is malformed: {exc}") from None
        if batch.problem is not None:
            raise GenesisError(f"genesis batch {index + 1} is invalid: {batch.problem[1]}")
        parsed.append(batch)
    return parsed


def needed_families(batches: Sequence[PendingBatch]) -> list[FamilyKey]:
    return sorted({family for batch in batches for family in batch.families})


async def wait_for_processors(
    families: Sequence[FamilyKey],
    has: Callable[[FamilyKey], bool],
    changed: asyncio.Event,
    warn_after: float = 2.0,
) -> None:
    """Until a processor of every family is registered. Says what it waits for at once (INFO:
    processors started with the devnet register within milliseconds), and as a warning if they
    have not after `warn_after` seconds."""
    loop = asyncio.get_running_loop()
    warn_at = loop.time() + warn_after
    said: tuple[list[FamilyKey], int] = ([], logging.NOTSET)
    while True:
        missing = [f for f in families if not has(f)]
        if not missing:
            if said[0]:
                LOGGER.info("genesis: every processor it needs has registered")
            return
        level = logging.WARNING if loop.time() >= warn_at else logging.INFO
        if (missing, level) != said:
            LOGGER.log(
                level,
                "genesis: waiting for transaction processors to register: %s (block 0 is "
                "written once they have)",
                ", ".join(f"{name} {version}" for name, version in missing),
            )
            said = (missing, level)
        changed.clear()
        # Wake on a registration, or when the warning is due (then without a timeout).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(changed.wait(), max(0.0, warn_at - loop.time()) or None)


def _check_valid(outcome: BlockOutcome) -> None:
    if outcome.invalid:
        batch, txn = outcome.invalid[0]
        raise GenesisError(
            f"genesis batch {batch.id[:16]}.. is invalid: transaction {txn.txn_id[:16]}.. was "
            f"rejected: {txn.message or 'no reason given'}; no genesis block was written"
        )
    if outcome.deferred:
        raise GenesisError(
            f"genesis batch {outcome.deferred[0].id[:16]}.. depends on a transaction that is "
            "not in an earlier genesis batch; no genesis block was written"
        )


async def execute_genesis(
    batches: Sequence[PendingBatch], execute: Execute, store: ChainStore, signer: Signer
) -> BlockRecord:
    """Run the genesis batches on empty state and write block 0 with them."""
    outcome = await BlockScheduler(list(batches), lambda address: None, execute).run()
    _check_valid(outcome)
    done = effects(outcome)
    receipts, processor_events = done.receipts, done.events
    # Deleting what the empty parent state does not hold changes nothing.
    sets = {a: v for a, v in done.changes.items() if v is not None}
    delta = state_changes(dict(sets))
    batch_ids = [b.id for b in outcome.valid]

    def make_events(record: BlockRecord) -> bytes:
        return block_events(record.id, 0, record.state_root, NULL_BLOCK_ID, processor_events, delta)

    return store.commit_block(
        0,
        EMPTY_ROOT,
        sets,
        [],
        lambda root: seal_genesis(signer, root, batch_ids),
        [NewBatch(b.id, b.raw, [t.id for t in b.txns]) for b in outcome.valid],
        receipts,
        make_events,
    )
