"""The automated supplier's actions against in-memory state with ledger time: open, join,
declare, settle, and every rule's rejection."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.energycontract import records as family
from smartblocks.processors.energycontract.markets.supplier import txn
from smartblocks.processors.energycontract.markets.supplier.addressing import escrow_id
from smartblocks.protos.energycontract_pb2 import Account, Escrow
from smartblocks.protos.market_supplier_pb2 import SupplierPeriod
from tests.processors.energycontract.conftest import DAY, EUR, HOUR, MARCH


def balance(sw, who: Signer) -> int:
    data = sw.ledger.state.get(family.account(who.public_key, "EUR").address)
    return Account.FromString(data).balance if data else 0


def deposit(sw, who: Signer) -> int:
    data = sw.ledger.state.get(family.escrow(escrow_id("sup-1"), who.public_key).address)
    return Escrow.FromString(data).balance if data else 0


def total_money(sw) -> int:
    return sum(balance(sw, w) + deposit(sw, w) for w in (sw.owner, sw.neighbour, sw.operator))


def test_open_needs_an_operator_key(sw):
    with pytest.raises(InvalidTransaction, match=r"smartblocks\.energycontract\.suppliers"):
        sw.ledger.apply(txn.open_supplier(sw.owner, terms=sw.supplier_terms()))
    supplier = sw.open()
    assert supplier.operator == sw.operator.public_key
    with pytest.raises(InvalidTransaction, match="supplier id sup-1 is taken"):
        sw.open()


def test_open_checks_the_period_shape(sw):
    with pytest.raises(InvalidTransaction, match="period 5400 s is not"):
        sw.open(period_s=5400)
    with pytest.raises(InvalidTransaction, match="not on a 86400 s boundary"):
        sw.open(start=MARCH + HOUR)


def test_join_locks_the_deposit_and_checks_the_meter(sw):
    sw.open()
    with pytest.raises(InvalidTransaction, match=r"owned by .*, not by the signer"):
        sw.ledger.apply(
            txn.join(
                sw.neighbour, supplier=sw.supplier(), meter_id="main", site_id="s-1", deposit=0
            )
        )
    with pytest.raises(InvalidTransaction, match="weather is TEMPERATURE"):
        sw.ledger.apply(
            txn.join(sw.owner, supplier=sw.supplier(), meter_id="weather", site_id="s-1", deposit=0)
        )
    sw.join(sw.owner, 100 * EUR)
    sw.join(sw.owner, 20 * EUR)  # top up
    assert deposit(sw, sw.owner) == 120 * EUR
    assert balance(sw, sw.owner) == 880 * EUR
    member = sw.member(sw.owner)
    assert (member.meter_id, member.h_ppm) == ("main", 500_000)
    assert sw.supplier().members == 1


def test_declarations_close_by_ledger_time_before_the_period(sw):
    sw.open()
    sw.join(sw.owner)
    sw.declare(sw.owner, 0, 240)
    sw.declare(sw.owner, 0, 216)  # replaces
    assert [d.usage_mwh for d in sw.book(0).declarations] == [216_000_000]
    assert list(sw.member(sw.owner).pending_periods) == [0]
    sw.set_time(MARCH - HOUR + 1)
    with pytest.raises(InvalidTransaction, match="closed at 2027-02-28T23:00Z"):
        sw.declare(sw.owner, 0, 240)
    sw.declare(sw.owner, 1, 240)


def test_declare_needs_membership_and_the_minimum_deposit(sw):
    sw.open()
    with pytest.raises(InvalidTransaction, match="is not a member of supplier sup-1"):
        sw.declare(sw.owner, 0, 240)
    sw.join(sw.owner, 10 * EUR)
    with pytest.raises(InvalidTransaction, match="below the supplier's minimum 50000000"):
        sw.declare(sw.owner, 0, 240)


def _two_members_declared(sw):
    sw.open()
    sw.join(sw.owner)
    sw.join(sw.neighbour)
    sw.declare(sw.owner, 0, 240)  # will use 240: perfect
    sw.declare(sw.neighbour, 0, 240)  # will use 480: 100 % off


def test_settle_pays_penalties_to_rewards_and_the_imbalance(sw):
    _two_members_declared(sw)
    before = total_money(sw)
    sw.meter_day("main", MARCH, 240)
    sw.meter_day("farm", MARCH, 480)
    book = sw.settle(0)
    assert book.settled
    owner, neighbour = sorted(book.results, key=lambda r: r.member != sw.owner.public_key)
    assert owner.penalty == 0 and owner.accuracy_ppm == 1_000_000
    # excess 240 - 12 = 228 kWh at 0.20 EUR x (2 - 0.5) = 68.40 EUR
    assert neighbour.penalty == 68_400_000
    assert book.imbalance_cost == 48_000_000  # net +240 kWh at 0.20
    assert owner.reward == 68_400_000 - 48_000_000
    assert book.penalties == book.imbalance_paid + book.rewards + book.remainder
    assert total_money(sw) == before
    assert balance(sw, sw.operator) == book.imbalance_paid + book.remainder
    assert sw.member(sw.owner).h_ppm == 625_000  # 0.5 + 0.25 x (1 - 0.5)
    assert sw.member(sw.neighbour).h_ppm == 375_000  # accuracy 0
    assert list(sw.member(sw.owner).pending_periods) == []


def test_settle_refuses_early_twice_and_out_of_order(sw):
    _two_members_declared(sw)
    sw.declare(sw.owner, 1, 240)
    with pytest.raises(InvalidTransaction, match="the period ends at 2027-03-02T00:00Z"):
        sw.settle(0)
    sw.set_time(MARCH + DAY)
    with pytest.raises(InvalidTransaction, match=r"meter (main|farm)'s data has no readings"):
        sw.settle(0)
    sw.meter_day("main", MARCH, 240)
    sw.meter_day("farm", MARCH, 240)
    sw.meter_day("main", MARCH + DAY, 240)
    with pytest.raises(InvalidTransaction, match="period 0 unsettled before it"):
        sw.settle(1)
    sw.settle(0)
    with pytest.raises(InvalidTransaction, match="already settled"):
        sw.settle(0)
    sw.settle(1)
    with pytest.raises(InvalidTransaction, match="nobody declared usage"):
        empty = SupplierPeriod(supplier_id="sup-1", period=5)
        sw.ledger.apply(txn.settle(sw.esco, supplier=sw.supplier(), book=empty, meters={}))


def test_after_the_grace_missing_readings_count_as_zero(sw):
    _two_members_declared(sw)
    sw.meter_day("main", MARCH, 240)
    sw.set_time(MARCH + 3 * DAY)
    book = sw.settle(0)
    farm = next(r for r in book.results if r.member == sw.neighbour.public_key)
    assert (farm.metered_mwh, farm.complete, farm.accuracy_ppm) == (0, False, 0)


def test_penalty_is_capped_at_the_deposit(sw):
    sw.open(min_deposit=0)
    sw.join(sw.owner, 1 * EUR)
    sw.declare(sw.owner, 0, 0)
    sw.meter_day("main", MARCH, 240)
    book = sw.settle(0)
    (result,) = book.results
    assert result.penalty_due > result.penalty == 1 * EUR
    assert deposit(sw, sw.owner) == 0


def test_leave_returns_the_deposit_once_everything_is_settled(sw):
    sw.open()
    sw.join(sw.owner)
    sw.declare(sw.owner, 0, 240)

    def leave():
        sw.ledger.apply(txn.leave(sw.owner, supplier=sw.supplier()))

    with pytest.raises(InvalidTransaction, match=r"declared period\(s\) 0, not yet settled"):
        leave()
    sw.meter_day("main", MARCH, 240)
    sw.settle(0)
    before = balance(sw, sw.owner)
    leave()
    assert balance(sw, sw.owner) == before + 100 * EUR and deposit(sw, sw.owner) == 0
    member = sw.member(sw.owner)
    assert member.left and member.h_ppm == 625_000 and sw.supplier().members == 0
    with pytest.raises(InvalidTransaction, match="left the supplier at"):
        sw.declare(sw.owner, 3, 240)
    sw.join(sw.owner)  # back, with its history
    assert not sw.member(sw.owner).left and sw.member(sw.owner).h_ppm == 625_000
    sw.declare(sw.owner, 3, 240)
