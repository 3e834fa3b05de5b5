"""The aggregator agreements' actions: `(body, signer, store) -> None`, each checking every rule
before it writes. Money moves only through EnergyContract's accounts.py: deposits are locked in
the community's vault (escrows under `vault:<community>`), payments go from the aggregator's
account, penalties and releases out of the vault. The sweep reads both meters of every member
from BlockMeter's heads and day rollups, in the same transaction."""

from __future__ import annotations

from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.settings import AGGREGATORS, MARKETS_OPERATOR
from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.kit.ledger_time import ledger_time
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.periods import day_name, iso
from smartblocks.processors.kit.settings import (
    admin_keys,
    require_signer_in_setting,
)
from smartblocks.processors.kit.store import RecordStore
from smartblocks.protos.blockmeter_pb2 import MeterKind
from smartblocks.protos.market_aggregation_pb2 import (
    Community,
    CommunityOpen,
    DerAdmit,
    DerJoin,
    DerLeave,
    Dispute,
    Epoch,
    EpochDispute,
    EpochResolve,
    EpochSweep,
    HourReading,
    Member,
    Outcome,
)

from ... import accounts
from ... import records as ec_records
from ..common import own_meter, require_data_until, require_issuer
from . import records, rules
from .addressing import vault_id
from .events import COMMUNITY_CHANGED, EPOCH_DISPUTED, EPOCH_SWEPT

# Meters that measure electricity a DER sends out: its own and the connection point's.
EXPORT_KINDS = (
    MeterKind.ELECTRICITY_EXPORT,
    MeterKind.GENERATION,
    MeterKind.STORAGE_DISCHARGE,
)


def _community(store: RecordStore, community_id: str, doing: str) -> Community:
    found = store.get(records.community(community_id))
    if found is None:
        raise InvalidTransaction(f"{doing}: community {community_id} does not exist")
    return found


def _member(store: RecordStore, community_id: str, der: str, doing: str) -> Member:
    found = store.get(records.member(community_id, der))
    if found is None or found.status == Member.LEFT:
        raise InvalidTransaction(
            f"{doing}: {short_key(der)} is not a member of community {community_id}"
        )
    return found


def _changed(store: RecordStore, community: Community, action: str, der: str) -> None:
    store.put(records.community(community.community_id), community)
    store.emit(
        COMMUNITY_CHANGED,
        [
            ("community_id", community.community_id),
            ("action", action),
            ("der", der),
            ("members", str(len(community.members))),
        ],
    )


# -- community and members --------------------------------------------------------------------


def open_community(body: CommunityOpen, signer: str, store: RecordStore) -> None:
    doing = f"open community {body.community_id}"
    require_signer_in_setting(store, AGGREGATORS, signer, doing)
    if store.get(records.community(body.community_id)) is not None:
        raise InvalidTransaction(f"{doing}: community id {body.community_id} is taken")
    require_issuer(store, body.currency, doing)
    community = Community(
        community_id=body.community_id,
        name=body.name,
        aggregator=signer,
        currency=body.currency,
        first_epoch_start=body.first_epoch_start,
        epoch_s=body.epoch_s,
        data_grace_s=body.data_grace_s,
        dispute_window_s=body.dispute_window_s,
        criteria=body.criteria,
        status=Community.OPEN,
        opened_at=ledger_time(store),
    )
    _changed(store, community, "open", "")


