"""Client-side builders of the aggregator agreements' transactions (CLI, demo, portal, tests,
bench). Each declares exactly the addresses its action reads (inputs) and writes (outputs);
builders that act on a community take its records, read first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import AGGREGATORS, MARKETS_OPERATOR, setting_address
from smartblocks.processors.blockmeter import addressing as blockmeter
from smartblocks.processors.kit.builder import enum_value
from smartblocks.processors.kit.ledger_time import with_ledger_time
from smartblocks.processors.kit.periods import day_name
from smartblocks.protos.energycontract_pb2 import EnergyContractPayload
from smartblocks.protos.market_aggregation_pb2 import (
    Community,
    CommunityOpen,
    Criteria,
    DerAdmit,
    DerJoin,
    DerLeave,
    EpochDispute,
    EpochResolve,
    EpochSweep,
    HourReading,
    Member,
)

from ... import addressing as ec
from ... import records as ec_records
from ...txn import BUILDER
from . import addressing as addr
from . import rules

Action = EnergyContractPayload.Action
_transaction = BUILDER.transaction


def _unique(addresses: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(addresses))


def _member_funds(community_id: str, currency: str, der: str) -> list[str]:
    return [
        addr.member_address(community_id, der),
        addr.vault_address(community_id, der),
        ec.account_address(der, currency),
    ]


def open_community(
    signer: Signer,
    *,
    community_id: str,
    name: str,
    currency: str,
    first_epoch_start: int,
    epoch_s: int,
    criteria: Criteria,
    data_grace_s: int = 0,
    dispute_window_s: int = 0,
) -> Transaction:
    """An aggregator (setting smartblocks.energycontract.aggregators) opens a community."""
    payload = EnergyContractPayload(
        action=Action.COMMUNITY_OPEN,
        community_open=CommunityOpen(
            community_id=community_id,
            name=name,
            currency=currency,
            first_epoch_start=first_epoch_start,
            epoch_s=epoch_s,
            data_grace_s=data_grace_s,
            dispute_window_s=dispute_window_s,
            criteria=criteria,
        ),
    )
    community = addr.community_address(community_id)
    settings = [
        setting_address(AGGREGATORS),
        setting_address(ec_records.issuers_setting(currency)),
    ]
    return _transaction(signer, payload, with_ledger_time([community, *settings]), [community])


def join(
    signer: Signer,
    *,
    community: Community,
    der_meter: str,
    der_site: str,
    connection_meter: str,
    connection_site: str,
    capacity_w: int,
    price: int,
    deposit: int,
) -> Transaction:
    """The DER (signer) joins; the sites are those of the two meters (read the meters first)."""
    payload = EnergyContractPayload(
        action=Action.DER_JOIN,
        der_join=DerJoin(
            community_id=community.community_id,
            der_meter=der_meter,
            connection_meter=connection_meter,
            capacity_w=capacity_w,
            price=price,
            deposit=deposit,
        ),
    )
    cid = addr.community_address(community.community_id)
    funds = _member_funds(community.community_id, community.currency, signer.public_key)
    meters = [
        blockmeter.meter_address(der_meter),
        blockmeter.meter_address(connection_meter),
        blockmeter.site_address(der_site),
        blockmeter.site_address(connection_site),
    ]
    return _transaction(
        signer, payload, with_ledger_time(_unique([cid, *funds, *meters])), [cid, *funds]
    )


def admit(
    signer: Signer, *, community: Community, der: str, admit: bool = True, reason: str = ""
) -> Transaction:
    """The aggregator admits (or refuses: the vault returns the deposit) a pending DER."""
    payload = EnergyContractPayload(
        action=Action.DER_ADMIT,
        der_admit=DerAdmit(
            community_id=community.community_id, der=der, admit=admit, reason=reason
        ),
    )
    cid = addr.community_address(community.community_id)
    funds = _member_funds(community.community_id, community.currency, der)
    return _transaction(signer, payload, with_ledger_time([cid, *funds]), [cid, *funds])


def leave(signer: Signer, *, community: Community) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.DER_LEAVE, der_leave=DerLeave(community_id=community.community_id)
    )
    cid = addr.community_address(community.community_id)
    funds = _member_funds(community.community_id, community.currency, signer.public_key)
    return _transaction(signer, payload, with_ledger_time([cid, *funds]), [cid, *funds])


def _rollups(meter_id: str, start: int, end: int) -> list[str]:
    return [blockmeter.day_rollup_address(meter_id, day_name(d)) for d in rules.days_of(start, end)]


def sweep_addresses(
    community: Community, members: Sequence[Member], epoch: int
) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of sweeping `epoch`: the community and the epoch, the aggregator's
    account (payments, penalties), every member with its vault and account (leavers' releases)
    and, for the members taking part, both meters' heads and the day rollups the epoch touches;
    the operator setting (an operator may sweep) and ledger time. `members` are the records of
    every key in community.members."""
    start, end = rules.epoch_bounds(community.first_epoch_start, community.epoch_s, epoch)
    cid = community.community_id
    writes = [
        addr.community_address(cid),
        addr.epoch_address(cid, epoch),
        ec.account_address(community.aggregator, community.currency),
    ]
    reads: list[str] = [setting_address(MARKETS_OPERATOR)]
    for m in sorted(members, key=lambda m: m.der):
        writes += _member_funds(cid, community.currency, m.der)
        if m.status in (Member.ACTIVE, Member.LEAVING) and rules.participates(m.joined_at, start):
            for meter_id in (m.connection_meter, m.der_meter):
                reads.append(blockmeter.meter_head_address(meter_id))
                reads += _rollups(meter_id, start, end)
    writes = _unique(writes)
    return with_ledger_time(_unique([*writes, *reads])), writes


