"""Fuzz: random, mutated and hand-made payloads only ever give InvalidTransaction (or apply
validly), never another exception, and a rejected payload leaves state unchanged."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter.addressing import NAMESPACE as BLOCKMETER
from smartblocks.processors.blockpredict import txn
from smartblocks.processors.blockpredict.addressing import NAMESPACE
from smartblocks.processors.blockpredict.limits import MAX_PAYLOAD_BYTES
from smartblocks.protos.blockpredict_pb2 import BlockPredictPayload
from tests.processors.blockpredict.conftest import DAY, T0, World
from tests.support.fuzz import EDITS, fuzz_settings, mutate
from tests.support.ledger import SHARED_READS

FUZZ = fuzz_settings(300)
FAMILY = "blockpredict"
POST, SCORE = 2, 3  # positions in the seeds


def build_seeds(world: World) -> list[tuple[bytes, str]]:
    """A valid payload of every action, in an order that applies, with its signer's key."""
    key = Signer.generate().public_key
    forecaster = world.forecaster
    seeds = [
        (txn.grant_forecaster(world.owner, site_id="s-1", public_key=key), world.owner),
        (txn.revoke_forecaster(world.owner, site_id="s-1", public_key=key), world.owner),
        (
            txn.post_forecast(
                forecaster,
                meter_id="m-1",
                site_id="s-1",
                start=T0 + DAY,
                end=T0 + 2 * DAY,
                resolution_s=900,
                values=list(range(96)),
                model_name="fuzz",
                model_version="1",
            ),
            forecaster,
        ),
        (
            txn.score_forecast(
                world.owner,
                meter_id="m-1",
                start=T0,
                end=T0 + DAY,
                issuer=forecaster.public_key,
                resolution_s=3600,
            ),
            world.owner,
        ),
    ]
    return [(t.payload, s.public_key) for t, s in seeds]


@pytest.fixture(scope="module")
def fuzzed():
    """A world with a forecast of T0's day and the meter's readings of it: every seed applies."""
    world = World()
    world.post([1000] * 24)
    world.record(T0, [250] * 96)
    world.set_time(T0 + 60)  # before the seeds' forecast of the next day
    return world, build_seeds(world)


def apply_payload(world: World, payload: bytes, signer_public_key: str) -> None:
    """Any payload bytes, unsigned, declaring what BlockPredict may read (its namespace,
    BlockMeter's, ledger time and the settings) and write (its namespace)."""
    header = TransactionHeader(
        family_name=FAMILY,
        family_version="1.0",
        signer_public_key=signer_public_key,
        inputs=[NAMESPACE, BLOCKMETER, *SHARED_READS],
        outputs=[NAMESPACE],
    )
    world.ledger.apply_request(TpProcessRequest(header=header, payload=payload))


def apply_safely(world: World, payload: bytes, signer_public_key: str) -> None:
    """Apply and forget the outcome, so every example starts from the same state."""
    saved = dict(world.ledger.state)
    try:
        with contextlib.suppress(InvalidTransaction):
            apply_payload(world, payload, signer_public_key)
    finally:
        world.ledger.state = saved


def test_every_seed_applies(fuzzed):
    world, seeds = fuzzed
    saved = dict(world.ledger.state)
    for payload, signer in seeds:
        apply_payload(world, payload, signer)
    world.ledger.state = saved


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes(fuzzed, data):
    world, seeds = fuzzed
    apply_safely(world, data, seeds[POST][1])


@FUZZ
@given(
    seed=st.integers(0, 3),
    edits=EDITS,
)
def test_mutated_payloads(fuzzed, seed, edits):
    world, seeds = fuzzed
    payload, signer = seeds[seed]
    apply_safely(world, mutate(payload, edits), signer)


@FUZZ
@given(
    start=st.integers(-(2**63), 2**63 - 1),
    end=st.integers(-(2**63), 2**63 - 1),
    resolution=st.sampled_from([-900, 0, 1, 900, 3600, 86_400, 2**31 - 1]),
    values=st.lists(st.integers(-(2**63), 2**63 - 1), max_size=30),
)
def test_forecast_fields_at_their_extremes(fuzzed, start, end, resolution, values):
    world, seeds = fuzzed
    envelope = BlockPredictPayload.FromString(seeds[POST][0])
    body = envelope.post_forecast
    body.start, body.end, body.resolution_s = start, end, resolution
    body.values[:] = values
    apply_safely(world, envelope.SerializeToString(), seeds[POST][1])


@FUZZ
@given(start=st.integers(-(2**63), 2**63 - 1), issuer=st.text(max_size=70))
def test_score_fields_at_their_extremes(fuzzed, start, issuer):
    world, seeds = fuzzed
    envelope = BlockPredictPayload.FromString(seeds[SCORE][0])
    envelope.score_forecast.start = start
    envelope.score_forecast.issuer = issuer
    apply_safely(world, envelope.SerializeToString(), seeds[SCORE][1])


def test_ten_megabyte_payload_rejected_by_size(fuzzed):
    world, seeds = fuzzed
    with pytest.raises(InvalidTransaction, match=f"the limit is {MAX_PAYLOAD_BYTES}"):
        apply_payload(world, b"\x08\x03" + b"\x00" * (10 * 1024 * 1024), seeds[0][1])


def test_truncated_and_empty(fuzzed):
    world, seeds = fuzzed
    payload, signer = seeds[POST]
    for cut in (0, 1, 2, 5, len(payload) // 2, len(payload) - 1):
        with pytest.raises(InvalidTransaction):
            apply_payload(world, payload[:cut], signer)