def join(body: DerJoin, signer: str, store: RecordStore) -> None:
    doing = f"join community {body.community_id}"
    community = _community(store, body.community_id, doing)
    criteria = community.criteria
    if signer == community.aggregator:
        raise InvalidTransaction(f"{doing}: the aggregator cannot join its own community")
    found = store.get(records.member(body.community_id, signer))
    if found is not None and found.status != Member.LEFT:
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)} is already a member ({Member.Status.Name(found.status)})"
        )
    if len(community.members) >= criteria.max_members:
        raise InvalidTransaction(
            f"{doing}: the community is full ({len(community.members)} of "
            f"{criteria.max_members} members)"
        )
    if not criteria.min_capacity_w <= body.capacity_w <= criteria.max_capacity_w:
        raise InvalidTransaction(
            f"{doing}: capacity {body.capacity_w} W is outside the community's "
            f"{criteria.min_capacity_w}..{criteria.max_capacity_w} W"
        )
    if body.price > criteria.max_price:
        raise InvalidTransaction(
            f"{doing}: requested price {body.price} micro-{community.currency}/kWh is above the "
            f"community's {criteria.max_price}"
        )
    if body.deposit < criteria.min_deposit:
        raise InvalidTransaction(
            f"{doing}: deposit {body.deposit} micro-{community.currency} is below the "
            f"community's {criteria.min_deposit}"
        )
    own_meter(
        store, body.der_meter, EXPORT_KINDS, signer, doing, role="DER meter", owner_name="DER"
    )
    own_meter(
        store,
        body.connection_meter,
        EXPORT_KINDS,
        community.aggregator,
        doing,
        role="connection meter",
        owner_name="aggregator",
    )
    accounts.lock(
        store, vault_id(body.community_id), signer, community.currency, body.deposit, doing
    )
    member = Member(
        community_id=body.community_id,
        der=signer,
        der_meter=body.der_meter,
        connection_meter=body.connection_meter,
        capacity_w=body.capacity_w,
        price=body.price,
        deposit=body.deposit,
        status=Member.PENDING,
        applied_at=ledger_time(store),
    )
    store.put(records.member(body.community_id, signer), member)
    community.members[:] = sorted([*community.members, signer])
    _changed(store, community, "join", signer)


def admit(body: DerAdmit, signer: str, store: RecordStore) -> None:
    """The aggregator checks what no rule can: that the connection meter the DER named is the
    one at its connection point. Until then the DER takes part in no epoch."""
    verb = "admit" if body.admit else "refuse"
    doing = f"{verb} {short_key(body.der)} in community {body.community_id}"
    community = _community(store, body.community_id, doing)
    if signer != community.aggregator:
        raise InvalidTransaction(
            f"{doing}: only the community's aggregator {short_key(community.aggregator)} may"
        )
    member = _member(store, body.community_id, body.der, doing)
    if member.status != Member.PENDING:
        raise InvalidTransaction(
            f"{doing}: the member is {Member.Status.Name(member.status)}, not PENDING"
        )
    if body.admit:
        member.status = Member.ACTIVE
        member.joined_at = ledger_time(store)
    else:
        member.refusal = body.reason
        member.leaves_at = ledger_time(store)
        _release(store, community, member)
    store.put(records.member(body.community_id, body.der), member)
    _changed(store, community, verb, body.der)


def takes_part(member: Member, epoch_start: int) -> bool:
    """Admitted (ACTIVE, or LEAVING after its notice) before the epoch started."""
    admitted = member.status in (Member.ACTIVE, Member.LEAVING)
    return admitted and rules.participates(member.joined_at, epoch_start)


def _release(store: RecordStore, community: Community, member: Member) -> int:
    """Return what the vault holds for the member and drop it from the community."""
    released = accounts.release(
        store, vault_id(community.community_id), member.der, community.currency
    )
    member.status = Member.LEFT
    community.members.remove(member.der)
    return released


def leave(body: DerLeave, signer: str, store: RecordStore) -> None:
    doing = f"leave community {body.community_id}"
    community = _community(store, body.community_id, doing)
    member = _member(store, body.community_id, signer, doing)
    if member.status == Member.LEAVING:
        raise InvalidTransaction(
            f"{doing}: {short_key(signer)} already gave notice; it leaves at "
            f"{iso(member.leaves_at)}"
        )
    now = ledger_time(store)
    current = rules.epoch_at(community.first_epoch_start, community.epoch_s, now)
    # Epochs it takes part in that are not swept yet: it stays for them (penalties included).
    pending = [
        e
        for e in range(community.swept_epochs, current + 1)
        if member.status == Member.ACTIVE
        and rules.participates(
            member.joined_at,
            rules.epoch_bounds(community.first_epoch_start, community.epoch_s, e)[0],
        )
    ]
    if pending:
        member.status = Member.LEAVING
        member.leaves_at = rules.epoch_bounds(
            community.first_epoch_start, community.epoch_s, pending[-1]
        )[1]
    else:
        member.leaves_at = now
        _release(store, community, member)
    store.put(records.member(body.community_id, signer), member)
    _changed(store, community, "leave", signer)


