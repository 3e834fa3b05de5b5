"""What every benchmark shares: where results go and what they record.

A benchmark is a module `bench/bench_NAME.py` with a function `run(quick: bool) -> list[dict]`,
each dict one figure: {"figure": str, "value": number, "unit": str, "parameters": {...}}.
`python -m bench [NAME ...] [--quick]` runs them and writes bench/results/NAME.json with the
figures, the commit, the machine and the target. A benchmark that measures the whole path takes
`run(quick, target)` instead (bench/stack.py `Target`): a devnet it starts, or a validator at a
URL (`--url`), whose results go to bench/results/external/ unless `--results-dir` says.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        )
        dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True)
        return out.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def write_results(
    name: str,
    figures: list[dict[str, Any]],
    target: dict[str, Any] | None = None,
    skipped: list[dict[str, str]] | None = None,
    folder: Path = RESULTS,
) -> Path:
    """NAME.json in `folder`; `target` as bench/stack.py `Target.describe()` gives it (default:
    a devnet the benchmark started), `skipped` what could not be measured there, and why."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    doc: dict[str, Any] = {
        "benchmark": name,
        "commit": commit(),
        "machine": machine(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "target": target or {"target": "devnet (started)"},
        "figures": figures,
    }
    if skipped:
        doc["skipped"] = list(skipped)
    path.write_text(json.dumps(doc, indent=2) + "\n")
    return path


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc); 0 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: fraction 0.5 is the median, 0.99 the p99."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def figure(name: str, value: float, unit: str, **parameters: Any) -> dict[str, Any]:
    return {"figure": name, "value": round(value, 3), "unit": unit, "parameters": parameters}
