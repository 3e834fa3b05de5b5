"""`smartblocks contract ...`: energy performance contracts from templates: write the terms in
TOML, propose and accept them, preview and settle each period, amend, dispute, resolve, end.

Money is shown in currency units (the ledger keeps micro-units); energy in the meters' unit.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Callable
from typing import Any

from smartblocks.clients.contracts import ledger as contract_ledger
from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.ledger import Preview, StateReader
from smartblocks.clients.contracts.terms_file import (
    EXAMPLES,
    example_path,
    load_terms,
    per_unit,
    terms_to_toml,
    unit_of,
)
from smartblocks.ledger.errors import UserError
from smartblocks.processors.energycontract import FAMILY, schedule, txn
from smartblocks.processors.energycontract.templates import TEMPLATES
from smartblocks.processors.energycontract.terms import terms_hash
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.energycontract_pb2 import (
    Contract,
    DisputeRecord,
    Resolve,
    Settlement,
    TemplateState,
    Terms,
)

from . import ledger_args
from .blockmeter_views import table
from .contract_manager import add_manager_command
from .help import add_command
from .ledger_args import ledger_command, signer_of

Status = Contract.Status


def _contract_arg(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("contract_id", metavar="CONTRACT", help="the contract's id")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "contract",
        "energy performance contracts: propose, accept, preview, settle, dispute",
        [
            "smartblocks contract templates --example shared_savings > terms.toml",
            "smartblocks contract propose terms.toml --key esco.priv",
            "smartblocks contract show town-hall-ss-2027",
        ],
        description="Energy performance contracts made from templates, settled every period "
        "from the meters' data on the ledger (docs/energycontract.md).",
        aliases=["contracts"],
    )
    commands = parser.add_subparsers(dest="contract_command", metavar="COMMAND", required=True)

    templates = commands.add_parser(
        "templates",
        help="the contract templates; --example NAME prints a terms file to start from",
        description="The contract templates, and example terms files.",
        epilog="examples:\n  smartblocks contract templates\n"
        "  smartblocks contract templates --example shared_savings > terms.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    templates.add_argument("--example", choices=sorted(TEMPLATES), metavar="NAME")
    templates.set_defaults(func=run_templates)

    propose = ledger_command(
        commands,
        "propose",
        "propose a contract from a terms file (the ESCO or the owner; your deposit is locked)",
        "smartblocks contract propose terms.toml --key esco.priv",
        run_propose,
    )
    propose.add_argument("terms_file", metavar="TERMS.toml")

    accept = ledger_command(
        commands,
        "accept",
        "accept a proposed contract (the other party; your deposit is locked)",
        "smartblocks contract accept town-hall-ss-2027 --terms-hash 3f2a... --key owner.priv",
        run_accept,
    )
    _contract_arg(accept)
    accept.add_argument(
        "--terms-hash", metavar="H", help="insist on the hash you reviewed (refuse any other)"
    )

    withdraw = ledger_command(
        commands,
        "withdraw",
        "withdraw your proposal before anyone accepts it (your deposit is released)",
        "smartblocks contract withdraw town-hall-ss-2027 --key esco.priv",
        run_withdraw,
    )
    _contract_arg(withdraw)

    deposit = ledger_command(
        commands,
        "deposit",
        "lock more of your tokens into a contract's escrow (a party)",
        "smartblocks contract deposit town-hall-ss-2027 1000.00 --key owner.priv",
        run_deposit,
    )
    _contract_arg(deposit)
    deposit.add_argument("amount", metavar="AMOUNT", help="in currency units, e.g. 1000.00")

    show = ledger_command(
        commands,
        "show",
        "a contract: terms, status, settlements and escrows",
        "smartblocks contract show town-hall-ss-2027\n"
        "  smartblocks contract show town-hall-ss-2027 --json\n"
        "  smartblocks contract show town-hall-ss-2027 --toml > terms.toml",
        run_show,
        signing=False,
    )
    _contract_arg(show)
    output = show.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON")
    output.add_argument("--toml", action="store_true", help="print the terms as a terms file")

    listing = ledger_command(
        commands,
        "list",
        "every contract on the ledger",
        "smartblocks contract list --json",
        run_list,
        signing=False,
    )
    listing.add_argument("--json", action="store_true", help="print JSON")

    preview = ledger_command(
        commands,
        "preview",
        "what settling a period would pay, from the ledger's data (nothing is signed)",
        "smartblocks contract preview town-hall-ss-2027            # the next unsettled period\n"
        "  smartblocks contract preview --terms terms.toml --period 0   # before anyone signs",
        run_preview,
        signing=False,
    )
    preview.add_argument("contract_id", metavar="CONTRACT", nargs="?", help="the contract's id")
    preview.add_argument("--terms", metavar="TERMS.toml", help="preview a terms file instead")
    preview.add_argument("--period", type=int, metavar="N", help="0-based period index")
    preview.add_argument("--json", action="store_true", help="print JSON")

    settle = ledger_command(
        commands,
        "settle",
        "settle a contract's next period once it has ended and its data is in (anyone)",
        "smartblocks contract settle town-hall-ss-2027 --key me.priv",
        run_settle,
    )
    _contract_arg(settle)
    settle.add_argument("--period", type=int, metavar="N", help="default: the next unsettled")

    amend = ledger_command(
        commands,
        "amend",
        "propose new terms for an active contract (a party; the other accepts them)",
        "smartblocks contract amend town-hall-ss-2027 new-terms.toml "
        '--reason "new wing added to the site" --key esco.priv',
        run_amend,
    )
    _contract_arg(amend)
    amend.add_argument("terms_file", metavar="NEW_TERMS.toml")
    amend.add_argument("--reason", required=True, help="why the terms change")

    accept_amendment = ledger_command(
        commands,
        "accept-amendment",
        "accept the amendment the other party proposed",
        "smartblocks contract accept-amendment town-hall-ss-2027 --key owner.priv",
        run_accept_amendment,
    )
    _contract_arg(accept_amendment)
    accept_amendment.add_argument("--terms-hash", metavar="H", help="insist on this hash")

    dispute = ledger_command(
        commands,
        "dispute",
        "dispute a settlement within the terms' dispute window (a party)",
        'smartblocks contract dispute town-hall-ss-2027 2 --reason "meter main was bypassed" '
        '--evidence "sha256:ab12... photos 2027-03" --key owner.priv',
        run_dispute,
    )
    _contract_arg(dispute)
    dispute.add_argument("period", type=int, metavar="PERIOD", help="0-based period index")
    dispute.add_argument("--reason", required=True)
    dispute.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="E",
        help="a reference to evidence (repeat for several)",
    )

    resolve = ledger_command(
        commands,
        "resolve",
        "resolve a dispute (the auditor): uphold the settlement or adjust its figures",
        'smartblocks contract resolve town-hall-ss-2027 2 --uphold --note "data checked" '
        "--key auditor.priv\n"
        '  smartblocks contract resolve town-hall-ss-2027 2 --adjust --actual "41000 kWh" '
        '--baseline "52000 kWh" --note "bypass hours added" --key auditor.priv',
        run_resolve,
    )
    _contract_arg(resolve)
    resolve.add_argument("period", type=int, metavar="PERIOD", help="0-based period index")
    decision = resolve.add_mutually_exclusive_group(required=True)
    decision.add_argument("--uphold", action="store_true", help="the settlement stands")
    decision.add_argument("--adjust", action="store_true", help="recompute with corrected figures")
    resolve.add_argument("--actual", help='corrected actual energy, e.g. "41000 kWh"')
    resolve.add_argument("--baseline", help='corrected adjusted baseline, e.g. "52000 kWh"')
    resolve.add_argument("--note", required=True, help="the decision's grounds")

    terminate = ledger_command(
        commands,
        "terminate",
        "end a contract early: the first party asks, the other agrees with the same command",
        'smartblocks contract terminate town-hall-ss-2027 --reason "building sold" '
        "--key owner.priv",
        run_terminate,
    )
    _contract_arg(terminate)
    terminate.add_argument("--reason", required=True)

    add_manager_command(commands)


# -- reading ------------------------------------------------------------------------------------


def read(args: argparse.Namespace, work: Callable[[StateReader], Any]) -> Any:
    return contract_ledger.read_with(args.url, work)


def fetch_contract(args: argparse.Namespace, contract_id: str) -> Contract:
    contract = read(args, lambda c: contract_ledger.read_contract(c, contract_id))
    if contract is None:
        raise UserError(
            f"no contract {contract_id!r} on the ledger (`smartblocks contract list` shows them)"
        )
    return contract


def _status(contract: Contract) -> str:
    return Status.Name(contract.status)


def _require(contract: Contract, statuses: tuple[int, ...], doing: str) -> None:
    if contract.status not in statuses:
        wanted = " or ".join(Status.Name(s) for s in statuses)
        raise UserError(
            f"cannot {doing} contract {contract.contract_id}: it is {_status(contract)}, "
            f"not {wanted}"
        )


def _role(terms: Terms, key: str) -> str:
    for role in ("esco", "owner", "auditor"):
        if getattr(terms, role) == key:
            return role
    return ""


def _require_party(terms: Terms, key: str, doing: str) -> str:
    role = _role(terms, key)
    if role not in ("esco", "owner"):
        raise UserError(
            f"cannot {doing}: your key {key[:10]}.. is neither the ESCO nor the owner of "
            f"contract {terms.contract_id} (use --key with a party's key)"
        )
    return role


def _amount(text: str, what: str = "amount") -> int:
    try:
        amount = q.parse_amount(text)
    except ValueError as exc:
        raise UserError(f"{what}: {exc}") from None
    if amount == 0:
        raise UserError(f"{what}: must be more than 0")
    return amount


# -- commands -----------------------------------------------------------------------------------


def run_templates(args: argparse.Namespace) -> int:
    if args.example:
        print(example_path(args.example).read_text(), end="")
        return 0
    for module in TEMPLATES.values():
        print(f"{module.NAME}  {module.TITLE}")
        print(textwrap.fill(module.SUMMARY, 96, initial_indent="    ", subsequent_indent="    "))
    print(f"\nexample terms files: {EXAMPLES} (or --example NAME)")
    return 0


def _terms_summary(terms: Terms, digest: str) -> list[str]:
    end_info = schedule.period(terms, terms.periods - 1)
    template = TEMPLATES[str(terms.WhichOneof("template"))]
    c = terms.currency
    return [
        f"contract {terms.contract_id}: {terms.title}",
        f"  template:  {template.TITLE} ({template.NAME})",
        f"  site:      {terms.site_id}, meters {', '.join(terms.meters)}, "
        f"weather {terms.weather_meter}",
        f"  term:      {terms.periods} x {_period_kind(terms)} from {iso(terms.start)} "
        f"to {iso(end_info.end)}",
        f"  esco:      {terms.esco} (deposit {q.format_amount(terms.esco_deposit, c)})",
        f"  owner:     {terms.owner} (deposit {q.format_amount(terms.owner_deposit, c)})",
        f"  auditor:   {terms.auditor}",
        f"  coverage:  at least {q.format_ratio(terms.min_coverage_ppm)}; data grace "
        f"{q.format_duration(terms.data_grace_s)}; disputes within "
        f"{q.format_duration(terms.dispute_window_s)}",
        f"  terms hash: {digest}",
    ]


def _period_kind(terms: Terms) -> str:
    return {1: "week", 2: "month", 3: "year"}.get(terms.period, "?")


def run_propose(args: argparse.Namespace) -> int:
    terms = load_terms(args.terms_file)
    signer = signer_of(args)
    _require_party(terms, signer.public_key, "propose")
    digest = terms_hash(terms)
    ledger_args.submit(args, signer, [txn.propose(signer, terms=terms)])
    print("\n".join(_terms_summary(terms, digest)))
    print(
        f"proposed; the other party accepts with:\n  smartblocks contract accept "
        f"{terms.contract_id} --terms-hash {digest} --key THEIR_KEY"
    )
    return 0


def run_accept(args: argparse.Namespace) -> int:
    contract = fetch_contract(args, args.contract_id)
    _require(contract, (Status.PROPOSED,), "accept")
    if args.terms_hash and args.terms_hash != contract.terms_hash:
        raise UserError(
            f"contract {contract.contract_id}'s terms hash is {contract.terms_hash}, not the "
            f"{args.terms_hash} you reviewed: the terms differ; nothing signed"
        )
    signer = signer_of(args)
    _require_party(contract.terms, signer.public_key, "accept")
    if signer.public_key == contract.proposer:
        raise UserError("you proposed this contract; the other party accepts it")
    print("\n".join(_terms_summary(contract.terms, contract.terms_hash)))
    transaction = txn.accept(signer, terms=contract.terms, terms_hash=contract.terms_hash)
    ledger_args.submit(args, signer, [transaction])
    print(f"accepted terms hash {contract.terms_hash}: contract {contract.contract_id} is ACTIVE")
    return 0


def run_withdraw(args: argparse.Namespace) -> int:
    contract = fetch_contract(args, args.contract_id)
    _require(contract, (Status.PROPOSED,), "withdraw")
    signer = signer_of(args)
    ledger_args.submit(args, signer, [txn.withdraw(signer, terms=contract.terms)])
    print(f"proposal {contract.contract_id} withdrawn; your deposit is released")
    return 0


def run_deposit(args: argparse.Namespace) -> int:
    amount = _amount(args.amount)
    contract = fetch_contract(args, args.contract_id)
    signer = signer_of(args)
    _require_party(contract.terms, signer.public_key, "deposit")
    ledger_args.submit(args, signer, [txn.deposit(signer, terms=contract.terms, amount=amount)])
    print(
        f"{q.format_amount(amount, contract.terms.currency)} locked into contract "
        f"{contract.contract_id}'s escrow"
    )
    return 0


def _energy(value: int, terms: Terms) -> str:
    return f"{value:,} {unit_of(terms)}"


def _payments(record: Settlement) -> str:
    paid = sum(p.from_escrow + p.from_account for p in record.payments)
    unpaid = sum(p.unpaid for p in record.payments)
    text = q.format_amount(paid)
    return text + (f" ({q.format_amount(unpaid)} unpaid)" if unpaid else "")


def _settlement_rows(settlements: list[Settlement]) -> list[list[Any]]:
    rows = []
    for s in settlements:
        status = Settlement.Status.Name(s.status)
        if s.HasField("dispute"):
            status += ", dispute " + DisputeRecord.Status.Name(s.dispute.status)
        rows.append(
            [
                s.period,
                s.period_name,
                status,
                s.actual,
                s.adjusted_baseline,
                s.avoided,
                q.format_ratio(s.coverage_ppm),
                _payments(s),
            ]
        )
    return rows


def run_show(args: argparse.Namespace) -> int:
    async def work(client: StateReader) -> tuple[Any, ...]:
        contract = await contract_ledger.read_contract(client, args.contract_id)
        if contract is None:
            return None, [], {}
        settlements = await contract_ledger.read_settlements(client, contract)
        escrows = await contract_ledger.read_escrows(client, contract)
        return contract, settlements, escrows

    contract, settlements, escrows = read(args, work)
    if contract is None:
        raise UserError(
            f"no contract {args.contract_id!r} on the ledger (`smartblocks contract list` "
            "shows them)"
        )
    terms = contract.terms
    if args.toml:
        print(terms_to_toml(terms), end="")
        return 0
    if args.json:
        doc = {
            "contract": dict(FAMILY.show(contract)),
            "settlements": [dict(FAMILY.show(s)) for s in settlements],
            "escrows": escrows,
        }
        print(json.dumps(doc, indent=2))
        return 0
    print("\n".join(_terms_summary(terms, contract.terms_hash)))
    proposer = _role(terms, contract.proposer) or contract.proposer[:10]
    print(f"status: {_status(contract)} (proposed by the {proposer} {iso(contract.proposed_at)})")
    if contract.accepted_at:
        print(f"accepted {iso(contract.accepted_at)}")
    if contract.pending_amendment_hash:
        by = _role(terms, contract.pending_amendment_by)
        print(
            f"amendment pending, proposed by the {by}: {contract.pending_amendment_reason} "
            f"(hash {contract.pending_amendment_hash})"
        )
    if contract.termination_requested_by:
        by = _role(terms, contract.termination_requested_by)
        print(f"termination requested by the {by}: {contract.termination_reason}")
    if contract.status == Status.ENDED:
        print(f"ended {iso(contract.ended_at)}: {contract.end_reason}")
    c = terms.currency
    print("escrows: " + ", ".join(f"{role} {q.format_amount(v, c)}" for role, v in escrows.items()))
    state = contract.state
    if state.owed_by_owner or state.owed_by_esco:
        print(
            f"arrears: owner owes {q.format_amount(state.owed_by_owner, c)}, "
            f"ESCO owes {q.format_amount(state.owed_by_esco, c)}"
        )
    print(f"settled {contract.settled_periods} of {terms.periods} periods")
    if settlements:
        unit = unit_of(terms)
        headers = [
            "#",
            "period",
            "status",
            f"actual {unit}",
            f"baseline {unit}",
            f"avoided {unit}",
            "coverage",
            f"paid {c}",
        ]
        print(table(headers, _settlement_rows(settlements)))
    return 0


def run_list(args: argparse.Namespace) -> int:
    contracts = read(args, contract_ledger.list_contracts)
    if args.json:
        print(json.dumps([dict(FAMILY.show(c)) for c in contracts], indent=2))
        return 0
    if not contracts:
        print("no contracts on the ledger")
        return 0
    headers = ["contract", "template", "status", "settled", "currency", "title"]
    rows = [
        [
            c.contract_id,
            c.terms.WhichOneof("template") or "-",
            _status(c),
            f"{c.settled_periods}/{c.terms.periods}",
            c.terms.currency,
            c.terms.title,
        ]
        for c in contracts
    ]
    print(table(headers, rows))
    return 0


# -- preview and settle -------------------------------------------------------------------------


def _preview(
    args: argparse.Namespace, terms: Terms, state: TemplateState, period: int
) -> tuple[Preview, int | None, bool, str]:
    if not 0 <= period < terms.periods:
        raise UserError(
            f"period {period}: contract {terms.contract_id} has periods 0..{terms.periods - 1}"
        )

    async def work(client: StateReader) -> tuple[Any, int | None]:
        inputs = await contract_ledger.period_inputs(client, terms, period)
        return inputs, await contract_ledger.ledger_time(client)

    inputs, now = read(args, work)
    if inputs.missing_meters:
        raise UserError(
            f"meter(s) {', '.join(inputs.missing_meters)} of contract {terms.contract_id} are "
            "not on the ledger (`smartblocks meter show METER`)"
        )
    result = contract_ledger.preview(terms, state, period, inputs)
    if now is None:
        return result, None, False, "the ledger has no BlockInfo: its time is unknown"
    ok, why = contract_ledger.ready(terms, period, now, inputs)
    return result, now, ok, why


ENERGY_FIGURES = {
    "avoided",
    "guarantee",
    "shortfall",
    "excess",
    "delivered",
    "year_avoided",
    "year_guarantee",
}
FLAG_FIGURES = {"capped", "reconciled"}


def _figure(name: str, value: int, terms: Terms) -> str:
    """A template's figure in its unit: energy, a yes/no flag, or money (the rest)."""
    if name in ENERGY_FIGURES:
        return _energy(value, terms)
    if name in FLAG_FIGURES:
        return "yes" if value else "no"
    return q.format_amount(value, terms.currency)


