"""The automated supplier on a running devnet, on two simulated sites: a home (evening peak) and
a farm with PV, a small wind turbine and a battery, whose import is much harder to foresee.

`run` is idempotent and resumable: each call opens the supplier and sets the sites up if the
ledger lacks them, declares the next periods whose gate is still open, writes the sites' hourly
import readings up to ledger time (as a gateway would; directly, like demo_history.py), and
settles every declared period the readings now cover. Call it again later (or `--follow`) and
the supplier moves on; the members' H factors follow their accuracy.

The supplier's operator key must be in setting smartblocks.energycontract.suppliers (a genesis
`--setting` of the demo devnet, or a settings proposal), the bank's in the EUR issuers.

    smartblocks supplier demo --url http://127.0.0.1:8008 --keys DIR/keys
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from smartblocks.clients.contracts import supplier as supplier_ledger
from smartblocks.clients.contracts.ledger import ledger_time
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import load_signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import SUPPLIER_OPERATORS
from smartblocks.processors.energycontract import txn as money_txn
from smartblocks.processors.energycontract.markets.supplier import addressing as addr
from smartblocks.processors.energycontract.markets.supplier import metering, txn
from smartblocks.protos.market_supplier_pb2 import SupplierOpen

from .demo_market_common import (
    DEFAULT_KEY_DIR,
    HOUR,
    demo_key,
    record_hours,
    require_listed,
    set_up_site,
    submit,
)

OPERATOR_KEY = "supplier-operator"  # the operator's key file in the key folder
EUR = 1_000_000  # micro-units
SUPPLIER_ID = "demo-supplier"
DECLARE_AHEAD = 3  # periods declared in advance
BACKFILL_HOURS = 6  # readings written before the first period, so the sites are not empty


@dataclass(frozen=True)
class DemoSite:
    key_name: str
    site_id: str
    meter_id: str
    name: str


HOME = DemoSite("supplier-home", "sup-home", "sup-home-import", "Home (simulated)")
FARM = DemoSite("supplier-farm", "sup-farm", "sup-farm-import", "Farm: PV, wind, battery (sim.)")
SITES = (HOME, FARM)


def _noise(hour: int, salt: int) -> int:
    """A deterministic pseudo-random value in 0..999 for an hour (no RNG: reruns agree)."""
    return (hour * 2_654_435_761 + salt * 40_503) % 1_000


def home_import(hour: int) -> int:
    """mWh the home imports in the hour starting `hour * 3600`: a base load, an evening peak."""
    of_day = hour % 24
    peak = 1_400_000 if 17 <= of_day < 22 else 0
    return 500_000 + peak + _noise(hour, 1) * 300


def farm_import(hour: int) -> int:
    """The farm's load less PV (a midday bell), wind (gusty) and a battery that covers the
    evening with what the day left over: what the grid must supply, never negative."""
    of_day = hour % 24
    load = 3_000_000 + _noise(hour, 2) * 1_000
    pv = max(0, 4_000_000 - 450_000 * (of_day - 12) ** 2) if 6 <= of_day <= 18 else 0
    wind = _noise(hour, 3) * 2_500
    battery = 1_500_000 if 18 <= of_day < 23 else 0
    return max(0, load - pv - wind - battery)


USAGE = {HOME.meter_id: home_import, FARM.meter_id: farm_import}


def declared_usage(site: DemoSite, hour: int) -> int:
    """What a member declares: the home knows its habits (within a few %), the farm cannot
    foresee wind and guesses a plain average."""
    if site is HOME:
        return home_import(hour) * (1_000 - 30 + _noise(hour, 4) % 60) // 1_000
    return 1_200_000


@dataclass
class Report:
    opened: bool = False
    joined: list[str] = field(default_factory=list)
    declared: list[tuple[str, int]] = field(default_factory=list)
    readings_until: int = 0
    settled: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.opened:
            out.append(f"opened supplier {SUPPLIER_ID}")
        out += [f"joined: {name}" for name in self.joined]
        out += [f"declared period {p} for {name}" for name, p in self.declared]
        out += [f"settled period {p}" for p in self.settled]
        return out


def genesis_setting(key_dir: Path) -> str:
    """The devnet genesis `--setting KEY=VALUE` that lets this demo's operator open its market
    (its key is created in `key_dir` when absent): for `smartblocks up --demo`'s genesis."""
    return f"{SUPPLIER_OPERATORS}={demo_key(key_dir, OPERATOR_KEY).public_key}"