# -- epochs -----------------------------------------------------------------------------------


def _hours(store: RecordStore, meter_id: str, start: int, end: int) -> list[rules.Hour]:
    def buckets(day: int) -> dict[int, tuple[int, int]]:
        rollup = store.get(blockmeter.day_rollup(meter_id, day_name(day)))
        return {} if rollup is None else {b.index: (b.sum, b.count) for b in rollup.buckets}

    return rules.hours_from_buckets(start, end, buckets)


def _member_reads(community: Community) -> list[Any]:
    """What a sweep reads first, in one get_state: every member, its vault and account."""
    refs: list[Any] = [ec_records.account(community.aggregator, community.currency)]
    for der in community.members:
        refs += [
            records.member(community.community_id, der),
            records.vault(community.community_id, der),
            ec_records.account(der, community.currency),
        ]
    return refs


def _meter_reads(members: list[Member], start: int, end: int) -> list[Any]:
    """Then, in a second one, both meters' heads and day rollups of the members taking part."""
    days = [day_name(d) for d in rules.days_of(start, end)]
    refs: list[Any] = []
    for m in members:
        for meter_id in (m.connection_meter, m.der_meter):
            refs.append(blockmeter.head(meter_id))
            refs += [blockmeter.day_rollup(meter_id, day) for day in days]
    return refs


def sweep(body: EpochSweep, signer: str, store: RecordStore) -> None:
    doing = f"sweep epoch {body.epoch} of community {body.community_id}"
    community = _community(store, body.community_id, doing)
    if signer != community.aggregator and signer not in admin_keys(store, MARKETS_OPERATOR):
        raise InvalidTransaction(
            f"{doing}: signer {short_key(signer)} is neither the community's aggregator "
            f"({short_key(community.aggregator)}) nor an operator in setting {MARKETS_OPERATOR}"
        )
    if body.epoch != community.swept_epochs:
        already = body.epoch < community.swept_epochs
        raise InvalidTransaction(
            f"{doing}: "
            + (
                "the epoch is already swept"
                if already
                else f"epoch {community.swept_epochs} is the next to sweep"
            )
        )
    start, end = rules.epoch_bounds(community.first_epoch_start, community.epoch_s, body.epoch)
    store.load(_member_reads(community))
    now = ledger_time(store)
    if now < end:
        raise InvalidTransaction(
            f"{doing}: the epoch ends {iso(end)}, after ledger time {iso(now)}"
        )
    members = [_member(store, community.community_id, der, doing) for der in community.members]
    taking_part = [m for m in members if takes_part(m, start)]
    store.load(_meter_reads(taking_part, start, end))
    for m in taking_part:
        for meter_id in (m.connection_meter, m.der_meter):
            require_data_until(
                store, meter_id, end, end + community.data_grace_s, now, doing,
                span="epoch", action="sweep",
            )  # fmt: skip
    currency, vault = community.currency, vault_id(community.community_id)
    record = Epoch(
        community_id=community.community_id,
        epoch=body.epoch,
        start=start,
        end=end,
        swept_at=now,
        swept_by=signer,
    )
    for m in taking_part:
        connection = _hours(store, m.connection_meter, start, end)
        own = _hours(store, m.der_meter, start, end)
        delivered, connection_count = rules.total(connection)
        der_measured, der_count = rules.total(own)
        result = rules.settle(
            required=rules.required_energy(
                m.capacity_w, community.epoch_s, community.criteria.commitment_ppm
            ),
            delivered=delivered,
            price=m.price,
            penalty_price=community.criteria.penalty_price,
            held=accounts.escrowed(store, vault, m.der),
        )
        accounts.move(
            store,
            currency,
            community.aggregator,
            m.der,
            result.paid,
            "aggregation.payment",
            f"{doing}: pay {short_key(m.der)} for {delivered} mWh",
        )
        accounts.pay_from_escrow(
            store,
            vault,
            m.der,
            community.aggregator,
            currency,
            result.penalty,
            "aggregation.penalty",
            doing,
        )
        m.epochs += 1
        m.met += int(result.met)
        m.paid += result.paid
        m.penalised += result.penalty
        record.outcomes.append(
            Outcome(
                der=m.der,
                required=result.required,
                delivered=delivered,
                der_measured=der_measured,
                connection_count=connection_count,
                der_count=der_count,
                connection_digest=rules.window_digest(m.connection_meter, connection),
                der_digest=rules.window_digest(m.der_meter, own),
                met=result.met,
                paid=result.paid,
                penalty=result.penalty,
            )
        )
        record.paid += result.paid
        record.penalties += result.penalty
    outcomes = {o.der: o for o in record.outcomes}
    for m in members:
        if m.status == Member.LEAVING and m.leaves_at <= end:
            released = _release(store, community, m)
            if m.der in outcomes:
                outcomes[m.der].released = released
        if m.der in outcomes or m.status == Member.LEFT:
            store.put(records.member(community.community_id, m.der), m)
    community.swept_epochs = body.epoch + 1
    store.put(records.epoch(community.community_id, body.epoch), record)
    _changed(store, community, "sweep", "")
    store.emit(
        EPOCH_SWEPT,
        [
            ("community_id", community.community_id),
            ("epoch", str(body.epoch)),
            ("members", str(len(record.outcomes))),
            ("paid", str(record.paid)),
            ("penalties", str(record.penalties)),
        ],
    )


