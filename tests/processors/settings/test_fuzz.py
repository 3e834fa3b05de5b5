"""Fuzz: random and mutated settings payloads only ever give InvalidTransaction (or apply
validly), never another exception, from a state with pending proposals and a threshold of 2."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.settings import txn
from smartblocks.processors.settings.addressing import APPROVAL_THRESHOLD, AUTHORIZED_KEYS
from smartblocks.protos.sawtooth_settings_pb2 import SettingsPayload
from tests.processors.settings.conftest import Council
from tests.support.fuzz import EDITS, fuzz_settings, mutate

FUZZ = fuzz_settings(300)


@pytest.fixture(scope="module")
def fuzzed():
    """Three authorized keys, threshold 2, one pending proposal; seeds of every action."""
    council = Council(3, threshold=2)
    first, second, third = council.members
    pending = txn.propose(first, "smartblocks.blockmeter.authorities", first.public_key)
    council.ledger.apply(pending)
    pid = txn.proposal_id_of(pending)
    seeds = [
        (txn.propose(second, "sawtooth.validator.batch_injectors", "block_info"), second),
        (txn.propose(first, APPROVAL_THRESHOLD, "3"), first),
        (txn.propose(first, AUTHORIZED_KEYS, f"{first.public_key},{second.public_key}"), first),
        (txn.vote(second, pid, "smartblocks.blockmeter.authorities", "accept"), second),
        (txn.vote(third, pid, "smartblocks.blockmeter.authorities", "reject"), third),
    ]
    return council, [(t.payload, s.public_key) for t, s in seeds]


def apply_safely(council, payload: bytes, signer: str) -> None:
    saved = council.ledger.state
    try:
        with contextlib.suppress(InvalidTransaction):
            council.ledger.apply_payload(payload, signer)
    finally:
        council.ledger.state = saved


def test_every_seed_applies(fuzzed):
    council, seeds = fuzzed
    for payload, signer in seeds:
        saved = council.ledger.state
        council.ledger.apply_payload(payload, signer)
        council.ledger.state = saved


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(fuzzed, data):
    council, seeds = fuzzed
    apply_safely(council, data, seeds[0][1])


@FUZZ
@given(
    seed=st.integers(0, 4),
    edits=EDITS,
)
def test_mutated_payloads(fuzzed, seed, edits):
    council, seeds = fuzzed
    payload, signer = seeds[seed]
    data = mutate(payload, edits)
    apply_safely(council, data, signer)


@FUZZ
@given(
    seed=st.integers(0, 4),
    action=st.integers(0, 5),
    inner=st.binary(max_size=120),
    keep_inner=st.booleans(),
)
def test_mutated_inner_messages(fuzzed, seed, action, inner, keep_inner):
    """A well-formed envelope around a damaged or foreign proposal or vote."""
    council, seeds = fuzzed
    payload, signer = seeds[seed]
    data = SettingsPayload.FromString(payload).data
    envelope = SettingsPayload(action=action, data=(data + inner) if keep_inner else inner)
    apply_safely(council, envelope.SerializeToString(), signer)


def test_truncated_and_empty(fuzzed):
    council, seeds = fuzzed
    payload, signer = seeds[3]
    for cut in (0, 1, 2, 5, len(payload) // 2, len(payload) - 1):
        with pytest.raises(InvalidTransaction):
            council.ledger.apply_payload(payload[:cut], signer)