def _print_preview(p: Preview, now: int | None, ok: bool, why: str) -> None:
    terms, m = p.terms, p.measured
    c = terms.currency
    print(
        f"contract {terms.contract_id} period {p.period.index} ({p.period.name}, "
        f"{iso(p.period.start)} to {iso(p.period.end)})"
    )
    until = iso(p.data_until) if p.data_until is not None else "no data from some meter"
    print(f"  data until:  {until}")
    print(
        f"  coverage:    {q.format_ratio(m.coverage_ppm)} ({m.complete_days} of {m.days} days "
        f"complete; minimum {q.format_ratio(terms.min_coverage_ppm)})"
    )
    print(f"  actual:      {_energy(m.actual, terms)}")
    print(f"  baseline:    {_energy(m.baseline, terms)} (adjusted, over complete days)")
    print(f"  avoided:     {_energy(m.avoided, terms)}")
    outcome = p.computed.outcome
    if not p.computed.sufficient:
        print(f"  INSUFFICIENT: {p.computed.reason}; no money would move")
    else:
        for name, value in outcome.figures:
            print(f"  {name}: {_figure(name, value, terms)}")
        if not outcome.dues:
            print("  nothing due")
        for due in outcome.dues:
            print(
                f"  due: {due.payer} pays {due.payee} {q.format_amount(due.amount, c)} "
                f"({due.reason})"
            )
        if outcome.ends:
            print(f"  the contract would end: {outcome.end_reason}")
    print(f"  prices are per {per_unit(terms)}; money in {c}")
    when = f" (ledger time {iso(now)})" if now is not None else ""
    print(f"settle now{when}: {'yes' if ok else 'not yet'}: {why}")


