"""`smartblocks epoch ...`: the epochs of an aggregator agreement (docs/market-aggregation.md):
the aggregator sweeps each epoch (computed on-chain from both meters of every DER), a DER
disputes its outcome with its own meter's hours as evidence, the operator resolves."""

from __future__ import annotations

import argparse
from typing import Any

from smartblocks.clients.contracts import ledger as contract_ledger
from smartblocks.clients.contracts import quantities as q
from smartblocks.ledger.errors import UserError
from smartblocks.processors.energycontract.markets.aggregation import reading, rules, txn
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.market_aggregation_pb2 import Dispute, Epoch

from . import ledger_args
from .blockmeter_inputs import parse_electricity, public_key_arg
from .blockmeter_views import table
from .community import fetch_community
from .help import add_command
from .ledger_args import ledger_command, signer_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "epoch",
        "aggregator agreements' epochs: sweep, dispute, resolve, show",
        [
            "smartblocks epoch sweep valley --key aggregator.priv",
            "smartblocks epoch show valley 0 --hours DER.pub",
        ],
        description="The epochs of an aggregator agreement (docs/market-aggregation.md): each "
        "sweep pays the DERs that met their commitment and takes a penalty from the others' "
        "deposits, from both parties' meters on the ledger.",
        aliases=["epochs"],
    )
    commands = parser.add_subparsers(dest="epoch_command", metavar="COMMAND", required=True)

    sweep = ledger_command(
        commands,
        "sweep",
        "sweep the next epoch (the aggregator, or an operator): pay, penalise, release leavers",
        "smartblocks epoch sweep valley --key aggregator.priv",
        run_sweep,
    )
    sweep.add_argument("community_id", metavar="COMMUNITY")
    sweep.add_argument(
        "epoch", metavar="EPOCH", type=int, nargs="?", help="default: the next to sweep"
    )

    dispute = ledger_command(
        commands,
        "dispute",
        "dispute your outcome in a swept epoch; the evidence is your meter's hours on the ledger",
        "smartblocks epoch dispute valley 3 --reason 'the connection meter lost two hours' "
        "--key der7.priv",
        run_dispute,
    )
    dispute.add_argument("community_id", metavar="COMMUNITY")
    dispute.add_argument("epoch", metavar="EPOCH", type=int)
    dispute.add_argument("--reason", required=True)

    resolve = ledger_command(
        commands,
        "resolve",
        "resolve a dispute (the operator: setting smartblocks.markets.operator)",
        [
            "smartblocks epoch resolve valley 3 DER.pub --uphold --note 'meters agree' "
            "--key operator.priv",
            "smartblocks epoch resolve valley 3 DER.pub --adjust '24 kWh' --note 'cp meter "
            "gap' --key operator.priv",
        ],
        run_resolve,
    )
    resolve.add_argument("community_id", metavar="COMMUNITY")
    resolve.add_argument("epoch", metavar="EPOCH", type=int)
    resolve.add_argument("der", metavar="DER", help="the disputing DER's public key or .pub file")
    decision = resolve.add_mutually_exclusive_group(required=True)
    decision.add_argument("--uphold", action="store_true", help="the sweep's figure stands")
    decision.add_argument("--adjust", metavar="ENERGY", help="credit this energy, e.g. '24 kWh'")
    resolve.add_argument("--note", required=True)

    show = ledger_command(
        commands,
        "show",
        "an epoch's outcomes per DER and its disputes; --hours compares a DER's two meters",
        [
            "smartblocks epoch show valley 0",
            "smartblocks epoch show valley 0 --hours DER.pub",
        ],
        run_show,
        signing=False,
    )
    show.add_argument("community_id", metavar="COMMUNITY")
    show.add_argument("epoch", metavar="EPOCH", type=int)
    show.add_argument("--hours", metavar="DER", help="hour by hour, both meters of this DER")


def _kwh(mwh: int) -> str:
    return q.display_energy(mwh, "mWh")


def _outcome_rows(record: Epoch) -> list[list[Any]]:
    return [
        [
            o.der[:10] + "..",
            _kwh(o.required),
            _kwh(o.delivered),
            _kwh(o.der_measured),
            "yes" if o.met else "no",
            q.format_amount(o.paid),
            q.format_amount(o.penalty),
            q.format_amount(o.released) if o.released else "",
            ("adjusted" if o.adjusted else "disputed") if o.disputed else "",
        ]
        for o in record.outcomes
    ]


def _print_epoch(record: Epoch, currency: str) -> None:
    print(
        f"epoch {record.epoch} of {record.community_id}: {iso(record.start)}..{iso(record.end)}, "
        f"swept {iso(record.swept_at)}; paid {q.format_amount(record.paid, currency)}, "
        f"penalties {q.format_amount(record.penalties, currency)}"
    )
    if record.outcomes:
        headers = ["DER", "required", "delivered", "DER meter", "met", "paid", "penalty"]
        print(table([*headers, "released", "dispute"], _outcome_rows(record)))
    else:
        print("  no DER took part")


