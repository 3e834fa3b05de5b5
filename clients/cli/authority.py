"""`smartblocks authority show|propose`: the BlockMeter metering authorities, who create sites.

They are the on-chain setting `smartblocks.blockmeter.authorities` (comma-separated public
keys), set at genesis (`smartblocks devnet --setting`, `sawset genesis` on a network) and changed
by the settings family's proposals and votes (docs/settings.md).
"""

from __future__ import annotations

import argparse
import json

from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.errors import UserError
from smartblocks.ledger.settings import entry_value, setting_address, split_list
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.settings import txn as settings_txn

from . import ledger_args
from .blockmeter_inputs import public_key_arg
from .help import add_command
from .ledger_args import add_ledger_options, signer_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "authority",
        "BlockMeter metering authorities (the setting smartblocks.blockmeter.authorities)",
        ["smartblocks authority show", "smartblocks authority propose ops.pub --key voter.priv"],
    )
    commands = parser.add_subparsers(dest="authority_command", metavar="COMMAND", required=True)

    show = add_command(commands, "show", "list the authority keys", "smartblocks authority show")
    show.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(show, signing=False)
    show.set_defaults(func=run_show)

    propose = add_command(
        commands,
        "propose",
        "propose a new list of authorities (signed by a settings voter)",
        "smartblocks authority propose 02ab...ef ops.pub --key voter.priv",
        description="A settings proposal for smartblocks.blockmeter.authorities; it takes effect "
        "when enough keys of sawtooth.settings.vote.authorized_keys accept it.",
    )
    propose.add_argument("keys", nargs="+", metavar="KEY", help="public key (66 hex) or .pub file")
    add_ledger_options(propose)
    propose.set_defaults(func=run_propose)


def run_show(args: argparse.Namespace) -> int:
    data = ledger_args.read(args, [setting_address(AUTHORITIES_SETTING)])[0]
    keys = split_list(entry_value(Setting.FromString(data), AUTHORITIES_SETTING) if data else None)
    if not keys:
        raise UserError(
            f"no authorities: the setting {AUTHORITIES_SETTING} is not set on this ledger (set it "
            f"at genesis: smartblocks devnet --setting {AUTHORITIES_SETTING}=KEY)"
        )
    print(json.dumps({"public_keys": keys}, indent=2) if args.json else "\n".join(keys))
    return 0


def run_propose(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    keys = sorted({public_key_arg(k) for k in args.keys})
    ledger_args.submit(
        args, signer, [settings_txn.propose(signer, AUTHORITIES_SETTING, ",".join(keys))]
    )
    print(f"proposed {AUTHORITIES_SETTING} = {','.join(keys)}")
    return 0