def run_preview(args: argparse.Namespace) -> int:
    if args.terms:
        if args.contract_id:
            raise UserError("give a CONTRACT or --terms FILE, not both")
        terms, state, period = load_terms(args.terms), TemplateState(), args.period or 0
    elif args.contract_id:
        contract = fetch_contract(args, args.contract_id)
        terms, state = contract.terms, contract.state
        period = contract.settled_periods if args.period is None else args.period
        if args.period is not None and args.period != contract.settled_periods:
            state = TemplateState()  # only the next period's carried state is on the ledger
    else:
        raise UserError("which contract? give CONTRACT, or --terms FILE to preview a terms file")
    result, now, ok, why = _preview(args, terms, state, period)
    if args.json:
        doc = contract_ledger.preview_dict(result)
        doc.update(ready=ok, why=why, ledger_time=iso(now) if now is not None else None)
        print(json.dumps(doc, indent=2))
        return 0
    _print_preview(result, now, ok, why)
    return 0


def run_settle(args: argparse.Namespace) -> int:
    contract = fetch_contract(args, args.contract_id)
    _require(contract, (Status.ACTIVE,), "settle")
    terms = contract.terms
    period = contract.settled_periods if args.period is None else args.period
    if period != contract.settled_periods:
        raise UserError(
            f"period {period}: contract {terms.contract_id} settles period "
            f"{contract.settled_periods} next (periods settle in order)"
        )
    result, _, ok, why = _preview(args, terms, contract.state, period)
    if not ok:
        raise UserError(f"cannot settle period {period} ({result.period.name}) yet: {why}")
    signer = signer_of(args)
    ledger_args.submit(args, signer, [txn.settle(signer, terms=terms, period=period)])
    outcome = result.computed.outcome
    status = "SETTLED" if result.computed.sufficient else "INSUFFICIENT"
    dues = "; ".join(
        f"{d.payer} pays {d.payee} {q.format_amount(d.amount, terms.currency)}"
        for d in outcome.dues
    )
    print(
        f"contract {terms.contract_id} period {period} ({result.period.name}) {status}: "
        f"avoided {_energy(result.measured.avoided, terms)}" + (f"; {dues}" if dues else "")
    )
    print(f"`smartblocks contract show {terms.contract_id}` shows what was paid")
    return 0


