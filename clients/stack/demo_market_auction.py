"""The local double auction on a running devnet, on two simulated sites: a home that buys its
evening peak, and a farm with PV, a small wind turbine and a battery that sells its midday
surplus and buys at night.

`run` is idempotent and resumable: each call opens the market (hourly steps for a day) and sets
the sites up if the ledger lacks them, places the members' orders for the next steps whose gate
is still open, writes the sites' hourly import and export readings up to ledger time (as a
gateway would; directly, like demo_history.py), clears every step whose gate has closed, settles
every cleared step the readings cover, and finalizes the market once its day is over.

The auctioneer key (auction-operator.priv in the key folder, created on first run) must be in
setting smartblocks.energycontract.auctioneers, the bank's in the EUR issuers.

    smartblocks auction demo --url http://127.0.0.1:8008 --keys DIR/keys
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path

from smartblocks.clients.contracts import auction as auction_ledger
from smartblocks.clients.contracts.ledger import ledger_time
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import load_signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import AUCTION_OPERATORS
from smartblocks.processors.energycontract import txn as money_txn
from smartblocks.processors.energycontract.markets.auction import steps, txn
from smartblocks.protos.market_auction_pb2 import AuctionOpen

from .demo_market_common import (
    DEFAULT_KEY_DIR,
    HOUR,
    demo_key,
    record_hours,
    require_listed,
    set_up_site,
    submit,
)

OPERATOR_KEY = "auction-operator"  # the operator's key file in the key folder
EUR = 1_000_000  # micro-units
AUCTION_ID = "demo-auction"
STEPS = 24
ORDER_AHEAD = 3  # steps ordered in advance


@dataclass(frozen=True)
class DemoSite:
    key_name: str
    site_id: str
    import_meter: str
    export_meter: str
    name: str

    def meter_kinds(self) -> list[tuple[str, str]]:
        """(meter id, kind) of its meters: the home has no export meter."""
        both = (
            (self.import_meter, "ELECTRICITY_IMPORT"),
            (self.export_meter, "ELECTRICITY_EXPORT"),
        )
        return [(meter_id, kind) for meter_id, kind in both if meter_id]


HOME = DemoSite("auction-home", "auc-home", "auc-home-import", "", "Home (simulated)")
FARM = DemoSite(
    "auction-farm", "auc-farm", "auc-farm-import", "auc-farm-export", "Farm: PV, wind, battery"
)
SITES = (HOME, FARM)


def _noise(hour: int, salt: int) -> int:
    """A deterministic pseudo-random value in 0..999 for an hour (no RNG: reruns agree)."""
    return (hour * 2_654_435_761 + salt * 40_503) % 1_000


def home_net(hour: int) -> int:
    """mWh the home draws from the grid in the hour (positive: import)."""
    of_day = hour % 24
    return 500_000 + (1_400_000 if 17 <= of_day < 22 else 0) + _noise(hour, 1) * 300


def farm_net(hour: int) -> int:
    """The farm's load less PV (a midday bell), wind (gusty) and a battery that covers the
    evening: positive imports, negative exports."""
    of_day = hour % 24
    load = 2_000_000 + _noise(hour, 2) * 500
    pv = max(0, 6_000_000 - 500_000 * (of_day - 12) ** 2) if 6 <= of_day <= 18 else 0
    wind = _noise(hour, 3) * 1_500
    battery = 1_000_000 if 18 <= of_day < 23 else 0
    return load - pv - wind - battery


NET = {HOME.site_id: home_net, FARM.site_id: farm_net}


def readings(site: DemoSite, hour: int) -> dict[str, int]:
    net = NET[site.site_id](hour)
    out = {site.import_meter: max(0, net)}
    if site.export_meter:
        out[site.export_meter] = max(0, -net)
    return out


def orders_for(site: DemoSite, hour: int) -> list[tuple[str, int, int]]:
    """(side, mWh, limit price per kWh) a member places for the step starting at `hour`: what
    it expects to import or export, rounded to 0.1 kWh, the home willing to pay up to 0.26, the
    farm selling from 0.08 (its forecast misses the wind)."""
    expected = NET[site.site_id](hour) - (_noise(hour, 3) * 1_500 if site is FARM else 0)
    energy = abs(expected) // 100_000 * 100_000
    if not energy:
        return []
    if expected > 0:
        return [("bid", energy, 260_000 if site is HOME else 220_000)]
    return [("ask", energy, 80_000)]


@dataclass
class Report:
    opened: bool = False
    subscribed: list[str] = field(default_factory=list)
    ordered: list[tuple[str, int, str]] = field(default_factory=list)
    cleared: list[int] = field(default_factory=list)
    settled: list[int] = field(default_factory=list)
    finalized: bool = False
    readings_until: int = 0

    def lines(self) -> list[str]:
        out = [f"opened auction {AUCTION_ID}"] if self.opened else []
        out += [f"subscribed: {name}" for name in self.subscribed]
        out += [f"{side} for step {step}: {name}" for name, step, side in self.ordered]
        out += [f"cleared step {s}" for s in self.cleared]
        out += [f"settled step {s}" for s in self.settled]
        out += ["finalized: deposits returned"] if self.finalized else []
        return out


def genesis_setting(key_dir: Path) -> str:
    """The devnet genesis `--setting KEY=VALUE` that lets this demo's operator open its market
    (its key is created in `key_dir` when absent): for `smartblocks up --demo`'s genesis."""
    return f"{AUCTION_OPERATORS}={demo_key(key_dir, OPERATOR_KEY).public_key}"