def sweep(
    signer: Signer, *, community: Community, members: Sequence[Member], epoch: int
) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.EPOCH_SWEEP,
        epoch_sweep=EpochSweep(community_id=community.community_id, epoch=epoch),
    )
    inputs, outputs = sweep_addresses(community, members, epoch)
    return _transaction(signer, payload, inputs, outputs)


def dispute(
    signer: Signer,
    *,
    community_id: str,
    epoch: int,
    member: Member,
    evidence: Sequence[rules.Hour],
    reason: str,
) -> Transaction:
    """The member disputes its outcome; `evidence` is every hour of the epoch of its own meter
    (rules.hours_from_buckets over its day rollups gives them)."""
    payload = EnergyContractPayload(
        action=Action.EPOCH_DISPUTE,
        epoch_dispute=EpochDispute(
            community_id=community_id,
            epoch=epoch,
            reason=reason,
            evidence=[HourReading(hour_start=h.start, sum=h.sum, count=h.count) for h in evidence],
        ),
    )
    record = addr.epoch_address(community_id, epoch)
    found = addr.dispute_address(community_id, epoch, signer.public_key)
    reads = [
        addr.community_address(community_id),
        addr.member_address(community_id, signer.public_key),
    ]
    if evidence:
        reads += _rollups(member.der_meter, evidence[0].start, evidence[-1].start + 3600)
    return _transaction(
        signer, payload, with_ledger_time(_unique([record, found, *reads])), [record, found]
    )


def resolve(
    signer: Signer,
    *,
    community: Community,
    epoch: int,
    der: str,
    decision: str,
    note: str,
    corrected_delivered: int = 0,
) -> Transaction:
    """The operator (setting smartblocks.markets.operator) decides UPHOLD or ADJUST."""
    payload = EnergyContractPayload(
        action=Action.EPOCH_RESOLVE,
        epoch_resolve=EpochResolve(
            community_id=community.community_id,
            epoch=epoch,
            der=der,
            decision=enum_value(EpochResolve.Decision, decision),
            corrected_delivered=corrected_delivered,
            note=note,
        ),
    )
    cid = community.community_id
    writes = [
        addr.dispute_address(cid, epoch, der),
        addr.epoch_address(cid, epoch),
        addr.member_address(cid, der),
        ec.account_address(community.aggregator, community.currency),
        ec.account_address(der, community.currency),
    ]
    reads = [setting_address(MARKETS_OPERATOR), addr.community_address(cid)]
    return _transaction(signer, payload, with_ledger_time([*writes, *reads]), writes)
