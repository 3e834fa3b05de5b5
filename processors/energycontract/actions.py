"""One function per action: `(body, signer, store) -> None`. Each checks every rule before it
writes anything; money moves only through accounts.py. BlockMeter's site, meters, heads and day
rollups and the on-chain settings are read in the same transaction (read-only views)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.blockmeter import units
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.handler import Action as ActionFn
from smartblocks.processors.kit.ledger_time import config_ref as ledger_time_config
from smartblocks.processors.kit.ledger_time import ledger_time
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, SECONDS_PER_HOUR, iso
from smartblocks.processors.kit.settings import admin_keys, how_to_change, require_signer_in_setting
from smartblocks.processors.kit.store import RecordStore, Ref
from smartblocks.protos.baseline_pb2 import Resolution
from smartblocks.protos.blockmeter_pb2 import MeterKind, Unit
from smartblocks.protos.energycontract_pb2 import (
    Accept,
    AcceptAmendment,
    Contract,
    Currency,
    Deposit,
    Dispute,
    DisputeRecord,
    EnergyContractPayload,
    Figure,
    Issue,
    Payment,
    Propose,
    ProposeAmendment,
    Redeem,
    Resolve,
    Settle,
    Settlement,
    Terminate,
    Terms,
    Transfer,
    Withdraw,
)

from . import accounts, inputs, markets, records, schedule
from .events import CONTRACT_CHANGED, DISPUTED, SETTLED
from .measure import Measured, measure
from .settlement import compute
from .templates import template_of
from .templates.base import ESCO, OWNER, Due, State
from .terms import terms_hash

Action = EnergyContractPayload.Action
Status = Contract.Status


# -- accounts ---------------------------------------------------------------------------------


def _currency(store: RecordStore, code: str) -> Currency:
    found = store.get(records.currency(code))
    return found if found is not None else Currency(code=code)


def issue(body: Issue, signer: str, store: RecordStore) -> None:
    doing = f"issue {body.amount} micro-{body.currency} to {short_key(body.to)}"
    require_signer_in_setting(store, records.issuers_setting(body.currency), signer, doing)
    supply = _currency(store, body.currency)
    supply.issued += body.amount
    accounts.credit(store, body.to, body.currency, body.amount)
    store.put(records.currency(body.currency), supply)
    accounts.moved(store, body.currency, "issue", body.to, body.amount, body.memo or "issue")


def redeem(body: Redeem, signer: str, store: RecordStore) -> None:
    doing = f"redeem {body.amount} micro-{body.currency}"
    accounts.debit(store, signer, body.currency, body.amount, doing)
    supply = _currency(store, body.currency)
    supply.redeemed += body.amount
    store.put(records.currency(body.currency), supply)
    accounts.moved(store, body.currency, signer, "redeem", body.amount, body.memo or "redeem")


def transfer(body: Transfer, signer: str, store: RecordStore) -> None:
    doing = f"transfer {body.amount} micro-{body.currency} to {short_key(body.to)}"
    if body.to == signer:
        raise InvalidTransaction(f"{doing}: the recipient is the signer's own account")
    accounts.move(
        store, body.currency, signer, body.to, body.amount, body.memo or "transfer", doing
    )


# -- contracts: shared checks -----------------------------------------------------------------


def _contract(store: RecordStore, contract_id: str, doing: str) -> Contract:
    found = store.get(records.contract(contract_id))
    if found is None:
        raise InvalidTransaction(f"{doing}: contract {contract_id} does not exist")
    return found


def _role(terms: Terms, signer: str, doing: str) -> str:
    if signer == terms.esco:
        return ESCO
    if signer == terms.owner:
        return OWNER
    raise InvalidTransaction(
        f"{doing}: signer {short_key(signer)} is neither the ESCO ({short_key(terms.esco)}) nor "
        f"the owner ({short_key(terms.owner)}) of contract {terms.contract_id}"
    )


def _other(terms: Terms, role: str) -> str:
    return terms.owner if role == ESCO else terms.esco


def _require_status(contract: Contract, allowed: tuple[int, ...], doing: str) -> None:
    if contract.status not in allowed:
        wanted = " or ".join(Status.Name(s) for s in allowed)
        raise InvalidTransaction(
            f"{doing}: contract {contract.contract_id} is {Status.Name(contract.status)}, "
            f"not {wanted}"
        )


def _deposit_of(terms: Terms, role: str) -> int:
    return terms.esco_deposit if role == ESCO else terms.owner_deposit


def _check_terms_against_state(terms: Terms, store: RecordStore, doing: str) -> None:
    """What terms need from the ledger: the site, its meters in the baseline's unit, a weather
    station, and a currency someone may issue."""
    site = store.get(blockmeter.site(terms.site_id))
    if site is None:
        raise InvalidTransaction(f"{doing}: site {terms.site_id} does not exist")
    unit, table = terms.baseline.unit, terms.baseline
    per = SECONDS_PER_HOUR if table.resolution == Resolution.PER_HOUR else SECONDS_PER_DAY
    for meter_id in terms.meters:
        meter = store.get(blockmeter.meter(meter_id))
        if meter is None:
            raise InvalidTransaction(f"{doing}: meter {meter_id} does not exist")
        if meter.site_id != terms.site_id:
            raise InvalidTransaction(
                f"{doing}: meter {meter_id} belongs to site {meter.site_id}, not {terms.site_id}"
            )
        if meter.retired:
            raise InvalidTransaction(f"{doing}: meter {meter_id} is retired")
        if meter.unit != unit:
            raise InvalidTransaction(
                f"{doing}: meter {meter_id} measures {units.unit_name(meter.unit)}, the baseline "
                f"table {units.unit_name(unit)}"
            )
        if per % meter.nominal_interval_s:
            raise InvalidTransaction(
                f"{doing}: meter {meter_id} reads every {meter.nominal_interval_s} s, which does "
                f"not divide the baseline table's {per} s"
            )
    weather = store.get(blockmeter.meter(terms.weather_meter))
    if weather is None:
        raise InvalidTransaction(f"{doing}: weather meter {terms.weather_meter} does not exist")
    if weather.kind != MeterKind.TEMPERATURE or weather.unit != Unit.MILLIDEGREE_CELSIUS:
        raise InvalidTransaction(
            f"{doing}: weather meter {terms.weather_meter} is {MeterKind.Name(weather.kind)} in "
            f"{units.unit_name(weather.unit)}; it must be a TEMPERATURE meter in m°C"
        )
    issuers = records.issuers_setting(terms.currency)
    if not admin_keys(store, issuers):
        raise InvalidTransaction(
            f"{doing}: nobody may issue currency {terms.currency}: setting {issuers} lists no "
            f"public keys; {how_to_change(issuers)}"
        )


def _changed(store: RecordStore, contract: Contract, action: str) -> None:
    store.put(records.contract(contract.contract_id), contract)
    store.emit(
        CONTRACT_CHANGED,
        [
            ("contract_id", contract.contract_id),
            ("status", Status.Name(contract.status)),
            ("action", action),
        ],
    )


def _end(store: RecordStore, contract: Contract, now: int, reason: str) -> None:
    """Mark the contract ENDED and return both parties' escrows to their accounts."""
    terms = contract.terms
    contract.status = Status.ENDED
    contract.ended_at = now
    contract.end_reason = reason
    for party in sorted({terms.esco, terms.owner}):
        accounts.release(store, terms.contract_id, party, terms.currency)


