"""CPU time per named stage of a process, for the ingest benchmark (bench/bench_ingest.py).

Off unless the environment variable SMARTBLOCKS_STAGE_TIMES names a folder: then each process
that counts (the devnet, a transaction processor) writes `ROLE-PID.json` there, a map of stage
name to {"seconds", "count"}, which the benchmark reads before and after a run. Disabled, a
`start()`/`stop()` pair costs one attribute test each, so the counters stay in the code.

Times are the calling thread's CPU time (time.thread_time), not wall time: a stage preempted by
another process on a busy machine is not charged for the wait, and a worker thread blocked on a
state call is not charged for the round trip.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

ENV = "SMARTBLOCKS_STAGE_TIMES"


class StageTimes:
    """Accumulated CPU seconds and item counts per stage; safe to use from several threads."""

    def __init__(self, role: str, folder: str | None = None) -> None:
        folder = os.environ.get(ENV) if folder is None else folder
        self.enabled = bool(folder)
        self.path = Path(folder) / f"{role}-{os.getpid()}.json" if folder else None
        self._seconds: dict[str, float] = {}
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def start(self) -> float:
        """The thread's CPU clock now (0.0 when disabled): pass it to `stop`."""
        return time.thread_time() if self.enabled else 0.0

    def stop(self, stage: str, began: float, count: int = 1) -> float:
        """Charge the CPU time since `began` to `stage`; returns the clock now, so consecutive
        stages chain: `t = stop("a", t); ...; t = stop("b", t)`."""
        if not self.enabled:
            return 0.0
        now = time.thread_time()
        with self._lock:
            self._seconds[stage] = self._seconds.get(stage, 0.0) + (now - began)
            self._counts[stage] = self._counts.get(stage, 0) + count
        return now

    def snapshot(self) -> dict[str, dict[str, float]]:
        with self._lock:
            return {
                stage: {"seconds": seconds, "count": self._counts[stage]}
                for stage, seconds in self._seconds.items()
            }

    def dump(self) -> None:
        """Write the counters (atomically: a reader never sees half a file)."""
        if self.path is None:
            return
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.snapshot()))
        os.replace(temporary, self.path)

    def dump_every(self, seconds: float) -> None:
        """Dump from a daemon thread every `seconds`, for processes with no natural moment."""
        if not self.enabled:
            return

        def loop() -> None:
            while True:
                time.sleep(seconds)
                self.dump()

        threading.Thread(target=loop, name="stage-times", daemon=True).start()


def read_folder(folder: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Every process's counters in `folder`, by file stem (ROLE-PID)."""
    found = {}
    for path in sorted(folder.glob("*.json")):
        try:
            found[path.stem] = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # being replaced right now: the next read has it
    return found
