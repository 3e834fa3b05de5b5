"""P2P market fixtures: an in-memory ledger serving BlockMeter and EnergyContract with a seller's
site (an hourly export meter) and a buyer's site (an hourly import meter), an aggregator listed
in the setting that issues the platform currency PLT, and a bank that issues EUR."""

from __future__ import annotations

import calendar
import hashlib

import pytest

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records as ec_records
from smartblocks.processors.energycontract import txn as ec_txn
from smartblocks.processors.energycontract.addressing import RecordType
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.processors.energycontract.markets.p2p import records, txn
from smartblocks.protos.energycontract_pb2 import Account, Escrow
from smartblocks.protos.market_p2p_pb2 import Offer
from tests.processors.energycontract.conftest import hourly_meter
from tests.support.ledger import Ledger

HOUR = 3_600
DAY = 86_400
# Window of the default offer: 2027-03-10 10:00..14:00 UTC.
START = calendar.timegm((2027, 3, 10, 10, 0, 0))
END = START + 4 * HOUR
PLT = 1_000_000  # micro-units
KWH = 1_000_000  # mWh


def fixed_signer(name: str) -> Signer:
    return Signer.from_hex(hashlib.sha256(f"p2p test {name}".encode()).hexdigest())


class Market:
    def __init__(self) -> None:
        self.time = START - DAY
        self.ledger = Ledger(BlockMeterHandler(), EnergyContractHandler(), ledger_time=self.time)
        # Fixed keys: two markets given the same actions hold the same state (determinism).
        self.authority = fixed_signer("authority")
        self.seller = fixed_signer("seller")
        self.buyer = fixed_signer("buyer")
        self.aggregator = fixed_signer("aggregator")
        self.bank = fixed_signer("bank")
        self.device = fixed_signer("device")
        self.ledger.set_setting(AUTHORITIES_SETTING, self.authority.public_key)
        self.ledger.set_setting(ec_records.issuers_setting("EUR"), self.bank.public_key)
        self.ledger.set_setting(ec_records.issuers_setting("PLT"), self.aggregator.public_key)
        self.ledger.set_setting(records.AGGREGATORS_SETTING, self.aggregator.public_key)
        self.site("pv-1", self.seller, "pv-1-export", "ELECTRICITY_EXPORT")
        self.site("b-1", self.buyer, "b-1-import", "ELECTRICITY_IMPORT")
        self.ledger.apply(
            txn.aggregator_set(
                self.aggregator,
                name="Village grid",
                currency="PLT",
                fee_ppm=20_000,
                pay_currency="EUR",
                rate_ppm=1_000_000,
            )
        )

    def site(self, site_id: str, owner: Signer, meter_id: str, kind: str) -> None:
        self.ledger.apply(
            meter_txn.create_site(
                self.authority, site_id=site_id, owner_public_key=owner.public_key, name=site_id
            )
        )
        hourly_meter(self.ledger, owner, self.device, meter_id, site_id, kind=kind)

    def set_time(self, timestamp: int) -> None:
        self.time = timestamp
        self.ledger.set_ledger_time(timestamp)

    def issue(self, code: str, to: Signer, amount: int) -> None:
        issuer = self.bank if code == "EUR" else self.aggregator
        self.ledger.apply(ec_txn.issue(issuer, currency=code, to=to.public_key, amount=amount))

    def record(self, meter_id: str, start: int, values: list[int]) -> None:
        """Hourly readings (mWh) from `start`; ledger time moves to their end if behind."""
        self.set_time(max(self.time, start + len(values) * HOUR))
        self.ledger.apply(
            meter_txn.record_readings(
                self.device, meter_id=meter_id, window_start=start, interval_s=HOUR, values=values
            )
        )

    def add(self, offer_id: str = "o-1", **changes) -> None:
        fields = dict(
            offer_id=offer_id,
            aggregator=self.aggregator.public_key,
            export_meter="pv-1-export",
            site_id="pv-1",
            energy=10 * KWH,
            price=200_000,  # 0.20 PLT/kWh
            window_start=START,
            window_end=END,
            expires_at=START - HOUR,
        )
        fields.update(changes)
        signer = fields.pop("signer", self.seller)
        self.ledger.apply(txn.offer_add(signer, **fields))

    def offer(self, offer_id: str = "o-1") -> Offer:
        return Offer.FromString(self.ledger.state[records.offer(offer_id).address])

    def pick(self, offer_id: str = "o-1", signer: Signer | None = None) -> None:
        self.ledger.apply(
            txn.offer_pick(
                signer or self.buyer,
                offer=self.offer(offer_id),
                import_meter="b-1-import",
                site_id="b-1",
            )
        )

    def settle(self, offer_id: str = "o-1", signer: Signer | None = None) -> None:
        self.ledger.apply(txn.offer_settle(signer or self.buyer, offer=self.offer(offer_id)))

    def balance(self, who: Signer | str, code: str = "PLT") -> int:
        key = who if isinstance(who, str) else who.public_key
        data = self.ledger.state.get(ec_records.account(key, code).address)
        return ec_records.account(key, code).codec.decode(data).balance if data else 0

    def total(self, code: str = "PLT") -> int:
        """Every micro-unit of `code` in accounts and escrows."""
        total = 0
        for address, data in self.ledger.state.items():
            if address.startswith(RecordType.ACCOUNT.prefix):
                record = Account.FromString(data)
            elif address.startswith(RecordType.ESCROW.prefix):
                record = Escrow.FromString(data)  # type: ignore[assignment]
            else:
                continue
            if record.currency == code:
                total += record.balance
        return total


@pytest.fixture
def market() -> Market:
    return Market()
