"""Stage counters (smartblocks.ledger.stage_times)."""

from __future__ import annotations

import json
from pathlib import Path

from smartblocks.ledger.stage_times import StageTimes, read_folder


def test_disabled_counters_count_nothing(tmp_path: Path) -> None:
    stages = StageTimes("devnet", folder="")
    stages.stop("a", stages.start())
    stages.dump()
    assert not stages.enabled and stages.snapshot() == {} and list(tmp_path.iterdir()) == []


def test_counters_chain_and_dump(tmp_path: Path) -> None:
    stages = StageTimes("devnet", folder=str(tmp_path))
    clock = stages.start()
    sum(range(10_000))
    clock = stages.stop("first", clock, 3)
    stages.stop("second", clock)
    stages.stop("first", stages.start(), 2)
    stages.dump()
    [(stem, found)] = read_folder(tmp_path).items()
    assert stem.startswith("devnet-")
    assert found["first"]["count"] == 5 and found["second"]["count"] == 1
    assert found["first"]["seconds"] >= 0.0
    assert json.loads(next(tmp_path.glob("*.json")).read_text()) == found
