"""EnergyContract's own cost, in-process: templates, measurement, and the settle action.

- template evaluation: each of the four templates' `settle` on a 31-day month (µs per call);
  pure integer functions over plain data, as the settle action and every preview call them.
- measurement (`measure.measure`): a 31-day month of one energy meter and a weather station
  read hourly (day rollups with 24 hourly buckets), against a PER_DAY table (one curve) and a
  PER_HOUR table (MONTHS_HOURS_OF_WEEK, 2,016 curves); µs per month measured.
- settle apply time: a monthly period settled through the real handler (EnergyContractHandler)
  with the test suite's StrictContext (declared inputs and outputs enforced, as the validator
  does), with 1 and 4 energy meters read hourly: payload decoding, reading the contract and the
  meters' 31 day rollups each, measurement, the shared-savings template, paying the owner's due
  from its account and writing the settlement. Without ZMQ or validator time. The context is
  built (state copied) before the clock starts; each settle is a fresh contract's period 0.
"""

from __future__ import annotations

import calendar
import functools
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import harness
from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records, txn
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.processors.energycontract.inputs import DayValues
from smartblocks.processors.energycontract.measure import Measured, measure
from smartblocks.processors.energycontract.schedule import PeriodInfo
from smartblocks.processors.energycontract.templates import (
    energy_supply,
    first_out,
    guaranteed_savings,
    shared_savings,
)
from smartblocks.processors.energycontract.templates.base import State
from smartblocks.processors.energycontract.terms import terms_hash
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Bucket, Rollup, Unit
from smartblocks.protos.energycontract_pb2 import (
    EnergySupply,
    FirstOut,
    GuaranteeBasis,
    GuaranteedSavings,
    PeriodKind,
    SharedSavings,
    Terms,
)
from tests.support.contexts import StrictContext, process_request
from tests.support.ledger import Ledger

DAY = 86_400
HOUR = 3_600
MARCH = calendar.timegm((2027, 3, 1, 0, 0, 0))
APRIL = calendar.timegm((2027, 4, 1, 0, 0, 0))
DAYS = 31
EUR = 1_000_000
MARCH_PERIOD = PeriodInfo(
    index=2, start=MARCH, end=APRIL, name="2027-03", last=False, closes_year=False
)
# March 2027: 31 complete days, 200 kWh/day baseline, 150 kWh/day used.
MEASURED = Measured(DAYS, DAYS, DAYS * 150_000_000, DAYS * 200_000_000)

TEMPLATES: dict[str, tuple[Callable[..., Any], object]] = {
    "shared_savings": (
        shared_savings.settle,
        SharedSavings(price=250_000, esco_share_ppm=600_000, owner_share_ppm=400_000),
    ),
    "guaranteed_savings": (
        guaranteed_savings.settle,
        GuaranteedSavings(
            price=150_000,
            fee_per_period=1_200_000_000,
            guarantee=1_000_000_000,
            basis=GuaranteeBasis.PER_YEAR,
            excess_esco_share_ppm=500_000,
            excess_owner_share_ppm=500_000,
        ),
    ),
    "first_out": (
        first_out.settle,
        FirstOut(
            price=200_000,
            esco_share_ppm=900_000,
            owner_share_ppm=100_000,
            investment=48_765_432_101,
            return_ppm=120_000,
        ),
    ),
    "energy_supply": (
        energy_supply.settle,
        EnergySupply(price=95_000, baseline_price=110_000, discount_ppm=100_000),
    ),
}


def per_call(fn: Callable[[], object], calls: int) -> float:
    """Median seconds per call over 5 rounds of `calls` calls."""
    rounds = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - began) / calls)
    return statistics.median(rounds)


