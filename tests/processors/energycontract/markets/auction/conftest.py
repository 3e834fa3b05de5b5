"""The local double auction on the in-memory ledger: the supplier tests' two sites, each with an
export meter too, an auctioneer (setting smartblocks.energycontract.auctioneers), and both site
owners subscribed to an hourly market with EUR to trade."""

from __future__ import annotations

import pytest

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import AUCTION_OPERATORS
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract.markets.auction import records, txn
from smartblocks.protos.energycontract_pb2 import Account, Escrow
from smartblocks.protos.market_auction_pb2 import Auction, AuctionOpen, StepBook
from tests.processors.energycontract.conftest import DAY, EUR, HOUR, MARCH, hourly_meter
from tests.processors.energycontract.markets.supplier.conftest import SupplierWorld


class AuctionWorld(SupplierWorld):
    def __init__(self) -> None:
        super().__init__()
        self.auctioneer = Signer.generate()
        self.ledger.set_setting(AUCTION_OPERATORS, self.auctioneer.public_key)
        self.issue(self.auctioneer, 100 * EUR)
        for who, meter_id, site_id in (
            (self.owner, "main-export", "s-1"),
            (self.neighbour, "farm-export", "s-2"),
        ):
            hourly_meter(
                self.ledger, who, self.device, meter_id, site_id, kind="ELECTRICITY_EXPORT"
            )
        self.meters = {
            self.owner.public_key: ("main", "main-export", "s-1"),
            self.neighbour.public_key: ("farm", "farm-export", "s-2"),
        }

    def auction_terms(self, **changes) -> AuctionOpen:
        terms = AuctionOpen(
            auction_id="a-1",
            name="Village market",
            currency="EUR",
            start=MARCH,
            step_s=HOUR,
            steps=2,
            gate_s=15 * 60,
            data_grace_s=DAY,
            supplier_price=300_000,  # 0.30 EUR/kWh
            feed_in_price=50_000,  # 0.05 EUR/kWh
            subscription_deposit=20 * EUR,
        )
        for name, value in changes.items():
            setattr(terms, name, value)
        return terms

    def open_auction(self, **changes) -> Auction:
        terms = self.auction_terms(**changes)
        self.ledger.apply(txn.open_auction(self.auctioneer, terms=terms))
        return self.auction(terms.auction_id)

    def auction(self, auction_id: str = "a-1") -> Auction:
        return Auction.FromString(self.ledger.state[records.auction(auction_id).address])

    def step_book(self, step: int) -> StepBook | None:
        data = self.ledger.state.get(records.step("a-1", step).address)
        return StepBook.FromString(data) if data else None

    def subscribe(self, who: Signer, deposit: int = 20 * EUR) -> None:
        imp, exp, site = self.meters[who.public_key]
        self.ledger.apply(
            txn.subscribe(
                who,
                auction=self.auction(),
                import_meter=imp,
                export_meter=exp,
                sites=[site],
                deposit=deposit,
            )
        )

    def order(self, who: Signer, step: int, side: str, kwh: int, price: int) -> None:
        self.ledger.apply(
            txn.order(
                who,
                auction=self.auction(),
                step=step,
                side=side,
                energy_mwh=kwh * 1_000_000,
                limit_price=price,
            )
        )

    def clear(self, step: int) -> StepBook:
        self.ledger.apply(
            txn.clear(self.esco, auction=self.auction(), step=step, book=self.step_book(step))
        )
        book = self.step_book(step)
        assert book is not None
        return book

    def settle_step(self, step: int) -> StepBook:
        book = self.step_book(step)
        assert book is not None
        self.ledger.apply(txn.settle(self.esco, auction=self.auction(), book=book))
        settled = self.step_book(step)
        assert settled is not None
        return settled

    def meter_hours(self, meter_id: str, first: int, kwh_per_hour: list[int]) -> None:
        self.set_time(max(self.time, first + len(kwh_per_hour) * HOUR))
        self.ledger.apply(
            meter_txn.record_readings(
                self.device,
                meter_id=meter_id,
                window_start=first,
                interval_s=HOUR,
                values=[k * 1_000_000 for k in kwh_per_hour],
            )
        )

    def balance(self, who: Signer) -> int:
        from smartblocks.processors.energycontract import records as family

        data = self.ledger.state.get(family.account(who.public_key, "EUR").address)
        return Account.FromString(data).balance if data else 0

    def money(self) -> int:
        """Every account and escrow in EUR: conserved by every action but issue and redeem."""
        from smartblocks.processors.energycontract.addressing import RecordType

        total = 0
        for address, data in self.ledger.state.items():
            if address.startswith(RecordType.ACCOUNT.prefix):
                total += Account.FromString(data).balance
            elif address.startswith(RecordType.ESCROW.prefix):
                total += Escrow.FromString(data).balance
        return total


@pytest.fixture
def aw() -> AuctionWorld:
    world = AuctionWorld()
    world.open_auction()
    world.subscribe(world.owner)
    world.subscribe(world.neighbour)
    return world
