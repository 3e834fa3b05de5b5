"""The EnergyContract family on an in-memory ledger: accounts, the lifecycle of a contract,
settlement from BlockMeter rollups, disputes; every rejection precise and writing nothing."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.processors.blockmeter import addressing as meters
from smartblocks.processors.energycontract import records, txn
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit
from smartblocks.protos.energycontract_pb2 import (
    Account,
    Contract,
    DisputeRecord,
    Resolve,
    Settlement,
)
from tests.processors.energycontract.conftest import APRIL, DAY, EUR, MARCH, MAY


def balance(world, signer) -> int:
    data = world.ledger.state.get(records.account(signer.public_key, "EUR").address)
    return Account.FromString(data).balance if data else 0


def settlement(world, period: int, contract_id: str = "c-1") -> Settlement:
    return Settlement.FromString(
        world.ledger.state[records.settlement(contract_id, period).address]
    )


def rejected(world, transaction) -> str:
    before = dict(world.ledger.state)
    with pytest.raises(InvalidTransaction) as info:
        world.ledger.apply(transaction)
    assert world.ledger.state == before
    return str(info.value)


def test_shared_savings_settles_a_month_from_rollups(world):
    terms = world.activate()
    assert world.contract().status == Contract.ACTIVE
    assert balance(world, world.esco) == 4_000 * EUR  # 1,000 locked in escrow
    world.record_days(MARCH, 31, kwh_per_day=150)  # 50 kWh a day below the 200 kWh baseline
    world.set_time(APRIL + 60)
    world.ledger.apply(txn.settle(world.auditor, terms=terms, period=0))
    record = settlement(world, 0)
    assert record.status == Settlement.SETTLED
    assert (record.days, record.complete_days, record.coverage_ppm) == (31, 31, 1_000_000)
    assert record.adjusted_baseline == 31 * 200_000_000
    assert record.actual == 31 * 150_000_000
    # 1,550 kWh (and a little) avoided at 0.25 EUR/kWh = 387.50; the ESCO's 60 % = 232.50...
    value = record.avoided * 250_000 // 1_000_000
    esco_share = value * 600_000 // 1_000_000
    assert [(p.reason, p.due) for p in record.payments] == [
        ("shared_savings.esco_share", esco_share)
    ]
    assert balance(world, world.esco) == 4_000 * EUR + esco_share
    assert balance(world, world.owner) == 5_000 * EUR - esco_share
    assert world.contract().settled_periods == 1


def test_settlement_waits_for_the_period_end_and_the_data(world):
    terms = world.activate()
    world.record_days(MARCH, 30, kwh_per_day=150)
    world.set_time(APRIL - 60)
    assert "after ledger time" in rejected(world, txn.settle(world.esco, terms=terms, period=0))
    world.set_time(APRIL + 60)
    message = rejected(world, txn.settle(world.esco, terms=terms, period=0))
    assert "meter main's data reaches 2027-03-31T00:00Z" in message
    assert "data grace ends at 2027-04-08T00:00Z" in message
    # After the grace the period settles with the data there is (30 of 31 days: 96.7 %).
    world.set_time(APRIL + 7 * DAY)
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=0))
    assert settlement(world, 0).complete_days == 30


def test_a_period_settles_once_and_in_order(world):
    terms = world.activate()
    world.record_days(MARCH, 61, kwh_per_day=150)
    world.set_time(MAY + 60)
    assert "period 0 is the next to settle" in rejected(
        world, txn.settle(world.esco, terms=terms, period=1)
    )
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=0))
    assert "already settled" in rejected(world, txn.settle(world.esco, terms=terms, period=0))
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=1))
    # The term is over: the contract ends and the escrow goes back to the ESCO.
    contract = world.contract()
    assert contract.status == Contract.ENDED
    assert "term over" in contract.end_reason
    assert records.escrow("c-1", world.esco.public_key).address not in world.ledger.state


def test_low_coverage_is_insufficient_and_moves_no_money(world):
    terms = world.activate()
    world.record_days(MARCH, 31, kwh_per_day=150, skip=range(5, 10))
    world.set_time(APRIL + 60)
    before = (balance(world, world.esco), balance(world, world.owner))
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=0))
    record = settlement(world, 0)
    assert record.status == Settlement.INSUFFICIENT
    assert "26 of 31 days complete" in record.reason
    assert not record.payments
    assert (balance(world, world.esco), balance(world, world.owner)) == before


def test_dispute_inside_the_window_and_the_auditor_adjusts(world):
    terms = world.activate()
    world.record_days(MARCH, 31, kwh_per_day=150)
    world.set_time(APRIL + 60)
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=0))
    paid = settlement(world, 0).payments[0].due
    assert "neither the ESCO" in rejected(
        world,
        txn.dispute(world.auditor, contract_id="c-1", period=0, reason="x"),
    )
    world.ledger.apply(
        txn.dispute(
            world.owner,
            contract_id="c-1",
            period=0,
            reason="meter main double-counted a sub-meter",
            evidence=["sha256:" + "ab" * 32],
        )
    )
    assert settlement(world, 0).dispute.status == DisputeRecord.OPEN
    assert "not the auditor" in rejected(
        world,
        txn.resolve(world.owner, terms=terms, period=0, decision=Resolve.UPHOLD, note="fine by me"),
    )
    owner_before = balance(world, world.owner)
    # The auditor finds half the savings: the ESCO's share halves and the difference returns.
    record = settlement(world, 0)
    world.ledger.apply(
        txn.resolve(
            world.auditor,
            terms=terms,
            period=0,
            decision=Resolve.ADJUST,
            note="sub-meter double counted",
            corrected_actual=record.actual + record.avoided // 2,
            corrected_baseline=record.adjusted_baseline,
        )
    )
    resolved = settlement(world, 0).dispute
    assert resolved.status == DisputeRecord.ADJUSTED
    (refund,) = resolved.payments
    assert refund.payer == world.esco.public_key and refund.payee == world.owner.public_key
    assert refund.due == paid - paid // 2 or abs(refund.due - paid // 2) <= 1
    assert balance(world, world.owner) == owner_before + refund.due


def test_dispute_after_the_window_is_refused(world):
    terms = world.activate()
    world.record_days(MARCH, 31, kwh_per_day=150)
    world.set_time(APRIL + 60)
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=0))
    world.set_time(APRIL + 60 + 30 * DAY + 1)
    message = rejected(
        world, txn.dispute(world.owner, contract_id="c-1", period=0, reason="too late")
    )
    assert "the dispute window closed at 2027-05-01T00:01Z" in message


def test_accept_needs_the_counterparty_and_the_same_hash(world):
    terms = world.terms()
    world.issue(world.esco, 5_000 * EUR)
    world.ledger.apply(txn.propose(world.esco, terms=terms))
    good = world.contract().terms_hash
    assert "cannot accept its own proposal" in rejected(
        world, txn.accept(world.esco, terms=terms, terms_hash=good)
    )
    assert "is not the proposal's" in rejected(
        world, txn.accept(world.owner, terms=terms, terms_hash="0" * 64)
    )
    world.ledger.apply(txn.accept(world.owner, terms=terms, terms_hash=good))


def test_deposits_above_the_balance_are_refused(world):
    world.issue(world.esco, 10 * EUR)
    message = rejected(world, txn.propose(world.esco, terms=world.terms()))
    assert "holds 10000000 micro-EUR, less than the 1000000000 needed" in message


def test_a_currency_nobody_may_issue(world):
    message = rejected(world, txn.propose(world.esco, terms=world.terms(currency="GBP")))
    assert "nobody may issue currency GBP" in message
    assert "not one of" in rejected(
        world, txn.issue(world.esco, currency="EUR", to=world.esco.public_key, amount=5)
    )


def test_bad_terms_are_refused_before_any_state(world):
    overlapping = world.terms(meters=["main", "weather"])
    assert "overlap" in rejected(world, txn.propose(world.esco, terms=overlapping))
    terms = world.terms()
    terms.shared_savings.owner_share_ppm = 300_000
    assert "1,000,000" in rejected(world, txn.propose(world.esco, terms=terms)).replace(
        "1000000", "1,000,000"
    )
    bad_table = world.terms()
    bad_table.baseline.curves[0].knots.add(temperature=-5_000, energy=1)
    assert "knots must be sorted" in rejected(world, txn.propose(world.esco, terms=bad_table))


def test_arrears_carry_to_the_next_period(world):
    terms = world.activate()
    # The owner spends everything: the ESCO's share cannot be paid in March.
    world.ledger.apply(
        txn.transfer(world.owner, currency="EUR", to=world.bank.public_key, amount=5_000 * EUR)
    )
    world.record_days(MARCH, 61, kwh_per_day=150)
    world.set_time(MAY + 60)
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=0))
    (payment,) = settlement(world, 0).payments
    assert payment.unpaid == payment.due > 0
    assert world.contract().state.owed_by_owner == payment.due
    world.issue(world.owner, 1_000 * EUR)
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=1))
    first, second = settlement(world, 1).payments
    assert (first.reason, first.unpaid) == ("arrears", 0)
    assert second.unpaid == 0
    assert world.contract().state.owed_by_owner == 0


def test_amendment_needs_both_parties(world):
    world.activate()
    new = world.terms(periods=3)
    world.ledger.apply(txn.propose_amendment(world.esco, terms=new, reason="one more month"))
    contract = world.contract()
    assert "cannot accept it" in rejected(
        world,
        txn.accept_amendment(
            world.esco, contract_id="c-1", terms_hash=contract.pending_amendment_hash
        ),
    )
    world.ledger.apply(
        txn.accept_amendment(
            world.owner, contract_id="c-1", terms_hash=contract.pending_amendment_hash
        )
    )
    contract = world.contract()
    assert contract.terms.periods == 3 and contract.amendments == 1
    assert len(contract.terms_history) == 1 and contract.terms_hash != contract.terms_history[0]
    assert "cannot change currency" in rejected(
        world,
        txn.propose_amendment(world.esco, terms=world.terms(currency="GBP"), reason="x"),
    )


def test_termination_by_both_releases_the_escrow(world):
    terms = world.activate()
    world.ledger.apply(txn.terminate(world.owner, terms=terms, reason="building sold"))
    assert "already asked" in rejected(
        world, txn.terminate(world.owner, terms=terms, reason="again")
    )
    world.ledger.apply(txn.terminate(world.esco, terms=terms, reason="agreed"))
    contract = world.contract()
    assert contract.status == Contract.ENDED
    assert "building sold" in contract.end_reason
    assert balance(world, world.esco) == 5_000 * EUR


def hourly_flat_table(per_hour_mwh: int):
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_HOUR,
        day_types=DayTypes.HOURS_OF_WEEK,
        model="test flat hourly",
    )
    for hour in range(168):
        table.curves.add(day_type=hour).knots.add(temperature=0, energy=per_hour_mwh)
    return table


def test_daily_tables_read_month_rollups_and_hourly_tables_day_rollups(world):
    """A settlement's cost grows with the months (daily table) or days (hourly table) of its
    period, never with readings; both read the same figures."""
    daily = world.activate()
    hourly = world.terms(contract_id="c-2", baseline=hourly_flat_table(200_000_000 // 24))
    world.ledger.apply(txn.propose(world.esco, terms=hourly))
    world.ledger.apply(
        txn.accept(world.owner, terms=hourly, terms_hash=world.contract("c-2").terms_hash)
    )
    world.record_days(MARCH, 31, kwh_per_day=150, skip=[3])
    world.set_time(APRIL + 8 * DAY)
    by_day = txn.settle(world.esco, terms=hourly, period=0)
    by_month = txn.settle(world.esco, terms=daily, period=0)
    rollups = meters.NAMESPACE + meters.RecordType.DAY_ROLLUP.value
    months = meters.NAMESPACE + meters.RecordType.MONTH_ROLLUP.value

    def listed(transaction, prefix):
        header = TransactionHeader.FromString(transaction.header)
        return sum(1 for a in header.inputs if a.startswith(prefix))

    assert (listed(by_month, months), listed(by_month, rollups)) == (2, 0)
    assert (listed(by_day, months), listed(by_day, rollups)) == (0, 62)
    world.ledger.apply(by_day)
    world.ledger.apply(by_month)
    a, b = settlement(world, 0, "c-2"), settlement(world, 0, "c-1")
    assert (a.complete_days, a.actual, a.adjusted_baseline) == (
        30,
        30 * 150_000_000,
        30 * 199_999_992,
    )
    assert (b.complete_days, b.actual, b.adjusted_baseline) == (
        30,
        30 * 150_000_000,
        30 * 200_000_000,
    )
