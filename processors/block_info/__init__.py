"""The `block_info` transaction family: Sawtooth's BlockInfo records (namespace 00b10c), on
Sawtooth's wire format and rules, for networks whose validators have no block-info-tp (e.g. the
Sawtooth 1.0 reference) and for devnet. Ledger time (processors/kit/ledger_time.py) reads it."""

from __future__ import annotations

from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig, BlockInfoTxn

from smartblocks.processors.kit.family import Family, proto_kind

from .addressing import BLOCK_TYPE, CONFIG_TYPE, FAMILY_NAME, FAMILY_VERSION, NAMESPACE
from .handler import BlockInfoHandler


def _config(config: BlockInfoConfig) -> str:
    return f"BlockInfo config (blocks {config.oldest_block}..{config.latest_block})"


def _block(block: BlockInfo) -> str:
    return f"block {block.block_num} {block.header_signature[:16]}"


FAMILY = Family(
    name=FAMILY_NAME,
    versions=(FAMILY_VERSION,),
    handler=BlockInfoHandler,
    decode_payload=BlockInfoTxn.FromString,
    records=(
        proto_kind(BLOCK_TYPE, "block", BlockInfo, _block),
        proto_kind(CONFIG_TYPE, "config", BlockInfoConfig, _config),
    ),
    time_fields=frozenset({"timestamp"}),
    summary="Sawtooth's BlockInfo: the recent blocks and their timestamps (ledger time)",
    fixed_namespace=NAMESPACE,
)