# -- the contract's life ----------------------------------------------------------------------


def deposit(body: Deposit, signer: str, store: RecordStore) -> None:
    doing = f"deposit {body.amount} into contract {body.contract_id}"
    contract = _contract(store, body.contract_id, doing)
    _role(contract.terms, signer, doing)
    _require_status(contract, (Status.PROPOSED, Status.ACTIVE), doing)
    terms = contract.terms
    accounts.lock(store, terms.contract_id, signer, terms.currency, body.amount, doing)


def propose(body: Propose, signer: str, store: RecordStore) -> None:
    terms = body.terms
    doing = f"propose contract {terms.contract_id}"
    role = _role(terms, signer, doing)
    if store.get(records.contract(terms.contract_id)) is not None:
        raise InvalidTransaction(f"{doing}: contract id {terms.contract_id} is taken")
    _check_terms_against_state(terms, store, doing)
    now = ledger_time(store)
    accounts.lock(store, terms.contract_id, signer, terms.currency, _deposit_of(terms, role), doing)
    contract = Contract(
        contract_id=terms.contract_id,
        terms=terms,
        terms_hash=terms_hash(terms),
        baseline_hash=baseline.table_hash(terms.baseline),
        status=Status.PROPOSED,
        proposer=signer,
        proposed_at=now,
    )
    _changed(store, contract, "propose")


