"""Aggregator agreement fixtures: an in-memory ledger serving BlockMeter and EnergyContract, an
aggregator with a site of connection-point meters, an operator, a bank issuing EUR, and DERs
each with a site of its own and a PV meter, all reading hourly."""

from __future__ import annotations

import calendar
import hashlib

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import AGGREGATORS, MARKETS_OPERATOR
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records as ec_records
from smartblocks.processors.energycontract import txn as ec_txn
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.processors.energycontract.markets.aggregation import records, rules, txn
from smartblocks.protos.market_aggregation_pb2 import Community, Criteria, Dispute, Epoch, Member
from tests.processors.energycontract.conftest import hourly_meter
from tests.support.ledger import Ledger

HOUR = 3_600
DAY = 86_400
START = calendar.timegm((2027, 3, 1, 0, 0, 0))  # epoch 0 starts here
EUR = 1_000_000


def criteria(**changes: int) -> Criteria:
    values = dict(
        min_capacity_w=1_000,
        max_capacity_w=100_000,
        max_price=200_000,  # 0.20 EUR/kWh
        min_deposit=10 * EUR,
        max_members=10,
        commitment_ppm=500_000,
        penalty_price=100_000,  # 0.10 EUR/kWh of shortfall
    )
    values.update(changes)
    return Criteria(**values)


def key(name: str) -> Signer:
    """A fixed key per name: the same actions give the same state bytes."""
    return Signer.from_hex(hashlib.sha256(f"aggregation test {name}".encode()).hexdigest())


def site_of(meter_id: str) -> str:
    """The site of a meter as World names them: `NAME-pv` on site NAME, `NAME-cp` on the
    aggregator's."""
    return "agg-site" if meter_id.endswith("-cp") else meter_id.rsplit("-", 1)[0]


