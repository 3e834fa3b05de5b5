"""`smartblocks meter ...`: BlockMeter meters: register, device keys, retire, show, list,
record readings, and read rollups."""

from __future__ import annotations

import argparse
import datetime
import json

from smartblocks.ledger.errors import UserError
from smartblocks.processors.blockmeter import addressing, txn, units
from smartblocks.processors.kit.periods import day_name, day_number, iso
from smartblocks.protos.blockmeter_pb2 import Meter, MeterHead, MeterKind, ReadingMode, Rollup

from . import ledger_args
from .blockmeter_inputs import (
    check_id,
    parse_date,
    parse_int_list,
    parse_time,
    public_key_arg,
    read_values_csv,
)
from .blockmeter_views import describe, display_of, record_dict, rollup_rows, table
from .help import add_command
from .ledger_args import add_ledger_options, signer_of

KINDS = [name.lower().replace("_", "-") for name, number in MeterKind.items() if number]
MAX_ROLLUP_DAYS = 366


METER_HELP = "meter id, e.g. lab-970.incomer-import"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "meter",
        "BlockMeter meters and their readings",
        [
            "smartblocks meter list --site town-hall",
            "smartblocks meter rollups main --from 2026-03-01 --to 2026-03-31",
        ],
    )
    commands = parser.add_subparsers(dest="meter_command", metavar="COMMAND", required=True)

    reg = add_command(
        commands,
        "register",
        "register a meter (signed by the site owner)",
        "smartblocks meter register main --site town-hall --kind electricity-import "
        "--interval 900 --max 250000000 --key owner.priv",
        run_register,
    )
    reg.add_argument("meter_id", metavar="METER", help=METER_HELP)
    reg.add_argument("--site", required=True, help="site id")
    reg.add_argument("--kind", required=True, choices=KINDS)
    reg.add_argument(
        "--unit", default=None, help="base unit, e.g. milliwatt-hour (default: the kind's unit)"
    )
    reg.add_argument(
        "--interval", type=int, required=True, metavar="S", help="nominal reading interval, s"
    )
    reg.add_argument(
        "--min", type=int, default=0, help="plausible minimum (see docs/blockmeter.md)"
    )
    reg.add_argument(
        "--max", type=int, required=True, help="plausible maximum, e.g. rated capacity"
    )
    reg.add_argument(
        "--rollover", type=int, default=0, help="register rollover: makes a CUMULATIVE meter"
    )
    reg.add_argument(
        "--initial-register",
        type=int,
        default=0,
        metavar="N",
        help="CUMULATIVE: the register before the first reading",
    )
    reg.add_argument("--name", default="", help="display name")
    reg.add_argument("--bms-tag", default="", help="the building management system's tag")
    add_ledger_options(reg)

    for name, help_text, func in [
        ("bind-key", "let a device key post readings for the meter", run_bind_key),
        ("revoke-key", "stop a device key posting readings for the meter", run_revoke_key),
    ]:
        sub = add_command(
            commands,
            name,
            help_text + " (site owner)",
            f"smartblocks meter {name} main gateway.pub --key owner.priv",
            func,
        )
        sub.add_argument("meter_id", metavar="METER", help=METER_HELP)
        sub.add_argument("public_key", metavar="KEY", help="public key (66 hex) or .pub file")
        add_ledger_options(sub)

    retire = add_command(
        commands,
        "retire",
        "retire a meter: it takes no more readings (site owner)",
        "smartblocks meter retire main --key owner.priv",
        run_retire,
    )
    retire.add_argument("meter_id", metavar="METER", help=METER_HELP)
    add_ledger_options(retire)

    update = add_command(
        commands,
        "update",
        "widen a meter's plausible range, or correct its initial register (owner key)",
        "smartblocks meter update main --max 600000000 --key owner.priv",
        run_update,
        description="Bounds may only widen, so readings already accepted stay plausible; the "
        "initial register of a CUMULATIVE meter may change only before its first reading.",
    )
    update.add_argument("meter_id", metavar="METER", help=METER_HELP)
    update.add_argument("--min", type=int, default=None, help="new plausible minimum (lower)")
    update.add_argument("--max", type=int, default=None, help="new plausible maximum (higher)")
    update.add_argument(
        "--initial-register", type=int, default=None, metavar="N", help="new initial register"
    )
    add_ledger_options(update)

    repair = add_command(
        commands,
        "repair",
        "move a meter's recorded-until time back from the future (owner key)",
        "smartblocks meter repair main --until 2026-03-01T12:00Z "
        '--reason "gateway clock was a year ahead" --key owner.priv',
        run_repair,
        description="For a meter whose last window ends after ledger time (a gateway clock "
        "that ran ahead, before windows were checked): readings flow again from --until. "
        "Rollups keep what was recorded; the repair is counted and announced.",
    )
    repair.add_argument("meter_id", metavar="METER", help=METER_HELP)
    repair.add_argument("--until", required=True, help="new end of recorded data (UTC)")
    repair.add_argument("--register", type=int, default=0, help="CUMULATIVE: register then")
    repair.add_argument("--reason", required=True, help="why, for the audit trail")
    add_ledger_options(repair)

    show = add_command(
        commands,
        "show",
        "show a meter and its head (how far its readings reach)",
        "smartblocks meter show lab-970.incomer-import",
        run_show,
    )
    show.add_argument("meter_id", metavar="METER", help=METER_HELP)
    show.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(show, signing=False)

    listing = add_command(
        commands,
        "list",
        "list meters",
        ["smartblocks meter list", "smartblocks meter list --site lab-970 --json"],
        run_list,
    )
    listing.add_argument("--site", default=None, help="only this site's meters")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(listing, signing=False)

    record = add_command(
        commands,
        "record",
        "record a window of readings (device key)",
        [
            "smartblocks meter record main --start 2026-03-01T12:00Z --interval 900 "
            "--values 1200,1150,1180,1210 --key gateway.priv",
            "smartblocks meter record main --start 2026-03-01T12:00Z --interval 60 "
            "--csv window.csv --key gateway.priv",
        ],
        run_record,
    )
    record.add_argument("meter_id", metavar="METER", help=METER_HELP)
    record.add_argument("--start", required=True, help="window start, e.g. 2026-03-01T12:00Z")
    record.add_argument(
        "--interval",
        type=int,
        required=True,
        metavar="S",
        help="seconds between the values (each value covers S seconds from --start on)",
    )
    source = record.add_mutually_exclusive_group(required=True)
    source.add_argument("--values", help="comma-separated integers in the meter's unit")
    source.add_argument("--csv", metavar="FILE", help="rows of value[,quality]")
    record.add_argument("--quality", default=None, help="comma-separated flags, one per value")
    add_ledger_options(record)

    rollups = add_command(
        commands,
        "rollups",
        "daily (or hourly, monthly) totals, and means of rates such as temperature",
        [
            "smartblocks meter rollups main --from 2026-03-01 --to 2026-03-31",
            "smartblocks meter rollups main --from 2026-01-01 --to 2026-12-31 --by month --json",
        ],
        run_rollups,
        description="Energy in kWh, volume in m³; for rates (temperature, wind speed, ...) "
        "the mean of the readings. --json prints the ledger's records: integer sums in the "
        "meter's base unit (mWh, mL, m°C, ...).",
    )
    rollups.add_argument("meter_id", metavar="METER", help=METER_HELP)
    rollups.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
    rollups.add_argument("--to", dest="last", required=True, help="last day (inclusive)")
    rollups.add_argument("--by", choices=["day", "hour", "month"], default="day")
    rollups.add_argument("--json", action="store_true", help="print the rollup records as JSON")
    add_ledger_options(rollups, signing=False)