def _epoch(store: RecordStore, community_id: str, number: int, doing: str) -> Epoch:
    found = store.get(records.epoch(community_id, number))
    if found is None:
        raise InvalidTransaction(f"{doing}: epoch {number} is not swept")
    return found


def _outcome(record: Epoch, der: str, doing: str) -> Outcome:
    for outcome in record.outcomes:
        if outcome.der == der:
            return outcome
    raise InvalidTransaction(
        f"{doing}: {short_key(der)} took no part in epoch {record.epoch} (it joined after "
        f"{iso(record.start)}, or left before)"
    )


def _as_hours(evidence: Any) -> list[rules.Hour]:
    return [rules.Hour(h.hour_start, h.sum, h.count) for h in evidence]


def dispute(body: EpochDispute, signer: str, store: RecordStore) -> None:
    doing = f"dispute epoch {body.epoch} of community {body.community_id}"
    community = _community(store, body.community_id, doing)
    record = _epoch(store, body.community_id, body.epoch, doing)
    outcome = _outcome(record, signer, doing)
    if store.get(records.dispute(body.community_id, body.epoch, signer)) is not None:
        raise InvalidTransaction(f"{doing}: {short_key(signer)} already disputed this epoch")
    now = ledger_time(store)
    closes = record.swept_at + community.dispute_window_s
    if now > closes:
        raise InvalidTransaction(
            f"{doing}: the dispute window closed at {iso(closes)} "
            f"({community.dispute_window_s} s after the sweep); ledger time is {iso(now)}"
        )
    expected = rules.hour_starts(record.start, record.end)
    given = [h.hour_start for h in body.evidence]
    if given != expected:
        raise InvalidTransaction(
            f"{doing}: the evidence must give each of the epoch's {len(expected)} hours from "
            f"{iso(record.start)} to {iso(record.end)}; it gives {len(given)} from "
            f"{iso(given[0])}"
        )
    member = store.get(records.member(body.community_id, signer))
    if member is None:  # members are never deleted; the outcome names it
        raise InvalidTransaction(f"{doing}: member {short_key(signer)} is missing")
    hours = _as_hours(body.evidence)
    digest = rules.window_digest(member.der_meter, hours)
    if digest == outcome.der_digest:
        source = Dispute.SWEEP_DIGEST
    elif hours == _hours(store, member.der_meter, record.start, record.end):
        source = Dispute.LEDGER  # readings recorded after the sweep
    else:
        raise InvalidTransaction(
            f"{doing}: the evidence (digest {digest[:16]}..) is neither the DER meter "
            f"{member.der_meter}'s hours the sweep committed ({outcome.der_digest[:16]}..) nor "
            "what its day rollups hold now"
        )
    evidence_total, _ = rules.total(hours)
    outcome.disputed = True
    store.put(records.epoch(body.community_id, body.epoch), record)
    store.put(
        records.dispute(body.community_id, body.epoch, signer),
        Dispute(
            community_id=body.community_id,
            epoch=body.epoch,
            der=signer,
            reason=body.reason,
            evidence=[HourReading(hour_start=h.start, sum=h.sum, count=h.count) for h in hours],
            evidence_digest=digest,
            source=source,
            evidence_total=evidence_total,
            swept_delivered=outcome.delivered,
            status=Dispute.OPEN,
            raised_at=now,
        ),
    )
    store.emit(
        EPOCH_DISPUTED,
        [
            ("community_id", body.community_id),
            ("epoch", str(body.epoch)),
            ("der", signer),
            ("status", "OPEN"),
        ],
    )


