"""`smartblocks supplier ...`: the automated supplier (docs/market-supplier.md). Members declare
their usage before each period; settlement rewards accuracy and penalises deviation from the
meters' own readings, on EnergyContract's token accounts.

Amounts in currency units ("50.00"), prices per kWh ("0.20"), energy with its unit ("240 kWh"),
shares as percentages ("5 %"), durations as "1d", "1h".
"""

from __future__ import annotations

import argparse

from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.ledger import StateReader, ledger_time, read_with
from smartblocks.clients.contracts.supplier import (
    SupplierView,
    read_period,
    read_supplier,
    read_view,
    settle_meters,
)
from smartblocks.ledger.errors import UserError
from smartblocks.processors.energycontract.markets.supplier import metering, txn
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.market_supplier_pb2 import (
    Supplier,
    SupplierOpen,
    SupplierPeriod,
)

from . import ledger_args
from .blockmeter_inputs import parse_electricity, parse_quantity, parse_time
from .blockmeter_views import table
from .help import add_command
from .ledger_args import ledger_command, signer_of


def _need_supplier(url: str | None, supplier_id: str) -> Supplier:
    supplier = read_with(url, lambda c: read_supplier(c, supplier_id))
    if supplier is None:
        raise UserError(f"supplier {supplier_id} does not exist (`smartblocks supplier show ID`)")
    return supplier


# -- commands ---------------------------------------------------------------------------------


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "supplier",
        "the automated supplier: declare usage, settle rewards and penalties from meters",
        [
            "smartblocks supplier open village --start 2027-03-01 --price 0.20 --key operator.priv",
            "smartblocks supplier declare village 0 '240 kWh' --key owner.priv",
        ],
        description="The automated supplier (docs/market-supplier.md): members declare their "
        "usage before each period; the ledger compares it with their meters and moves "
        "penalties to rewards and the imbalance cost.",
    )
    commands = parser.add_subparsers(dest="supplier_command", metavar="COMMAND", required=True)

    open_ = ledger_command(
        commands,
        "open",
        "open a supplier (a key in setting smartblocks.energycontract.suppliers)",
        "smartblocks supplier open village --start 2027-03-01 --period 1d --price 0.20 "
        "--tolerance '5 %' --key operator.priv",
        run_open,
    )
    open_.add_argument("supplier_id", metavar="SUPPLIER")
    open_.add_argument("--name", default="", help="a name people read")
    open_.add_argument("--currency", default="EUR", help="currency code (default EUR)")
    open_.add_argument("--start", required=True, help="start of period 0 (ISO 8601, whole hour)")
    open_.add_argument("--period", default="1d", help="period length: 1h..1d dividing a day")
    open_.add_argument("--lead", default="1h", help="declarations close this long before a period")
    open_.add_argument("--grace", default="2d", help="data grace after a period's end")
    open_.add_argument("--price", required=True, help="imbalance price per kWh, e.g. 0.20")
    open_.add_argument("--tolerance", default="5 %", help="deviation not penalised (default 5 %%)")
    open_.add_argument("--rate", default="25 %", help="H's learning rate (default 25 %%)")
    open_.add_argument("--initial-h", default="50 %", help="a new member's H (default 50 %%)")
    open_.add_argument("--min-deposit", default="0", help="deposit needed to declare, e.g. 50.00")

    join = ledger_command(
        commands,
        "join",
        "join with your site's import meter and lock a deposit (again: top it up)",
        "smartblocks supplier join village --meter hall-main --deposit 100.00 --key owner.priv",
        run_join,
    )
    join.add_argument("supplier_id", metavar="SUPPLIER")
    join.add_argument("--meter", required=True, help="your ELECTRICITY_IMPORT meter (mWh)")
    join.add_argument("--deposit", default="0", help="amount to lock, e.g. 100.00")

    declare = ledger_command(
        commands,
        "declare",
        "declare your usage for a period (before its gate closes)",
        "smartblocks supplier declare village 3 '240 kWh' --key owner.priv",
        run_declare,
    )
    declare.add_argument("supplier_id", metavar="SUPPLIER")
    declare.add_argument("period", type=int, metavar="PERIOD", help="period number (0, 1, ...)")
    declare.add_argument("usage", metavar="USAGE", help="e.g. '240 kWh'")

    settle = ledger_command(
        commands,
        "settle",
        "settle a period from the members' meters (anyone may sign)",
        "smartblocks supplier settle village 3 --key anyone.priv",
        run_settle,
    )
    settle.add_argument("supplier_id", metavar="SUPPLIER")
    settle.add_argument("period", type=int, metavar="PERIOD")

    leave = ledger_command(
        commands,
        "leave",
        "leave once your declarations are settled: your deposit comes back",
        "smartblocks supplier leave village --key owner.priv",
        run_leave,
    )
    leave.add_argument("supplier_id", metavar="SUPPLIER")

    show = ledger_command(
        commands,
        "show",
        "a supplier: its terms, members with their H factor and deposit, periods",
        "smartblocks supplier show village\n  smartblocks supplier show village --period 3",
        run_show,
        signing=False,
    )
    show.add_argument("supplier_id", metavar="SUPPLIER")
    show.add_argument("--period", type=int, help="one period's declarations and results")

    demo = ledger_command(
        commands,
        "demo",
        "run the supplier demo on a devnet (keys and settings of `smartblocks up --demo`)",
        "smartblocks supplier demo --url http://127.0.0.1:8008",
        run_demo,
        signing=False,
    )
    demo.add_argument(
        "--keys",
        default=None,
        help="folder of the demo's keys: authority, bank (default .smartblocks/demo/keys)",
    )
    demo.add_argument(
        "--follow", action="store_true", help="go on every minute: declare, meter, settle"
    )


