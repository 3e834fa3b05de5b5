"""`smartblocks auction ...`: a local double auction per time step (docs/market-auction.md).
Members subscribe with their own meters and a deposit, place sealed bids and asks for a step
before its gate closes; anyone clears the step on-chain and settles it from the meters.

Amounts in currency units ("20.00"), prices per kWh ("0.25"), energy with its unit ("10 kWh"),
durations as "1h", "15m".
"""

from __future__ import annotations

import argparse

from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.auction import read_auction, read_step
from smartblocks.clients.contracts.ledger import StateReader, ledger_time, read_with
from smartblocks.ledger.errors import UserError
from smartblocks.processors.energycontract.markets.auction import actions, steps, txn
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.market_auction_pb2 import Auction, AuctionOpen, OrderSubmit, StepBook

from . import ledger_args
from .blockmeter_inputs import parse_electricity, parse_quantity, parse_time
from .blockmeter_views import table
from .help import add_command
from .ledger_args import ledger_command, signer_of

Side = OrderSubmit.Side


def _need_auction(url: str | None, auction_id: str) -> Auction:
    auction = read_with(url, lambda c: read_auction(c, auction_id))
    if auction is None:
        raise UserError(f"auction {auction_id} does not exist (`smartblocks auction book ID`)")
    return auction


# -- commands -----------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "auction",
        "a local double auction per time step: sealed bids and asks, on-chain clearing",
        [
            "smartblocks auction bid village 5 '10 kWh' 0.25 --key owner.priv",
            "smartblocks auction book village 5",
        ],
        description="A local double auction per time step (docs/market-auction.md): sealed "
        "orders until the gate closes, clearing at one uniform price, delivery checked against "
        "the members' meters, imbalances at the supplier's price.",
    )
    commands = parser.add_subparsers(dest="auction_command", metavar="COMMAND", required=True)

    open_ = ledger_command(
        commands,
        "open",
        "open a market (a key in setting smartblocks.energycontract.auctioneers)",
        "smartblocks auction open village --start 2027-03-01 --steps 24 --supplier-price 0.30 "
        "--feed-in-price 0.05 --deposit 20.00 --key auctioneer.priv",
        run_open,
    )
    open_.add_argument("auction_id", metavar="AUCTION")
    open_.add_argument("--name", default="", help="a name people read")
    open_.add_argument("--currency", default="EUR", help="currency code (default EUR)")
    open_.add_argument("--start", required=True, help="start of step 0 (ISO 8601, whole hour)")
    open_.add_argument("--step", default="1h", help="step length: 1h..1d dividing a day")
    open_.add_argument("--steps", type=int, required=True, help="how many steps the market runs")
    open_.add_argument("--gate", default="15m", help="orders close this long before a step")
    open_.add_argument("--grace", default="1d", help="data grace after a step's end")
    open_.add_argument("--supplier-price", required=True, help="shortfalls, per kWh, e.g. 0.30")
    open_.add_argument("--feed-in-price", default="0", help="surpluses, per kWh, e.g. 0.05")
    open_.add_argument("--deposit", default="0", help="subscription deposit, e.g. 20.00")

    subscribe = ledger_command(
        commands,
        "subscribe",
        "subscribe with your own meters and lock the deposit (again: top it up)",
        "smartblocks auction subscribe village --import farm-in --export farm-out "
        "--deposit 20.00 --key farm.priv",
        run_subscribe,
    )
    subscribe.add_argument("auction_id", metavar="AUCTION")
    subscribe.add_argument("--import", dest="import_meter", required=True, help="import meter")
    subscribe.add_argument("--export", dest="export_meter", default="", help="export meter")
    subscribe.add_argument("--deposit", default="0", help="amount to lock, e.g. 20.00")

    for side, verb, example in (
        ("bid", "buy", "smartblocks auction bid village 5 '10 kWh' 0.25 --key owner.priv"),
        ("ask", "sell", "smartblocks auction ask village 5 '8 kWh' 0.15 --key farm.priv"),
    ):
        sub = ledger_command(
            commands,
            side,
            f"a sealed order to {verb} in a step (replaces your {side}; '0 kWh' cancels it)",
            example,
            run_order,
        )
        sub.set_defaults(side=side)
        sub.add_argument("auction_id", metavar="AUCTION")
        sub.add_argument("step", type=int, metavar="STEP", help="step number (0, 1, ...)")
        sub.add_argument("energy", metavar="ENERGY", help="e.g. '10 kWh'")
        sub.add_argument("price", metavar="PRICE", help="limit price per kWh, e.g. 0.25")

    clear = ledger_command(
        commands,
        "clear",
        "clear a step once its gate has closed (anyone may sign)",
        "smartblocks auction clear village 5 --key anyone.priv",
        run_clear,
    )
    clear.add_argument("auction_id", metavar="AUCTION")
    clear.add_argument("step", type=int, metavar="STEP")

    settle = ledger_command(
        commands,
        "settle",
        "settle a cleared step from the meters (anyone may sign)",
        "smartblocks auction settle village 5 --key anyone.priv",
        run_settle,
    )
    settle.add_argument("auction_id", metavar="AUCTION")
    settle.add_argument("step", type=int, metavar="STEP")

    finalize = ledger_command(
        commands,
        "finalize",
        "end the market once every step is settled: deposits go back (the auctioneer)",
        "smartblocks auction finalize village --key auctioneer.priv",
        run_finalize,
    )
    finalize.add_argument("auction_id", metavar="AUCTION")

    book = ledger_command(
        commands,
        "book",
        "a market, or one step's order book and clearing result",
        "smartblocks auction book village\n  smartblocks auction book village 5",
        run_book,
        signing=False,
    )
    book.add_argument("auction_id", metavar="AUCTION")
    book.add_argument("step", type=int, nargs="?", metavar="STEP")

    demo = ledger_command(
        commands,
        "demo",
        "run the auction demo on a devnet (keys of `smartblocks up --demo`)",
        "smartblocks auction demo --url http://127.0.0.1:8008 --keys .smartblocks/demo/keys",
        run_demo,
        signing=False,
    )
    demo.add_argument(
        "--keys",
        default=None,
        help="folder of the demo's keys: authority, bank (default .smartblocks/demo/keys)",
    )
    demo.add_argument("--follow", action="store_true", help="go on every minute")


