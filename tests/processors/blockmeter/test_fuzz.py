"""Fuzz: random and mutated payloads only ever give InvalidTransaction (or apply validly), never
another exception; oversized payloads are rejected before they are parsed."""

from __future__ import annotations

import calendar
import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.limits import MAX_PAYLOAD_BYTES
from smartblocks.protos.blockmeter_pb2 import BlockMeterPayload
from tests.support.fuzz import EDITS, fuzz_settings, mutate

T0 = calendar.timegm((2026, 3, 1, 0, 0, 0))
READINGS = 4  # the record readings seed in build_seeds' list

FUZZ = fuzz_settings(400)


def build_seeds(world):
    """A valid payload of every action, in an order that applies, with the key that may send it."""
    key = Signer.generate().public_key
    seeds = [
        (
            txn.create_site(world.authority, site_id="s-2", owner_public_key=key, name="x"),
            world.authority,
        ),
        (
            txn.register_meter(
                world.owner,
                meter_id="g-2",
                site_id="s-1",
                kind="GAS",
                unit="MILLILITRE",
                mode="CUMULATIVE",
                rollover=10**6,
                nominal_interval_s=900,
                plausible_min=0,
                plausible_max=10**6,
            ),
            world.owner,
        ),
        (txn.bind_key(world.owner, meter_id="m-17", site_id="s-1", public_key=key), world.owner),
        (txn.revoke_key(world.owner, meter_id="m-17", site_id="s-1", public_key=key), world.owner),
        (txn.retire_meter(world.owner, meter_id="m-17", site_id="s-1"), world.owner),
        (
            txn.record_readings(
                world.device,
                meter_id="m-17",
                window_start=T0,
                interval_s=900,
                values=list(range(96)),
                quality=[0] * 95 + [1],
                raw_digest=bytes(32),
            ),
            world.device,
        ),
    ]
    # Readings before the retirement, so the sequence applies in order.
    seeds[4], seeds[5] = seeds[5], seeds[4]
    return [(t.payload, s.public_key) for t, s in seeds]


@pytest.fixture(scope="module")
def fuzzed(world_factory):
    """A world with a meter, and the seeds."""
    world = world_factory()
    world.meter("m-17")
    return world, build_seeds(world)


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def apply_safely(world, payload: bytes, signer_public_key: str) -> None:
    """Apply and then forget the outcome, so every example starts from the same state."""
    saved = world.ledger.state
    try:
        with contextlib.suppress(InvalidTransaction):
            world.ledger.apply_payload(payload, signer_public_key)
    finally:
        world.ledger.state = saved


def test_every_seed_applies(world_factory):
    world = world_factory()
    world.meter("m-17")
    for payload, signer in build_seeds(world):
        world.ledger.apply_payload(payload, signer)


@FUZZ
@given(data=st.binary(max_size=600))
def test_random_bytes(fuzzed, data):
    world, seeds = fuzzed
    apply_safely(world, data, seeds[0][1])


@FUZZ
@given(
    seed=st.integers(0, 5),
    edits=EDITS,
)
def test_mutated_payloads(fuzzed, seed, edits):
    world, seeds = fuzzed
    payload, signer = seeds[seed]
    data = mutate(payload, edits)
    apply_safely(world, data, signer)


@FUZZ
@given(
    action=st.integers(-5, 12),
    field=st.integers(1, 40),
    wire=st.sampled_from([0, 1, 2, 5]),
    value=st.binary(max_size=40),
)
def test_handmade_fields(fuzzed, action, field, wire, value):
    """Well-formed protobuf with unexpected fields, wire types and enum values."""
    world, seeds = fuzzed
    envelope = BlockMeterPayload()
    envelope.ParseFromString(seeds[READINGS][0])
    head = BlockMeterPayload(action=action).SerializeToString() if action >= 0 else b"\x08\xff"
    key = varint((field << 3) | wire)
    tail = {0: b"\x96\x01", 1: bytes(8), 2: bytes([len(value)]) + value, 5: bytes(4)}[wire]
    apply_safely(world, head + envelope.SerializeToString() + key + tail, seeds[READINGS][1])


def test_ten_megabyte_payload_rejected_by_size(fuzzed):
    world, seeds = fuzzed
    with pytest.raises(InvalidTransaction, match=f"the limit is {MAX_PAYLOAD_BYTES}"):
        world.ledger.apply_payload(b"\x08\x07" + b"\x00" * (10 * 1024 * 1024), seeds[READINGS][1])


def test_truncated_and_empty(fuzzed):
    world, seeds = fuzzed
    payload, signer = seeds[READINGS]
    for cut in (0, 1, 2, 5, len(payload) // 2, len(payload) - 1):
        with pytest.raises(InvalidTransaction):
            world.ledger.apply_payload(payload[:cut], signer)
