"""`smartblocks offer ...`: peer-to-peer trade through a local aggregator. A prosumer adds an
offer (energy, price, delivery window) from its export meter; a consumer picks it, paying into
escrow; after the window anyone settles it from both meters' readings (proof of delivery); the
seller is paid pro rata, less the aggregator's fee, and the buyer gets back the rest
(docs/market-p2p.md). Energy in kWh, prices in the aggregator's currency per kWh.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from smartblocks.clients.contracts import p2p
from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.ledger import StateReader, ledger_time, read_with
from smartblocks.ledger.errors import UserError
from smartblocks.processors.energycontract.markets.p2p import rules, txn
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR, iso
from smartblocks.protos.market_p2p_pb2 import Offer

from . import ledger_args
from .blockmeter_inputs import (
    check_id,
    parse_electricity,
    parse_quantity,
    parse_time,
    public_key_arg,
)
from .blockmeter_views import table
from .help import add_command
from .ledger_args import ledger_command, signer_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "offer",
        "peer-to-peer energy trade through a local aggregator: add, list, pick, settle",
        [
            "smartblocks offer add pv-0310-10 --aggregator agg.pub --meter pv-1-export "
            '--energy "10 kWh" --price 0.20 --start 2027-03-10T10:00Z --hours 4 --key seller.priv',
            "smartblocks offer pick pv-0310-10 --meter b-1-import --key buyer.priv",
            "smartblocks offer settle pv-0310-10 --key buyer.priv",
        ],
        description="Peer-to-peer trade through a local aggregator (docs/market-p2p.md): offers "
        "from a prosumer's export meter, picked by a consumer who pays into escrow, settled "
        "from both parties' meters after the delivery window.",
        aliases=["offers"],
    )
    commands = parser.add_subparsers(dest="offer_command", metavar="COMMAND", required=True)

    add = ledger_command(
        commands,
        "add",
        "offer energy from your export meter for a delivery window (whole UTC hours)",
        "smartblocks offer add pv-0310-10 --aggregator agg.pub --meter pv-1-export "
        '--energy "10 kWh" --price 0.20 --start 2027-03-10T10:00Z --hours 4 --key seller.priv',
        run_add,
    )
    add.add_argument("offer_id", metavar="OFFER", help="a new id (1..60 of A-Z a-z 0-9 . _ : -)")
    add.add_argument("--aggregator", required=True, metavar="KEY", help="public key or .pub")
    add.add_argument("--meter", required=True, help="your ELECTRICITY_EXPORT meter")
    add.add_argument("--energy", required=True, help='e.g. "10 kWh"')
    add.add_argument("--price", required=True, help="per kWh in the aggregator's currency")
    add.add_argument("--start", required=True, help="window start, e.g. 2027-03-10T10:00Z")
    add.add_argument("--hours", type=int, default=1, help="window length (default 1)")
    add.add_argument(
        "--expires", help="last moment to pick it (default: the window's start)", default=None
    )

    listing = ledger_command(
        commands,
        "list",
        "every offer with its status (an OPEN offer past its expiry shows as LAPSED)",
        "smartblocks offer list --status OPEN",
        run_list,
        signing=False,
    )
    listing.add_argument("--status", help="OPEN, LAPSED, PICKED, SETTLED or CANCELLED")
    listing.add_argument("--json", action="store_true", help="JSON instead of a table")

    show = ledger_command(
        commands,
        "show",
        "one offer; a picked one with the proof of delivery settling would give now",
        "smartblocks offer show pv-0310-10",
        run_show,
        signing=False,
    )
    show.add_argument("offer_id", metavar="OFFER")

    pick = ledger_command(
        commands,
        "pick",
        "buy an offer: its value goes from your account into escrow",
        "smartblocks offer pick pv-0310-10 --meter b-1-import --key buyer.priv",
        run_pick,
    )
    pick.add_argument("offer_id", metavar="OFFER")
    pick.add_argument("--meter", required=True, help="your ELECTRICITY_IMPORT meter")

    cancel = ledger_command(
        commands,
        "cancel",
        "withdraw your offer before anyone picks it (also closes a lapsed one)",
        "smartblocks offer cancel pv-0310-10 --key seller.priv",
        run_cancel,
    )
    cancel.add_argument("offer_id", metavar="OFFER")

    settle = ledger_command(
        commands,
        "settle",
        "settle a picked offer after its window from both meters (anyone may)",
        "smartblocks offer settle pv-0310-10 --key buyer.priv",
        run_settle,
    )
    settle.add_argument("offer_id", metavar="OFFER")

    demo = add_command(
        commands,
        "demo",
        "run the P2P market on a running demo: a PV site sells to the demo building",
        "smartblocks offer demo --url http://127.0.0.1:8008 --keys .smartblocks/demo/keys",
        run_demo,
    )
    demo.add_argument("--url", default=None, help="REST API URL of the demo's devnet")
    demo.add_argument(
        "--keys", default=None, help="the demo's key folder (default .smartblocks/demo/keys)"
    )
    demo.add_argument("--hours", type=int, default=6, help="trade hours to run (default 6)")


def _offer_id(text: str) -> str:
    check_id("offer id", text, "smartblocks offer list")
    return text


def _read_offer(args: argparse.Namespace, offer_id: str) -> Offer:
    found = read_with(args.url, lambda client: p2p.read_offer(client, offer_id))
    if found is None:
        raise UserError(f"offer {offer_id} does not exist (`smartblocks offer list`)")
    return found


def run_add(args: argparse.Namespace) -> int:
    offer_id = _offer_id(args.offer_id)
    energy = parse_electricity("--energy", args.energy)
    price = parse_quantity("--price", q.parse_price, args.price)
    start = parse_time(args.start)
    end = start + args.hours * SECONDS_PER_HOUR
    expires = parse_time(args.expires) if args.expires else start
    signer = signer_of(args)
    transaction = txn.offer_add(
        signer,
        offer_id=offer_id,
        aggregator=public_key_arg(args.aggregator),
        export_meter=args.meter,
        site_id=ledger_args.meter_sites(args, [args.meter])[0],
        energy=energy,
        price=price,
        window_start=start,
        window_end=end,
        expires_at=expires,
    )
    ledger_args.submit(args, signer, [transaction])
    print(
        f"offer {offer_id}: {q.display_energy(energy, 'mWh')} at {q.plain_amount(price)}/kWh, "
        f"delivery {iso(start)}..{iso(end)}, open until {iso(expires)}"
    )
    return 0


def run_list(args: argparse.Namespace) -> int:
    async def work(client: StateReader) -> tuple[list[Offer], int | None]:
        return await p2p.list_offers(client), await ledger_time(client)

    offers, now = read_with(args.url, work)
    shown = [p2p.offer_dict(o, now) for o in offers]
    if args.status:
        shown = [o for o in shown if o["status"] == args.status.upper()]
    if args.json:
        print(json.dumps(shown, indent=2))
        return 0
    if not shown:
        print("no offers" + (f" with status {args.status.upper()}" if args.status else ""))
        return 0
    rows = [
        [o["offer_id"], o["status"], o["energy"], o["price"], o["window_start"], o["delivered"]]
        for o in shown
    ]
    print(table(["offer", "status", "energy", "price", "window start", "delivered"], rows))
    return 0


def _show(detail: dict[str, Any]) -> None:
    for key, value in detail.items():
        if key in ("figures", "inputs", "preview") or value in ("", None):
            continue
        print(f"{key:>14}: {value}")
    for title in ("figures", "preview"):
        if detail.get(title):
            print(f"{title}:")
            for key, value in detail[title].items():
                print(f"{key:>18}: {value:,}" if isinstance(value, int) else f"{key:>18}: {value}")


def run_show(args: argparse.Namespace) -> int:
    offer_id = _offer_id(args.offer_id)

    async def work(client: StateReader) -> dict[str, Any] | None:
        offer = await p2p.read_offer(client, offer_id)
        if offer is None:
            return None
        detail = p2p.offer_dict(offer, await ledger_time(client))
        if offer.status == Offer.PICKED:
            detail["preview"] = await p2p.preview(client, offer)
        return detail

    detail = read_with(args.url, work)
    if detail is None:
        raise UserError(f"offer {offer_id} does not exist (`smartblocks offer list`)")
    _show(detail)
    return 0


def run_pick(args: argparse.Namespace) -> int:
    offer = _read_offer(args, _offer_id(args.offer_id))
    signer = signer_of(args)
    transaction = txn.offer_pick(
        signer,
        offer=offer,
        import_meter=args.meter,
        site_id=ledger_args.meter_sites(args, [args.meter])[0],
    )
    ledger_args.submit(args, signer, [transaction])
    value = q.format_amount(rules.trade_value(offer.energy, offer.price), offer.currency)
    print(f"picked offer {offer.offer_id}: {value} in escrow until it is settled")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    offer_id = _offer_id(args.offer_id)
    signer = signer_of(args)
    ledger_args.submit(args, signer, [txn.offer_cancel(signer, offer_id=offer_id)])
    print(f"cancelled offer {offer_id}")
    return 0


def run_settle(args: argparse.Namespace) -> int:
    offer = _read_offer(args, _offer_id(args.offer_id))
    signer = signer_of(args)
    ledger_args.submit(args, signer, [txn.offer_settle(signer, offer=offer)])
    settled = p2p.offer_dict(_read_offer(args, offer.offer_id), None)
    print(
        f"settled offer {offer.offer_id}: delivered {settled['delivered']} of "
        f"{settled['energy']}; seller paid {settled['seller_paid']}, aggregator fee "
        f"{settled['fee_paid']}, buyer refund {settled['buyer_refund']}"
    )
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from smartblocks.clients.stack import demo_market_p2p

    return demo_market_p2p.main(args.url, args.keys, hours=args.hours)
