"""`blockmeter`: run the edge agent, check its config, show its backlog, requeue a meter, list
and discard quarantined windows."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import load_signer

from . import config as config_module
from . import logs
from .spool import Spool, parse_window_id, utc, window_id
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
    if not isinstance(ts, int | float):
        return "-"
    return utc(int(ts))


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
        f"{'meter':32} {'backlog':>7} {'in flight':>9} {'invalid':>7} {'conflicts':>9} "
        f"{'discarded':>9} {'last committed':20} error"
    )
    for row in rows:
        print(
            f"{row['meter']:32} {row['backlog']:>7} {row['submitted']:>9} {row['invalid']:>7} "
            f"{row['conflicts']:>9} {row['discarded']:>9} "
            f"{_when(row['last_committed_window']):20} {row['last_error'] or ''}"
        )
    _print_conflicts(rows)
    _print_discards(rows)
    return 0


def _print_conflicts(rows: list[dict[str, Any]]) -> None:
    if not any(row["conflicts"] for row in rows):
        return
    print("\nconflicts: a reading that arrived again with another value (most recent first)")
    for row in rows:
        for c in row["recent_conflicts"]:
            if c["outcome"] == "replaced":
                outcome = f"its window was open: {c['new']} is used"
            else:
                outcome = f"its window was {c['window_state']}: {c['old']} stays"
            times = f", {c['times']} times" if c["times"] > 1 else ""
            print(
                f"  {row['meter']} reading of {_when(c['taken'])}: {c['old']}, then {c['new']}; "
                f"{outcome} (last seen {_when(c['last_at'])}{times})"
            )
        if row["conflicts"] > len(row["recent_conflicts"]):
            print(f"  {row['meter']}: {row['conflicts']} in all (`status --json` has the latest)")


def _print_discards(rows: list[dict[str, Any]]) -> None:
    if not any(row["discards"] for row in rows):
        return
    print("\ndiscarded windows (blockmeter quarantine discard)")
    for row in rows:
        for d in row["discards"]:
            print(
                f"  {d['window']}: discarded {_when(d['discarded_at'])} by {d['discarded_by']}, "
                f"reason: {d['reason'] or '(none given)'}; the ledger had refused it: "
                f"{d['message'] or '-'}"
            )


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


def cmd_quarantine_list(args: argparse.Namespace) -> int:
    spool = _spool(args)
    try:
        windows = spool.quarantined()
    finally:
        spool.close()
    rows: list[dict[str, Any]] = [
        {
            "id": window_id(w.meter, w.start),
            "meter": w.meter,
            "start": w.start,
            "slots": len(w.values),
            "missing": w.missing,
            "message": w.message,
        }
        for w in windows
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no quarantined windows")
        return 0
    width = max(len(row["id"]) for row in rows)
    print(f"{'window':{width}} {'slots':>5} {'missing':>7} rejected because")
    for row in rows:
        print(f"{row['id']:{width}} {row['slots']:>5} {row['missing']:>7} {row['message'] or ''}")
    return 0


def _who() -> str:
    """The user running the command, for the audit row."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name: a container's bare uid
        name = "?"
    return f"{name} (uid {os.getuid()})"


def cmd_quarantine_discard(args: argparse.Namespace) -> int:
    if bool(args.windows) == bool(args.all):
        raise UserError("name the windows to discard (as `quarantine list` prints them), or --all")
    chosen = None if args.all else [parse_window_id(text) for text in args.windows]
    spool = _spool(args)
    try:
        discarded = spool.discard(chosen, _who(), args.reason)
    finally:
        spool.close()
    for window in discarded:
        print(
            f"discarded {window_id(window.meter, window.start)}: it is never sent; its readings "
            "stay in the spool and `blockmeter status` shows the record"
        )
    meters = sorted({w.meter for w in discarded})
    print(f"{len(discarded)} window(s) discarded; later windows of {', '.join(meters)} go on")
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

    quarantine = sub.add_parser(
        "quarantine", help="list the windows the ledger refused, or discard them"
    )
    actions = quarantine.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the quarantined windows and why they were refused")
    _spool_options(listing)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_quarantine_list)
    discard = actions.add_parser(
        "discard",
        help="give up quarantined windows: never sent; their meter goes on (audited in status)",
        description="Give up quarantined windows: they are never sent, and their meters go on "
        "with their later windows (the ledger records a gap). Each keeps its row and values in "
        "the spool, with an audit record (who, when, why) that `blockmeter status` shows.",
    )
    discard.add_argument(
        "windows", nargs="*", metavar="WINDOW_ID", help="METER@START, as `quarantine list` prints"
    )
    discard.add_argument("--all", action="store_true", help="every quarantined window")
    discard.add_argument("--reason", metavar="TEXT", help="why, for the audit record")
    _spool_options(discard)
    discard.set_defaults(func=cmd_quarantine_discard)
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
