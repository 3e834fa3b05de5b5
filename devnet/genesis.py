"""The validator key and the genesis block, created on first start.

Genesis follows Sawtooth: block 0, previous_block_id "0000000000000000", signed by the validator
key, consensus b"Genesis". Devnet's genesis holds no batches (there is no settings family to
initialise), so its state root is the empty tree's.
"""

from __future__ import annotations

from pathlib import Path

from sawtooth_sdk.protobuf.block_pb2 import BlockHeader

from smartblocks.ledger.events import NULL_BLOCK_ID
from smartblocks.ledger.keys import Signer, load_signer, write_key_files

GENESIS_CONSENSUS = b"Genesis"
DEVMODE_CONSENSUS = b"Devmode"
KEY_NAME = "validator"


def load_or_create_key(data_dir: Path) -> Signer:
    """data_dir/validator.priv and .pub in `sawtooth keygen` format."""
    priv = data_dir / f"{KEY_NAME}.priv"
    if priv.exists():
        return load_signer(priv)
    _, _, signer = write_key_files(KEY_NAME, data_dir)
    return signer


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


def seal_genesis(signer: Signer, empty_root: str) -> tuple[bytes, str]:
    return seal(signer, 0, NULL_BLOCK_ID, [], empty_root, GENESIS_CONSENSUS)