# -- amendments, disputes, the end --------------------------------------------------------------


def run_amend(args: argparse.Namespace) -> int:
    terms = load_terms(args.terms_file)
    if terms.contract_id != args.contract_id:
        raise UserError(
            f"{args.terms_file} is for contract {terms.contract_id}, not {args.contract_id}"
        )
    contract = fetch_contract(args, args.contract_id)
    _require(contract, (Status.ACTIVE,), "amend")
    signer = signer_of(args)
    _require_party(contract.terms, signer.public_key, "amend")
    digest = terms_hash(terms)
    ledger_args.submit(
        args, signer, [txn.propose_amendment(signer, terms=terms, reason=args.reason)]
    )
    print(
        f"amendment proposed (terms hash {digest}); the other party accepts with:\n"
        f"  smartblocks contract accept-amendment {terms.contract_id} --terms-hash {digest} "
        "--key THEIR_KEY"
    )
    return 0


def run_accept_amendment(args: argparse.Namespace) -> int:
    contract = fetch_contract(args, args.contract_id)
    digest = contract.pending_amendment_hash
    if not digest:
        raise UserError(f"contract {contract.contract_id} has no amendment pending")
    if args.terms_hash and args.terms_hash != digest:
        raise UserError(
            f"the pending amendment's hash is {digest}, not {args.terms_hash}: nothing signed"
        )
    signer = signer_of(args)
    transaction = txn.accept_amendment(signer, contract_id=contract.contract_id, terms_hash=digest)
    ledger_args.submit(args, signer, [transaction])
    print(
        f"amendment {digest} accepted: it applies from period {contract.settled_periods} "
        f"({contract.pending_amendment_reason})"
    )
    return 0


