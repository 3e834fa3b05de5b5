"""`smartblocks site create|show|list`: BlockMeter sites (buildings), created by authorities."""

from __future__ import annotations

import argparse
import json

from smartblocks.ledger.errors import UserError
from smartblocks.processors.blockmeter import addressing, txn
from smartblocks.protos.blockmeter_pb2 import Site

from . import ledger_args
from .blockmeter_inputs import public_key_arg
from .blockmeter_views import describe, record_dict, table
from .help import add_command
from .ledger_args import add_ledger_options, signer_of


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "site",
        "BlockMeter sites (buildings)",
        ["smartblocks site list", "smartblocks site show lab-970"],
    )
    commands = parser.add_subparsers(dest="site_command", metavar="COMMAND", required=True)

    create = add_command(
        commands,
        "create",
        "create a site (signed by an authority)",
        'smartblocks site create town-hall --owner owner.pub --name "Town hall" '
        "--floor-area 2400 --timezone Europe/Berlin --key authority.priv",
    )
    create.add_argument("site_id", metavar="SITE", help="site id, e.g. town-hall")
    create.add_argument("--owner", required=True, help="owner's public key (66 hex) or .pub file")
    create.add_argument("--name", required=True, help="display name")
    create.add_argument("--floor-area", type=int, default=0, metavar="M2", help="floor area, m²")
    create.add_argument(
        "--timezone", default="UTC", help="IANA zone for display (rollups are UTC); default UTC"
    )
    create.add_argument("--location", default="", help="address or other location text")
    add_ledger_options(create)
    create.set_defaults(func=run_create)

    show = add_command(commands, "show", "show a site", "smartblocks site show town-hall --json")
    show.add_argument("site_id", metavar="SITE")
    show.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(show, signing=False)
    show.set_defaults(func=run_show)

    listing = add_command(commands, "list", "list all sites", "smartblocks site list")
    listing.add_argument("--json", action="store_true", help="print JSON")
    add_ledger_options(listing, signing=False)
    listing.set_defaults(func=run_list)


def run_create(args: argparse.Namespace) -> int:
    signer = signer_of(args)
    transaction = txn.create_site(
        signer,
        site_id=args.site_id,
        owner_public_key=public_key_arg(args.owner),
        name=args.name,
        floor_area_m2=args.floor_area,
        timezone=args.timezone,
        location=args.location,
    )
    ledger_args.submit(args, signer, [transaction])
    print(f"site {args.site_id} created")
    return 0


def run_show(args: argparse.Namespace) -> int:
    data = ledger_args.read(args, [addressing.site_address(args.site_id)])[0]
    if data is None:
        raise UserError(f"site {args.site_id} does not exist")
    site = Site.FromString(data)
    print(json.dumps(record_dict(site), indent=2) if args.json else describe(site))
    return 0


def site_rows(sites: list[Site]) -> list[list[object]]:
    return [
        [s.site_id, s.name, s.floor_area_m2, s.timezone, s.owner_public_key[:10] + ".."]
        for s in sites
    ]


def run_list(args: argparse.Namespace) -> int:
    entries = ledger_args.read_prefix(args, addressing.RecordType.SITE.prefix)
    sites = sorted((Site.FromString(data) for _, data in entries), key=lambda s: s.site_id)
    if args.json:
        print(json.dumps([record_dict(s) for s in sites], indent=2))
    else:
        print(table(["site", "name", "floor_m2", "timezone", "owner"], site_rows(sites)))
    return 0