def templates(quick: bool) -> list[dict[str, Any]]:
    calls = 200 if quick else 20_000
    state = State(recovered=10_000_000_000)
    figures = []
    for name, (settle, params) in TEMPLATES.items():
        seconds = per_call(functools.partial(settle, params, MARCH_PERIOD, MEASURED, state), calls)
        figures.append(
            harness.figure(
                "template settle per period",
                seconds * 1e6,
                "µs/call",
                template=name,
                period="month (31 days)",
                calls=calls,
            )
        )
    return figures


# -- measurement --------------------------------------------------------------------------------


def per_day_table() -> BaselineTable:
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="bench heating",
    )
    curve = table.curves.add(day_type=0)
    curve.knots.add(temperature=-10_000, energy=240_000_000)
    curve.knots.add(temperature=15_000, energy=120_000_000)
    return table


def per_hour_table() -> BaselineTable:
    """MONTHS_HOURS_OF_WEEK: 12 x 168 = 2,016 curves of 3 knots each."""
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_HOUR,
        day_types=DayTypes.MONTHS_HOURS_OF_WEEK,
        model="bench hourly",
    )
    for day_type in range(12 * 168):
        curve = table.curves.add(day_type=day_type)
        base = 5_000_000 + (day_type % 168) * 10_000
        curve.knots.add(temperature=-10_000, energy=base * 2)
        curve.knots.add(temperature=5_000, energy=base + base // 2)
        curve.knots.add(temperature=15_000, energy=base)
    return table


def day_rollup(meter_id: str, day: int, per_hour: int) -> Rollup:
    rollup = Rollup(meter_id=meter_id, period=str(day), sum=per_hour * 24, count=24)
    rollup.buckets.extend(
        Bucket(index=h, sum=per_hour + h, count=1, min=per_hour, max=per_hour) for h in range(24)
    )
    rollup.sum = sum(b.sum for b in rollup.buckets)
    return rollup


def day_values(rollup: Rollup) -> DayValues:
    return DayValues(rollup.sum, rollup.count, {b.index: (b.sum, b.count) for b in rollup.buckets})


def measurement(quick: bool) -> list[dict[str, Any]]:
    days = list(range(MARCH // DAY, MARCH // DAY + DAYS))
    energy = {"main": [day_values(day_rollup("main", d, 6_250_000)) for d in days]}
    weather = [day_values(day_rollup("weather", d, 5_000)) for d in days]
    intervals = {"main": HOUR}
    figures = []
    for name, table, calls in (
        ("PER_DAY (ALL_DAYS, 1 curve)", per_day_table(), 50 if quick else 2_000),
        ("PER_HOUR (MONTHS_HOURS_OF_WEEK, 2,016 curves)", per_hour_table(), 5 if quick else 100),
    ):
        got = measure(table, days, energy, intervals, weather)
        assert got.complete_days == DAYS, got
        seconds = per_call(
            functools.partial(measure, table, days, energy, intervals, weather), calls
        )
        figures.append(
            harness.figure(
                "measure a month",
                seconds * 1e6,
                "µs/month",
                table=name,
                days=DAYS,
                energy_meters=1,
                rollup_buckets=24,
                calls=calls,
            )
        )
    return figures


# -- settle through the handler -----------------------------------------------------------------


class Portfolio:
    """A site with `meters` hourly energy meters and a weather station holding March's
    readings, and `contracts` active shared-savings contracts on them, on an in-memory ledger
    serving BlockMeter and EnergyContract (tests/processors/energycontract/conftest.py)."""

    def __init__(self, meters: int, contracts: int) -> None:
        self.handler = EnergyContractHandler()
        self.ledger = Ledger(BlockMeterHandler(), self.handler, ledger_time=MARCH - DAY)
        authority, self.owner, self.esco = Signer.generate(), Signer.generate(), Signer.generate()
        auditor, bank, device = Signer.generate(), Signer.generate(), Signer.generate()
        self.ledger.set_setting(AUTHORITIES_SETTING, authority.public_key)
        self.ledger.set_setting(records.issuers_setting("EUR"), bank.public_key)
        apply = self.ledger.apply
        apply(
            meter_txn.create_site(
                authority, site_id="s", owner_public_key=self.owner.public_key, name="bench"
            )
        )
        self.meter_ids = [f"e{i}" for i in range(meters)]
        specs = [(m, "ELECTRICITY_IMPORT", "MILLIWATT_HOUR", 0, 10**12) for m in self.meter_ids]
        specs.append(("weather", "TEMPERATURE", "MILLIDEGREE_CELSIUS", -60_000, 60_000))
        for meter_id, kind, unit, low, high in specs:
            apply(
                meter_txn.register_meter(
                    self.owner,
                    meter_id=meter_id,
                    site_id="s",
                    kind=kind,
                    unit=unit,
                    nominal_interval_s=HOUR,
                    plausible_min=low,
                    plausible_max=high,
                )
            )
            apply(
                meter_txn.bind_key(
                    self.owner, meter_id=meter_id, site_id="s", public_key=device.public_key
                )
            )
        apply(txn.issue(bank, currency="EUR", to=self.owner.public_key, amount=10**12))
        self.terms = []
        for n in range(contracts):
            terms = Terms(
                contract_id=f"c-{n}",
                title="bench",
                esco=self.esco.public_key,
                owner=self.owner.public_key,
                auditor=auditor.public_key,
                site_id="s",
                meters=self.meter_ids,
                weather_meter="weather",
                currency="EUR",
                start=MARCH,
                period=PeriodKind.MONTH,
                periods=12,
                baseline=per_day_table(),
                min_coverage_ppm=900_000,
                data_grace_s=7 * DAY,
                dispute_window_s=30 * DAY,
                shared_savings=TEMPLATES["shared_savings"][1],  # type: ignore[arg-type]
            )
            apply(txn.propose(self.esco, terms=terms))
            apply(txn.accept(self.owner, terms=terms, terms_hash=terms_hash(terms)))
            self.terms.append(terms)
        self.ledger.set_ledger_time(APRIL - 1)
        values = [6_250_000] * 24 * DAYS  # 150 kWh/day
        for meter_id in self.meter_ids:
            apply(
                meter_txn.record_readings(
                    device, meter_id=meter_id, window_start=MARCH, interval_s=HOUR, values=values
                )
            )
        apply(
            meter_txn.record_readings(
                device,
                meter_id="weather",
                window_start=MARCH,
                interval_s=HOUR,
                values=[5_000] * 24 * DAYS,
            )
        )
        self.ledger.set_ledger_time(APRIL + 60)
        self.settler = Signer.generate()

    def settle_times(self) -> list[float]:
        times = []
        for terms in self.terms:
            request = process_request(txn.settle(self.settler, terms=terms, period=0))
            context = StrictContext(
                self.ledger.state, request.header.inputs, request.header.outputs
            )
            began = time.perf_counter()
            self.handler.apply(request, context)
            times.append(time.perf_counter() - began)
            self.ledger.state = context.state  # the owner's balance moves on, as on a ledger
        return times


def settles(quick: bool) -> list[dict[str, Any]]:
    figures = []
    contracts = 5 if quick else 100
    for meters in (1, 4):
        times = Portfolio(meters, contracts).settle_times()
        median = statistics.median(times)
        params = {
            "energy_meters": meters,
            "weather_meter": 1,
            "interval_s": HOUR,
            "period": "month (31 days)",
            "template": "shared_savings",
            "settles": contracts,
        }
        figures += [
            harness.figure("settle apply time (median)", median * 1000, "ms", **params),
            harness.figure(
                "settle apply time (p99)", harness.percentile(times, 0.99) * 1000, "ms", **params
            ),
            harness.figure("settles applied per second", 1 / median, "settles/s", **params),
        ]
    return figures


def run(quick: bool) -> list[dict[str, Any]]:
    return templates(quick) + measurement(quick) + settles(quick)