async def run_async(url: str, key_dir: Path) -> Report:
    report = Report()
    authority, bank = load_signer(key_dir / "authority.priv"), load_signer(key_dir / "bank.priv")
    gateway = demo_key(key_dir, "auction-gateway")
    operator = demo_key(key_dir, OPERATOR_KEY)
    members = {site.site_id: demo_key(key_dir, site.key_name) for site in SITES}
    async with RestClient(url) as client:
        await require_listed(client, AUCTION_OPERATORS, operator, "auctioneer")
        now = await ledger_time(client)
        if now is None:
            raise UserError(f"the ledger at {url} has no BlockInfo: is it a SmartBlocks devnet?")
        auction = await auction_ledger.read_auction(client, AUCTION_ID)
        if auction is None:
            terms = AuctionOpen(
                auction_id=AUCTION_ID,
                name="Demo community market",
                currency="EUR",
                start=(now // HOUR + 1) * HOUR,
                step_s=HOUR,
                steps=STEPS,
                gate_s=5 * 60,
                data_grace_s=6 * HOUR,
                supplier_price=300_000,
                feed_in_price=50_000,
                subscription_deposit=20 * EUR,
            )
            await submit(client, operator, txn.open_auction(operator, terms=terms))
            auction = await auction_ledger.read_auction(client, AUCTION_ID)
            assert auction is not None
            report.opened = True
        terms = auction.terms
        subscribed = {s.member for s in auction.subscribers}
        for site in SITES:
            member = members[site.site_id]
            await set_up_site(
                client,
                authority,
                member,
                gateway,
                site_id=site.site_id,
                name=site.name,
                meter_kinds=site.meter_kinds(),
            )
            if member.public_key in subscribed:
                continue
            issue = money_txn.issue(bank, currency="EUR", to=member.public_key, amount=100 * EUR)
            await submit(client, bank, issue)
            subscribe = txn.subscribe(
                member, auction=auction, import_meter=site.import_meter,
                export_meter=site.export_meter, sites=[site.site_id],
                deposit=terms.subscription_deposit,
            )  # fmt: skip
            await submit(client, member, subscribe)
            report.subscribed.append(site.name)
        auction = await auction_ledger.read_auction(client, AUCTION_ID)
        assert auction is not None
        first_open = max(0, -(-(now + terms.gate_s - terms.start) // terms.step_s))
        for step in range(first_open, min(terms.steps, first_open + ORDER_AHEAD)):
            book = await auction_ledger.read_step(client, AUCTION_ID, step)
            placed = {o.member for o in book.orders} if book else set()
            start_hour = steps.window(terms, step).start // HOUR
            for site in SITES:
                member = members[site.site_id]
                if member.public_key in placed:
                    continue
                orders = [
                    txn.order(member, auction=auction, step=step, side=side, energy_mwh=energy,
                              limit_price=price)
                    for side, energy, price in orders_for(site, start_hour)
                ]  # fmt: skip
                await submit(client, member, *orders)
                report.ordered += [
                    (site.name, step, side) for side, *_ in orders_for(site, start_hour)
                ]
        until = now // HOUR * HOUR
        hourly = {
            meter_id: (lambda h, site=site, meter_id=meter_id: readings(site, h)[meter_id])
            for site in SITES
            for meter_id, _ in site.meter_kinds()
        }
        await record_hours(
            client,
            gateway,
            hourly,
            terms.start,
            min(until, terms.start + terms.steps * terms.step_s),
        )
        report.readings_until = until
        for step in range(terms.steps):
            span = steps.window(terms, step)
            if now <= span.start - terms.gate_s:
                break
            book = await auction_ledger.read_step(client, AUCTION_ID, step)
            if book is None or not book.cleared:
                clear = txn.clear(operator, auction=auction, step=step, book=book)
                await submit(client, operator, clear)
                report.cleared.append(step)
                book = await auction_ledger.read_step(client, AUCTION_ID, step)
            assert book is not None
            if not book.settled and book.end <= until:
                await submit(client, operator, txn.settle(operator, auction=auction, book=book))
                report.settled.append(step)
        auction = await auction_ledger.read_auction(client, AUCTION_ID)
        assert auction is not None
        if not auction.finalized and auction.settled_steps == terms.steps:
            await submit(client, operator, txn.finalize(operator, auction=auction))
            report.finalized = True
    return report


def run(url: str, key_dir: Path) -> Report:
    return asyncio.run(run_async(url, key_dir))


def main_from_cli(args: argparse.Namespace) -> int:
    key_dir = Path(args.keys) if args.keys else DEFAULT_KEY_DIR
    while True:
        report = run(args.url, key_dir)
        for line in report.lines() or ["nothing new to do"]:
            print(line)
        print(f"see: smartblocks auction book {AUCTION_ID} [STEP]")
        if not args.follow:
            return 0
        time.sleep(60)
