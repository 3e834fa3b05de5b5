"""The local double auction: clearing 1,000 orders in one time step (the markets issue's figure).

N members (default 500; `--quick` 25), each with its own site and hourly import meter,
subscribe to one market with a deposit and place one bid and one ask for step 0 (energy
1..10 kWh, bids 0.10..0.30 and asks 0.05..0.25 EUR/kWh, spread so about half the energy
matches): 2N orders. Measured:

- **apply time** in process: the step's `auction clear` through the real handler
  (EnergyContractHandler) with the test suite's StrictContext (declared inputs and outputs
  enforced, as the validator does): reading the auction and the book, sorting and matching,
  cutting every bidder's collateral to what it owes (N escrows and accounts), writing the book.
  Also the step's `auction settle` (every participant's position, no readings after the data
  grace), which reads and writes far more records.
- **committed on a devnet**: the same clear transaction against `smartblocks devnet` (ledger
  time from a clock file, so the gate can close without waiting) with `smartblocks tp
  blockmeter` and `smartblocks tp energycontract`; time from the POST to COMMITTED, and the
  energycontract processor's CPU for it.

    python -m bench market_auction [--quick]
"""

from __future__ import annotations

import asyncio
import calendar
import tempfile
import time
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from bench import harness
from bench.bench_energycontract_devnet import commit_all
from bench.markets_setup import chunks, clocked_devnet, market_ledger, timed_apply
from bench.stack import Target
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import AUCTION_OPERATORS
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records as ec_records
from smartblocks.processors.energycontract import txn as ec_txn
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.processors.energycontract.markets.auction import records, txn
from smartblocks.protos.market_auction_pb2 import Auction, AuctionOpen, StepBook

HOUR, DAY, KWH, EUR = 3_600, 86_400, 1_000_000, 1_000_000
START = calendar.timegm((2027, 3, 1, 0, 0, 0))  # step 0
GATE_S = 15 * 60
FULL_MEMBERS, QUICK_MEMBERS = 500, 25  # two orders each


class Market:
    """The parties and every transaction of the set-up, in order."""

    def __init__(self, members: int) -> None:
        self.authority, self.bank, self.operator = (Signer.generate() for _ in range(3))
        self.members = [Signer.generate() for _ in range(members)]
        self.settler = Signer.generate()
        self.terms = AuctionOpen(
            auction_id="bench",
            name="bench",
            currency="EUR",
            start=START,
            step_s=HOUR,
            steps=1,
            gate_s=GATE_S,
            data_grace_s=HOUR,
            supplier_price=300_000,
            feed_in_price=50_000,
            subscription_deposit=10 * EUR,
        )

    def settings(self) -> dict[str, str]:
        return {
            AUTHORITIES_SETTING: self.authority.public_key,
            ec_records.issuers_setting("EUR"): self.bank.public_key,
            AUCTION_OPERATORS: self.operator.public_key,
        }

    def auction(self) -> Auction:
        """The auction as the builders need it (its terms; subscribers are not read)."""
        return Auction(auction_id="bench", operator=self.operator.public_key, terms=self.terms)

    def opening(self) -> list[Transaction]:
        return [txn.open_auction(self.operator, terms=self.terms)]

    def sites(self) -> list[Transaction]:
        return [
            meter_txn.create_site(
                self.authority, site_id=f"s{n}", owner_public_key=m.public_key, name=f"s{n}"
            )
            for n, m in enumerate(self.members)
        ]

    def money(self) -> list[Transaction]:
        return [
            ec_txn.issue(self.bank, currency="EUR", to=m.public_key, amount=100 * EUR)
            for m in self.members
        ]

    def member(self, n: int) -> list[Transaction]:
        """Member n's meter, subscription, bid and ask, all signed by it."""
        m, site, meter = self.members[n], f"s{n}", f"m{n}"
        bid_price = 100_000 + (n * 7_919) % 200_001
        ask_price = 50_000 + (n * 104_729) % 200_001
        return [
            meter_txn.register_meter(
                m, meter_id=meter, site_id=site, kind="ELECTRICITY_IMPORT", unit="MILLIWATT_HOUR",
                nominal_interval_s=HOUR, plausible_min=0, plausible_max=10**12,
            ),
            txn.subscribe(
                m, auction=self.auction(), import_meter=meter, export_meter="", sites=[site],
                deposit=10 * EUR,
            ),
            txn.order(
                m, auction=self.auction(), step=0, side="bid",
                energy_mwh=(1 + n % 10) * KWH, limit_price=bid_price,
            ),
            txn.order(
                m, auction=self.auction(), step=0, side="ask",
                energy_mwh=(1 + (n * 3) % 10) * KWH, limit_price=ask_price,
            ),
        ]  # fmt: skip


