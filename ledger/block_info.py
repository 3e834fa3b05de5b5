"""Where Sawtooth's BlockInfo records live: the one module that computes their addresses, for
the block_info family (processors/block_info), the kit's ledger time and devnet's injector.

The `block_info` family is Sawtooth's, so its layout is Sawtooth's, not the kit's hashed one
(docs/addressing.md; the BlockInfo transaction family specification):

    namespace  00b10c                      fixed by Sawtooth, not sha512("block_info")[:6]
    config     00b10c01 + "0" * 62         the BlockInfoConfig (latest and oldest block, ...)
    block N    00b10c00 + N in hex, zero-padded to 62 digits
"""

from __future__ import annotations

import re

FAMILY_NAME = "block_info"
FAMILY_VERSION = "1.0"
NAMESPACE = "00b10c"
BLOCK_TYPE = "00"
CONFIG_TYPE = "01"
# Every block record: the prefix the injector declares as its input and output.
BLOCK_PREFIX = NAMESPACE + BLOCK_TYPE
CONFIG_ADDRESS = NAMESPACE + CONFIG_TYPE + "0" * 62
# block_num is a uint64, so 16 of the 62 digits are ever used.
MAX_BLOCK_NUM = 2**64 - 1
_BLOCK_ADDRESS = re.compile(BLOCK_PREFIX + "([0-9a-f]{62})")


def block_address(block_num: int) -> str:
    if not 0 <= block_num <= MAX_BLOCK_NUM:
        raise ValueError(f"block number {block_num} is not a uint64")
    return BLOCK_PREFIX + format(block_num, "062x")


def block_num_of(address: str) -> int | None:
    """The block number a block record's address holds; None for any other address."""
    match = _BLOCK_ADDRESS.fullmatch(address)
    return int(match[1], 16) if match else None