def resolve(body: EpochResolve, signer: str, store: RecordStore) -> None:
    doing = (
        f"resolve the dispute of {short_key(body.der)} on epoch {body.epoch} of community "
        f"{body.community_id}"
    )
    require_signer_in_setting(store, MARKETS_OPERATOR, signer, doing)
    community = _community(store, body.community_id, doing)
    found = store.get(records.dispute(body.community_id, body.epoch, body.der))
    if found is None or found.status != Dispute.OPEN:
        raise InvalidTransaction(f"{doing}: there is no open dispute")
    record = _epoch(store, body.community_id, body.epoch, doing)
    outcome = _outcome(record, body.der, doing)
    found.resolved_at = ledger_time(store)
    found.note = body.note
    if body.decision == EpochResolve.UPHOLD:
        found.status = Dispute.UPHELD
    else:
        low, high = rules.adjustment_bounds(found.swept_delivered, found.evidence_total)
        corrected = body.corrected_delivered
        if not low <= corrected <= high:
            raise InvalidTransaction(
                f"{doing}: corrected energy {corrected} mWh is outside {low}..{high} mWh (from "
                "what the sweep credited to what the DER's own meter shows)"
            )
        member = _member_any(store, body.community_id, body.der, doing)
        before = rules.Result(
            outcome.required, outcome.delivered, outcome.met, outcome.paid, outcome.penalty
        )
        after = rules.settle(
            required=outcome.required,
            delivered=corrected,
            price=member.price,
            penalty_price=community.criteria.penalty_price,
            held=outcome.penalty,  # it can only get back what it lost
        )
        refund = rules.refund(before, after)
        accounts.move(
            store,
            community.currency,
            community.aggregator,
            body.der,
            refund,
            "aggregation.resolution",
            doing,
        )
        outcome.delivered = corrected
        outcome.met = after.met
        outcome.paid = after.paid
        outcome.penalty = after.penalty
        outcome.adjusted = True
        record.paid += after.paid - before.paid
        record.penalties -= before.penalty - after.penalty
        member.met += int(after.met) - int(before.met)
        member.paid += after.paid - before.paid
        member.penalised -= before.penalty - after.penalty
        store.put(records.member(body.community_id, body.der), member)
        store.put(records.epoch(body.community_id, body.epoch), record)
        found.status = Dispute.ADJUSTED
        found.corrected_delivered = corrected
        found.refund = refund
    store.put(records.dispute(body.community_id, body.epoch, body.der), found)
    store.emit(
        EPOCH_DISPUTED,
        [
            ("community_id", body.community_id),
            ("epoch", str(body.epoch)),
            ("der", body.der),
            ("status", Dispute.Status.Name(found.status)),
        ],
    )


def _member_any(store: RecordStore, community_id: str, der: str, doing: str) -> Member:
    """The member record, also after it left (a resolution may come later)."""
    found = store.get(records.member(community_id, der))
    if found is None:
        raise InvalidTransaction(f"{doing}: {short_key(der)} was never a member")
    return found