def run_sweep(args: argparse.Namespace) -> int:
    community = fetch_community(args, args.community_id)
    number = community.swept_epochs if args.epoch is None else args.epoch
    members = contract_ledger.read_with(args.url, lambda c: reading.current_members(c, community))
    signer = signer_of(args)
    transaction = txn.sweep(signer, community=community, members=members, epoch=number)
    ledger_args.submit(args, signer, [transaction])
    record = contract_ledger.read_with(
        args.url, lambda c: reading.epoch(c, community.community_id, number)
    )
    if record is not None:
        _print_epoch(record, community.currency)
    return 0


def run_dispute(args: argparse.Namespace) -> int:
    community = fetch_community(args, args.community_id)
    signer = signer_of(args)

    async def work(client: Any) -> tuple[Any, Any, list[rules.Hour]]:
        record = await reading.epoch(client, community.community_id, args.epoch)
        members = await reading.members(client, community.community_id)
        member = next((m for m in members if m.der == signer.public_key), None)
        if record is None or member is None:
            return record, member, []
        return (
            record,
            member,
            await reading.hours(client, member.der_meter, record.start, record.end),
        )

    record, member, hours = contract_ledger.read_with(args.url, work)
    if record is None:
        raise UserError(f"epoch {args.epoch} of {args.community_id} is not swept yet")
    if member is None:
        raise UserError(f"{signer.public_key[:10]}.. is not a member of {args.community_id}")
    transaction = txn.dispute(
        signer,
        community_id=community.community_id,
        epoch=args.epoch,
        member=member,
        evidence=hours,
        reason=args.reason,
    )
    ledger_args.submit(args, signer, [transaction])
    total, _ = rules.total(hours)
    print(
        f"disputed epoch {args.epoch}: your meter {member.der_meter} shows {_kwh(total)} over "
        f"{len(hours)} hours (digest {rules.window_digest(member.der_meter, hours)[:16]}..)"
    )
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    community = fetch_community(args, args.community_id)
    der = public_key_arg(args.der)
    corrected = 0
    if args.adjust:
        corrected = parse_electricity("--adjust", args.adjust)
    signer = signer_of(args)
    transaction = txn.resolve(
        signer,
        community=community,
        epoch=args.epoch,
        der=der,
        decision="ADJUST" if args.adjust else "UPHOLD",
        note=args.note,
        corrected_delivered=corrected,
    )
    ledger_args.submit(args, signer, [transaction])
    found = contract_ledger.read_with(
        args.url, lambda c: reading.disputes(c, community.community_id)
    )
    for d in found:
        if d.epoch == args.epoch and d.der == der:
            print(
                f"dispute {Dispute.Status.Name(d.status)}; refund "
                f"{q.format_amount(d.refund, community.currency)}"
            )
    return 0


def run_show(args: argparse.Namespace) -> int:
    community = fetch_community(args, args.community_id)

    async def work(client: Any) -> tuple[Any, ...]:
        record = await reading.epoch(client, community.community_id, args.epoch)
        found = [
            d
            for d in await reading.disputes(client, community.community_id)
            if d.epoch == args.epoch
        ]
        compared: list[Any] = []
        if record is not None and args.hours:
            der = public_key_arg(args.hours)
            member = next(
                (m for m in await reading.members(client, community.community_id) if m.der == der),
                None,
            )
            if member is None:
                raise UserError(f"{der[:10]}.. was never a member of {community.community_id}")
            compared = [
                await reading.hours(client, member.connection_meter, record.start, record.end),
                await reading.hours(client, member.der_meter, record.start, record.end),
            ]
        return record, found, compared

    record, found, compared = contract_ledger.read_with(args.url, work)
    if record is None:
        raise UserError(f"epoch {args.epoch} of {args.community_id} is not swept yet")
    _print_epoch(record, community.currency)
    for d in found:
        print(
            f"  dispute by {d.der[:10]}..: {Dispute.Status.Name(d.status)}, evidence "
            f"{_kwh(d.evidence_total)} ({Dispute.Source.Name(d.source)}), swept "
            f"{_kwh(d.swept_delivered)}; {d.reason}" + (f"; resolved: {d.note}" if d.note else "")
        )
    if compared:
        connection, own = compared
        rows = [
            [iso(c.start), _kwh(c.sum), c.count, _kwh(o.sum), o.count, _kwh(o.sum - c.sum)]
            for c, o in zip(connection, own, strict=True)
        ]
        print(table(["hour", "connection", "n", "DER meter", "n", "difference"], rows))
    return 0
