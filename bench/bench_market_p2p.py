"""The P2P market's proof-of-delivery settlement of 1,000 trades (the markets issue's figure).

One prosumer site with an hourly export meter, one consumer site with an hourly import meter,
an aggregator (2 % fee) and N offers (default 1,000; `--quick` 50) of 1 hour each, on
consecutive hours, all picked by the consumer; then both meters' readings over every window
(export 0..4 kWh, import 0..3 kWh an hour, varying, so trades deliver fully, partly or not at
all). Measured:

- **apply time** in process: each offer's `offer settle` through the real handler
  (EnergyContractHandler) with the test suite's StrictContext (declared inputs and outputs
  enforced, as the validator does): payload decoding, reading the offer, both meters' heads,
  day rollups and claims, the escrow and three accounts, the proof of delivery, the claims and
  the three payments out of escrow. No ZMQ, no validator.
- **committed on a devnet**: the same N settlements built and signed before the clock starts,
  100 to a batch, 8 batches in flight, against `smartblocks devnet` (ledger time from a clock
  file, so the windows can end without waiting) with `smartblocks tp blockmeter` and
  `smartblocks tp energycontract`; time from the first POST to the last batch COMMITTED, and
  the devnet's and the processor's CPU per settlement. Every settlement writes the aggregator's
  account (its fee) and the two meters' claims, so they run one after another, as they would
  for one aggregator's market.

    python -m bench market_p2p [--quick]
"""

from __future__ import annotations

import asyncio
import calendar
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from bench import harness
from bench.bench_energycontract_devnet import BATCHES_IN_FLIGHT, commit_all
from bench.markets_setup import PER_BATCH, chunks, clocked_devnet, market_ledger, timed_apply
from bench.stack import Target
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records as ec_records
from smartblocks.processors.energycontract import txn as ec_txn
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.processors.energycontract.markets.p2p import records, txn
from smartblocks.protos.market_p2p_pb2 import Offer

HOUR, DAY, KWH = 3_600, 86_400, 1_000_000
START = calendar.timegm((2027, 3, 1, 0, 0, 0))  # the first offer's window
FULL_TRADES, QUICK_TRADES = 1_000, 50
FEE_PPM, PRICE, OFFERED = 20_000, 200_000, 2 * KWH  # 2 %, 0.20 PLT/kWh, 2 kWh a trade


class Market:
    """The parties, and every transaction of the set-up and of the settlements, in order."""

    def __init__(self, trades: int) -> None:
        self.trades = trades
        self.authority, self.aggregator = Signer.generate(), Signer.generate()
        self.seller, self.buyer, self.device = (
            Signer.generate(),
            Signer.generate(),
            Signer.generate(),
        )
        self.settler = self.aggregator

    def settings(self) -> dict[str, str]:
        return {
            AUTHORITIES_SETTING: self.authority.public_key,
            ec_records.issuers_setting("PLT"): self.aggregator.public_key,
            records.AGGREGATORS_SETTING: self.aggregator.public_key,
        }

    def sites(self) -> list[tuple[Signer, list[Transaction]]]:
        steps: list[tuple[Signer, list[Transaction]]] = []
        for site, owner, meter, kind in (
            ("pv", self.seller, "pv-export", "ELECTRICITY_EXPORT"),
            ("home", self.buyer, "home-import", "ELECTRICITY_IMPORT"),
        ):
            steps.append(
                (
                    self.authority,
                    [
                        meter_txn.create_site(
                            self.authority,
                            site_id=site,
                            owner_public_key=owner.public_key,
                            name=site,
                        )
                    ],
                )
            )
            steps.append(
                (
                    owner,
                    [
                        meter_txn.register_meter(
                            owner,
                            meter_id=meter,
                            site_id=site,
                            kind=kind,
                            unit="MILLIWATT_HOUR",
                            nominal_interval_s=HOUR,
                            plausible_min=0,
                            plausible_max=10**12,
                        ),
                        meter_txn.bind_key(
                            owner, meter_id=meter, site_id=site, public_key=self.device.public_key
                        ),
                    ],
                )
            )
        agg = self.aggregator
        steps.append(
            (
                agg,
                [
                    txn.aggregator_set(agg, name="bench", currency="PLT", fee_ppm=FEE_PPM),
                    ec_txn.issue(
                        agg, currency="PLT", to=self.buyer.public_key, amount=self.trades * KWH
                    ),
                ],
            )
        )
        return steps

    def window(self, n: int) -> tuple[int, int]:
        return START + n * HOUR, START + (n + 1) * HOUR

    def offers(self) -> list[Transaction]:
        out = []
        for n in range(self.trades):
            start, end = self.window(n)
            out.append(
                txn.offer_add(
                    self.seller,
                    offer_id=f"t-{n}",
                    aggregator=self.aggregator.public_key,
                    export_meter="pv-export",
                    site_id="pv",
                    energy=OFFERED,
                    price=PRICE,
                    window_start=start,
                    window_end=end,
                    expires_at=start,
                )
            )
        return out

    def record(self, n: int) -> Offer:
        """Offer n as the ledger holds it once picked (what the settle builder needs)."""
        start, end = self.window(n)
        return Offer(
            offer_id=f"t-{n}",
            seller=self.seller.public_key,
            buyer=self.buyer.public_key,
            aggregator=self.aggregator.public_key,
            currency="PLT",
            export_meter="pv-export",
            import_meter="home-import",
            energy=OFFERED,
            price=PRICE,
            window_start=start,
            window_end=end,
            expires_at=start,
            status=Offer.OPEN,
        )

    def picks(self) -> list[Transaction]:
        return [
            txn.offer_pick(
                self.buyer, offer=self.record(n), import_meter="home-import", site_id="home"
            )
            for n in range(self.trades)
        ]

    def readings(self) -> list[Transaction]:
        hours = self.trades
        exported = [(h * 7919) % 41 * 100_000 for h in range(hours)]  # 0..4 kWh
        imported = [(h * 13) % 31 * 100_000 for h in range(hours)]  # 0..3 kWh
        out = []
        for meter, values in (("pv-export", exported), ("home-import", imported)):
            for first in range(0, hours, 24 * 30):
                out.append(
                    meter_txn.record_readings(
                        self.device,
                        meter_id=meter,
                        window_start=START + first * HOUR,
                        interval_s=HOUR,
                        values=values[first : first + 24 * 30],
                    )
                )
        return out

    def settles(self) -> list[Transaction]:
        return [txn.offer_settle(self.settler, offer=self.record(n)) for n in range(self.trades)]

    @property
    def end(self) -> int:
        return self.window(self.trades - 1)[1]


