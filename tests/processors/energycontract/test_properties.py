"""Properties of the EnergyContract family under random sequences of actions (hypothesis):

- conservation: for each currency, the accounts and escrows hold exactly issued - redeemed, no
  balance is negative (nor a zero record left behind), and a rejected transaction leaves state
  byte-identical;
- exactly one settlement per period: a contract's Settlement records are periods
  0..settled_periods-1, settled_periods never decreases, settling a settled period is refused;
- on-chain equals off-chain: a settlement is what `measure.measure` over the day rollups in state
  and `settlement.compute` (the functions every off-chain preview calls) make of it (on chain,
  a PER_DAY table is read from the month rollups: this also checks the two agree);
- a settlement pays at most its dues: from_escrow + from_account + unpaid == due per payment,
  and the balances move by exactly what the payments record.

`Treasury` (a hypothesis state machine over esco, owner, auditor, bank and a stranger, four
contract slots of the four templates, weekly periods and random day readings) checks the first
two after every step and the last two on every settlement and resolution; a separate test
settles weekly and monthly contracts with arrears against the off-chain computation. The slow
suite runs the machine longer (SMARTBLOCKS_FUZZ_EXAMPLES examples). Two bugs it found are kept
as tests at the end (a withdrawn proposal stranded the other party's deposit; an amendment could
leave an ACTIVE contract with no period left to settle).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import addressing as meter_addr
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import inputs, measure, schedule, settlement, txn
from smartblocks.processors.energycontract.addressing import (
    RecordType,
    contract_address,
    settlement_address,
)
from smartblocks.processors.energycontract.templates.base import ESCO, State
from smartblocks.processors.kit.periods import day_name
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Meter, Rollup, Unit
from smartblocks.protos.energycontract_pb2 import (
    Account,
    Contract,
    Currency,
    DisputeRecord,
    EnergySupply,
    Escrow,
    FirstOut,
    GuaranteeBasis,
    GuaranteedSavings,
    PeriodKind,
    Resolve,
    Settlement,
    SharedSavings,
    Terms,
)
from tests.processors.energycontract.conftest import DAY, HOUR, MARCH, World
from tests.support.fuzz import EXAMPLES_VARIABLE

PPM = 1_000_000
MARCH_DAY = MARCH // DAY
ROLES = ("esco", "owner", "auditor", "bank", "stranger")
SLOTS = ("c-0", "c-1", "c-2", "c-3")

# -- strategies --------------------------------------------------------------------------------

prices = st.integers(1, 2 * PPM)
shares = st.integers(0, PPM).map(lambda s: (s, PPM - s))


@st.composite
def template_params(draw, name: str | None = None):
    name = name or draw(
        st.sampled_from(["shared_savings", "guaranteed_savings", "first_out", "energy_supply"])
    )
    if name == "shared_savings":
        esco, owner = draw(shares)
        cap = draw(st.one_of(st.just(0), st.integers(1, 10**9)))
        return name, SharedSavings(
            price=draw(prices), esco_share_ppm=esco, owner_share_ppm=owner, cap_per_period=cap
        )
    if name == "guaranteed_savings":
        esco, owner = draw(shares)
        return name, GuaranteedSavings(
            price=draw(prices),
            fee_per_period=draw(st.integers(0, 10**9)),
            guarantee=draw(st.integers(0, 2 * 10**9)),
            basis=draw(st.sampled_from([GuaranteeBasis.PER_PERIOD, GuaranteeBasis.PER_YEAR])),
            excess_esco_share_ppm=esco,
            excess_owner_share_ppm=owner,
        )
    if name == "first_out":
        esco, owner = draw(shares)
        return name, FirstOut(
            price=draw(prices),
            esco_share_ppm=esco,
            owner_share_ppm=owner,
            investment=draw(st.integers(1, 5 * 10**9)),
            return_ppm=draw(st.integers(0, 2 * PPM)),
        )
    return name, EnergySupply(
        price=draw(prices),
        baseline_price=draw(prices),
        discount_ppm=draw(st.integers(0, PPM)),
    )


@st.composite
def tables(draw) -> BaselineTable:
    """A PER_DAY table of one or two day types, each a curve of a few knots."""
    day_types = draw(st.sampled_from([DayTypes.ALL_DAYS, DayTypes.WEEKDAY_WEEKEND]))
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=day_types,
        model="property test",
    )
    for day_type in range(1 if day_types == DayTypes.ALL_DAYS else 2):
        curve = table.curves.add(day_type=day_type)
        temperatures = draw(st.lists(st.integers(-20_000, 30_000), min_size=1, max_size=4))
        for temperature in sorted(set(temperatures)):
            curve.knots.add(temperature=temperature, energy=draw(st.integers(0, 400_000_000)))
    return table


# A day of readings: what is recorded, kWh of the day, °C, an extra mWh in hour 0 and a spread
# of the temperature over the day (m°C, so the day's floor mean is not a round number).
DAY_KINDS = ["full"] * 6 + ["skip", "partial", "energy_only", "weather_only"]
day_specs = st.tuples(
    st.sampled_from(DAY_KINDS),
    st.integers(0, 400),
    st.integers(-15, 30),
    st.integers(0, 999_999),
    st.integers(0, 999),
)


@st.composite
def contract_terms(draw, world: World, contract_id: str, kinds=(PeriodKind.WEEK,)) -> Terms:
    kind = draw(st.sampled_from(kinds))
    name, params = draw(template_params())
    start = (
        MARCH + draw(st.integers(0, 2)) * 7 * DAY
        if kind == PeriodKind.WEEK
        else draw(st.sampled_from([MARCH, schedule.period_bounds(PeriodKind.MONTH, MARCH, 1)[0]]))
    )
    return world.terms(
        contract_id=contract_id,
        start=start,
        period=kind,
        periods=draw(st.integers(1, 3 if kind == PeriodKind.WEEK else 2)),
        baseline=draw(tables()),
        min_coverage_ppm=draw(st.sampled_from([0, 500_000, 800_000, 1_000_000])),
        data_grace_s=draw(st.sampled_from([0, HOUR])),
        dispute_window_s=draw(st.sampled_from([0, DAY, 30 * DAY])),
        esco_deposit=draw(st.sampled_from([0, 10**6, 10**9])),
        owner_deposit=draw(st.sampled_from([0, 10**6, 10**9])),
        **{name: params},
    )


# -- reading the ledger ------------------------------------------------------------------------


def records_of(state: dict[str, bytes], kind: RecordType, message):
    return [
        message.FromString(data)
        for address, data in state.items()
        if address.startswith(kind.prefix)
    ]


def contract_of(state: dict[str, bytes], contract_id: str) -> Contract | None:
    data = state.get(contract_address(contract_id))
    return Contract.FromString(data) if data else None


def holdings(state: dict[str, bytes]) -> dict[tuple[str, ...], int]:
    """Every balance: ("account", key) and ("escrow", contract, key) -> micro-units."""
    found: dict[tuple[str, ...], int] = {}
    for account in records_of(state, RecordType.ACCOUNT, Account):
        found["account", account.owner] = account.balance
    for escrow in records_of(state, RecordType.ESCROW, Escrow):
        found["escrow", escrow.contract_id, escrow.party] = escrow.balance
    return found


def check_conservation(state: dict[str, bytes]) -> None:
    supply: dict[str, int] = {}
    for currency in records_of(state, RecordType.CURRENCY, Currency):
        assert currency.redeemed <= currency.issued
        supply[currency.code] = currency.issued - currency.redeemed
    held: dict[str, int] = {}
    contracts = {c.contract_id: c for c in records_of(state, RecordType.CONTRACT, Contract)}
    for account in records_of(state, RecordType.ACCOUNT, Account):
        assert account.balance > 0, "a zero balance record is left behind"
        held[account.currency] = held.get(account.currency, 0) + account.balance
    for escrow in records_of(state, RecordType.ESCROW, Escrow):
        assert escrow.balance > 0, "a zero escrow record is left behind"
        contract = contracts[escrow.contract_id]
        assert escrow.currency == contract.terms.currency
        assert escrow.party in (contract.terms.esco, contract.terms.owner)
        # An ended or withdrawn contract released both escrows.
        assert contract.status not in (Contract.ENDED, Contract.WITHDRAWN), escrow
        held[escrow.currency] = held.get(escrow.currency, 0) + escrow.balance
    for code in set(supply) | set(held):
        assert held.get(code, 0) == supply.get(code, 0), code


def check_one_settlement_per_period(state: dict[str, bytes]) -> dict[str, int]:
    periods: dict[str, list[int]] = {}
    for record in records_of(state, RecordType.SETTLEMENT, Settlement):
        periods.setdefault(record.contract_id, []).append(record.period)
    settled = {}
    for contract in records_of(state, RecordType.CONTRACT, Contract):
        found = sorted(periods.pop(contract.contract_id, []))
        assert found == list(range(contract.settled_periods)), contract.contract_id
        settled[contract.contract_id] = contract.settled_periods
    assert not periods, f"settlements of no contract: {periods}"
    return settled


def day_values(state: dict[str, bytes], meter_id: str, day: int) -> inputs.DayValues | None:
    """A meter's values of one day, from its day rollup in state (the on-chain path reads the
    month rollups of a PER_DAY table: the two must agree)."""
    data = state.get(meter_addr.day_rollup_address(meter_id, day_name(day)))
    if not data:
        return None
    found = Rollup.FromString(data)
    return inputs.DayValues(
        found.sum, found.count, {b.index: (b.sum, b.count) for b in found.buckets}
    )


def offchain(state: dict[str, bytes], terms: Terms, index: int, before: State):
    """What an off-chain preview computes for period `index` from the rollups in `state`."""
    period = schedule.period(terms, index)
    days = list(period.day_numbers())
    energy = {m: [day_values(state, m, d) for d in days] for m in terms.meters}
    intervals = {
        m: Meter.FromString(state[meter_addr.meter_address(m)]).nominal_interval_s
        for m in terms.meters
    }
    weather = [day_values(state, terms.weather_meter, d) for d in days]
    measured = measure.measure(terms.baseline, days, energy, intervals, weather)
    return measured, settlement.compute(terms, period, measured, before)


def check_settlement(state: dict[str, bytes], contract: Contract, record: Settlement) -> None:
    """`record`, just written by settling `contract` (as it was before), is the off-chain
    computation, and its payments add up."""
    terms = contract.terms
    assert record.state_before == contract.state
    measured, computed = offchain(state, terms, record.period, State.of(record.state_before))
    assert (record.days, record.complete_days, record.coverage_ppm) == (
        measured.days,
        measured.complete_days,
        measured.coverage_ppm,
    )
    assert (record.actual, record.adjusted_baseline, record.avoided) == (
        measured.actual,
        measured.baseline,
        measured.avoided,
    )
    assert record.status == (Settlement.SETTLED if computed.sufficient else Settlement.INSUFFICIENT)
    assert record.reason == computed.reason
    assert [(f.name, f.value) for f in record.figures] == list(computed.outcome.figures)

    def key(role: str) -> str:
        return terms.esco if role == ESCO else terms.owner

    assert [(p.reason, p.payer, p.payee, p.due) for p in record.payments] == [
        (d.reason, key(d.payer), key(d.payee), d.amount) for d in computed.outcome.dues if d.amount
    ]
    check_payments(record.payments)
    state_after = computed.outcome.state.with_(
        owed_by_owner=computed.outcome.state.owed_by_owner
        + sum(p.unpaid for p in record.payments if p.payer == terms.owner),
        owed_by_esco=computed.outcome.state.owed_by_esco
        + sum(p.unpaid for p in record.payments if p.payer == terms.esco),
    )
    assert State.of(record.state_after) == state_after


def check_payments(payments) -> None:
    for p in payments:
        assert p.from_escrow + p.from_account + p.unpaid == p.due, p
        assert p.payer != p.payee


def check_flows(before, after, payments, contract_id: str, released: bool) -> None:
    """The balances moved by exactly what the payments record (then, if the contract ended, the
    escrows went back to their parties)."""
    expected = dict(before)
    for p in payments:
        paid = p.from_escrow + p.from_account
        for where, amount in (
            (("escrow", contract_id, p.payer), -p.from_escrow),
            (("account", p.payer), -p.from_account),
            (("account", p.payee), paid),
        ):
            expected[where] = expected.get(where, 0) + amount
            assert expected[where] >= 0, (where, p)
    if released:
        for where in [w for w in expected if w[0] == "escrow" and w[1] == contract_id]:
            expected["account", where[2]] = expected.get(("account", where[2]), 0) + expected[where]
            expected[where] = 0
    assert {k: v for k, v in expected.items() if v} == after


# -- readings ----------------------------------------------------------------------------------


def record_day(world: World, day: int, spec) -> None:
    kind, kwh, celsius, extra, spread = spec
    start = day * DAY
    world.set_time(max(world.time, start + DAY))
    per_hour = kwh * 1_000_000 // 24
    energy = [per_hour + (extra if hour == 0 else 0) for hour in range(24)]
    weather = [celsius * 1000 + (spread if hour % 2 else -spread) // 3 for hour in range(24)]
    if kind == "partial":
        energy = energy[:12]
    windows = []
    if kind != "weather_only" and kind != "skip":
        windows.append(("main", energy))
    if kind != "energy_only" and kind != "skip":
        windows.append(("weather", weather))
    for meter_id, values in windows:
        world.ledger.apply(
            meter_txn.record_readings(
                world.device, meter_id=meter_id, window_start=start, interval_s=HOUR, values=values
            )
        )


# -- the state machine -------------------------------------------------------------------------

roles = st.sampled_from(ROLES)
picks = st.integers(0, 7)  # which of the contracts there are
amounts = st.one_of(st.integers(1, 10**6), st.integers(1, 5 * 10**9))


class Treasury(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World()
        self.keys = {
            "esco": self.world.esco,
            "owner": self.world.owner,
            "auditor": self.world.auditor,
            "bank": self.world.bank,
            "stranger": Signer.generate(),
        }
        self.next_day = MARCH_DAY  # the first day with no readings yet
        self.settled: dict[str, int] = {}

    @initialize(esco=amounts, owner=amounts)
    def fund(self, esco, owner):
        self.world.issue(self.world.esco, esco)
        self.world.issue(self.world.owner, owner)

    def has_contract(self) -> bool:
        return any(contract_address(s) in self.state for s in SLOTS)

    def pick(self, pick: int, *statuses: int) -> str:
        """One of the contracts proposed so far, mostly one in `statuses` (default: PROPOSED or
        ACTIVE); c-0 when there is none."""
        statuses = statuses or (Contract.PROPOSED, Contract.ACTIVE)
        there = [c for c in map(self.contract, SLOTS) if c is not None]
        live = [c for c in there if c.status in statuses]
        chosen = live if live and pick % 4 else there
        return chosen[pick % len(chosen)].contract_id if chosen else "c-0"

    @property
    def state(self) -> dict[str, bytes]:
        return self.world.ledger.state

    def apply(self, label: str, transaction, expect: bool | None = None) -> bool:
        """Apply; a rejection must leave state byte-identical. `expect`: True (must be
        accepted), False (must be rejected) or None (either)."""
        before = dict(self.state)
        try:
            self.world.ledger.apply(transaction)
        except InvalidTransaction as exc:
            event(f"{label}: refused")
            assert self.state == before
            assert expect is not True, f"refused: {exc}"
            return False
        assert expect is not False, "accepted"
        event(f"{label}: accepted")
        return True

    def balance(self, role: str) -> int:
        return holdings(self.state).get(("account", self.keys[role].public_key), 0)

    def contract(self, contract_id: str) -> Contract | None:
        return contract_of(self.state, contract_id)

    def record_until(self, day: int, specs: list) -> None:
        while self.next_day < day:
            spec = specs.pop() if specs else ("full", 150, 5, 0, 0)
            record_day(self.world, self.next_day, spec)
            self.next_day += 1

    # -- accounts

    @rule(signer=roles, to=roles, amount=amounts)
    def issue(self, signer, to, amount):
        transaction = txn.issue(
            self.keys[signer], currency="EUR", to=self.keys[to].public_key, amount=amount
        )
        self.apply("issue", transaction, expect=signer == "bank")

    @rule(signer=roles, fraction=st.integers(1, 12))
    def redeem(self, signer, fraction):
        held = self.balance(signer)
        amount = max(held * fraction // 10, 1)  # above 10/10: more than the balance
        self.apply(
            "redeem",
            txn.redeem(self.keys[signer], currency="EUR", amount=amount),
            expect=amount <= held,
        )

    @rule(signer=roles, to=roles, fraction=st.integers(1, 12))
    def transfer(self, signer, to, fraction):
        held = self.balance(signer)
        amount = max(held * fraction // 10, 1)
        transaction = txn.transfer(
            self.keys[signer], currency="EUR", to=self.keys[to].public_key, amount=amount
        )
        self.apply("transfer", transaction, expect=signer != to and amount <= held)

    # -- contracts

    @rule(data=st.data(), proposer=st.sampled_from(["esco", "owner"]))
    def open_contract(self, data, proposer):
        """A proposal in the first free slot and its acceptance by the other party, both
        (usually) funded by the bank first."""
        free = [s for s in SLOTS if contract_address(s) not in self.state]
        if not free:
            return
        slot = free[0]
        terms = data.draw(contract_terms(self.world, slot))
        other = "owner" if proposer == "esco" else "esco"
        for role, deposit in (("esco", terms.esco_deposit), ("owner", terms.owner_deposit)):
            missing = deposit - self.balance(role)
            if missing > 0 and data.draw(st.integers(0, 3)):
                self.world.issue(self.keys[role], missing)
        if self.apply("propose", txn.propose(self.keys[proposer], terms=terms)):
            terms_hash = self.contract(slot).terms_hash
            accept = txn.accept(self.keys[other], terms=terms, terms_hash=terms_hash)
            self.apply("accept", accept)

    @rule(data=st.data(), slot=st.sampled_from(SLOTS), signer=roles)
    def propose(self, data, slot, signer):
        terms = data.draw(contract_terms(self.world, slot))
        taken = self.contract(slot) is not None
        accepted = self.apply("propose", txn.propose(self.keys[signer], terms=terms))
        if taken or signer not in ("esco", "owner"):
            assert not accepted

    @precondition(lambda self: self.has_contract())
    @rule(pick=picks, signer=roles, good_hash=st.booleans())
    def accept(self, pick, signer, good_hash):
        slot = self.pick(pick, Contract.PROPOSED)
        contract = self.contract(slot)
        if contract is None:
            return
        terms_hash = contract.terms_hash if good_hash else "0" * 64
        accepted = self.apply(
            "accept", txn.accept(self.keys[signer], terms=contract.terms, terms_hash=terms_hash)
        )
        if accepted:
            assert good_hash and contract.status == Contract.PROPOSED
            assert self.keys[signer].public_key != contract.proposer

    @precondition(lambda self: self.has_contract())
    @rule(pick=picks, signer=roles)
    def withdraw(self, pick, signer):
        slot = self.pick(pick, Contract.PROPOSED)
        contract = self.contract(slot)
        if contract is not None:
            self.apply("withdraw", txn.withdraw(self.keys[signer], terms=contract.terms))

    @precondition(lambda self: self.has_contract())
    @rule(pick=picks, signer=roles, amount=amounts)
    def deposit(self, pick, signer, amount):
        slot = self.pick(pick)
        contract = self.contract(slot)
        if contract is not None:
            self.apply(
                "deposit", txn.deposit(self.keys[signer], terms=contract.terms, amount=amount)
            )

    @precondition(lambda self: self.has_contract())
    @rule(pick=picks, signer=roles)
    def terminate(self, pick, signer):
        slot = self.pick(pick, Contract.ACTIVE)
        contract = self.contract(slot)
        if contract is None:
            return
        before = holdings(self.state)
        if self.apply(
            "terminate", txn.terminate(self.keys[signer], terms=contract.terms, reason="why")
        ):
            ended = self.contract(slot).status == Contract.ENDED
            check_flows(before, holdings(self.state), [], slot, released=ended)

    @precondition(lambda self: self.has_contract())
    @rule(
        data=st.data(),
        pick=picks,
        proposer=st.sampled_from(["esco", "owner"]),
        agreed=st.booleans(),
    )
    def amend(self, data, pick, proposer, agreed):
        """New terms from the next unsettled period: baseline, coverage, term, parameters."""
        slot = self.pick(pick, Contract.ACTIVE)
        contract = self.contract(slot)
        if contract is None:
            return
        new = Terms()
        new.CopyFrom(contract.terms)
        new.baseline.CopyFrom(data.draw(tables()))
        new.min_coverage_ppm = data.draw(st.sampled_from([0, 500_000, 1_000_000]))
        new.periods = data.draw(st.integers(max(contract.settled_periods, 1), 3))
        name, params = data.draw(template_params(contract.terms.WhichOneof("template")))
        getattr(new, name).CopyFrom(params)
        amendment = txn.propose_amendment(self.keys[proposer], terms=new, reason="amended")
        if self.apply("propose_amendment", amendment) and agreed:
            other = "owner" if proposer == "esco" else "esco"
            pending = self.contract(slot).pending_amendment_hash
            accept = txn.accept_amendment(self.keys[other], contract_id=slot, terms_hash=pending)
            self.apply("accept_amendment", accept, expect=True)

    # -- time and readings

    @rule(specs=st.lists(day_specs, min_size=1, max_size=7))
    def record(self, specs):
        self.record_until(self.next_day + len(specs), list(specs))

    @rule(seconds=st.sampled_from([HOUR, DAY, 10 * DAY, 40 * DAY]))
    def wait(self, seconds):
        self.world.set_time(self.world.time + seconds)

    # -- settlement and disputes

    @precondition(lambda self: self.has_contract())
    @rule(
        data=st.data(),
        pick=picks,
        signer=roles,
        offset=st.sampled_from([0, 0, 0, 0, -1, 1]),
        repeat=st.integers(1, 3),
    )
    def settle(self, data, pick, signer, offset, repeat):
        """Settle the next period (offset 0; -1: a settled one, 1: one after the next), and while
        that works, up to `repeat` periods in all."""
        slot = self.pick(pick, Contract.ACTIVE)
        for _ in range(repeat):
            contract = self.contract(slot)
            if contract is None:
                return
            terms, index = contract.terms, max(contract.settled_periods + offset, 0)
            period = schedule.period(terms, min(index, terms.periods - 1))
            specs = data.draw(st.lists(day_specs, max_size=28))
            self.record_until(period.end // DAY, specs)
            self.world.set_time(max(self.world.time, period.end + terms.data_grace_s))
            before = holdings(self.state)
            transaction = txn.settle(self.keys[signer], terms=terms, period=index)
            expect = (
                index == contract.settled_periods < terms.periods
                and contract.status == Contract.ACTIVE
            )
            if not self.apply("settle", transaction, expect=expect):
                return
            record = Settlement.FromString(self.state[settlement_address(slot, index)])
            check_settlement(self.state, contract, record)
            ended = self.contract(slot).status == Contract.ENDED
            check_flows(before, holdings(self.state), record.payments, slot, released=ended)
            offset = 0
            if data.draw(st.integers(0, 2)) == 0:  # disputed at once, and resolved
                party = data.draw(st.sampled_from(["esco", "owner"]))
                dispute = txn.dispute(
                    self.keys[party], contract_id=slot, period=index, reason="disputed"
                )
                self.apply("dispute", dispute, expect=True)
                self.resolve_dispute(
                    self.contract(slot),
                    index,
                    "auditor",
                    data.draw(st.booleans()),
                    data.draw(st.integers(-(10**9), 3 * 10**9)),
                    data.draw(st.integers(0, 3 * 10**9)),
                )

    @precondition(lambda self: self.has_contract())
    @rule(
        pick=picks,
        signer=st.sampled_from(["esco", "owner", "esco", "owner", "stranger"]),
        back=st.integers(-1, 2),
    )
    def dispute(self, pick, signer, back):
        """Mostly the last settled period (back 0), sometimes earlier or not settled yet."""
        slot = self.pick(pick, Contract.ACTIVE, Contract.ENDED)
        contract = self.contract(slot)
        period = max((contract.settled_periods if contract else 0) - 1 - back, 0)
        transaction = txn.dispute(
            self.keys[signer], contract_id=slot, period=period, reason="disputed"
        )
        self.apply("dispute", transaction)

    @precondition(lambda self: self.has_contract())
    @rule(
        pick=picks,
        signer=st.sampled_from(["auditor", "auditor", "auditor", "owner"]),
        which=st.integers(-1, 3),
        adjust=st.booleans(),
        actual=st.integers(-(10**9), 3 * 10**9),
        baseline=st.integers(0, 3 * 10**9),
    )
    def resolve(self, pick, signer, which, adjust, actual, baseline):
        """Mostly a period with an open dispute (which >= 0), else period 0."""
        slot = self.pick(pick, Contract.ACTIVE, Contract.ENDED)
        contract = self.contract(slot)
        if contract is None:
            return
        disputed = [
            record.period
            for record in records_of(self.state, RecordType.SETTLEMENT, Settlement)
            if record.contract_id == slot and record.dispute.status == DisputeRecord.OPEN
        ]
        period = disputed[which % len(disputed)] if disputed and which >= 0 else 0
        self.resolve_dispute(contract, period, signer, adjust, actual, baseline)

    def resolve_dispute(self, contract, period, signer, adjust, actual, baseline) -> None:
        slot = contract.contract_id
        address = settlement_address(slot, period)
        data = self.state.get(address)
        found = Settlement.FromString(data) if data else None
        open_dispute = found is not None and found.dispute.status == DisputeRecord.OPEN
        before = holdings(self.state)
        transaction = txn.resolve(
            self.keys[signer],
            terms=contract.terms,
            period=period,
            decision=Resolve.ADJUST if adjust else Resolve.UPHOLD,
            note="decided",
            corrected_actual=actual if adjust else 0,
            corrected_baseline=baseline if adjust else 0,
        )
        if self.apply("resolve", transaction, expect=open_dispute and signer == "auditor"):
            payments = Settlement.FromString(self.state[address]).dispute.payments
            check_payments(payments)
            check_flows(before, holdings(self.state), payments, slot, released=False)

    # -- after every step

    @invariant()
    def conservation(self):
        check_conservation(self.state)

    @invariant()
    def one_settlement_per_period(self):
        settled = check_one_settlement_per_period(self.state)
        for contract_id, count in self.settled.items():
            assert settled[contract_id] >= count
        self.settled = settled


def machine_settings(examples: int, steps: int) -> settings:
    return settings(
        max_examples=int(os.environ.get(EXAMPLES_VARIABLE, examples)),
        stateful_step_count=steps,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


Treasury.TestCase.settings = machine_settings(120, 40)
TestTreasury = Treasury.TestCase


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_treasury_with_many_examples():
    """The slow suite: more and longer sequences (SMARTBLOCKS_FUZZ_EXAMPLES, default 500)."""
    run_state_machine_as_test(Treasury, settings=machine_settings(500, 60))


# -- on-chain equals off-chain, monthly and weekly, with arrears ---------------------------------


@settings(
    max_examples=int(os.environ.get(EXAMPLES_VARIABLE, 40)),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data(), kind=st.sampled_from([PeriodKind.WEEK, PeriodKind.MONTH]))
def test_settlement_is_the_offchain_computation(data, kind):
    """Each period of random terms settled on the ledger is what the preview functions compute
    from the rollups in state; the owner and ESCO hold little, so arrears carry over."""
    world = World()
    terms = data.draw(contract_terms(world, "c-9", kinds=(kind,)))
    for signer, deposit in ((world.esco, terms.esco_deposit), (world.owner, terms.owner_deposit)):
        world.issue(signer, deposit + data.draw(st.sampled_from([1, 10**6, 10**9])))
    world.ledger.apply(txn.propose(world.esco, terms=terms))
    contract = contract_of(world.ledger.state, "c-9")
    world.ledger.apply(txn.accept(world.owner, terms=terms, terms_hash=contract.terms_hash))
    day = MARCH_DAY
    for index in range(terms.periods):
        contract = contract_of(world.ledger.state, "c-9")
        if contract.status != Contract.ACTIVE:  # first-out recovered
            break
        period = schedule.period(terms, index)
        missing = period.end // DAY - day
        specs = data.draw(st.lists(day_specs, min_size=missing, max_size=missing))
        while day < period.end // DAY:
            record_day(world, day, specs.pop())
            day += 1
        world.set_time(max(world.time, period.end + terms.data_grace_s))
        if data.draw(st.booleans()):  # the owner is paid something between periods
            world.issue(world.owner, data.draw(st.integers(1, 10**9)))
        before = holdings(world.ledger.state)
        world.ledger.apply(txn.settle(world.auditor, terms=terms, period=index))
        record = Settlement.FromString(world.ledger.state[settlement_address("c-9", index)])
        check_settlement(world.ledger.state, contract, record)
        ended = contract_of(world.ledger.state, "c-9").status == Contract.ENDED
        check_flows(before, holdings(world.ledger.state), record.payments, "c-9", released=ended)
        check_conservation(world.ledger.state)


# -- escrow of a withdrawn proposal ---------------------------------------------------------------


def test_a_withdrawn_proposal_leaves_no_escrow_behind(world):
    """The counterparty may deposit into a PROPOSED contract; when the proposer withdraws, the
    counterparty's escrow must not stay locked in a contract no action can touch again."""
    terms = world.terms()
    world.issue(world.esco, 5_000 * 10**6)
    world.issue(world.owner, 5_000 * 10**6)
    world.ledger.apply(txn.propose(world.esco, terms=terms))
    world.ledger.apply(txn.deposit(world.owner, terms=terms, amount=10**6))
    world.ledger.apply(txn.withdraw(world.esco, terms=terms))
    assert contract_of(world.ledger.state, "c-1").status == Contract.WITHDRAWN
    left = {k: v for k, v in holdings(world.ledger.state).items() if k[0] == "escrow"}
    assert not left, f"escrow locked in a withdrawn contract: {left}"


def test_an_amendment_never_leaves_an_active_contract_with_nothing_to_settle(world):
    terms = world.activate()
    world.record_days(MARCH, 31, kwh_per_day=150)
    world.set_time(schedule.period(terms, 0).end + 60)
    world.ledger.apply(txn.settle(world.esco, terms=terms, period=0))
    with pytest.raises(InvalidTransaction, match="leaves nothing to settle after the 1 already"):
        world.ledger.apply(
            txn.propose_amendment(world.esco, terms=world.terms(periods=1), reason="shorter")
        )
