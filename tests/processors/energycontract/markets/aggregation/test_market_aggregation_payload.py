"""The stateless rules of the agreement's payloads: each rejected with the rule, the field and
its value before any state is read."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract.markets.aggregation import payload
from smartblocks.protos.market_aggregation_pb2 import (
    CommunityOpen,
    DerJoin,
    EpochDispute,
    EpochResolve,
    HourReading,
)

from .conftest import START, criteria


def opening(**changes) -> CommunityOpen:
    body = CommunityOpen(
        community_id="com-1",
        name="Valley",
        currency="EUR",
        first_epoch_start=START,
        epoch_s=3600,
        criteria=criteria(),
    )
    for name, value in changes.items():
        setattr(body, name, value)
    return body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_epoch_start": START + 60}, "first epoch start .* is not a whole hour"),
        ({"epoch_s": 5400}, "epoch length 5400 s is not a whole number of hours"),
        ({"epoch_s": 8 * 86_400}, "epoch length 691200 s is not within 3600..604800 s"),
        ({"currency": "eur"}, "is not a currency code"),
        ({"name": " "}, "name is empty"),
    ],
)
def test_open(changes, message) -> None:
    payload.check_open(opening())
    with pytest.raises(InvalidTransaction, match=message):
        payload.check_open(opening(**changes))


def test_open_criteria() -> None:
    body = opening()
    body.criteria.CopyFrom(criteria(min_capacity_w=5_000, max_capacity_w=1_000))
    with pytest.raises(InvalidTransaction, match="max capacity 1000 W is not within 5000"):
        payload.check_open(body)
    body.criteria.CopyFrom(criteria(commitment_ppm=1_000_001))
    with pytest.raises(InvalidTransaction, match="commitment 1000001 ppm"):
        payload.check_open(body)


def test_join_needs_two_meters() -> None:
    body = DerJoin(
        community_id="c", der_meter="m", connection_meter="m", capacity_w=10, price=1, deposit=1
    )
    with pytest.raises(InvalidTransaction, match="are both m; the agreement compares two"):
        payload.check_join(body)


def test_dispute_evidence_in_time_order() -> None:
    hours = [HourReading(hour_start=START + h * 3600, sum=1, count=1) for h in (0, 1, 3)]
    body = EpochDispute(community_id="c", epoch=0, reason="r", evidence=hours)
    with pytest.raises(InvalidTransaction, match=r"evidence hour 2 starts at .* must follow"):
        payload.check_dispute(body)
    with pytest.raises(InvalidTransaction, match="no evidence"):
        payload.check_dispute(EpochDispute(community_id="c", epoch=0, reason="r"))


def test_resolve() -> None:
    der = "02" + "ab" * 32
    body = EpochResolve(
        community_id="c",
        epoch=0,
        der=der,
        decision=EpochResolve.UPHOLD,
        note="n",
        corrected_delivered=5,
    )
    with pytest.raises(InvalidTransaction, match="UPHOLD carries no corrected energy"):
        payload.check_resolve(body)
    body.decision = EpochResolve.DECISION_UNSET
    with pytest.raises(InvalidTransaction, match="decision must be UPHOLD or ADJUST"):
        payload.check_resolve(body)
