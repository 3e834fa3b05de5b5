"""`smartblocks`: the SmartBlocks command line.

Each command lives in its own module under this package and exposes
`register(subparsers) -> None`, which adds its parser and sets `func` (a callable taking the
parsed args and returning an exit code or None). Add a module to COMMANDS to add a command.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from smartblocks.ledger.errors import UserError

from .help import Formatter, examples_epilog

COMMANDS = [
    "devnet",
    "keygen",
    "authority",
    "site",
    "meter",
    "mv",
    "forecast",
    "contract",
    "sign",
    "account",
    "offer",
    "aggregator",
    "community",
    "epoch",
    "supplier",
    "auction",
    "predict",
    "portal",
    "settings",
    "status",
    "tp",
    "up",
]

DESCRIPTION = """\
SmartBlocks: one tamper-proof record of what buildings used and generated, shared by ESCOs,
building owners and auditors, on Hyperledger Sawtooth."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smartblocks",
        description=DESCRIPTION,
        epilog=examples_epilog(
            ["smartblocks up --demo", "smartblocks meter list --url http://127.0.0.1:8008"],
            "Every command has its own examples: smartblocks COMMAND --help.",
        ),
        formatter_class=Formatter,
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__package__}.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"smartblocks {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
