"""BlockInfo's records as typed refs for the kit's record store: the config and one record per
block. The block_info rules write them; any family reads them in its own transaction through
the kit's ledger time (processors/kit/ledger_time.py, which defines them)."""

from smartblocks.processors.kit.ledger_time import block_ref as block
from smartblocks.processors.kit.ledger_time import config_ref as config

__all__ = ["block", "config"]
