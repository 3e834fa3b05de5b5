"""BlockInfoHandler: the kit's handler skeleton with BlockInfo's payload and its one action."""

from __future__ import annotations

from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfoTxn

from smartblocks.processors.kit.handler import FamilyHandler

from . import addressing, payload
from .rules import record_block

RECORD_BLOCK = "record block"  # the family's one action


class BlockInfoHandler(FamilyHandler):
    family = addressing.FAMILY_NAME
    versions = (addressing.FAMILY_VERSION,)
    fixed_namespace = addressing.NAMESPACE
    actions = {RECORD_BLOCK: record_block}

    def decode(self, data: bytes) -> tuple[str, BlockInfoTxn]:
        return RECORD_BLOCK, payload.decode(data)