def run_open(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    terms = AuctionOpen(
        auction_id=args.auction_id,
        name=args.name,
        currency=args.currency,
        start=parse_time(args.start),
        step_s=parse_quantity("--step", q.parse_duration, args.step),
        steps=args.steps,
        gate_s=parse_quantity("--gate", q.parse_duration, args.gate),
        data_grace_s=parse_quantity("--grace", q.parse_duration, args.grace),
        supplier_price=parse_quantity("--supplier-price", q.parse_price, args.supplier_price),
        feed_in_price=parse_quantity("--feed-in-price", q.parse_price, args.feed_in_price),
        subscription_deposit=parse_quantity("--deposit", q.parse_amount, args.deposit),
    )
    ledger_args.submit(args, signer, [txn.open_auction(signer, terms=terms)])
    print(f"opened auction {terms.auction_id}: {terms.steps} steps from {iso(terms.start)}")
    return 0


def run_subscribe(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    auction = _need_auction(args.url, args.auction_id)
    ids = [m for m in (args.import_meter, args.export_meter) if m]
    sites = ledger_args.meter_sites(args, ids)
    deposit = parse_quantity("--deposit", q.parse_amount, args.deposit)
    transaction = txn.subscribe(
        signer,
        auction=auction,
        import_meter=args.import_meter,
        export_meter=args.export_meter,
        sites=sorted(set(sites)),
        deposit=deposit,
    )
    ledger_args.submit(args, signer, [transaction])
    print(
        f"subscribed to auction {args.auction_id}; locked "
        f"{q.format_amount(deposit, auction.terms.currency)}"
    )
    return 0


def run_order(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    auction = _need_auction(args.url, args.auction_id)
    energy = parse_electricity("ENERGY", args.energy)
    price = parse_quantity("PRICE", q.parse_price, args.price)
    transaction = txn.order(
        signer,
        auction=auction,
        step=args.step,
        side=args.side,
        energy_mwh=energy,
        limit_price=price,
    )
    ledger_args.submit(args, signer, [transaction])
    span = steps.window(auction.terms, args.step)
    when = f"step {args.step} ({iso(span.start)} to {iso(span.end)})"
    if energy:
        price_text = q.format_amount(price, auction.terms.currency)
        print(f"{args.side}: {_energy_text(energy)} at {price_text}/kWh for {when}")
    else:
        print(f"{args.side}: cancelled your {args.side} for {when}")
    return 0


def _auction_and_step(args: argparse.Namespace) -> tuple[Auction, StepBook | None]:
    """The market and one step's book, read together; the market must exist."""

    async def work(client: StateReader) -> tuple[Auction | None, StepBook | None]:
        return await read_auction(client, args.auction_id), await read_step(
            client, args.auction_id, args.step
        )

    auction, book = read_with(args.url, work)
    if auction is None:
        raise UserError(f"auction {args.auction_id} does not exist")
    return auction, book


def run_clear(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    auction, book = _auction_and_step(args)
    ledger_args.submit(
        args, signer, [txn.clear(signer, auction=auction, step=args.step, book=book)]
    )
    cleared = read_with(args.url, lambda c: read_step(c, args.auction_id, args.step))
    assert cleared is not None
    print(book_text(auction, cleared))
    return 0


def run_settle(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    auction, book = _auction_and_step(args)
    if book is None or not book.cleared:
        raise UserError(
            f"step {args.step} is not cleared: `smartblocks auction clear {args.auction_id} "
            f"{args.step}` first"
        )
    ledger_args.submit(args, signer, [txn.settle(signer, auction=auction, book=book)])
    settled = read_with(args.url, lambda c: read_step(c, args.auction_id, args.step))
    assert settled is not None
    print(book_text(auction, settled))
    return 0


def run_finalize(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    auction = _need_auction(args.url, args.auction_id)
    ledger_args.submit(args, signer, [txn.finalize(signer, auction=auction)])
    print(f"finalized auction {args.auction_id}: every subscription deposit went back")
    return 0


def _energy_text(mwh: int) -> str:
    return q.display_energy(mwh, "mWh")


def book_text(auction: Auction, book: StepBook) -> str:
    currency = auction.terms.currency
    state = "settled" if book.settled else "cleared" if book.cleared else "open (sealed)"
    lines = [f"step {book.step} ({iso(book.start)} to {iso(book.end)}): {state}"]
    orders = sorted(
        book.orders,
        key=lambda o: (o.side, -o.limit_price if o.side == Side.BID else o.limit_price, o.member),
    )
    rows = [
        [Side.Name(o.side), o.member[:12] + "..", _energy_text(o.energy_mwh),
         q.format_amount(o.limit_price)]
        for o in orders
    ]  # fmt: skip
    lines.append(
        table(["side", "member", "energy", f"limit {currency}/kWh"], rows) if rows else "no orders"
    )
    if book.cleared:
        lines.append(
            f"cleared {iso(book.cleared_at)}: {_energy_text(book.volume_mwh)} at "
            f"{q.format_amount(book.price, currency)}/kWh (marginal bid "
            f"{q.format_amount(book.marginal_bid)}, ask {q.format_amount(book.marginal_ask)})"
            if book.volume_mwh
            else f"cleared {iso(book.cleared_at)}: no bid met an ask"
        )
    if book.settled:
        rows = [
            [
                r.member[:12] + "..",
                _energy_text(r.bought_mwh),
                _energy_text(r.sold_mwh),
                _energy_text(r.import_mwh),
                _energy_text(r.export_mwh),
                f"{r.imbalance_mwh / 1e6:+g} kWh",
                q.format_amount(r.trade_paid - r.trade_received),
                q.format_amount(r.imbalance_paid - r.surplus_paid),
            ]
            for r in book.results
        ]
        head = [
            "member",
            "bought",
            "sold",
            "import",
            "export",
            "imbalance",
            "trade net",
            "imb. net",
        ]
        lines.append(table(head, rows))
    return "\n".join(lines)


def auction_text(auction: Auction, now: int | None) -> str:
    t = auction.terms
    lines = [
        f"auction {auction.auction_id} {t.name!r}, auctioneer {auction.operator}",
        f"  {t.steps} steps of {q.format_duration(t.step_s)} from {iso(t.start)}; gate "
        f"{q.format_duration(t.gate_s)} before each; data grace "
        f"{q.format_duration(t.data_grace_s)}",
        f"  supplier price {q.format_amount(t.supplier_price, t.currency)}/kWh, feed-in "
        f"{q.format_amount(t.feed_in_price, t.currency)}/kWh, subscription deposit "
        f"{q.format_amount(t.subscription_deposit, t.currency)}",
        f"  cleared {auction.cleared_steps}, settled {auction.settled_steps}"
        + (f"; finalized {iso(auction.finalized_at)}" if auction.finalized else ""),
    ]
    if now is not None:
        lines.append(f"  ledger time {iso(now)}")
    rows = [[s.member, s.import_meter, s.export_meter or "-"] for s in auction.subscribers]
    lines += ["", "subscribers:", table(["member", "import", "export"], rows) if rows else "  none"]
    return "\n".join(lines)


def run_book(args: argparse.Namespace) -> int:
    async def work(client: StateReader) -> tuple[Auction | None, StepBook | None, int | None]:
        auction = await read_auction(client, args.auction_id)
        book = (
            await read_step(client, args.auction_id, args.step) if args.step is not None else None
        )
        return auction, book, await ledger_time(client)

    auction, book, now = read_with(args.url, work)
    if auction is None:
        raise UserError(f"auction {args.auction_id} does not exist")
    if args.step is None:
        print(auction_text(auction, now))
    elif book is None:
        span = steps.window(auction.terms, args.step)
        print(f"step {args.step} ({iso(span.start)} to {iso(span.end)}): no orders yet")
    else:
        print(book_text(auction, book))
        if not book.cleared and book.orders:
            preview = actions.clearing_of(book)
            print(
                f"if cleared now: {_energy_text(preview.volume)} at "
                f"{q.format_amount(preview.price, auction.terms.currency)}/kWh"
            )
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from smartblocks.clients.stack import demo_market_auction

    return demo_market_auction.main_from_cli(args)
