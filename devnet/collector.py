"""The devnet process's thresholds for CPython's cycle collector.

Executing and committing a block allocates tens of containers per transaction, so the default
thresholds (700, 10, 10) start a collection every few transactions and a full one, which walks
every long-lived object (the head cache, the Merkle node cache), every hundred or so: in a 30 s
kv run at half the peak rate, 19 pauses over 10 ms, full collections of 68-98 ms that found
nothing to free. Reference counting still frees almost everything the moment it is unused; with
(50,000, 20, 20) only the passes that look for reference cycles come less often. Measured in
three interleaved pairs of runs (kv throughput, then 30 s at half the 100-txn peak): peak
3,091 / 2,859 / 3,118 -> 3,563 / 3,307 / 3,493 txn/s, p99 173 / 186 / 1,704 -> 210 / 211 / 193 ms
at that higher half-peak rate.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 20)


def space_out_collections() -> None:
    """For the `smartblocks devnet` process only: tests that run a devnet inside their own
    process keep the interpreter's defaults."""
    gc.set_threshold(*THRESHOLDS)