def fetch_meter(args: argparse.Namespace, meter_id: str) -> Meter:
    return meter_record(meter_id, ledger_args.read(args, [addressing.meter_address(meter_id)])[0])


def check_meter_id(meter_id: str) -> None:
    check_id("meter id", meter_id, "smartblocks meter list")


def meter_record(meter_id: str, data: bytes | None) -> Meter:
    if data is None:
        check_meter_id(meter_id)
        raise UserError(f"meter {meter_id} does not exist (`smartblocks meter list` shows them)")
    return Meter.FromString(data)


def register_fields(args: argparse.Namespace) -> dict[str, object]:
    """The register_meter builder's arguments from the command line."""
    kind = MeterKind.Value(args.kind.upper().replace("-", "_"))
    if args.unit:
        unit: object = args.unit  # the builder reads names as the CLI writes them
    else:
        allowed = sorted(units.ALLOWED_UNITS[kind])
        if len(allowed) > 1:
            names = ", ".join(units.unit_name(u).lower().replace("_", "-") for u in allowed)
            raise UserError(f"kind {args.kind} has several units ({names}): choose with --unit")
        unit = allowed[0]
    return dict(
        meter_id=args.meter_id,
        site_id=args.site,
        kind=kind,
        unit=unit,
        mode=ReadingMode.CUMULATIVE if args.rollover else ReadingMode.INTERVAL,
        rollover=args.rollover,
        initial_register=args.initial_register,
        nominal_interval_s=args.interval,
        plausible_min=args.min,
        plausible_max=args.max,
        name=args.name,
        bms_tag=args.bms_tag,
    )