def withdraw(body: Withdraw, signer: str, store: RecordStore) -> None:
    doing = f"withdraw contract {body.contract_id}"
    contract = _contract(store, body.contract_id, doing)
    _require_status(contract, (Status.PROPOSED,), doing)
    if signer != contract.proposer:
        raise InvalidTransaction(
            f"{doing}: only the proposer {short_key(contract.proposer)} may withdraw it"
        )
    # The other party may have deposited already (deposit is open while PROPOSED).
    for party in sorted({contract.terms.esco, contract.terms.owner}):
        accounts.release(store, body.contract_id, party, contract.terms.currency)
    contract.status = Status.WITHDRAWN
    contract.ended_at = ledger_time(store)
    contract.end_reason = "withdrawn by the proposer before acceptance"
    _changed(store, contract, "withdraw")


def accept(body: Accept, signer: str, store: RecordStore) -> None:
    doing = f"accept contract {body.contract_id}"
    contract = _contract(store, body.contract_id, doing)
    _require_status(contract, (Status.PROPOSED,), doing)
    terms = contract.terms
    role = _role(terms, signer, doing)
    if signer == contract.proposer:
        raise InvalidTransaction(
            f"{doing}: the proposer cannot accept its own proposal; the other party "
            f"{short_key(_other(terms, role))} signs"
        )
    if body.terms_hash != contract.terms_hash:
        raise InvalidTransaction(
            f"{doing}: terms hash {body.terms_hash[:16]}.. is not the proposal's "
            f"{contract.terms_hash[:16]}..; read the terms again"
        )
    accounts.lock(store, terms.contract_id, signer, terms.currency, _deposit_of(terms, role), doing)
    contract.status = Status.ACTIVE
    contract.accepted_at = ledger_time(store)
    _changed(store, contract, "accept")


def _settle_reads(terms: Terms, period: schedule.PeriodInfo) -> list[Ref[Any]]:
    """What settling reads after the contract, for one request: each get_state is a round trip
    to the validator, and a settlement would otherwise make a dozen."""
    meter_ids = inputs.meters_of(terms)
    parties = (terms.esco, terms.owner)
    return [
        ledger_time_config(),
        *(blockmeter.head(m) for m in meter_ids),
        *(blockmeter.meter(m) for m in terms.meters),
        *(ref for group in inputs.rollup_refs(terms, period).values() for ref in group),
        *(records.account(p, terms.currency) for p in parties),
        *(records.escrow(terms.contract_id, p) for p in parties),
    ]


def _period_data(
    store: RecordStore, terms: Terms, period: schedule.PeriodInfo, now: int, doing: str
) -> tuple[Measured, list[str]]:
    """The period's measurement from the meters' rollups (inputs.py), and the addresses read."""
    meter_ids = [*terms.meters, terms.weather_meter]
    if now < period.end + terms.data_grace_s:
        for meter_id in meter_ids:
            head = store.get(blockmeter.head(meter_id))
            until = head.last_window_end if head is not None else None
            if until is None or until < period.end:
                reached = "has no readings" if until is None else f"reaches {iso(until)}"
                raise InvalidTransaction(
                    f"{doing}: meter {meter_id}'s data {reached}, before the period's end "
                    f"{iso(period.end)}; settle once it covers the period, or after the data "
                    f"grace ends at {iso(period.end + terms.data_grace_s)}"
                )
    refs = inputs.rollup_refs(terms, period)
    store.load(ref for group in refs.values() for ref in group)
    intervals = {}
    for meter_id in terms.meters:
        meter = store.get(blockmeter.meter(meter_id))
        if meter is None:  # meters are never deleted; the proposal checked they existed
            raise InvalidTransaction(f"{doing}: meter {meter_id} is missing")
        intervals[meter_id] = meter.nominal_interval_s
    values = inputs.by_meter(terms, period, {m: [store.get(r) for r in refs[m]] for m in refs})
    energy = {m: values[m] for m in terms.meters}
    days = list(period.day_numbers())
    measured = measure(terms.baseline, days, energy, intervals, values[terms.weather_meter])
    read = sorted(ref.address for group in refs.values() for ref in group)
    return measured, read