# -- in process ---------------------------------------------------------------------------------


def apply_times(members: int) -> list[dict[str, Any]]:
    market = Market(members)
    handler = EnergyContractHandler()
    ledger = market_ledger(handler, market.settings(), START - DAY)
    for transaction in market.opening() + market.sites() + market.money():
        ledger.apply(transaction)
    for n in range(members):
        for transaction in market.member(n):
            ledger.apply(transaction)
    ledger.set_ledger_time(START - GATE_S + 60)
    book = StepBook.FromString(ledger.state[records.step("bench", 0).address])
    orders = len(book.orders)
    auction = Auction.FromString(ledger.state[records.auction("bench").address])
    clear = txn.clear(market.settler, auction=auction, step=0, book=book)
    clear_s = timed_apply(ledger, handler, clear)
    cleared = StepBook.FromString(ledger.state[records.step("bench", 0).address])
    ledger.set_ledger_time(START + 2 * HOUR + 60)  # past the data grace: no readings needed
    settle_s = timed_apply(
        ledger, handler, txn.settle(market.settler, auction=auction, book=cleared)
    )
    params = {"orders": orders, "subscribers": members, "matched_kwh": cleared.volume_mwh // KWH}
    return [
        harness.figure("clear apply time", clear_s * 1000, "ms", **params),
        harness.figure("clear apply time per order", clear_s / orders * 1e6, "µs", **params),
        harness.figure("settle step apply time", settle_s * 1000, "ms", **params),
        harness.figure("clearing price", cleared.price / 1e6, "EUR/kWh", **params),
    ]


# -- committed on a devnet ----------------------------------------------------------------------


async def devnet(members: int, folder: Path) -> list[dict[str, Any]]:
    market = Market(members)
    stack, clock = clocked_devnet(folder, market.settings(), START - DAY)
    with stack as node:
        async with RestClient(node.rest_url, timeout=120) as client:
            setup_began = time.perf_counter()
            await client.submit_and_wait([make_batch(market.operator, market.opening())])
            for signer, group in (
                (market.authority, market.sites()),
                (market.bank, market.money()),
            ):
                await commit_all(client, chunks(signer, group))
            await commit_all(
                client, [make_batch(m, market.member(n)) for n, m in enumerate(market.members)]
            )
            setup_s = time.perf_counter() - setup_began
            clock.write_text(str(START - GATE_S + 60))
            data = await client.state(records.step("bench", 0).address)
            assert data, "the step's book is missing"
            book = StepBook.FromString(data)
            data = await client.state(records.auction("bench").address)
            assert data, "the auction is missing"
            auction = Auction.FromString(data)
            clear = txn.clear(market.settler, auction=auction, step=0, book=book)
            batch = make_batch(market.settler, [clear])
            pid = node.pids["energycontract"]
            cpu_before = harness.cpu_seconds(pid)
            began = time.perf_counter()
            await client.submit_and_wait([batch], timeout=300)
            elapsed = time.perf_counter() - began
            cpu = harness.cpu_seconds(pid) - cpu_before
            cleared = StepBook.FromString(
                await client.state(records.step("bench", 0).address) or b""
            )
            assert cleared.cleared
    params = {"orders": len(book.orders), "subscribers": members}
    return [
        harness.figure("clear committed (POST to COMMITTED)", elapsed, "s", **params),
        harness.figure("energycontract processor CPU for the clear", cpu * 1000, "ms", **params),
        harness.figure("set-up (sites, meters, subscriptions, orders)", setup_s, "s", **params),
    ]


def run(quick: bool, target: Target | None = None) -> list[dict[str, Any]]:
    members = QUICK_MEMBERS if quick else FULL_MEMBERS
    figures = apply_times(members)
    if target is not None and target.external:
        target.skip("clear committed", "needs a devnet whose ledger time the bench sets")
        return figures
    with tempfile.TemporaryDirectory(prefix="bench-market-auction-") as tmp:
        return figures + asyncio.run(devnet(members, Path(tmp)))
