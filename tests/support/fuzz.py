"""Seeded fuzzing for every family's payloads: the same examples on every run.

`make test` runs each family's fuzz module with a few hundred examples per property; the slow
suite runs them again with SMARTBLOCKS_FUZZ_EXAMPLES (tests/processors/test_fuzz_long.py).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

EXAMPLES_VARIABLE = "SMARTBLOCKS_FUZZ_EXAMPLES"


def fuzz_settings(examples: int = 300) -> settings:
    return settings(
        max_examples=int(os.environ.get(EXAMPLES_VARIABLE, examples)),
        deadline=None,
        derandomize=True,  # seeded: the same examples on every run
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )


# Byte-level edits of a valid payload: (kind, position, byte), positions taken modulo the length.
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["flip", "cut", "insert", "delete"]),
        st.integers(0, 10**6),
        st.integers(0, 255),
    ),
    min_size=1,
    max_size=6,
)


def mutate(payload: bytes, edits: list[tuple[str, int, int]]) -> bytes:
    """`payload` after the edits: a bit flipped, the tail cut, a byte inserted or deleted."""
    data = bytearray(payload)
    for kind, position, byte in edits:
        at = position % (len(data) + 1)
        if kind == "flip" and at < len(data):
            data[at] ^= 1 << (byte % 8)
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = bytes([byte])
        elif kind == "delete" and at < len(data):
            del data[at]
    return bytes(data)
