"""Seeded fuzzing for every family's payloads: the same examples on every run.

`make test` runs each family's fuzz module with a few hundred examples per property; the slow
suite runs them again with SMARTBLOCKS_FUZZ_EXAMPLES (tests/processors/test_fuzz_long.py).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

EXAMPLES_VARIABLE = "SMARTBLOCKS_FUZZ_EXAMPLES"


def fuzz_settings(examples: int = 300) -> settings:
    return settings(
        max_examples=int(os.environ.get(EXAMPLES_VARIABLE, examples)),
        deadline=None,
        derandomize=True,  # seeded: the same examples on every run
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