def _figures(pairs: tuple[tuple[str, int], ...]) -> list[Figure]:
    return [Figure(name=name, value=value) for name, value in pairs]


def _pay_all(
    store: RecordStore, terms: Terms, dues: tuple[Due, ...], state: State
) -> tuple[list[Any], State]:
    """Pay each due in order; what cannot be paid becomes arrears in the state."""
    payments = [accounts.pay(store, terms, due) for due in dues if due.amount]
    owed_owner = sum(p.unpaid for p in payments if p.payer == terms.owner)
    owed_esco = sum(p.unpaid for p in payments if p.payer == terms.esco)
    return payments, state.with_(
        owed_by_owner=state.owed_by_owner + owed_owner,
        owed_by_esco=state.owed_by_esco + owed_esco,
    )


def settle(body: Settle, signer: str, store: RecordStore) -> None:
    doing = f"settle contract {body.contract_id} period {body.period}"
    contract = _contract(store, body.contract_id, doing)
    _require_status(contract, (Status.ACTIVE,), doing)
    terms = contract.terms
    if body.period != contract.settled_periods:
        already = body.period < contract.settled_periods
        raise InvalidTransaction(
            f"{doing}: "
            + (
                "the period is already settled"
                if already
                else f"period {contract.settled_periods} is the next to settle"
            )
        )
    if body.period >= terms.periods:
        raise InvalidTransaction(
            f"{doing}: the term has {terms.periods} periods (0..{terms.periods - 1})"
        )
    period = schedule.period(terms, body.period)
    store.load(_settle_reads(terms, period))
    now = ledger_time(store)
    if now < period.end:
        raise InvalidTransaction(
            f"{doing}: period {period.name} ends {iso(period.end)}, after ledger time {iso(now)}"
        )
    measured, read = _period_data(store, terms, period, now, doing)
    before = State.of(contract.state)
    computed = compute(terms, period, measured, before)
    payments, after = _pay_all(store, terms, computed.outcome.dues, computed.outcome.state)
    record = Settlement(
        contract_id=terms.contract_id,
        period=body.period,
        period_name=period.name,
        start=period.start,
        end=period.end,
        status=Settlement.SETTLED if computed.sufficient else Settlement.INSUFFICIENT,
        reason=computed.reason,
        terms_hash=contract.terms_hash,
        days=measured.days,
        complete_days=measured.complete_days,
        coverage_ppm=measured.coverage_ppm,
        actual=measured.actual,
        adjusted_baseline=measured.baseline,
        avoided=measured.avoided,
        figures=_figures(computed.outcome.figures),
        payments=payments,
        state_before=before.record(),
        state_after=after.record(),
        inputs=read,
        settled_at=now,
        settled_by=signer,
    )
    store.put(records.settlement(terms.contract_id, body.period), record)
    contract.settled_periods = body.period + 1
    contract.state.CopyFrom(after.record())
    if computed.outcome.ends:
        _end(store, contract, now, computed.outcome.end_reason)
    elif period.last:
        _end(store, contract, now, f"term over: {terms.periods} periods settled")
    _changed(store, contract, "settle")
    store.emit(
        SETTLED,
        [
            ("contract_id", terms.contract_id),
            ("period", str(body.period)),
            ("period_name", period.name),
            ("status", Settlement.Status.Name(record.status)),
            ("avoided", str(record.avoided)),
        ],
    )


# What an amendment may not change: who, what kind of contract, in what money, on what calendar.
_FIXED_TERMS = ("contract_id", "esco", "owner", "currency", "start", "period")


