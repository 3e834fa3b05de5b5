"""`smartblocks authority init|set|show`: the BlockMeter metering authorities, who create sites."""

from __future__ import annotations

import argparse
import json

from smartblocks.ledger.errors import UserError
from smartblocks.processors.blockmeter import addressing, txn
from smartblocks.protos.blockmeter_pb2 import Authorities

from . import ledger_args
from .blockmeter_inputs import public_key_arg
from .ledger_args import add_ledger_options, signer_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("authority", help="BlockMeter metering authorities")
    commands = parser.add_subparsers(dest="authority_command", metavar="COMMAND", required=True)

    init = commands.add_parser(
        "init",
        help="bootstrap the authorities: your key (and --add keys); only once per ledger",
    )
    init.add_argument(
        "--add", action="append", default=[], metavar="KEY", help="another authority key or .pub"
    )
    add_ledger_options(init)
    init.set_defaults(func=run_init)

    change = commands.add_parser("set", help="replace the authorities (signed by an authority)")
    change.add_argument("keys", nargs="+", metavar="KEY", help="public key (66 hex) or .pub file")
    add_ledger_options(change)
    change.set_defaults(func=run_set)

    show = commands.add_parser("show", help="list the authority keys")
    show.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(show, signing=False)
    show.set_defaults(func=run_show)


def authority_keys(own_key: str, others: list[str]) -> list[str]:
    return sorted({own_key, *(public_key_arg(k) for k in others)})


def run_init(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    if ledger_args.read(args, [addressing.authorities_address()])[0] is not None:
        raise UserError("the authorities are already set; change them with `authority set`")
    keys = authority_keys(signer.public_key, args.add)
    ledger_args.submit(args, signer, [txn.set_authorities(signer, public_keys=keys)])
    print(f"authorities set: {', '.join(keys)}")
    return 0


def run_set(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    keys = sorted({public_key_arg(k) for k in args.keys})
    ledger_args.submit(args, signer, [txn.set_authorities(signer, public_keys=keys)])
    print(f"authorities set: {', '.join(keys)}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    data = ledger_args.read(args, [addressing.authorities_address()])[0]
    if data is None:
        raise UserError("no authorities are set yet (run `smartblocks authority init`)")
    keys = list(Authorities.FromString(data).public_keys)
    print(json.dumps({"public_keys": keys}, indent=2) if args.json else "\n".join(keys))
    return 0
