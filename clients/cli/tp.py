"""`smartblocks tp FAMILY... --connect tcp://HOST:PORT`: run transaction processors."""

from __future__ import annotations

import argparse
import logging

from smartblocks.ledger.endpoints import DEFAULT_COMPONENT, check_component_url
from smartblocks.ledger.errors import UserError
from smartblocks.processors.families import FAMILIES, load_handler
from smartblocks.processors.runtime import (
    DEFAULT_MAX_OCCUPANCY,
    ProcessorRuntime,
    RegistrationRefused,
)

from .help import add_command


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "tp",
        "run transaction processors beside a validator",
        [
            "smartblocks tp blockmeter energycontract",
            "smartblocks tp blockmeter --connect tcp://validator:4004",
        ],
        description=(
            "Connect to a Sawtooth 1.2 validator's component endpoint, register the given "
            "transaction families and process their transactions until SIGINT/SIGTERM, "
            "reconnecting whenever the validator goes away. Known families: "
            f"{', '.join(sorted(FAMILIES)) or 'none yet'}."
        ),
    )
    parser.add_argument(
        "families",
        nargs="+",
        metavar="FAMILY",
        help="a family name, or module.path:HandlerClass for any TransactionHandler",
    )
    parser.add_argument(
        "-C",
        "--connect",
        default=DEFAULT_COMPONENT,
        help="validator component endpoint (default %(default)s)",
    )
    parser.add_argument(
        "--max-occupancy",
        type=int,
        default=DEFAULT_MAX_OCCUPANCY,
        metavar="N",
        help="transactions per family the validator may send at once (default %(default)s)",
    )
    # SUPPRESS keeps `smartblocks -v tp ...` working: an absent -v here must not reset it.
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log every transaction, not just connections",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        check_component_url(args.connect)
        handlers = [load_handler(spec) for spec in args.families]
        runtime = ProcessorRuntime(args.connect, handlers, max_occupancy=args.max_occupancy)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    # A service says what it does: connections and registrations at INFO even without -v.
    level = logging.DEBUG if args.verbose else logging.INFO
    logging.getLogger("smartblocks").setLevel(level)
    try:
        runtime.run()
    except RegistrationRefused as exc:
        raise UserError(str(exc)) from exc
    return 0
