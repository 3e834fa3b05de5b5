"""The limits on pending batches (what `smartblocks devnet --max-pending...` sets). A module of
its own, free of heavy imports, so the CLI can show the defaults without loading devnet."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024
DEFAULT_QUEUE_LIMIT = 10_000


@dataclass(frozen=True)
class PendingLimits:
    """How much may be pending at once; a submission beyond one of these gets QUEUE_FULL (REST:
    429). Waiting batches (no processor for a family, or a dependency neither committed nor
    pending) become INVALID `wait_timeout` seconds after they arrived."""

    max_batches: int = DEFAULT_QUEUE_LIMIT  # all pending batches
    max_bytes: int = 64 * MIB  # their serialized size (memory use: 2-3 times this)
    max_per_signer: int = 1_000  # batches of one batch signer
    max_bytes_per_signer: int = 16 * MIB
    max_per_family: int = 5_000  # batches holding a transaction of one family (name, version)
    max_waiting: int = 1_000  # batches waiting for a processor or a dependency
    wait_timeout: float = 600.0  # seconds after arrival a waiting batch becomes INVALID