def run_open(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    terms = SupplierOpen(
        supplier_id=args.supplier_id,
        name=args.name,
        currency=args.currency,
        start=parse_time(args.start),
        period_s=parse_quantity("--period", q.parse_duration, args.period),
        declare_lead_s=parse_quantity("--lead", q.parse_duration, args.lead),
        data_grace_s=parse_quantity("--grace", q.parse_duration, args.grace),
        price_per_kwh=parse_quantity("--price", q.parse_price, args.price),
        tolerance_ppm=parse_quantity("--tolerance", q.parse_ratio, args.tolerance),
        learning_rate_ppm=parse_quantity("--rate", q.parse_ratio, args.rate),
        initial_h_ppm=parse_quantity("--initial-h", q.parse_ratio, args.initial_h),
        min_deposit=parse_quantity("--min-deposit", q.parse_amount, args.min_deposit),
    )
    ledger_args.submit(args, signer, [txn.open_supplier(signer, terms=terms)])
    print(f"opened supplier {terms.supplier_id}: period 0 starts {iso(terms.start)}")
    return 0


def run_join(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    supplier = _need_supplier(args.url, args.supplier_id)
    (site_id,) = ledger_args.meter_sites(args, [args.meter])
    deposit = parse_quantity("--deposit", q.parse_amount, args.deposit)
    transaction = txn.join(
        signer, supplier=supplier, meter_id=args.meter, site_id=site_id, deposit=deposit
    )
    ledger_args.submit(args, signer, [transaction])
    print(
        f"joined supplier {args.supplier_id} with meter {args.meter}; locked "
        f"{q.format_amount(deposit, supplier.terms.currency)}"
    )
    return 0


def run_declare(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    supplier = _need_supplier(args.url, args.supplier_id)
    usage = parse_electricity("USAGE", args.usage)
    span = metering.window(supplier.terms, args.period)
    ledger_args.submit(
        args, signer, [txn.declare(signer, supplier=supplier, period=args.period, usage_mwh=usage)]
    )
    print(
        f"declared {q.display_energy(usage, 'mWh')} for period {args.period} "
        f"({iso(span.start)} to {iso(span.end)})"
    )
    return 0


def run_settle(args: argparse.Namespace) -> int:
    signer = signer_of(args)

    async def work(
        client: StateReader,
    ) -> tuple[Supplier | None, SupplierPeriod | None, dict[str, str]]:
        supplier = await read_supplier(client, args.supplier_id)
        book = await read_period(client, args.supplier_id, args.period)
        found = await settle_meters(client, args.supplier_id, book) if book else {}
        return supplier, book, found

    supplier, book, found = read_with(args.url, work)
    if supplier is None:
        raise UserError(f"supplier {args.supplier_id} does not exist")
    if book is None:
        raise UserError(f"nobody declared usage for period {args.period}; nothing to settle")
    transaction = txn.settle(signer, supplier=supplier, book=book, meters=found)
    ledger_args.submit(args, signer, [transaction])
    settled = read_with(args.url, lambda c: read_period(c, args.supplier_id, args.period))
    assert settled is not None
    print(f"settled period {args.period} of supplier {args.supplier_id}")
    print(_results(settled, supplier.terms.currency))
    return 0


def run_leave(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    supplier = _need_supplier(args.url, args.supplier_id)
    ledger_args.submit(args, signer, [txn.leave(signer, supplier=supplier)])
    print(f"left supplier {args.supplier_id}; the deposit is back in your account")
    return 0


def _results(book: SupplierPeriod, currency: str) -> str:
    rows = [
        [
            r.member[:12] + "..",
            q.display_energy(r.declared_mwh, "mWh"),
            q.display_energy(r.metered_mwh, "mWh") + ("" if r.complete else " (incomplete)"),
            q.display_ppm(r.accuracy_ppm),
            f"{q.display_ppm(r.h_before_ppm)} -> {q.display_ppm(r.h_after_ppm)}",
            q.format_amount(r.penalty),
            q.format_amount(r.reward),
        ]
        for r in book.results
    ]
    head = ["member", "declared A", "metered E", "accuracy", "H", "penalty", "reward"]
    money = (
        f"penalties {q.format_amount(book.penalties, currency)} = imbalance cost paid "
        f"{q.format_amount(book.imbalance_paid)} (of {q.format_amount(book.imbalance_cost)}) + "
        f"rewards {q.format_amount(book.rewards)} + remainder {q.format_amount(book.remainder)}"
    )
    return table(head, rows) + "\n" + money


def _declarations(book: SupplierPeriod) -> str:
    rows = [
        [d.member[:12] + "..", q.display_energy(d.usage_mwh, "mWh"), iso(d.declared_at)]
        for d in book.declarations
    ]
    return table(["member", "declared A", "at"], rows)


def show_text(view: SupplierView, now: int | None, period: int | None = None) -> str:
    supplier, terms = view.supplier, view.supplier.terms
    lines = [
        f"supplier {supplier.supplier_id} {terms.name!r}, operator {supplier.operator}",
        f"  periods of {q.format_duration(terms.period_s)} from {iso(terms.start)}; declarations "
        f"close {q.format_duration(terms.declare_lead_s)} before; data grace "
        f"{q.format_duration(terms.data_grace_s)}",
        f"  imbalance price {q.format_amount(terms.price_per_kwh, terms.currency)}/kWh, "
        f"tolerance {q.format_ratio(terms.tolerance_ppm)}, H rate "
        f"{q.format_ratio(terms.learning_rate_ppm)}, new H {q.format_ratio(terms.initial_h_ppm)},"
        f" minimum deposit {q.format_amount(terms.min_deposit, terms.currency)}",
    ]
    if now is not None:
        current = max(0, (now - terms.start) // terms.period_s)
        lines.append(f"  ledger time {iso(now)}: period {current} is current or next")
    selected = [p for p in view.periods if period is None or p.period == period]
    if period is None:
        rows = [
            [
                m.member[:12] + ".." + (" (left)" if m.left else ""),
                m.meter_id,
                q.display_ppm(m.h_ppm),
                q.format_amount(view.deposits.get(m.member, 0)),
                ",".join(str(p) for p in m.pending_periods) or "-",
                q.format_amount(m.penalties_paid),
                q.format_amount(m.rewards_received),
            ]
            for m in view.members
        ]
        lines += ["", "members:"]
        lines.append(
            table(["member", "meter", "H", "deposit", "pending", "penalties", "rewards"], rows)
            if rows
            else "  none"
        )
    for book in selected:
        state = f"settled {iso(book.settled_at)}" if book.settled else "open"
        lines += ["", f"period {book.period} ({iso(book.start)} to {iso(book.end)}): {state}"]
        lines.append(_results(book, terms.currency) if book.settled else _declarations(book))
    if period is not None and not selected:
        lines += ["", f"period {period}: nobody declared usage"]
    return "\n".join(lines)


def run_show(args: argparse.Namespace) -> int:
    async def work(client: StateReader) -> tuple[SupplierView | None, int | None]:
        return await read_view(client, args.supplier_id), await ledger_time(client)

    view, now = read_with(args.url, work)
    if view is None:
        raise UserError(f"supplier {args.supplier_id} does not exist")
    print(show_text(view, now, args.period))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from smartblocks.clients.stack import demo_market_supplier

    return demo_market_supplier.main_from_cli(args)
