"""EnergyContract fixtures: an in-memory ledger serving BlockMeter and EnergyContract (they share
global state as on a validator) with a site, an energy meter and a weather station reading
hourly, a bank that issues EUR, and the three parties of a contract."""

from __future__ import annotations

import calendar

import pytest

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records, txn
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit
from smartblocks.protos.energycontract_pb2 import Contract, PeriodKind, SharedSavings, Terms
from tests.support.ledger import Ledger

DAY = 86_400
HOUR = 3_600
MARCH = calendar.timegm((2027, 3, 1, 0, 0, 0))
APRIL = calendar.timegm((2027, 4, 1, 0, 0, 0))
MAY = calendar.timegm((2027, 5, 1, 0, 0, 0))
EUR = 1_000_000  # micro-units


def flat_table(per_day_mwh: int) -> BaselineTable:
    """A baseline of `per_day_mwh` every day whatever the weather (one knot)."""
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="test flat",
    )
    table.curves.add(day_type=0).knots.add(temperature=0, energy=per_day_mwh)
    return table


def heating_table() -> BaselineTable:
    """240 kWh/day at -10 °C falling to 120 kWh/day at 15 °C and above."""
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="test heating",
    )
    curve = table.curves.add(day_type=0)
    curve.knots.add(temperature=-10_000, energy=240_000_000)
    curve.knots.add(temperature=15_000, energy=120_000_000)
    return table


def hourly_meter(
    ledger: Ledger, owner: Signer, device: Signer, meter_id: str, site_id: str, **fields
) -> None:
    """Register `owner`'s meter on its site `site_id`, an hourly electricity meter in mWh unless
    `fields` say otherwise, and let `device` sign its readings: how every market test meters."""
    spec = dict(
        kind="ELECTRICITY_IMPORT",
        unit="MILLIWATT_HOUR",
        nominal_interval_s=HOUR,
        plausible_min=0,
        plausible_max=10**12,
    )
    spec.update(fields)
    ledger.apply(meter_txn.register_meter(owner, meter_id=meter_id, site_id=site_id, **spec))
    ledger.apply(
        meter_txn.bind_key(owner, meter_id=meter_id, site_id=site_id, public_key=device.public_key)
    )


class World:
    def __init__(self) -> None:
        self.time = MARCH - DAY
        self.ledger = Ledger(BlockMeterHandler(), EnergyContractHandler(), ledger_time=self.time)
        self.authority = Signer.generate()
        self.owner = Signer.generate()
        self.esco = Signer.generate()
        self.auditor = Signer.generate()
        self.bank = Signer.generate()
        self.device = Signer.generate()
        self.ledger.set_setting(AUTHORITIES_SETTING, self.authority.public_key)
        self.ledger.set_setting(records.issuers_setting("EUR"), self.bank.public_key)
        self.ledger.apply(
            meter_txn.create_site(
                self.authority, site_id="s-1", owner_public_key=self.owner.public_key, name="Hall"
            )
        )
        self.meter("main", kind="ELECTRICITY_IMPORT", unit="MILLIWATT_HOUR")
        self.meter(
            "weather",
            kind="TEMPERATURE",
            unit="MILLIDEGREE_CELSIUS",
            plausible_min=-60_000,
            plausible_max=60_000,
        )

    def meter(self, meter_id: str, **fields) -> str:
        hourly_meter(self.ledger, self.owner, self.device, meter_id, "s-1", **fields)
        return meter_id

    def set_time(self, timestamp: int) -> None:
        self.time = timestamp
        self.ledger.set_ledger_time(timestamp)

    def record_days(
        self, first: int, days: int, *, kwh_per_day: int, celsius: int = 5, skip=()
    ) -> None:
        """Hourly readings of both meters for `days` days from `first` (day-aligned Unix s):
        energy spread evenly over the hours, a constant temperature. Days in `skip` (0-based)
        are left without readings."""
        per_hour = kwh_per_day * 1_000_000 // 24
        for i in range(days):
            if i in skip:
                continue
            start = first + i * DAY
            self.set_time(max(self.time, start + DAY))
            for meter_id, value in (("main", per_hour), ("weather", celsius * 1000)):
                self.ledger.apply(
                    meter_txn.record_readings(
                        self.device,
                        meter_id=meter_id,
                        window_start=start,
                        interval_s=HOUR,
                        values=[value] * 24,
                    )
                )

    def issue(self, to: Signer, amount: int) -> None:
        self.ledger.apply(txn.issue(self.bank, currency="EUR", to=to.public_key, amount=amount))

    def terms(self, **changes) -> Terms:
        terms = Terms(
            contract_id="c-1",
            title="Hall lighting",
            esco=self.esco.public_key,
            owner=self.owner.public_key,
            auditor=self.auditor.public_key,
            site_id="s-1",
            meters=["main"],
            weather_meter="weather",
            currency="EUR",
            start=MARCH,
            period=PeriodKind.MONTH,
            periods=2,
            baseline=flat_table(200_000_000),  # 200 kWh a day
            min_coverage_ppm=900_000,
            data_grace_s=7 * DAY,
            dispute_window_s=30 * DAY,
            esco_deposit=1_000 * EUR,
            owner_deposit=0,
            shared_savings=SharedSavings(
                price=250_000, esco_share_ppm=600_000, owner_share_ppm=400_000
            ),
        )
        for name, value in changes.items():
            if hasattr(value, "CopyFrom"):
                getattr(terms, name).CopyFrom(value)
            elif isinstance(value, list):
                getattr(terms, name)[:] = value
            else:
                setattr(terms, name, value)
        return terms

    def contract(self, contract_id: str = "c-1") -> Contract:
        return Contract.FromString(self.ledger.state[records.contract(contract_id).address])

    def activate(self, terms: Terms | None = None) -> Terms:
        """The ESCO proposes, the owner accepts: an active contract."""
        terms = terms or self.terms()
        self.issue(self.esco, 5_000 * EUR)
        self.issue(self.owner, 5_000 * EUR)
        self.ledger.apply(txn.propose(self.esco, terms=terms))
        contract = self.contract(terms.contract_id)
        self.ledger.apply(txn.accept(self.owner, terms=terms, terms_hash=contract.terms_hash))
        return terms


@pytest.fixture
def world() -> World:
    return World()
