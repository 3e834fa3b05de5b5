"""The automated supplier on the in-memory ledger of EnergyContract's fixtures: an operator
(setting smartblocks.energycontract.suppliers), two sites with an hourly import meter each, their
owners as members with EUR to deposit."""

from __future__ import annotations

import pytest

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import SUPPLIER_OPERATORS
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract.markets.supplier import records, txn
from smartblocks.protos.market_supplier_pb2 import (
    Supplier,
    SupplierMember,
    SupplierOpen,
    SupplierPeriod,
)
from tests.processors.energycontract.conftest import DAY, EUR, HOUR, MARCH, World, hourly_meter


class SupplierWorld(World):
    def __init__(self) -> None:
        super().__init__()
        self.operator = Signer.generate()
        self.neighbour = Signer.generate()
        self.ledger.set_setting(SUPPLIER_OPERATORS, self.operator.public_key)
        self.ledger.apply(
            meter_txn.create_site(
                self.authority,
                site_id="s-2",
                owner_public_key=self.neighbour.public_key,
                name="Farm",
            )
        )
        hourly_meter(self.ledger, self.neighbour, self.device, "farm", "s-2")
        self.issue(self.owner, 1_000 * EUR)
        self.issue(self.neighbour, 1_000 * EUR)
        self.sites = {
            self.owner.public_key: ("main", "s-1"),
            self.neighbour.public_key: ("farm", "s-2"),
        }

    def supplier_terms(self, **changes) -> SupplierOpen:
        terms = SupplierOpen(
            supplier_id="sup-1",
            name="Village supplier",
            currency="EUR",
            start=MARCH,
            period_s=DAY,
            declare_lead_s=HOUR,
            data_grace_s=2 * DAY,
            price_per_kwh=200_000,  # 0.20 EUR/kWh
            tolerance_ppm=50_000,  # 5 %
            learning_rate_ppm=250_000,
            initial_h_ppm=500_000,
            min_deposit=50 * EUR,
        )
        for name, value in changes.items():
            setattr(terms, name, value)
        return terms

    def open(self, **changes) -> Supplier:
        self.ledger.apply(txn.open_supplier(self.operator, terms=self.supplier_terms(**changes)))
        return self.supplier()

    def supplier(self, supplier_id: str = "sup-1") -> Supplier:
        return Supplier.FromString(self.ledger.state[records.supplier(supplier_id).address])

    def member(self, who: Signer, supplier_id: str = "sup-1") -> SupplierMember:
        return SupplierMember.FromString(
            self.ledger.state[records.member(supplier_id, who.public_key).address]
        )

    def book(self, period: int, supplier_id: str = "sup-1") -> SupplierPeriod:
        return SupplierPeriod.FromString(
            self.ledger.state[records.period(supplier_id, period).address]
        )

    def join(self, who: Signer, deposit: int = 100 * EUR) -> None:
        meter_id, site_id = self.sites[who.public_key]
        self.ledger.apply(
            txn.join(
                who, supplier=self.supplier(), meter_id=meter_id, site_id=site_id, deposit=deposit
            )
        )

    def declare(self, who: Signer, period: int, kwh: int) -> None:
        self.ledger.apply(
            txn.declare(who, supplier=self.supplier(), period=period, usage_mwh=kwh * 1_000_000)
        )

    def meter_day(self, meter_id: str, day_start: int, kwh: int) -> None:
        """Hourly readings of one meter for one UTC day, `kwh` spread evenly."""
        self.set_time(max(self.time, day_start + DAY))
        self.ledger.apply(
            meter_txn.record_readings(
                self.device,
                meter_id=meter_id,
                window_start=day_start,
                interval_s=HOUR,
                values=[kwh * 1_000_000 // 24] * 24,
            )
        )

    def settle(self, period: int, signer: Signer | None = None) -> SupplierPeriod:
        book = self.book(period)
        meters = {d.member: self.member_by_key(d.member).meter_id for d in book.declarations}
        self.ledger.apply(
            txn.settle(signer or self.esco, supplier=self.supplier(), book=book, meters=meters)
        )
        return self.book(period)

    def member_by_key(self, key: str) -> SupplierMember:
        return SupplierMember.FromString(self.ledger.state[records.member("sup-1", key).address])


@pytest.fixture
def sw() -> SupplierWorld:
    return SupplierWorld()