def run_register(args: argparse.Namespace) -> int:
    check_meter_id(args.meter_id)
    fields = register_fields(args)
    signer = signer_of(args)
    try:
        transaction = txn.register_meter(signer, **fields)  # type: ignore[arg-type]
    except ValueError as exc:  # an unknown --unit name
        raise UserError(f"--unit {args.unit}: {exc}") from None
    ledger_args.submit(args, signer, [transaction])
    print(f"meter {args.meter_id} registered at site {args.site}")
    return 0


def run_bind_key(args: argparse.Namespace) -> int:
    signer, key = signer_of(args), public_key_arg(args.public_key)
    meter = fetch_meter(args, args.meter_id)
    ledger_args.submit(
        args,
        signer,
        [txn.bind_key(signer, meter_id=args.meter_id, site_id=meter.site_id, public_key=key)],
    )
    print(f"key {key} bound to meter {args.meter_id}")
    return 0


def run_revoke_key(args: argparse.Namespace) -> int:
    signer, key = signer_of(args), public_key_arg(args.public_key)
    meter = fetch_meter(args, args.meter_id)
    ledger_args.submit(
        args,
        signer,
        [txn.revoke_key(signer, meter_id=args.meter_id, site_id=meter.site_id, public_key=key)],
    )
    print(f"key {key} revoked from meter {args.meter_id}")
    return 0


