"""The automated supplier's actions: `(body, signer, store) -> None`, every rule checked before
anything is written; money moves only through the family's accounts.py (deposits with `lock`,
penalties with `pay_from_escrow` to the operator, rewards with `move` from it)."""

from __future__ import annotations

import bisect

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.energycontract import accounts
from smartblocks.processors.energycontract import records as family
from smartblocks.processors.kit.ledger_time import ledger_time
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR, iso
from smartblocks.processors.kit.settings import require_signer_in_setting
from smartblocks.processors.kit.store import RecordStore
from smartblocks.protos.blockmeter_pb2 import MeterKind
from smartblocks.protos.market_supplier_pb2 import (
    Declaration,
    MemberResult,
    Supplier,
    SupplierJoin,
    SupplierLeave,
    SupplierMember,
    SupplierOpen,
    SupplierPeriod,
    SupplierSettle,
    UsageDeclare,
)

from ..common import own_meter, require_data_until, require_issuer
from . import metering, records, rules
from .addressing import escrow_id
from .events import SUPPLIER_CHANGED


def _emit(store: RecordStore, supplier_id: str, action: str, member: str, period: str) -> None:
    store.emit(
        SUPPLIER_CHANGED,
        [("supplier_id", supplier_id), ("action", action), ("member", member), ("period", period)],
    )


def _supplier(store: RecordStore, supplier_id: str, doing: str) -> Supplier:
    found = store.get(records.supplier(supplier_id))
    if found is None:
        raise InvalidTransaction(f"{doing}: supplier {supplier_id} does not exist")
    return found


def _member(store: RecordStore, supplier_id: str, key: str, doing: str) -> SupplierMember:
    found = store.get(records.member(supplier_id, key))
    if found is None:
        raise InvalidTransaction(
            f"{doing}: {short_key(key)} is not a member of supplier {supplier_id}; join first"
        )
    return found


def supplier_open(body: SupplierOpen, signer: str, store: RecordStore) -> None:
    doing = f"open supplier {body.supplier_id}"
    require_signer_in_setting(store, records.OPERATORS_SETTING, signer, doing)
    if store.get(records.supplier(body.supplier_id)) is not None:
        raise InvalidTransaction(f"{doing}: supplier id {body.supplier_id} is taken")
    require_issuer(store, body.currency, doing)
    store.put(
        records.supplier(body.supplier_id),
        Supplier(
            supplier_id=body.supplier_id, operator=signer, opened_at=ledger_time(store), terms=body
        ),
    )
    _emit(store, body.supplier_id, "open", "", "")


def supplier_join(body: SupplierJoin, signer: str, store: RecordStore) -> None:
    doing = f"join supplier {body.supplier_id} with meter {body.meter_id}"
    supplier = _supplier(store, body.supplier_id, doing)
    if signer == supplier.operator:
        raise InvalidTransaction(f"{doing}: the supplier's operator cannot be one of its members")
    ref = records.member(body.supplier_id, signer)
    found = store.get(ref)
    if found is not None and found.meter_id != body.meter_id:
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)} is a member with meter {found.meter_id}; a member "
            "tops its deposit up with the same meter"
        )
    own_meter(store, body.meter_id, [MeterKind.ELECTRICITY_IMPORT], signer, doing)
    currency = supplier.terms.currency
    accounts.lock(store, escrow_id(body.supplier_id), signer, currency, body.deposit, doing)
    if found is not None and found.left:  # back: its history (H) is kept
        found.left, found.left_at = False, 0
        supplier.members += 1
        store.put(records.supplier(body.supplier_id), supplier)
    if found is None:
        supplier.members += 1
        store.put(records.supplier(body.supplier_id), supplier)
        found = SupplierMember(
            supplier_id=body.supplier_id,
            member=signer,
            meter_id=body.meter_id,
            h_ppm=supplier.terms.initial_h_ppm,
            joined_at=ledger_time(store),
        )
    store.put(ref, found)
    _emit(store, body.supplier_id, "join", signer, "")


def usage_declare(body: UsageDeclare, signer: str, store: RecordStore) -> None:
    doing = f"declare {body.usage_mwh} mWh for period {body.period} of supplier {body.supplier_id}"
    supplier = _supplier(store, body.supplier_id, doing)
    member = _member(store, body.supplier_id, signer, doing)
    if member.left:
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)} left the supplier at {iso(member.left_at)}; join again"
        )
    terms = supplier.terms
    span = metering.window(terms, body.period)
    closes = span.start - terms.declare_lead_s
    now = ledger_time(store)
    if now > closes:
        raise InvalidTransaction(
            f"{doing}: declarations for the period starting {iso(span.start)} closed at "
            f"{iso(closes)} ({terms.declare_lead_s} s before it); ledger time is {iso(now)}"
        )
    held = accounts.escrowed(store, escrow_id(body.supplier_id), signer)
    if held < terms.min_deposit:
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)}'s deposit is {held} micro-{terms.currency}, below the "
            f"supplier's minimum {terms.min_deposit}; top it up with supplier join"
        )
    ref = records.period(body.supplier_id, body.period)
    book = store.get(ref) or SupplierPeriod(
        supplier_id=body.supplier_id, period=body.period, start=span.start, end=span.end
    )
    kept = [d for d in book.declarations if d.member != signer]
    kept.append(Declaration(member=signer, usage_mwh=body.usage_mwh, declared_at=now))
    kept.sort(key=lambda d: d.member)
    del book.declarations[:]
    book.declarations.extend(kept)
    store.put(ref, book)
    if body.period not in member.pending_periods:
        pending = list(member.pending_periods)
        bisect.insort(pending, body.period)
        member.pending_periods[:] = pending
        store.put(records.member(body.supplier_id, signer), member)
    _emit(store, body.supplier_id, "declare", signer, str(body.period))