# -- in process ---------------------------------------------------------------------------------


def apply_times(trades: int) -> list[dict[str, Any]]:
    market = Market(trades)
    handler = EnergyContractHandler()
    ledger = market_ledger(handler, market.settings(), START - DAY)
    for _, group in market.sites():
        for transaction in group:
            ledger.apply(transaction)
    for transaction in market.offers() + market.picks():
        ledger.apply(transaction)
    ledger.set_ledger_time(market.end + 60)
    for transaction in market.readings():
        ledger.apply(transaction)
    times = []
    for transaction in market.settles():
        times.append(timed_apply(ledger, handler, transaction))
    delivered = sum(
        Offer.FromString(ledger.state[records.offer(f"t-{n}").address]).delivered
        for n in range(trades)
    )
    params = {"trades": trades, "window": "1 hour", "meters": 2, "fee_ppm": FEE_PPM}
    median = statistics.median(times)
    return [
        harness.figure("settle apply time (median)", median * 1000, "ms", **params),
        harness.figure(
            "settle apply time (p99)", harness.percentile(times, 0.99) * 1000, "ms", **params
        ),
        harness.figure("settles applied per second", 1 / median, "settles/s", **params),
        harness.figure(
            "energy delivered over the offered", delivered / (trades * OFFERED) * 100, "%", **params
        ),
    ]


# -- committed on a devnet ----------------------------------------------------------------------


async def devnet(trades: int, folder: Path) -> list[dict[str, Any]]:
    market = Market(trades)
    stack, clock = clocked_devnet(folder, market.settings(), START - DAY)
    with stack as node:
        async with RestClient(node.rest_url, timeout=120) as client:
            setup_began = time.perf_counter()
            for signer, group in market.sites():
                await client.submit_and_wait([make_batch(signer, group)])
            await commit_all(client, chunks(market.seller, market.offers()))
            await commit_all(client, chunks(market.buyer, market.picks()))
            clock.write_text(str(market.end + 60))
            await commit_all(client, chunks(market.device, market.readings()))
            setup_s = time.perf_counter() - setup_began
            batches = chunks(market.settler, market.settles())
            pids = node.pids
            cpu_before = {name: harness.cpu_seconds(pid) for name, pid in pids.items()}
            latencies: list[float] = []
            began = time.perf_counter()
            await commit_all(client, batches, latencies)
            elapsed = time.perf_counter() - began
            cpu = {name: harness.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    params = {"trades": trades, "per_batch": PER_BATCH, "in_flight": BATCHES_IN_FLIGHT}
    return [
        harness.figure("settlements committed", elapsed, "s", **params),
        harness.figure("settlements committed per second", trades / elapsed, "settles/s", **params),
        harness.figure(
            "batch commit latency (p50)", harness.percentile(latencies, 0.5), "s", **params
        ),
        harness.figure(
            "batch commit latency (p99)", harness.percentile(latencies, 0.99), "s", **params
        ),
        harness.figure("devnet CPU per settlement", cpu["devnet"] / trades * 1000, "ms", **params),
        harness.figure(
            "energycontract processor CPU per settlement",
            cpu["energycontract"] / trades * 1000,
            "ms",
            **params,
        ),
        harness.figure("set-up (sites, offers, picks, readings)", setup_s, "s", **params),
    ]


def run(quick: bool, target: Target | None = None) -> list[dict[str, Any]]:
    trades = QUICK_TRADES if quick else FULL_TRADES
    figures = apply_times(trades)
    if target is not None and target.external:
        # Ledger time cannot be moved on an operator's network: the windows would have to pass.
        target.skip("settlements committed", "needs a devnet whose ledger time the bench sets")
        return figures
    with tempfile.TemporaryDirectory(prefix="bench-market-p2p-") as tmp:
        return figures + asyncio.run(devnet(trades, Path(tmp)))
