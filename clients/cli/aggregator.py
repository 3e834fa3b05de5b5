"""`smartblocks aggregator ...`: the P2P market's local aggregators: set an aggregator's terms
(its platform currency, fee and token rate; a key in the setting
smartblocks.energycontract.aggregators), list them, and buy platform tokens from one
(docs/market-p2p.md).
"""

from __future__ import annotations

import argparse
import json

from smartblocks.clients.contracts import p2p
from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.ledger import read_with
from smartblocks.ledger.errors import UserError
from smartblocks.processors.energycontract.markets.p2p import rules, txn

from . import ledger_args
from .blockmeter_inputs import parse_quantity, public_key_arg
from .blockmeter_views import table
from .help import add_command
from .ledger_args import ledger_command, signer_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "aggregator",
        "local aggregators of the P2P market: set terms, list, buy platform tokens",
        [
            'smartblocks aggregator set --name "Village grid" --currency PLT --fee "2 %" '
            "--pay-currency EUR --rate 1 --key aggregator.priv",
            "smartblocks aggregator buy-tokens aggregator.pub 50.00 --key buyer.priv",
        ],
        description="The P2P market's local aggregators (docs/market-p2p.md): each prices "
        "offers in its platform currency, takes a fee from each settled trade, and sells "
        "platform tokens at a set rate.",
        aliases=["aggregators"],
    )
    commands = parser.add_subparsers(dest="aggregator_command", metavar="COMMAND", required=True)

    setter = ledger_command(
        commands,
        "set",
        "set your aggregator's terms (your key must be in setting "
        "smartblocks.energycontract.aggregators)",
        'smartblocks aggregator set --name "Village grid" --currency PLT --fee "2 %" '
        "--pay-currency EUR --rate 1 --key aggregator.priv",
        run_set,
    )
    setter.add_argument("--name", required=True, help="what people call it")
    setter.add_argument("--currency", required=True, help="the platform currency, e.g. PLT")
    setter.add_argument("--fee", required=True, help='of each settled trade, e.g. "2 %%"')
    setter.add_argument("--pay-currency", default="", help="what buyers of tokens pay in")
    setter.add_argument(
        "--rate", default="", help="platform units per pay-currency unit, e.g. 1 or 0.5"
    )

    listing = ledger_command(
        commands,
        "list",
        "every aggregator and its terms",
        "smartblocks aggregator list",
        run_list,
        signing=False,
    )
    listing.add_argument("--json", action="store_true", help="JSON instead of a table")

    buy = ledger_command(
        commands,
        "buy-tokens",
        "pay an aggregator in its pay currency and receive its platform currency at its rate",
        "smartblocks aggregator buy-tokens aggregator.pub 50.00 --key buyer.priv",
        run_buy,
    )
    buy.add_argument("aggregator", metavar="AGGREGATOR", help="public key or .pub file")
    buy.add_argument("amount", metavar="AMOUNT", help="in the pay currency, e.g. 50.00")


def run_set(args: argparse.Namespace) -> int:
    try:
        fee = q.parse_ratio(args.fee)
        rate = q.parse_price(args.rate) if args.rate else 0
    except ValueError as exc:
        raise UserError(f"--fee/--rate: {exc}") from None
    if bool(rate) != bool(args.pay_currency):
        raise UserError("--pay-currency and --rate go together (or neither: no token sales)")
    signer = signer_of(args)
    transaction = txn.aggregator_set(
        signer,
        name=args.name,
        currency=args.currency,
        fee_ppm=fee,
        pay_currency=args.pay_currency,
        rate_ppm=rate,
    )
    ledger_args.submit(args, signer, [transaction])
    print(f"aggregator {signer.public_key}: {args.name}, {args.currency}, fee {args.fee}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    found = [p2p.aggregator_dict(a) for a in read_with(args.url, p2p.list_aggregators)]
    if args.json:
        print(json.dumps(found, indent=2))
        return 0
    if not found:
        print("no aggregators")
        return 0
    rows = [
        [a["name"], a["aggregator"], a["currency"], a["fee"], a["pay_currency"], a["rate"]]
        for a in found
    ]
    print(table(["name", "key", "currency", "fee", "pay currency", "rate"], rows))
    return 0


def run_buy(args: argparse.Namespace) -> int:
    key = public_key_arg(args.aggregator)
    agg = read_with(args.url, lambda client: p2p.read_aggregator(client, key))
    if agg is None:
        raise UserError(f"{key} is not an aggregator (`smartblocks aggregator list`)")
    if not agg.rate_ppm:
        raise UserError(f"aggregator {agg.name} sells no tokens")
    amount = parse_quantity("AMOUNT", q.parse_amount, args.amount)
    signer = signer_of(args)
    transaction = txn.tokens_buy(
        signer,
        aggregator=key,
        currency=agg.currency,
        pay_currency=agg.pay_currency,
        pay_amount=amount,
        rate_ppm=agg.rate_ppm,
    )
    ledger_args.submit(args, signer, [transaction])
    tokens = rules.tokens_for(amount, agg.rate_ppm)
    print(
        f"bought {q.format_amount(tokens, agg.currency)} for "
        f"{q.format_amount(amount, agg.pay_currency)} from {agg.name}"
    )
    return 0