def propose_amendment(body: ProposeAmendment, signer: str, store: RecordStore) -> None:
    doing = f"amend contract {body.contract_id}"
    contract = _contract(store, body.contract_id, doing)
    _require_status(contract, (Status.ACTIVE,), doing)
    _role(contract.terms, signer, doing)
    old, new = contract.terms, body.terms
    for name in _FIXED_TERMS:
        if getattr(old, name) != getattr(new, name):
            raise InvalidTransaction(
                f"{doing}: an amendment cannot change {name} ({getattr(old, name)!r} -> "
                f"{getattr(new, name)!r}); end the contract and propose a new one"
            )
    if old.WhichOneof("template") != new.WhichOneof("template"):
        raise InvalidTransaction(
            f"{doing}: an amendment cannot change the template ({old.WhichOneof('template')} "
            f"-> {new.WhichOneof('template')})"
        )
    if new.periods <= contract.settled_periods:
        # An active contract always has a period left to settle (the last settle ends it).
        raise InvalidTransaction(
            f"{doing}: the new term of {new.periods} periods leaves nothing to settle after the "
            f"{contract.settled_periods} already settled; to stop, terminate the contract"
        )
    _check_terms_against_state(new, store, doing)
    new_hash = terms_hash(new)
    if new_hash == contract.terms_hash:
        raise InvalidTransaction(f"{doing}: the new terms are the current terms")
    contract.pending_amendment.CopyFrom(new)
    contract.pending_amendment_hash = new_hash
    contract.pending_amendment_by = signer
    contract.pending_amendment_reason = body.reason
    _changed(store, contract, "propose_amendment")


def accept_amendment(body: AcceptAmendment, signer: str, store: RecordStore) -> None:
    doing = f"accept amendment of contract {body.contract_id}"
    contract = _contract(store, body.contract_id, doing)
    _require_status(contract, (Status.ACTIVE,), doing)
    _role(contract.terms, signer, doing)
    if not contract.pending_amendment_hash:
        raise InvalidTransaction(f"{doing}: no amendment is pending")
    if signer == contract.pending_amendment_by:
        raise InvalidTransaction(
            f"{doing}: the party that proposed the amendment cannot accept it; the other "
            "party signs"
        )
    if body.terms_hash != contract.pending_amendment_hash:
        raise InvalidTransaction(
            f"{doing}: terms hash {body.terms_hash[:16]}.. is not the pending amendment's "
            f"{contract.pending_amendment_hash[:16]}..; read the amendment again"
        )
    contract.terms_history.append(contract.terms_hash)
    contract.terms.CopyFrom(contract.pending_amendment)
    contract.terms_hash = contract.pending_amendment_hash
    contract.baseline_hash = baseline.table_hash(contract.terms.baseline)
    contract.amendments += 1
    contract.ClearField("pending_amendment")
    contract.pending_amendment_hash = ""
    contract.pending_amendment_by = ""
    contract.pending_amendment_reason = ""
    _changed(store, contract, "accept_amendment")


def _settlement(store: RecordStore, contract_id: str, period: int, doing: str) -> Settlement:
    found = store.get(records.settlement(contract_id, period))
    if found is None:
        raise InvalidTransaction(f"{doing}: period {period} is not settled")
    return found


def dispute(body: Dispute, signer: str, store: RecordStore) -> None:
    doing = f"dispute contract {body.contract_id} period {body.period}"
    contract = _contract(store, body.contract_id, doing)
    _role(contract.terms, signer, doing)
    record = _settlement(store, body.contract_id, body.period, doing)
    if record.HasField("dispute"):
        raise InvalidTransaction(
            f"{doing}: the settlement was already disputed by {short_key(record.dispute.raised_by)}"
        )
    now = ledger_time(store)
    closes = record.settled_at + contract.terms.dispute_window_s
    if now > closes:
        raise InvalidTransaction(
            f"{doing}: the dispute window closed at {iso(closes)} "
            f"({contract.terms.dispute_window_s} s after settlement); ledger time is {iso(now)}"
        )
    record.dispute.CopyFrom(
        DisputeRecord(
            raised_by=signer,
            raised_at=now,
            reason=body.reason,
            evidence=list(body.evidence),
            status=DisputeRecord.OPEN,
        )
    )
    store.put(records.settlement(body.contract_id, body.period), record)
    store.emit(
        DISPUTED,
        [
            ("contract_id", body.contract_id),
            ("period", str(body.period)),
            ("status", "OPEN"),
        ],
    )


def _net_due(terms: Terms, dues: tuple[Due, ...]) -> int:
    """What a template's dues make the owner pay the ESCO, net (negative: the other way)."""
    return sum(d.amount if d.payer == OWNER else -d.amount for d in dues)


def _net_paid(terms: Terms, payments: Iterable[Payment]) -> int:
    """The same over a settlement's payments (due amounts), arrears of earlier periods left out."""
    return sum(
        p.due if p.payer == terms.owner else -p.due for p in payments if p.reason != "arrears"
    )


