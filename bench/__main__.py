"""Run benchmarks: `python -m bench [NAME ...] [--quick]` (NAME as in bench/bench_NAME.py)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from bench.harness import write_results

HERE = Path(__file__).resolve().parent


def main() -> None:
    available = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {available})")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    unknown = set(args.names) - set(available)
    if unknown:
        sys.exit(f"unknown benchmark(s) {sorted(unknown)}; available: {available}")
    for name in args.names or available:
        print(f"== {name}", flush=True)
        figures = importlib.import_module(f"bench.bench_{name}").run(quick=args.quick)
        for f in figures:
            print(f"   {f['figure']}: {f['value']} {f['unit']}  {f['parameters']}", flush=True)
        print(f"   -> {write_results(name, figures)}", flush=True)


if __name__ == "__main__":
    main()