def run_dispute(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    transaction = txn.dispute(
        signer,
        contract_id=args.contract_id,
        period=args.period,
        reason=args.reason,
        evidence=args.evidence,
    )
    ledger_args.submit(args, signer, [transaction])
    print(
        f"period {args.period} of contract {args.contract_id} disputed; the auditor resolves "
        "it with `smartblocks contract resolve`"
    )
    return 0


def _corrected(text: str | None, flag: str, terms: Terms) -> int:
    if text is None:
        raise UserError(f'--adjust needs {flag} (the corrected figure, e.g. "41000 kWh")')
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        value, unit = q.parse_energy(text)
    except ValueError as exc:
        raise UserError(f"{flag}: {exc}") from None
    if unit != unit_of(terms):
        raise UserError(
            f"{flag}: {text!r} is in {unit}; the contract's meters are in {unit_of(terms)}"
        )
    return value


def run_resolve(args: argparse.Namespace) -> int:
    contract = fetch_contract(args, args.contract_id)
    terms = contract.terms
    if args.uphold and (args.actual or args.baseline):
        raise UserError("--uphold keeps the settlement's figures: drop --actual and --baseline")
    actual = baseline = 0
    if args.adjust:
        actual = _corrected(args.actual, "--actual", terms)
        baseline = _corrected(args.baseline, "--baseline", terms)
    signer = signer_of(args)
    transaction = txn.resolve(
        signer,
        terms=terms,
        period=args.period,
        decision=Resolve.ADJUST if args.adjust else Resolve.UPHOLD,
        note=args.note,
        corrected_actual=actual,
        corrected_baseline=baseline,
    )
    ledger_args.submit(args, signer, [transaction])
    decision = "adjusted" if args.adjust else "upheld"
    print(f"dispute of contract {terms.contract_id} period {args.period} {decision}")
    return 0


def run_terminate(args: argparse.Namespace) -> int:
    contract = fetch_contract(args, args.contract_id)
    _require(contract, (Status.ACTIVE,), "terminate")
    signer = signer_of(args)
    _require_party(contract.terms, signer.public_key, "terminate")
    ledger_args.submit(
        args, signer, [txn.terminate(signer, terms=contract.terms, reason=args.reason)]
    )
    if contract.termination_requested_by and contract.termination_requested_by != signer.public_key:
        print(f"contract {contract.contract_id} terminated by both parties")
    else:
        print(
            f"termination of contract {contract.contract_id} requested; it ends when the other "
            "party runs the same command"
        )
    return 0
