"""The block_info family's addresses: Sawtooth's layout, computed in ledger/block_info.py (the
kit's ledger time and devnet's injector use it too)."""

from smartblocks.ledger.block_info import (
    BLOCK_PREFIX,
    BLOCK_TYPE,
    CONFIG_ADDRESS,
    CONFIG_TYPE,
    FAMILY_NAME,
    FAMILY_VERSION,
    MAX_BLOCK_NUM,
    NAMESPACE,
    block_address,
    block_num_of,
)

__all__ = [
    "BLOCK_PREFIX",
    "BLOCK_TYPE",
    "CONFIG_ADDRESS",
    "CONFIG_TYPE",
    "FAMILY_NAME",
    "FAMILY_VERSION",
    "MAX_BLOCK_NUM",
    "NAMESPACE",
    "block_address",
    "block_num_of",
]