def _inputs(
    store: RecordStore,
    terms: SupplierOpen,
    book: SupplierPeriod,
    members: list[SupplierMember],
    now: int,
    doing: str,
) -> list[rules.MemberInput]:
    span = metering.window(terms, book.period)
    grace_end = span.end + terms.data_grace_s
    store.load(  # one request for every record settling reads, not one each
        ref
        for m in members
        for ref in (
            blockmeter.head(m.meter_id),
            blockmeter.meter(m.meter_id),
            metering.rollup_ref(m.meter_id, terms, book.period),
            records.deposit(book.supplier_id, m.member),
            family.account(m.member, terms.currency),
        )
    )
    out = []
    for declared, m in zip(book.declarations, members, strict=True):
        require_data_until(store, m.meter_id, span.end, grace_end, now, doing, span="period")
        meter = store.get(blockmeter.meter(m.meter_id))
        interval = meter.nominal_interval_s if meter is not None else SECONDS_PER_HOUR
        rollup = store.get(metering.rollup_ref(m.meter_id, terms, book.period))
        metered, complete = metering.usage(rollup, span, interval)
        out.append(
            rules.MemberInput(
                member=m.member,
                declared=declared.usage_mwh,
                metered=max(0, metered),
                h_ppm=m.h_ppm,
                deposit=accounts.escrowed(store, escrow_id(book.supplier_id), m.member),
                complete=complete,
            )
        )
    return out


def params_of(terms: SupplierOpen) -> rules.Params:
    return rules.Params(terms.price_per_kwh, terms.tolerance_ppm, terms.learning_rate_ppm)


def supplier_settle(body: SupplierSettle, signer: str, store: RecordStore) -> None:
    doing = f"settle period {body.period} of supplier {body.supplier_id}"
    supplier = _supplier(store, body.supplier_id, doing)
    terms = supplier.terms
    ref = records.period(body.supplier_id, body.period)
    book = store.get(ref)
    if book is None:
        raise InvalidTransaction(
            f"{doing}: nobody declared usage for it; there is nothing to settle"
        )
    if book.settled:
        raise InvalidTransaction(
            f"{doing}: the period was already settled at {iso(book.settled_at)} by "
            f"{short_key(book.settled_by)}"
        )
    now = ledger_time(store)
    if now < book.end:
        raise InvalidTransaction(
            f"{doing}: the period ends at {iso(book.end)}; ledger time is {iso(now)}"
        )
    store.load(records.member(body.supplier_id, d.member) for d in book.declarations)
    members = [_member(store, body.supplier_id, d.member, doing) for d in book.declarations]
    for m in members:
        if m.pending_periods and m.pending_periods[0] != body.period:
            raise InvalidTransaction(
                f"{doing}: member {short_key(m.member)} has period {m.pending_periods[0]} "
                "unsettled before it; H follows the periods in order, settle that one first"
            )
    outcome = rules.settle(params_of(terms), _inputs(store, terms, book, members, now, doing))
    currency, vault, operator = terms.currency, escrow_id(body.supplier_id), supplier.operator
    for result in outcome.members:
        accounts.pay_from_escrow(
            store, vault, result.member, operator, currency, result.penalty,
            "supplier.penalty", doing,
        )  # fmt: skip
    for result in outcome.members:
        accounts.move(
            store, currency, operator, result.member, result.reward, "supplier.reward", doing
        )
    for m, result in zip(members, outcome.members, strict=True):
        m.h_ppm = result.h_after
        m.pending_periods.remove(body.period)
        m.periods_settled += 1
        m.penalties_paid += result.penalty
        m.rewards_received += result.reward
        store.put(records.member(body.supplier_id, m.member), m)
    book.settled, book.settled_at, book.settled_by = True, now, signer
    book.results.extend(result_record(r) for r in outcome.members)
    book.net_imbalance_mwh = outcome.net_imbalance
    book.penalties = outcome.penalties
    book.imbalance_cost = outcome.imbalance_cost
    book.imbalance_paid = outcome.imbalance_paid
    book.rewards = outcome.rewards
    book.remainder = outcome.remainder
    store.put(ref, book)
    _emit(store, body.supplier_id, "settle", "", str(body.period))


def supplier_leave(body: SupplierLeave, signer: str, store: RecordStore) -> None:
    doing = f"leave supplier {body.supplier_id}"
    supplier = _supplier(store, body.supplier_id, doing)
    member = _member(store, body.supplier_id, signer, doing)
    if member.left:
        raise InvalidTransaction(f"{doing}: {short_key(signer)} left at {iso(member.left_at)}")
    if member.pending_periods:
        periods = ", ".join(str(p) for p in member.pending_periods)
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)} declared period(s) {periods}, not yet settled; they "
            "are settled first (their penalties come from the deposit)"
        )
    accounts.release(store, escrow_id(body.supplier_id), signer, supplier.terms.currency)
    member.left, member.left_at = True, ledger_time(store)
    store.put(records.member(body.supplier_id, signer), member)
    supplier.members -= 1
    store.put(records.supplier(body.supplier_id), supplier)
    _emit(store, body.supplier_id, "leave", signer, "")


def result_record(r: rules.MemberOutcome) -> MemberResult:
    return MemberResult(
        member=r.member,
        declared_mwh=r.declared,
        metered_mwh=r.metered,
        complete=r.complete,
        deviation_mwh=r.deviation,
        excess_mwh=r.excess,
        accuracy_ppm=r.accuracy_ppm,
        h_before_ppm=r.h_before,
        h_after_ppm=r.h_after,
        penalty_due=r.penalty_due,
        penalty=r.penalty,
        reward=r.reward,
        weight=r.weight,
    )
