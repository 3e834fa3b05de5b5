"""Run benchmarks: `python -m bench [NAME ...] [--quick]` (NAME as in bench/bench_NAME.py).

With `--url` (and `--component`), the benchmarks that measure the whole path run against that
validator instead of a devnet they start: an operator's own network, measured with the same
figures (docs/operations.md, "Measuring your own network").
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.harness import RESULTS, write_results
from bench.stack import Target
from smartblocks.ledger.errors import UserError

HERE = Path(__file__).resolve().parent
EXTERNAL_RESULTS = RESULTS / "external"
IN_PROCESS = "in process (no validator)"


def targets_any_validator(name: str) -> bool:
    """Whether bench_NAME's `run` takes a `target` (measures the whole path)."""
    run = importlib.import_module(f"bench.bench_{name}").run
    return "target" in inspect.signature(run).parameters


def parse_args(argv: Sequence[str] | None, available: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all: {available})")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--url",
        help="REST API of a running validator (http://HOST:8008): measure it instead of a devnet "
        "started here; only the benchmarks that measure the whole path run",
    )
    parser.add_argument(
        "--component",
        help="the validator's component endpoint (tcp://HOST:4004): for --start-processors and "
        "for the portal's catch-up (events)",
    )
    parser.add_argument(
        "--start-processors",
        action="store_true",
        help="start `smartblocks tp FAMILY --connect COMPONENT` for each family a benchmark needs "
        "(default: the operator's processors already run beside the validator)",
    )
    parser.add_argument(
        "--authority-key",
        type=Path,
        help="private key file of a metering authority (listed in "
        "smartblocks.blockmeter.authorities): BlockMeter figures need it on an external target",
    )
    parser.add_argument(
        "--results-dir",
        type=Path,
        help=f"where NAME.json goes (default {RESULTS}, or {EXTERNAL_RESULTS} with --url, so an "
        "external run never overwrites the devnet figures)",
    )
    args = parser.parse_args(argv)
    if args.url is None and (args.component or args.start_processors or args.authority_key):
        parser.error("--component, --start-processors and --authority-key need --url")
    if args.start_processors and not args.component:
        parser.error("--start-processors needs --component (the validator's component endpoint)")
    return args


def main(argv: Sequence[str] | None = None) -> None:
    available = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    args = parse_args(argv, available)
    unknown = set(args.names) - set(available)
    if unknown:
        sys.exit(f"unknown benchmark(s) {sorted(unknown)}; available: {available}")
    names = args.names or available
    target = Target(args.url, args.component, args.start_processors, args.authority_key)
    results = args.results_dir or (EXTERNAL_RESULTS if target.external else RESULTS)
    if target.external:
        whole_path = [n for n in available if targets_any_validator(n)]
        if args.names and not set(args.names) <= set(whole_path):
            sys.exit(
                f"{sorted(set(args.names) - set(whole_path))} do not measure a validator "
                f"(run them without --url); with --url: {whole_path}"
            )
        names = args.names or whole_path
    for name in names:
        print(f"== {name}  [{target.label}{': ' + args.url if target.external else ''}]")
        run = importlib.import_module(f"bench.bench_{name}").run
        target.skipped.clear()
        if "target" in inspect.signature(run).parameters:
            try:
                figures, described = run(quick=args.quick, target=target), target.describe()
            except (RuntimeError, TimeoutError, UserError) as exc:
                if not target.external:
                    raise
                sys.exit(f"{name} against {args.url}: {exc}")  # the operator's to fix: no trace
        else:
            figures, described = run(quick=args.quick), {"target": IN_PROCESS}
        for f in figures:
            print(f"   {f['figure']}: {f['value']} {f['unit']}  {f['parameters']}", flush=True)
        path = write_results(name, figures, described, target.skipped, results)
        print(f"   -> {path}", flush=True)


if __name__ == "__main__":
    main()
