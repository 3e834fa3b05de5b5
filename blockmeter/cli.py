"""`blockmeter`: run the edge agent, check its config, show its backlog, requeue a meter."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import load_signer

from . import config as config_module
from . import logs
from .spool import Spool
from .units import parse_scale

DEFAULT_CONFIG = os.environ.get("BLOCKMETER_CONFIG", "site.toml")


def cmd_run(args: argparse.Namespace) -> int:
    from .agent import Agent

    config = config_module.load(args.config)
    agent = Agent(config)
    asyncio.run(agent.run())
    return 0


def cmd_check_config(args: argparse.Namespace) -> int:
    config = config_module.load(args.config)
    signer = load_signer(config.key_file)
    print(f"{args.config}: OK")
    print(f"  site {config.site_id}, agent key {signer.public_key}")
    print(f"  ledger: {', '.join(config.rest_urls)}")
    print(f"  spool: {config.spool}")
    for meter in config.meters:
        print(
            f"  meter {meter.id}: {meter.connector}, every {meter.interval_s} s, "
            f"windows of {meter.window_s} s, {meter.unit} x {meter.scale}, {meter.mode}"
        )
    return 0


def _spool(args: argparse.Namespace) -> Spool:
    path = Path(args.spool) if args.spool else config_module.load(args.config).spool
    if not path.exists():
        raise UserError(f"no spool at {path}: has the agent run with this config?")
    return Spool(path)


def _when(ts: object) -> str:
    if not isinstance(ts, int):
        return "-"
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def cmd_status(args: argparse.Namespace) -> int:
    spool = _spool(args)
    try:
        rows = spool.status()
    finally:
        spool.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(
        f"{'meter':32} {'backlog':>7} {'in flight':>9} {'invalid':>7} {'last committed':20} error"
    )
    for row in rows:
        print(
            f"{row['meter']:32} {row['backlog']:>7} {row['submitted']:>9} {row['invalid']:>7} "
            f"{_when(row['last_committed_window']):20} {row['last_error'] or ''}"
        )
    return 0


def cmd_requeue(args: argparse.Namespace) -> int:
    scale_by = None
    if args.scale_by is not None:
        try:
            scale_by = parse_scale(args.scale_by)
        except ValueError as exc:
            raise UserError(f"--scale-by: {exc}") from None
    spool = _spool(args)
    try:
        if scale_by is not None:
            spool.lock()  # values must not change under a running agent
        done = spool.requeue(args.meter, scale_by)
    finally:
        spool.close()
    if scale_by is not None:
        print(
            f"meter {args.meter}: {done.rescaled_windows} window(s) and "
            f"{done.rescaled_samples} open reading(s) rescaled by {scale_by}"
        )
    print(
        f"meter {args.meter}: {done.windows} invalid window(s) requeued; "
        "a running agent resends them"
    )
    return 0


def _spool_options(parser: argparse.ArgumentParser) -> None:
    """Where `_spool` finds the spool: the config's, or one named directly."""
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="site TOML (default %(default)s)")
    parser.add_argument("--spool", help="spool file (instead of reading it from --config)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="blockmeter", description="BlockMeter edge agent: meters -> signed ledger readings."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("--log-format", choices=("json", "text"), default="json")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    # `blockmeter run --log-format text` reads naturally: the option works after the command
    # too (SUPPRESS: not given there, the top-level value stands).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log-format", choices=("json", "text"), default=argparse.SUPPRESS)
    run = sub.add_parser("run", help="run the agent", parents=[common])
    run.add_argument("--config", default=DEFAULT_CONFIG, help="site TOML (default %(default)s)")
    run.set_defaults(func=cmd_run)

    check = sub.add_parser("check-config", help="validate a config and its key file")
    check.add_argument("config")
    check.set_defaults(func=cmd_check_config)

    status = sub.add_parser("status", help="backlog per meter, last committed window, last error")
    _spool_options(status)
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)

    requeue = sub.add_parser(
        "requeue", help="resend a meter's invalid windows after fixing the cause"
    )
    requeue.add_argument("meter")
    requeue.add_argument(
        "--scale-by",
        metavar="DECIMAL",
        help="first multiply the meter's readings not yet on the ledger by this "
        "(they were spooled with a wrong scale; stop the agent and fix the config first)",
    )
    _spool_options(requeue)
    requeue.set_defaults(func=cmd_requeue)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logs.setup(logging.INFO - 10 * min(args.verbose, 1), args.log_format)
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"blockmeter {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
