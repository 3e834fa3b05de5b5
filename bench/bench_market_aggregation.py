"""The aggregator agreement's epoch sweep of 100 DERs (the markets issue's figure).

One aggregator with a site of connection-point meters, N DERs (default 100; `--quick` 10) each
with its own site and meter, all hourly, in a community with 1-hour epochs; every DER joined
with a deposit before epoch 0. Both meters of every DER hold E epochs of readings (default 12;
`--quick` 3), varying so that some DERs meet their commitment and are paid and the others lose
part of their deposit. Measured:

- **apply time** in process: each epoch's `epoch sweep` through the real handler
  (EnergyContractHandler) with the test suite's StrictContext (declared inputs and outputs
  enforced, as the validator does): payload decoding, reading the community, every member, its
  vault and account, both meters' heads and day rollups, the window digests, and the payments
  and penalties of N DERs in one transaction. No ZMQ, no validator.
- **committed on a devnet**: the same E sweeps, built and signed before the clock starts, one
  after another (each is the next epoch's), against `smartblocks devnet` (ledger time from a
  clock file) with `smartblocks tp blockmeter` and `smartblocks tp energycontract`; each sweep's
  time from POST to COMMITTED, and the devnet's and the processor's CPU per sweep.

    python -m bench market_aggregation [--quick]
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
from bench.markets_setup import chunks, clocked_devnet, market_ledger, timed_apply
from bench.stack import Target
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import AGGREGATORS
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records as ec_records
from smartblocks.processors.energycontract import txn as ec_txn
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.processors.energycontract.markets.aggregation import rules, txn
from smartblocks.protos.market_aggregation_pb2 import Community, Criteria, Epoch, Member

HOUR, DAY, KWH, EUR = 3_600, 86_400, 1_000_000, 1_000_000
START = calendar.timegm((2027, 3, 1, 0, 0, 0))  # epoch 0
FULL, QUICK = (100, 12), (10, 3)  # (DERs, epochs)
CAPACITY_W, PRICE, DEPOSIT = 10_000, 150_000, 50 * EUR
CRITERIA = Criteria(
    min_capacity_w=1_000,
    max_capacity_w=100_000,
    max_price=200_000,
    min_deposit=10 * EUR,
    max_members=200,
    commitment_ppm=500_000,  # 5 kWh of a 10 kW DER's hour
    penalty_price=100_000,
)


class Valley:
    """The parties, and every transaction of the set-up and of the sweeps, in order."""

    def __init__(self, ders: int, epochs: int) -> None:
        self.epochs = epochs
        self.authority, self.aggregator = Signer.generate(), Signer.generate()
        self.bank, self.device = Signer.generate(), Signer.generate()
        self.ders = [Signer.generate() for _ in range(ders)]
        self.community = Community(
            community_id="bench",
            aggregator=self.aggregator.public_key,
            currency="EUR",
            first_epoch_start=START,
            epoch_s=HOUR,
            swept_epochs=0,
        )

    def settings(self) -> dict[str, str]:
        return {
            AUTHORITIES_SETTING: self.authority.public_key,
            ec_records.issuers_setting("EUR"): self.bank.public_key,
            AGGREGATORS: self.aggregator.public_key,
        }

    def _meter(self, owner: Signer, meter_id: str, site: str, kind: str) -> list[Transaction]:
        return [
            meter_txn.register_meter(
                owner,
                meter_id=meter_id,
                site_id=site,
                kind=kind,
                unit="MILLIWATT_HOUR",
                nominal_interval_s=HOUR,
                plausible_min=0,
                plausible_max=10**12,
            ),
            meter_txn.bind_key(
                owner, meter_id=meter_id, site_id=site, public_key=self.device.public_key
            ),
        ]

    def setup(self) -> list[tuple[Signer, list[Transaction]]]:
        """(signer, transactions) groups, each one or more batches, in order."""
        agg, sites = (
            self.aggregator,
            [
                meter_txn.create_site(
                    self.authority,
                    site_id="grid",
                    owner_public_key=self.aggregator.public_key,
                    name="g",
                )
            ],
        )
        sites += [
            meter_txn.create_site(
                self.authority, site_id=f"der-{i}", owner_public_key=d.public_key, name=f"d{i}"
            )
            for i, d in enumerate(self.ders)
        ]
        steps: list[tuple[Signer, list[Transaction]]] = [(self.authority, sites)]
        steps.append(
            (
                agg,
                [
                    t
                    for i in range(len(self.ders))
                    for t in self._meter(agg, f"cp-{i}", "grid", "ELECTRICITY_EXPORT")
                ],
            )
        )
        issues = [ec_txn.issue(self.bank, currency="EUR", to=agg.public_key, amount=10**6 * EUR)]
        issues += [
            ec_txn.issue(self.bank, currency="EUR", to=d.public_key, amount=100 * EUR)
            for d in self.ders
        ]
        steps.append((self.bank, issues))
        steps.append(
            (
                agg,
                [
                    txn.open_community(
                        agg,
                        community_id="bench",
                        name="bench",
                        currency="EUR",
                        first_epoch_start=START,
                        epoch_s=HOUR,
                        criteria=CRITERIA,
                        data_grace_s=HOUR,
                        dispute_window_s=DAY,
                    )
                ],
            )
        )
        for i, der in enumerate(self.ders):
            steps.append(
                (
                    der,
                    [
                        *self._meter(der, f"pv-{i}", f"der-{i}", "GENERATION"),
                        txn.join(
                            der,
                            community=self.community,
                            der_meter=f"pv-{i}",
                            der_site=f"der-{i}",
                            connection_meter=f"cp-{i}",
                            connection_site="grid",
                            capacity_w=CAPACITY_W,
                            price=PRICE,
                            deposit=DEPOSIT,
                        ),
                    ],
                )
            )
        steps.append(
            (
                agg,
                [txn.admit(agg, community=self.community, der=d.public_key) for d in self.ders],
            )
        )
        return steps

    def readings(self) -> list[Transaction]:
        """Every hour of every epoch, both meters of each DER: 0..9 kWh an hour at the
        connection point (about half the DER-hours meet the 5 kWh commitment), the DER's own
        meter 2 % higher."""
        out = []
        hours = self.epochs
        for i in range(len(self.ders)):
            cp = [(i * 7 + h * 13) % 10 * KWH for h in range(hours)]
            pv = [v * 102 // 100 for v in cp]
            for meter_id, values in ((f"cp-{i}", cp), (f"pv-{i}", pv)):
                out.append(
                    meter_txn.record_readings(
                        self.device,
                        meter_id=meter_id,
                        window_start=START,
                        interval_s=HOUR,
                        values=values,
                    )
                )
        return out

    def members(self) -> list[Member]:
        """The member records as the ledger holds them after the joins (what sweep builds on)."""
        return [
            Member(
                community_id="bench",
                der=d.public_key,
                der_meter=f"pv-{i}",
                connection_meter=f"cp-{i}",
                joined_at=START - DAY,
                status=Member.ACTIVE,
            )
            for i, d in enumerate(self.ders)
        ]

    def sweeps(self) -> list[Transaction]:
        members = self.members()
        return [
            txn.sweep(self.aggregator, community=self.community, members=members, epoch=n)
            for n in range(self.epochs)
        ]

    @property
    def end(self) -> int:
        return rules.epoch_bounds(START, HOUR, self.epochs - 1)[1]


def _params(valley: Valley) -> dict[str, Any]:
    return {
        "ders": len(valley.ders),
        "epochs": valley.epochs,
        "epoch": "1 hour",
        "meters_per_der": 2,
    }


# -- in process ---------------------------------------------------------------------------------


def apply_times(ders: int, epochs: int) -> list[dict[str, Any]]:
    valley = Valley(ders, epochs)
    handler = EnergyContractHandler()
    ledger = market_ledger(handler, valley.settings(), START - DAY)
    for _, group in valley.setup():
        for transaction in group:
            ledger.apply(transaction)
    ledger.set_ledger_time(valley.end + 60)
    for transaction in valley.readings():
        ledger.apply(transaction)
    times, met, outcomes = [], 0, 0
    for n, transaction in enumerate(valley.sweeps()):
        times.append(timed_apply(ledger, handler, transaction))
        record = Epoch.FromString(ledger.state[txn.addr.epoch_address("bench", n)])
        outcomes += len(record.outcomes)
        met += sum(o.met for o in record.outcomes)
    params = _params(valley)
    median = statistics.median(times)
    return [
        harness.figure("sweep apply time (median)", median * 1000, "ms", **params),
        harness.figure("sweep apply time (max)", max(times) * 1000, "ms", **params),
        harness.figure("apply time per DER", median / ders * 1e6, "µs", **params),
        harness.figure("DER-epochs that met the commitment", met / outcomes * 100, "%", **params),
    ]


# -- committed on a devnet ----------------------------------------------------------------------


async def _commit(client: RestClient, signer: Signer, transactions: list[Transaction]) -> None:
    await client.submit_and_wait(chunks(signer, transactions), timeout=300)


async def devnet(ders: int, epochs: int, folder: Path) -> list[dict[str, Any]]:
    valley = Valley(ders, epochs)
    stack, clock = clocked_devnet(folder, valley.settings(), START - DAY)
    with stack as node:
        async with RestClient(node.rest_url, timeout=120) as client:
            setup_began = time.perf_counter()
            for signer, group in valley.setup():
                await _commit(client, signer, group)
            clock.write_text(str(valley.end + 60))
            await _commit(client, valley.device, valley.readings())
            setup_s = time.perf_counter() - setup_began
            sweeps = [make_batch(valley.aggregator, [t]) for t in valley.sweeps()]
            pids = node.pids
            cpu_before = {name: harness.cpu_seconds(pid) for name, pid in pids.items()}
            latencies = []
            for batch in sweeps:
                began = time.perf_counter()
                await client.submit_and_wait([batch], timeout=300)
                latencies.append(time.perf_counter() - began)
            cpu = {name: harness.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    params = _params(valley)
    return [
        harness.figure(
            "sweep committed (median, POST to COMMITTED)",
            statistics.median(latencies),
            "s",
            **params,
        ),
        harness.figure("sweep committed (max)", max(latencies), "s", **params),
        harness.figure("devnet CPU per sweep", cpu["devnet"] / epochs * 1000, "ms", **params),
        harness.figure(
            "energycontract processor CPU per sweep",
            cpu["energycontract"] / epochs * 1000,
            "ms",
            **params,
        ),
        harness.figure("set-up (sites, meters, joins, readings)", setup_s, "s", **params),
    ]


def run(quick: bool, target: Target | None = None) -> list[dict[str, Any]]:
    ders, epochs = QUICK if quick else FULL
    figures = apply_times(ders, epochs)
    if target is not None and target.external:
        # Ledger time cannot be moved on an operator's network: the epochs would have to pass.
        target.skip("sweep committed", "needs a devnet whose ledger time the bench sets")
        return figures
    with tempfile.TemporaryDirectory(prefix="bench-market-aggregation-") as tmp:
        return figures + asyncio.run(devnet(ders, epochs, Path(tmp)))