class World:
    def __init__(self) -> None:
        self.time = START - DAY
        self.ledger = Ledger(BlockMeterHandler(), EnergyContractHandler(), ledger_time=self.time)
        self.authority = key("authority")
        self.aggregator = key("aggregator")
        self.operator = key("operator")
        self.bank = key("bank")
        self.device = key("device")
        self.ders: dict[str, Signer] = {}
        for setting, value in (
            (AUTHORITIES_SETTING, self.authority.public_key),
            (ec_records.issuers_setting("EUR"), self.bank.public_key),
            (AGGREGATORS, self.aggregator.public_key),
            (MARKETS_OPERATOR, self.operator.public_key),
        ):
            self.ledger.set_setting(setting, value)
        self.site("agg-site", self.aggregator)
        self.issue(self.aggregator, 10_000 * EUR)

    # -- BlockMeter -------------------------------------------------------------------------

    def site(self, site_id: str, owner: Signer) -> None:
        self.ledger.apply(
            meter_txn.create_site(
                self.authority, site_id=site_id, owner_public_key=owner.public_key, name=site_id
            )
        )

    def meter(self, meter_id: str, site_id: str, owner: Signer, kind: str) -> None:
        hourly_meter(self.ledger, owner, self.device, meter_id, site_id, kind=kind)

    def der(self, name: str, *, funds: int = 1_000 * EUR) -> Signer:
        """A DER `name` with site `name`, its PV meter `name-pv` and the aggregator's
        connection meter `name-cp`."""
        signer = key(name)
        self.ders[name] = signer
        self.site(name, signer)
        self.meter(f"{name}-pv", name, signer, "GENERATION")
        self.meter(f"{name}-cp", "agg-site", self.aggregator, "ELECTRICITY_EXPORT")
        self.issue(signer, funds)
        return signer

    def record(self, meter_id: str, start: int, values: list[int]) -> None:
        self.set_time(max(self.time, start + len(values) * HOUR))
        self.ledger.apply(
            meter_txn.record_readings(
                self.device, meter_id=meter_id, window_start=start, interval_s=HOUR, values=values
            )
        )

    def deliver(self, name: str, start: int, cp: list[int], pv: list[int] | None = None) -> None:
        """Hourly readings of a DER's connection meter and, by default the same, its own."""
        self.record(f"{name}-cp", start, cp)
        self.record(f"{name}-pv", start, cp if pv is None else pv)

    # -- EnergyContract ---------------------------------------------------------------------

    def set_time(self, timestamp: int) -> None:
        self.time = timestamp
        self.ledger.set_ledger_time(timestamp)

    def issue(self, to: Signer, amount: int) -> None:
        self.ledger.apply(ec_txn.issue(self.bank, currency="EUR", to=to.public_key, amount=amount))

    def balance(self, who: Signer | str) -> int:
        key = who if isinstance(who, str) else who.public_key
        data = self.ledger.state.get(ec_records.account(key, "EUR").address)
        return ec_records.account(key, "EUR").codec.decode(data).balance if data else 0

    def vault(self, name: str, community_id: str = "com-1") -> int:
        ref = records.vault(community_id, self.ders[name].public_key)
        data = self.ledger.state.get(ref.address)
        return ref.codec.decode(data).balance if data else 0

    def open(self, community_id: str = "com-1", *, epoch_s: int = 4 * HOUR, **changes) -> None:
        self.ledger.apply(
            txn.open_community(
                self.aggregator,
                community_id=community_id,
                name="Valley DERs",
                currency="EUR",
                first_epoch_start=START,
                epoch_s=epoch_s,
                criteria=changes.pop("criteria", criteria()),
                data_grace_s=changes.pop("data_grace_s", DAY),
                dispute_window_s=changes.pop("dispute_window_s", 2 * DAY),
            )
        )

    def community(self, community_id: str = "com-1") -> Community:
        return Community.FromString(self.ledger.state[records.community(community_id).address])

    def member(self, name: str, community_id: str = "com-1") -> Member:
        ref = records.member(community_id, self.ders[name].public_key)
        return Member.FromString(self.ledger.state[ref.address])

    def epoch(self, number: int, community_id: str = "com-1") -> Epoch:
        return Epoch.FromString(self.ledger.state[records.epoch(community_id, number).address])

    def dispute_record(self, name: str, number: int, community_id: str = "com-1") -> Dispute:
        ref = records.dispute(community_id, number, self.ders[name].public_key)
        return Dispute.FromString(self.ledger.state[ref.address])

    def join(
        self,
        name: str,
        *,
        capacity_w: int = 10_000,
        price: int = 150_000,
        deposit: int = 50 * EUR,
        community_id: str = "com-1",
        der_meter: str | None = None,
        connection_meter: str | None = None,
        admit: bool = True,
    ) -> None:
        """The DER applies and, unless `admit` is False, the aggregator admits it."""
        der_meter = der_meter or f"{name}-pv"
        connection_meter = connection_meter or f"{name}-cp"
        self.ledger.apply(
            txn.join(
                self.ders[name],
                community=self.community(community_id),
                der_meter=der_meter,
                der_site=site_of(der_meter),
                connection_meter=connection_meter,
                connection_site=site_of(connection_meter),
                capacity_w=capacity_w,
                price=price,
                deposit=deposit,
            )
        )
        if admit:
            self.ledger.apply(
                txn.admit(
                    self.aggregator,
                    community=self.community(community_id),
                    der=self.ders[name].public_key,
                )
            )

    def members(self, community_id: str = "com-1") -> list[Member]:
        community = self.community(community_id)
        return [
            Member.FromString(self.ledger.state[records.member(community_id, der).address])
            for der in community.members
        ]

    def sweep(self, epoch: int, signer: Signer | None = None, community_id: str = "com-1"):
        community = self.community(community_id)
        return self.ledger.apply(
            txn.sweep(
                signer or self.aggregator,
                community=community,
                members=self.members(community_id),
                epoch=epoch,
            )
        )

    def hours(self, meter_id: str, epoch: int, community_id: str = "com-1") -> list[rules.Hour]:
        """The meter's hours in the epoch, from the ledger's day rollups (as a DER's client
        reads its evidence)."""
        from smartblocks.processors.blockmeter import records as bm
        from smartblocks.processors.kit.periods import day_name

        community = self.community(community_id)
        start, end = rules.epoch_bounds(community.first_epoch_start, community.epoch_s, epoch)

        def buckets(day: int) -> dict[int, tuple[int, int]]:
            ref = bm.day_rollup(meter_id, day_name(day))
            data = self.ledger.state.get(ref.address)
            rollup = ref.codec.decode(data) if data else None
            return {} if rollup is None else {b.index: (b.sum, b.count) for b in rollup.buckets}

        return rules.hours_from_buckets(start, end, buckets)

    def dispute(self, name: str, epoch: int, evidence=None, reason: str = "meter disagrees"):
        return self.ledger.apply(
            txn.dispute(
                self.ders[name],
                community_id="com-1",
                epoch=epoch,
                member=Member(der_meter=f"{name}-pv"),
                evidence=evidence if evidence is not None else self.hours(f"{name}-pv", epoch),
                reason=reason,
            )
        )

    def resolve(self, name: str, epoch: int, decision: str, corrected: int = 0, signer=None):
        return self.ledger.apply(
            txn.resolve(
                signer or self.operator,
                community=self.community(),
                epoch=epoch,
                der=self.ders[name].public_key,
                decision=decision,
                note="compared hour by hour",
                corrected_delivered=corrected,
            )
        )

    def total_money(self) -> int:
        """Every account and escrow in EUR: changes only by issue and redeem."""
        from smartblocks.processors.energycontract.addressing import RecordType

        out = 0
        for address, data in self.ledger.state.items():
            if address.startswith(RecordType.ACCOUNT.prefix):
                out += ec_records.account("", "").codec.decode(data).balance
            elif address.startswith(RecordType.ESCROW.prefix):
                out += ec_records.escrow("", "").codec.decode(data).balance
        return out


def rejected(world: World, action, match: str) -> None:
    """`action()` is rejected with a message containing `match`, and changes nothing."""
    before = dict(world.ledger.state)
    with pytest.raises(InvalidTransaction, match=match):
        action()
    assert world.ledger.state == before


@pytest.fixture
def world() -> World:
    return World()