def run_retire(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    meter = fetch_meter(args, args.meter_id)
    ledger_args.submit(
        args, signer, [txn.retire_meter(signer, meter_id=args.meter_id, site_id=meter.site_id)]
    )
    print(f"meter {args.meter_id} retired")
    return 0


def run_update(args: argparse.Namespace) -> int:
    if args.min is None and args.max is None and args.initial_register is None:
        raise UserError("nothing to update: give --min, --max and/or --initial-register")
    signer = signer_of(args)
    meter = fetch_meter(args, args.meter_id)
    transaction = txn.update_meter(
        signer,
        meter_id=args.meter_id,
        site_id=meter.site_id,
        plausible_min=meter.plausible_min if args.min is None else args.min,
        plausible_max=meter.plausible_max if args.max is None else args.max,
        initial_register=(
            meter.initial_register if args.initial_register is None else args.initial_register
        ),
    )
    ledger_args.submit(args, signer, [transaction])
    print(f"meter {args.meter_id} updated")
    return 0


def run_repair(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    meter = fetch_meter(args, args.meter_id)
    until = parse_time(args.until)
    transaction = txn.repair_head(
        signer,
        meter_id=args.meter_id,
        site_id=meter.site_id,
        recorded_until=until,
        last_register=args.register,
        reason=args.reason,
    )
    ledger_args.submit(args, signer, [transaction])
    print(f"meter {args.meter_id}: recorded data now ends {iso(until)}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    check_meter_id(args.meter_id)
    meter_data, head_data = ledger_args.read(
        args,
        [addressing.meter_address(args.meter_id), addressing.meter_head_address(args.meter_id)],
    )
    meter = meter_record(args.meter_id, meter_data)
    head = MeterHead.FromString(head_data) if head_data else None
    if args.json:
        doc = {"meter": record_dict(meter), "head": record_dict(head) if head else None}
        print(json.dumps(doc, indent=2))
    else:
        print(describe(meter))
        print("\n" + (describe(head) if head else "no readings yet"))
    return 0


def meter_rows(meters: list[Meter]) -> list[list[object]]:
    return [
        [
            m.meter_id,
            m.site_id,
            units.kind_name(m.kind).lower(),
            units.UNIT_SYMBOLS.get(m.unit, "?"),
            m.nominal_interval_s,
            len(m.device_keys),
            "retired" if m.retired else "active",
            m.name,
        ]
        for m in meters
    ]


def run_list(args: argparse.Namespace) -> int:
    entries = ledger_args.read_prefix(args, addressing.RecordType.METER.prefix)
    meters = sorted((Meter.FromString(data) for _, data in entries), key=lambda m: m.meter_id)
    if args.site:
        meters = [m for m in meters if m.site_id == args.site]
    if args.json:
        print(json.dumps([record_dict(m) for m in meters], indent=2))
    else:
        headers = ["meter", "site", "kind", "unit", "interval_s", "keys", "status", "name"]
        print(table(headers, meter_rows(meters)))
    return 0


def window_of(args: argparse.Namespace) -> tuple[int, list[int], list[int]]:
    """Start, values and quality flags from --start, --values/--csv and --quality."""
    start = parse_time(args.start)
    if args.csv:
        values, quality = read_values_csv(args.csv)
    else:
        values, quality = parse_int_list(args.values), []
    if args.quality is not None:
        quality = parse_int_list(args.quality, "quality flag")
        if len(quality) != len(values):
            raise UserError(f"{len(quality)} quality flags for {len(values)} values")
    return start, values, quality


def run_record(args: argparse.Namespace) -> int:
    check_meter_id(args.meter_id)
    start, values, quality = window_of(args)
    signer = signer_of(args)
    transaction = txn.record_readings(
        signer,
        meter_id=args.meter_id,
        window_start=start,
        interval_s=args.interval,
        values=values,
        quality=quality,
    )
    ledger_args.submit(args, signer, [transaction])
    end = start + args.interval * len(values)
    print(f"meter {args.meter_id}: {len(values)} values recorded, {iso(start)} to {iso(end)}")
    return 0


def rollup_periods(first: datetime.date, last: datetime.date, by: str) -> list[str]:
    """The day ("YYYY-MM-DD") or, by month, month ("YYYY-MM") records covering first..last."""
    if last < first:
        raise UserError(f"--to {last} is before --from {first}")
    days = [day_name(d) for d in range(day_number(first), day_number(last) + 1)]
    if len(days) > MAX_ROLLUP_DAYS:
        raise UserError(f"{len(days)} days asked for; at most {MAX_ROLLUP_DAYS} at a time")
    if by == "month":
        return sorted({d[:7] for d in days})
    return days


def run_rollups(args: argparse.Namespace) -> int:
    check_meter_id(args.meter_id)
    periods = rollup_periods(parse_date(args.first), parse_date(args.last), args.by)
    if args.by == "month":
        addresses = [addressing.month_rollup_address(args.meter_id, p) for p in periods]
    else:
        addresses = [addressing.day_rollup_address(args.meter_id, p) for p in periods]
    # One client session (and event loop) for the meter and its rollups, not two.
    meter_data, *rollup_data = ledger_args.read(
        args, [addressing.meter_address(args.meter_id), *addresses]
    )
    meter = meter_record(args.meter_id, meter_data)
    records = [Rollup.FromString(data) for data in rollup_data if data]
    if args.json:
        print(json.dumps([record_dict(r) for r in records], indent=2))
        return 0
    headers, rows = rollup_rows(records, "hour" if args.by == "hour" else "period", meter.unit)
    shown = display_of(meter.unit).symbol
    if not units.is_quantity(meter.unit):
        shown += ": means of the readings"
    print(f"meter {args.meter_id} ({units.kind_name(meter.kind).lower()}, {shown}), UTC")
    print(table(headers, rows) if rows else "no readings in this period")
    return 0