async def run_async(url: str, key_dir: Path, report: Report | None = None) -> Report:
    report = report or Report()
    authority, bank = load_signer(key_dir / "authority.priv"), load_signer(key_dir / "bank.priv")
    gateway = demo_key(key_dir, "supplier-gateway")
    operator = demo_key(key_dir, OPERATOR_KEY)
    members = {site.key_name: demo_key(key_dir, site.key_name) for site in SITES}
    async with RestClient(url) as client:
        await require_listed(client, SUPPLIER_OPERATORS, operator, "supplier's operator")
        now = await ledger_time(client)
        if now is None:
            raise UserError(f"the ledger at {url} has no BlockInfo: is it a SmartBlocks devnet?")
        supplier = await supplier_ledger.read_supplier(client, SUPPLIER_ID)
        if supplier is None:
            start = (now // HOUR + 1) * HOUR
            terms = SupplierOpen(
                supplier_id=SUPPLIER_ID,
                name="Demo village supplier",
                currency="EUR",
                start=start,
                period_s=HOUR,
                declare_lead_s=60,
                data_grace_s=6 * HOUR,
                price_per_kwh=250_000,
                tolerance_ppm=50_000,
                learning_rate_ppm=250_000,
                initial_h_ppm=500_000,
                min_deposit=20 * EUR,
            )
            await submit(client, operator, txn.open_supplier(operator, terms=terms))
            supplier = await supplier_ledger.read_supplier(client, SUPPLIER_ID)
            assert supplier is not None
            report.opened = True
        terms = supplier.terms
        for site in SITES:
            await set_up_site(
                client,
                authority,
                members[site.key_name],
                gateway,
                site_id=site.site_id,
                name=site.name,
                meter_kinds=[(site.meter_id, "ELECTRICITY_IMPORT")],
            )
        for site in SITES:
            member = members[site.key_name]
            if await client.state(addr.member_address(SUPPLIER_ID, member.public_key)):
                continue
            issue = money_txn.issue(bank, currency="EUR", to=member.public_key, amount=100 * EUR)
            await submit(client, bank, issue)
            join = txn.join(
                member, supplier=supplier, meter_id=site.meter_id, site_id=site.site_id,
                deposit=50 * EUR,
            )  # fmt: skip
            await submit(client, member, join)
            report.joined.append(site.name)
        # Declare the next periods whose gate is open.
        first_open = max(0, -(-(now + terms.declare_lead_s - terms.start) // terms.period_s))
        for period in range(first_open, first_open + DECLARE_AHEAD):
            book = await supplier_ledger.read_period(client, SUPPLIER_ID, period)
            done = {d.member for d in book.declarations} if book else set()
            span = metering.window(terms, period)
            for site in SITES:
                member = members[site.key_name]
                if member.public_key in done:
                    continue
                usage = declared_usage(site, span.start // HOUR)
                declare = txn.declare(member, supplier=supplier, period=period, usage_mwh=usage)
                await submit(client, member, declare)
                report.declared.append((site.name, period))
        until = now // HOUR * HOUR
        await record_hours(client, gateway, USAGE, terms.start - BACKFILL_HOURS * HOUR, until)
        report.readings_until = until
        view = await supplier_ledger.read_view(client, SUPPLIER_ID)
        assert view is not None
        for book in view.periods:
            if book.settled or book.end > until:
                continue
            found = await supplier_ledger.settle_meters(client, SUPPLIER_ID, book)
            settle = txn.settle(operator, supplier=supplier, book=book, meters=found)
            await submit(client, operator, settle)
            report.settled.append(book.period)
    return report


def run(url: str, key_dir: Path) -> Report:
    return asyncio.run(run_async(url, key_dir))


def main_from_cli(args: argparse.Namespace) -> int:
    key_dir = Path(args.keys) if args.keys else DEFAULT_KEY_DIR
    while True:
        report = run(args.url, key_dir)
        for line in report.lines() or ["nothing new to do"]:
            print(line)
        print(
            f"readings up to {time.strftime('%Y-%m-%dT%H:%MZ', time.gmtime(report.readings_until))}"
        )
        print(f"see: smartblocks supplier show {SUPPLIER_ID}")
        if not getattr(args, "follow", False):
            return 0
        time.sleep(60)