def resolve(body: Resolve, signer: str, store: RecordStore) -> None:
    doing = f"resolve dispute of contract {body.contract_id} period {body.period}"
    contract = _contract(store, body.contract_id, doing)
    terms = contract.terms
    if signer != terms.auditor:
        raise InvalidTransaction(
            f"{doing}: signer {short_key(signer)} is not the auditor the terms name "
            f"({short_key(terms.auditor)})"
        )
    record = _settlement(store, body.contract_id, body.period, doing)
    if not record.HasField("dispute") or record.dispute.status != DisputeRecord.OPEN:
        raise InvalidTransaction(f"{doing}: the settlement has no open dispute")
    now = ledger_time(store)
    found = record.dispute
    found.resolved_at = now
    found.note = body.note
    if body.decision == Resolve.UPHOLD:
        found.status = DisputeRecord.UPHELD
    else:
        found.status = DisputeRecord.ADJUSTED
        found.corrected_actual = body.corrected_actual
        found.corrected_baseline = body.corrected_baseline
        # The auditor vouches for the whole period: the template reruns on its figures, from the
        # state the period started with; the difference from what was paid moves now.
        corrected = Measured(
            record.days, record.days, body.corrected_actual, body.corrected_baseline
        )
        start_state = State.of(record.state_before).with_(owed_by_owner=0, owed_by_esco=0)
        template, params = template_of(terms)
        rerun = template.settle(params, schedule.period(terms, body.period), corrected, start_state)
        delta = _net_due(terms, tuple(rerun.dues)) - _net_paid(terms, record.payments)
        found.figures.extend(_figures(tuple(rerun.figures)))
        state = State.of(contract.state)
        if delta:
            payer, payee = (OWNER, ESCO) if delta > 0 else (ESCO, OWNER)
            due = Due("resolution.adjustment", payer, payee, abs(delta))
            payments, state = _pay_all(store, terms, (due,), state)
            found.payments.extend(payments)
        # The template's own accumulators follow the corrected period.
        old_after, new_after = State.of(record.state_after), rerun.state
        state = state.with_(
            cumulative_avoided=state.cumulative_avoided + (corrected.avoided - record.avoided),
            recovered=state.recovered + new_after.recovered - old_after.recovered,
            year_avoided=state.year_avoided + new_after.year_avoided - old_after.year_avoided,
            year_guarantee=state.year_guarantee
            + new_after.year_guarantee
            - old_after.year_guarantee,
        )
        contract.state.CopyFrom(state.record())
        _changed(store, contract, "resolve")
    store.put(records.settlement(body.contract_id, body.period), record)
    store.emit(
        DISPUTED,
        [
            ("contract_id", body.contract_id),
            ("period", str(body.period)),
            ("status", DisputeRecord.Status.Name(found.status)),
        ],
    )


def terminate(body: Terminate, signer: str, store: RecordStore) -> None:
    doing = f"terminate contract {body.contract_id}"
    contract = _contract(store, body.contract_id, doing)
    _require_status(contract, (Status.ACTIVE,), doing)
    _role(contract.terms, signer, doing)
    asked = contract.termination_requested_by
    if not asked:
        contract.termination_requested_by = signer
        contract.termination_reason = body.reason
        _changed(store, contract, "terminate_request")
        return
    if asked == signer:
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)} already asked; the contract ends when the other "
            "party agrees"
        )
    _end(
        store,
        contract,
        ledger_time(store),
        f"terminated by both parties: {contract.termination_reason}",
    )
    _changed(store, contract, "terminate")


ACTIONS: dict[int, ActionFn] = {
    Action.ISSUE: issue,
    Action.REDEEM: redeem,
    Action.TRANSFER: transfer,
    Action.DEPOSIT: deposit,
    Action.PROPOSE: propose,
    Action.WITHDRAW: withdraw,
    Action.ACCEPT: accept,
    Action.SETTLE: settle,
    Action.PROPOSE_AMENDMENT: propose_amendment,
    Action.ACCEPT_AMENDMENT: accept_amendment,
    Action.DISPUTE: dispute,
    Action.RESOLVE: resolve,
    Action.TERMINATE: terminate,
    **markets.ACTIONS,
}
