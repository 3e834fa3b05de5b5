"""`smartblocks account ...`: token accounts of the EnergyContract family: issue (a currency's
issuer), transfer, redeem, balance, and deposit into a contract's escrow.

Amounts are in currency units ("10000.00", at most 6 decimals); the ledger keeps micro-units.
"""

from __future__ import annotations

import argparse

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.clients.contracts import ledger as contract_ledger
from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.ledger import StateReader
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import load_signer
from smartblocks.processors.energycontract import txn
from smartblocks.processors.energycontract.terms import check_currency

from . import contract as contract_cli
from . import ledger_args
from .blockmeter_inputs import public_key_arg
from .blockmeter_views import table
from .help import add_command
from .ledger_args import default_key_path, ledger_command, signer_of


def _money(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("currency", metavar="CURRENCY", help="currency code, e.g. EUR")
    sub.add_argument("amount", metavar="AMOUNT", help="in currency units, e.g. 10000.00")
    sub.add_argument("--memo", default="", help="a note kept with the transaction")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "account",
        "token accounts: issue, transfer, redeem, balance, deposit into a contract",
        [
            "smartblocks account issue EUR 10000.00 --to owner.pub --key bank.priv",
            "smartblocks account balance owner.pub --currency EUR",
        ],
        description="Token accounts in the currencies contracts settle in "
        "(docs/energycontract.md).",
        aliases=["accounts"],
    )
    commands = parser.add_subparsers(dest="account_command", metavar="COMMAND", required=True)

    issue = ledger_command(
        commands,
        "issue",
        "create tokens in an account (an issuer of the currency, setting "
        "smartblocks.energycontract.issuers.<CURRENCY>)",
        "smartblocks account issue EUR 10000.00 --to owner.pub --key bank.priv",
        run_issue,
    )
    _money(issue)
    issue.add_argument("--to", required=True, metavar="KEY", help="public key or .pub file")

    transfer = ledger_command(
        commands,
        "transfer",
        "send tokens from your account to another",
        "smartblocks account transfer EUR 250.00 --to esco.pub --key owner.priv",
        run_transfer,
    )
    _money(transfer)
    transfer.add_argument("--to", required=True, metavar="KEY", help="public key or .pub file")

    redeem = ledger_command(
        commands,
        "redeem",
        "give tokens back to the currency's issuers (who pay them out off-chain)",
        "smartblocks account redeem EUR 1000.00 --key esco.priv",
        run_redeem,
    )
    _money(redeem)

    balance = ledger_command(
        commands,
        "balance",
        "an account's balance and what it has locked in contracts' escrows",
        "smartblocks account balance owner.pub --currency EUR\n"
        "  smartblocks account balance --currency EUR --key owner.priv   # your own",
        run_balance,
        signing=False,
    )
    balance.add_argument("key", metavar="KEY", nargs="?", help="public key or .pub file")
    balance.add_argument("--currency", required=True, help="currency code, e.g. EUR")
    balance.add_argument(
        "--key",
        dest="signing_key",
        metavar="FILE",
        help="show the account of this private key's public key",
    )

    deposit = ledger_command(
        commands,
        "deposit",
        "lock tokens into a contract's escrow (a party; same as `contract deposit`)",
        "smartblocks account deposit town-hall-ss-2027 1000.00 --key owner.priv",
        contract_cli.run_deposit,
    )
    deposit.add_argument("contract_id", metavar="CONTRACT")
    deposit.add_argument("amount", metavar="AMOUNT", help="in currency units, e.g. 1000.00")


def _currency(code: str) -> str:
    try:
        check_currency("currency", code)
    except InvalidTransaction as exc:
        raise UserError(str(exc)) from None
    return code


def _amount(text: str) -> int:
    try:
        amount = q.parse_amount(text)
    except ValueError as exc:
        raise UserError(f"amount: {exc}") from None
    if amount == 0:
        raise UserError("amount: must be more than 0")
    return amount


def run_issue(args: argparse.Namespace) -> int:
    currency, amount, to = _currency(args.currency), _amount(args.amount), public_key_arg(args.to)
    signer = signer_of(args)
    transaction = txn.issue(signer, currency=currency, to=to, amount=amount, memo=args.memo)
    ledger_args.submit(args, signer, [transaction])
    print(f"issued {q.format_amount(amount, currency)} to {to}")
    return 0


def run_transfer(args: argparse.Namespace) -> int:
    currency, amount, to = _currency(args.currency), _amount(args.amount), public_key_arg(args.to)
    signer = signer_of(args)
    transaction = txn.transfer(signer, currency=currency, to=to, amount=amount, memo=args.memo)
    ledger_args.submit(args, signer, [transaction])
    print(f"sent {q.format_amount(amount, currency)} to {to}")
    return 0


def run_redeem(args: argparse.Namespace) -> int:
    currency, amount = _currency(args.currency), _amount(args.amount)
    signer = signer_of(args)
    transaction = txn.redeem(signer, currency=currency, amount=amount, memo=args.memo)
    ledger_args.submit(args, signer, [transaction])
    print(f"redeemed {q.format_amount(amount, currency)}")
    return 0


def run_balance(args: argparse.Namespace) -> int:
    currency = _currency(args.currency)
    if args.key:
        owner = public_key_arg(args.key)
    else:
        owner = load_signer(args.signing_key or default_key_path()).public_key

    async def work(client: StateReader) -> tuple[int, list[list[object]]]:
        balance = await contract_ledger.read_balance(client, owner, currency)
        rows: list[list[object]] = []
        for contract in await contract_ledger.list_contracts(client):
            terms = contract.terms
            role = {terms.esco: "esco", terms.owner: "owner"}.get(owner)
            if role is None or terms.currency != currency:
                continue
            locked = (await contract_ledger.read_escrows(client, contract))[role]
            if locked:
                rows.append([contract.contract_id, role, q.format_amount(locked)])
        return balance, rows

    balance, rows = contract_ledger.read_with(args.url, work)
    print(f"account {owner} in {currency}: {q.format_amount(balance, currency)}")
    if rows:
        print("locked in escrows:")
        print(table(["contract", "as", f"locked {currency}"], rows))
    return 0
