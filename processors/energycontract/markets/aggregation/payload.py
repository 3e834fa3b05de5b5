"""Stateless checks of the aggregator agreements' payload bodies: anything wrong is an
InvalidTransaction naming the rule, the field and its value. Rules that need state (the
community's criteria, meters, balances, ledger time) are in actions.py."""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.arithmetic import PPM
from smartblocks.processors.kit.payload import check_id, check_public_key, check_range, check_text
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR
from smartblocks.protos.market_aggregation_pb2 import (
    CommunityOpen,
    DerAdmit,
    DerJoin,
    DerLeave,
    EpochDispute,
    EpochResolve,
    EpochSweep,
)

from ...terms import check_amount, check_currency
from . import limits

MAX_EPOCHS = 2**32 - 1


def check_open(body: CommunityOpen) -> None:
    what = f"open community {body.community_id}"
    check_id("open community: community id", body.community_id)
    check_text(f"{what}: name", body.name, required=True, max_length=limits.MAX_TEXT)
    check_currency(f"{what}: currency", body.currency)
    if body.first_epoch_start <= 0 or body.first_epoch_start % SECONDS_PER_HOUR:
        raise InvalidTransaction(
            f"{what}: first epoch start {body.first_epoch_start} is not a whole hour (Unix "
            "seconds divisible by 3600)"
        )
    check_range(f"{what}: epoch length", body.epoch_s, SECONDS_PER_HOUR, limits.MAX_EPOCH_S, "s")
    if body.epoch_s % SECONDS_PER_HOUR:
        raise InvalidTransaction(
            f"{what}: epoch length {body.epoch_s} s is not a whole number of hours (the meters' "
            "day rollups give hourly sums)"
        )
    check_range(f"{what}: data grace", body.data_grace_s, 0, limits.MAX_WINDOW_S, "s")
    check_range(f"{what}: dispute window", body.dispute_window_s, 0, limits.MAX_WINDOW_S, "s")
    c = body.criteria
    check_range(f"{what}: min capacity", c.min_capacity_w, 1, limits.MAX_CAPACITY_W, "W")
    check_range(
        f"{what}: max capacity", c.max_capacity_w, c.min_capacity_w, limits.MAX_CAPACITY_W, "W"
    )
    check_range(f"{what}: max price", c.max_price, 0, limits.MAX_PRICE, "micro-units/kWh")
    check_range(f"{what}: min deposit", c.min_deposit, 0, limits.MAX_DEPOSIT, "micro-units")
    check_range(f"{what}: size limit", c.max_members, 1, limits.MAX_MEMBERS, "members")
    check_range(f"{what}: commitment", c.commitment_ppm, 0, PPM, "ppm")
    check_range(f"{what}: penalty price", c.penalty_price, 0, limits.MAX_PRICE, "micro-units/kWh")


def check_join(body: DerJoin) -> None:
    what = f"join community {body.community_id}"
    check_id("join community: community id", body.community_id)
    check_id(f"{what}: DER meter", body.der_meter)
    check_id(f"{what}: connection meter", body.connection_meter)
    if body.der_meter == body.connection_meter:
        raise InvalidTransaction(
            f"{what}: the DER's meter and the connection meter are both {body.der_meter}; the "
            "agreement compares two meters"
        )
    check_range(f"{what}: capacity", body.capacity_w, 1, limits.MAX_CAPACITY_W, "W")
    check_range(f"{what}: price", body.price, 0, limits.MAX_PRICE, "micro-units/kWh")
    check_amount(f"{what}: deposit", body.deposit)


def check_admit(body: DerAdmit) -> None:
    what = f"admit into community {body.community_id}"
    check_id("admit: community id", body.community_id)
    check_public_key(f"{what}: DER", body.der)
    check_text(f"{what}: reason", body.reason, required=not body.admit, max_length=limits.MAX_TEXT)


def check_leave(body: DerLeave) -> None:
    check_id("leave community: community id", body.community_id)


def check_sweep(body: EpochSweep) -> None:
    check_id("sweep: community id", body.community_id)


def check_dispute(body: EpochDispute) -> None:
    what = f"dispute epoch {body.epoch} of community {body.community_id}"
    check_id("dispute: community id", body.community_id)
    check_text(f"{what}: reason", body.reason, required=True, max_length=limits.MAX_TEXT)
    hours = list(body.evidence)
    if not hours:
        raise InvalidTransaction(f"{what}: no evidence; give the DER meter's every hour")
    if len(hours) > limits.MAX_EPOCH_S // SECONDS_PER_HOUR:
        raise InvalidTransaction(
            f"{what}: {len(hours)} evidence hours; an epoch has at most "
            f"{limits.MAX_EPOCH_S // SECONDS_PER_HOUR}"
        )
    for i, hour in enumerate(hours):
        if hour.hour_start <= 0 or hour.hour_start % SECONDS_PER_HOUR:
            raise InvalidTransaction(
                f"{what}: evidence hour {i} starts at {hour.hour_start}, not a whole hour"
            )
        if i and hour.hour_start != hours[i - 1].hour_start + SECONDS_PER_HOUR:
            raise InvalidTransaction(
                f"{what}: evidence hour {i} starts at {hour.hour_start}; hours must follow each "
                f"other from {hours[0].hour_start} in time order"
            )
        if abs(hour.sum) > limits.MAX_ENERGY:
            raise InvalidTransaction(
                f"{what}: evidence hour {hour.hour_start} sum {hour.sum} mWh is outside "
                f"-{limits.MAX_ENERGY}..{limits.MAX_ENERGY}"
            )


def check_resolve(body: EpochResolve) -> None:
    what = f"resolve dispute on epoch {body.epoch} of community {body.community_id}"
    check_id("resolve: community id", body.community_id)
    check_public_key(f"{what}: DER", body.der)
    if body.decision not in (EpochResolve.UPHOLD, EpochResolve.ADJUST):
        raise InvalidTransaction(f"{what}: decision must be UPHOLD or ADJUST")
    if body.decision == EpochResolve.UPHOLD and body.corrected_delivered:
        raise InvalidTransaction(
            f"{what}: UPHOLD carries no corrected energy (it is {body.corrected_delivered})"
        )
    check_range(f"{what}: corrected energy", body.corrected_delivered, 0, limits.MAX_ENERGY, "mWh")
    check_text(f"{what}: note", body.note, required=True, max_length=limits.MAX_TEXT)
