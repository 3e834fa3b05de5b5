"""`smartblocks community ...`: aggregator agreements (docs/market-aggregation.md): an aggregator
opens a community with its criteria; DERs join with their meter, the aggregator's connection
meter, a capacity, a price and a deposit that goes to the community's vault; they leave at the
end of an epoch. `smartblocks epoch ...` sweeps, disputes and resolves the epochs.

Money in currency units ("50.00"), prices per kWh ("0.15"), capacities with their unit ("10 kW").
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import Any

from smartblocks.clients.contracts import ledger as contract_ledger
from smartblocks.clients.contracts import quantities as q
from smartblocks.ledger.errors import UserError
from smartblocks.processors.energycontract.markets.aggregation import reading, rules, txn
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.market_aggregation_pb2 import Community, Criteria, Member

from . import ledger_args
from .blockmeter_inputs import parse_quantity, parse_time, public_key_arg
from .blockmeter_views import table
from .help import add_command
from .ledger_args import ledger_command, signer_of

WATTS = {"W": 1, "kW": 1_000, "MW": 1_000_000}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "community",
        "aggregator agreements: open a DER community, join with a deposit, admit, leave, show",
        [
            "smartblocks community open valley --name 'Valley DERs' --start 2027-03-01T00:00Z "
            "--epoch 4h --key aggregator.priv",
            "smartblocks community join valley --der-meter pv-7 --connection-meter cp-7 "
            "--capacity '10 kW' --price 0.15 --deposit 50.00 --key der7.priv",
            "smartblocks community admit valley der7.pub --key aggregator.priv",
            "smartblocks community show valley",
        ],
        description="Aggregator agreements (docs/market-aggregation.md): DERs join an "
        "aggregator's community with a capacity, a price and a deposit held in the vault; "
        "`smartblocks epoch` sweeps each epoch from both parties' meters.",
        aliases=["communities"],
    )
    commands = parser.add_subparsers(dest="community_command", metavar="COMMAND", required=True)

    opened = ledger_command(
        commands,
        "open",
        "open a community (an aggregator: setting smartblocks.energycontract.aggregators)",
        "smartblocks community open valley --name 'Valley DERs' --currency EUR "
        "--start 2027-03-01T00:00Z --epoch 4h --commitment '50 %' --max-price 0.20 "
        "--penalty-price 0.10 --min-deposit 10.00 --max-members 100 --key aggregator.priv",
        run_open,
    )
    opened.add_argument("community_id", metavar="COMMUNITY")
    opened.add_argument("--name", required=True)
    opened.add_argument("--currency", default="EUR")
    opened.add_argument(
        "--start", required=True, help="start of epoch 0: a whole hour, ISO 8601 or Unix seconds"
    )
    opened.add_argument("--epoch", default="1d", help="epoch length, whole hours (default 1d)")
    opened.add_argument("--grace", default="1d", help="data grace after an epoch (default 1d)")
    opened.add_argument(
        "--dispute-window", default="7d", help="how long after a sweep DERs may dispute"
    )
    opened.add_argument("--min-capacity", default="1 kW", help="e.g. '1 kW' (default)")
    opened.add_argument("--max-capacity", default="1 MW", help="e.g. '500 kW' (default 1 MW)")
    opened.add_argument("--max-price", default="0.30", help="per kWh (default 0.30)")
    opened.add_argument("--min-deposit", default="10.00", help="default 10.00")
    opened.add_argument("--max-members", type=int, default=100, help="size limit (default 100)")
    opened.add_argument(
        "--commitment", default="50 %", help="share of capacity x epoch to deliver (default 50 %%)"
    )
    opened.add_argument(
        "--penalty-price", default="0.10", help="per kWh of shortfall, from the deposit"
    )

    join = ledger_command(
        commands,
        "join",
        "join a community as a DER: your meter, the aggregator's connection meter, a deposit",
        "smartblocks community join valley --der-meter pv-7 --connection-meter cp-7 "
        "--capacity '10 kW' --price 0.15 --deposit 50.00 --key der7.priv",
        run_join,
    )
    join.add_argument("community_id", metavar="COMMUNITY")
    join.add_argument("--der-meter", required=True, help="your meter (a site you own)")
    join.add_argument(
        "--connection-meter", required=True, help="the aggregator's meter at your connection"
    )
    join.add_argument("--capacity", required=True, help="export capacity, e.g. '10 kW'")
    join.add_argument("--price", required=True, help="requested price per kWh, e.g. 0.15")
    join.add_argument("--deposit", required=True, help="security deposit, e.g. 50.00")

    admit = ledger_command(
        commands,
        "admit",
        "admit a DER that applied (the aggregator, once it has checked that the connection "
        "meter is the DER's), or refuse it: the vault returns its deposit",
        [
            "smartblocks community admit valley der7.pub --key aggregator.priv",
            "smartblocks community admit valley der7.pub --refuse 'cp-7 is not your connection' "
            "--key aggregator.priv",
        ],
        run_admit,
    )
    admit.add_argument("community_id", metavar="COMMUNITY")
    admit.add_argument("der", metavar="DER", help="the DER's public key or .pub file")
    admit.add_argument("--refuse", metavar="REASON", help="refuse it, saying why")

    leave = ledger_command(
        commands,
        "leave",
        "give notice: leave at the end of the epoch under way (the vault then returns the deposit)",
        "smartblocks community leave valley --key der7.priv",
        run_leave,
    )
    leave.add_argument("community_id", metavar="COMMUNITY")

    ledger_command(
        commands,
        "list",
        "the communities on the ledger",
        "smartblocks community list --url http://127.0.0.1:8008",
        run_list,
        signing=False,
    )

    show = ledger_command(
        commands,
        "show",
        "a community's criteria, members with their vault balances, and its epochs",
        "smartblocks community show valley",
        run_show,
        signing=False,
    )
    show.add_argument("community_id", metavar="COMMUNITY")

    demo = ledger_command(
        commands,
        "demo",
        "run the aggregator demo beside `make demo`: a community of simulated DERs (PV, wind, "
        "battery), their readings, a sweep, a dispute and its resolution",
        "smartblocks community demo --url http://127.0.0.1:8008 --keys keys/",
        run_demo,
        signing=False,
    )
    demo.add_argument(
        "--keys",
        default=None,
        help="folder with the demo's bank.priv and authority.priv (default: the demo's)",
    )


# -- parsing ----------------------------------------------------------------------------------


def parse_capacity(text: str) -> int:
    """ "10 kW" -> 10,000 W (whole watts)."""
    number, _, unit = text.strip().partition(" ")
    if unit.strip() not in WATTS:
        raise UserError(f"capacity {text!r}: give a number and W, kW or MW, e.g. '10 kW'")
    try:
        watts = Decimal(number) * WATTS[unit.strip()]
    except InvalidOperation:
        raise UserError(f"capacity {text!r}: {number!r} is not a number") from None
    if watts != watts.to_integral_value() or watts <= 0:
        raise UserError(f"capacity {text!r} is not a positive whole number of watts")
    return int(watts)


def show_capacity(watts: int) -> str:
    return f"{Decimal(watts) / 1000:f} kW"


def fetch_community(args: argparse.Namespace, community_id: str) -> Community:
    found = contract_ledger.read_with(args.url, lambda c: reading.community(c, community_id))
    if found is None:
        raise UserError(
            f"no community {community_id!r} on the ledger (`smartblocks community list` shows them)"
        )
    return found


# -- commands ---------------------------------------------------------------------------------


def run_open(args: argparse.Namespace) -> int:
    criteria = Criteria(
        min_capacity_w=parse_capacity(args.min_capacity),
        max_capacity_w=parse_capacity(args.max_capacity),
        max_price=parse_quantity("--max-price", q.parse_price, args.max_price),
        min_deposit=parse_quantity("--min-deposit", q.parse_amount, args.min_deposit),
        max_members=args.max_members,
        commitment_ppm=parse_quantity("--commitment", q.parse_ratio, args.commitment),
        penalty_price=parse_quantity("--penalty-price", q.parse_price, args.penalty_price),
    )
    signer = signer_of(args)
    transaction = txn.open_community(
        signer,
        community_id=args.community_id,
        name=args.name,
        currency=args.currency,
        first_epoch_start=parse_time(args.start),
        epoch_s=parse_quantity("--epoch", q.parse_duration, args.epoch),
        criteria=criteria,
        data_grace_s=parse_quantity("--grace", q.parse_duration, args.grace),
        dispute_window_s=parse_quantity("--dispute-window", q.parse_duration, args.dispute_window),
    )
    ledger_args.submit(args, signer, [transaction])
    print(f"opened community {args.community_id}")
    return 0


def run_join(args: argparse.Namespace) -> int:
    community = fetch_community(args, args.community_id)

    async def meters(client: Any) -> tuple[Any, Any]:
        return (
            await reading.meter(client, args.der_meter),
            await reading.meter(client, args.connection_meter),
        )

    der_meter, connection = contract_ledger.read_with(args.url, meters)
    for meter_id, found in ((args.der_meter, der_meter), (args.connection_meter, connection)):
        if found is None:
            raise UserError(f"no meter {meter_id!r} on the ledger (`smartblocks meter list`)")
    signer = signer_of(args)
    deposit = parse_quantity("--deposit", q.parse_amount, args.deposit)
    transaction = txn.join(
        signer,
        community=community,
        der_meter=args.der_meter,
        der_site=der_meter.site_id,
        connection_meter=args.connection_meter,
        connection_site=connection.site_id,
        capacity_w=parse_capacity(args.capacity),
        price=parse_quantity("--price", q.parse_price, args.price),
        deposit=deposit,
    )
    ledger_args.submit(args, signer, [transaction])
    print(
        f"applied to community {args.community_id}; {q.format_amount(deposit, community.currency)} "
        "is in its vault; the aggregator admits you (`smartblocks community admit`), and you take "
        "part in the epochs that start after that"
    )
    return 0


def run_admit(args: argparse.Namespace) -> int:
    community = fetch_community(args, args.community_id)
    der = public_key_arg(args.der)
    signer = signer_of(args)
    transaction = txn.admit(
        signer, community=community, der=der, admit=not args.refuse, reason=args.refuse or ""
    )
    ledger_args.submit(args, signer, [transaction])
    if args.refuse:
        print(f"refused {der[:10]}..; the vault returned its deposit")
    else:
        print(f"admitted {der[:10]}.. into community {args.community_id}")
    return 0


def run_leave(args: argparse.Namespace) -> int:
    community = fetch_community(args, args.community_id)
    signer = signer_of(args)
    ledger_args.submit(args, signer, [txn.leave(signer, community=community)])

    async def after(client: Any) -> Any:
        from smartblocks.processors.energycontract.markets.aggregation import addressing

        data = await client.state(addressing.member_address(args.community_id, signer.public_key))
        return Member.FromString(data) if data else None

    member = contract_ledger.read_with(args.url, after)
    if member is not None and member.status == Member.LEAVING:
        print(f"notice given: you leave community {args.community_id} at {iso(member.leaves_at)}")
    else:
        print(f"left community {args.community_id}; the vault returned your deposit")
    return 0


def run_list(args: argparse.Namespace) -> int:
    found = contract_ledger.read_with(args.url, reading.communities)
    if not found:
        print("no communities on the ledger")
        return 0
    rows = [
        [
            c.community_id,
            c.name,
            c.aggregator[:10] + "..",
            q.format_duration(c.epoch_s),
            f"{len(c.members)}/{c.criteria.max_members}",
            c.swept_epochs,
        ]
        for c in found
    ]
    print(table(["community", "name", "aggregator", "epoch", "members", "swept"], rows))
    return 0


def run_show(args: argparse.Namespace) -> int:
    community = fetch_community(args, args.community_id)

    async def work(client: Any) -> tuple[Any, ...]:
        members = await reading.members(client, community.community_id)
        vaults = [await reading.vault(client, community.community_id, m.der) for m in members]
        return members, vaults, await reading.epochs(client, community)

    members, vaults, epochs = contract_ledger.read_with(args.url, work)
    c, cur = community.criteria, community.currency
    print(f"community {community.community_id}: {community.name}")
    print(f"  aggregator   {community.aggregator}")
    print(
        f"  epochs       {q.format_duration(community.epoch_s)} from "
        f"{iso(community.first_epoch_start)}; {community.swept_epochs} swept; data grace "
        f"{q.format_duration(community.data_grace_s)}, disputes within "
        f"{q.format_duration(community.dispute_window_s)}"
    )
    print(
        f"  criteria     {show_capacity(c.min_capacity_w)}..{show_capacity(c.max_capacity_w)}, "
        f"price at most {q.format_amount(c.max_price, cur)}/kWh, deposit at least "
        f"{q.format_amount(c.min_deposit, cur)}, {c.max_members} members at most"
    )
    print(
        f"  commitment   {q.format_ratio(c.commitment_ppm)} of capacity x epoch; shortfall "
        f"costs {q.format_amount(c.penalty_price, cur)}/kWh of the deposit"
    )
    if members:
        rows = [
            [
                m.der[:10] + "..",
                Member.Status.Name(m.status),
                m.der_meter,
                m.connection_meter,
                show_capacity(m.capacity_w),
                q.format_amount(m.price),
                q.format_amount(vault),
                f"{m.met}/{m.epochs}",
                q.format_amount(m.paid),
                q.format_amount(m.penalised),
            ]
            for m, vault in zip(members, vaults, strict=True)
        ]
        headers = ["DER", "status", "DER meter", "connection", "capacity", f"{cur}/kWh"]
        headers += [f"vault {cur}", "met", f"paid {cur}", f"penalties {cur}"]
        print(table(headers, rows))
    for e in epochs:
        print(
            f"  epoch {e.epoch} {iso(e.start)}..{iso(e.end)}: {len(e.outcomes)} DERs, paid "
            f"{q.format_amount(e.paid, cur)}, penalties {q.format_amount(e.penalties, cur)}"
        )
    now = contract_ledger.read_with(args.url, contract_ledger.ledger_time)
    if now is not None:
        _, end = rules.epoch_bounds(
            community.first_epoch_start, community.epoch_s, community.swept_epochs
        )
        print(f"  next sweep   epoch {community.swept_epochs}, once {iso(end)} has passed")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from smartblocks.clients.stack import demo_market_aggregation as demo

    demo.main(args.url, args.keys)
    return 0
