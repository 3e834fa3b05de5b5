"""The long fuzz run (slow suite): every family's seeded fuzz module with many more examples."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.fuzz import EXAMPLES_VARIABLE

HERE = Path(__file__).parent
MODULES = sorted(HERE.glob("*/test_fuzz.py"))


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("module", MODULES, ids=lambda path: path.parent.name)
def test_family_fuzz_with_many_examples(module: Path) -> None:
    env = {**os.environ, EXAMPLES_VARIABLE: "10000"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
        cwd=HERE.parents[1],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
