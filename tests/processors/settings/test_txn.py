"""Client-side settings transactions: sawset's inputs and outputs, and the genesis batches."""

from __future__ import annotations

from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import setting_address
from smartblocks.processors.settings import txn
from smartblocks.processors.settings.addressing import (
    APPROVAL_THRESHOLD,
    AUTHORIZED_KEYS,
    PROPOSALS,
)
from smartblocks.processors.settings.handler import SettingsHandler
from smartblocks.protos.sawtooth_settings_pb2 import SettingProposal, SettingsPayload, SettingVote
from tests.processors.settings.test_handler import value
from tests.support.ledger import Ledger


def header(transaction) -> TransactionHeader:
    return TransactionHeader.FromString(transaction.header)


def proposal(transaction) -> SettingProposal:
    return SettingProposal.FromString(SettingsPayload.FromString(transaction.payload).data)


def test_inputs_and_outputs_are_sawsets():
    signer = Signer.generate()
    for transaction in (
        txn.propose(signer, "a.b", "1"),
        txn.vote(signer, "f" * 64, "a.b", "reject"),
    ):
        h = header(transaction)
        assert (h.family_name, h.family_version) == ("sawtooth_settings", "1.0")
        assert list(h.inputs) == [
            setting_address(PROPOSALS),
            setting_address(AUTHORIZED_KEYS),
            setting_address(APPROVAL_THRESHOLD),
            setting_address("a.b"),
        ]
        assert list(h.outputs) == [setting_address(PROPOSALS), setting_address("a.b")]
    ballot = SettingVote.FromString(
        SettingsPayload.FromString(txn.vote(signer, "f" * 64, "a.b", "reject").payload).data
    )
    assert ballot == SettingVote(proposal_id="f" * 64, vote=SettingVote.REJECT)


def test_nonces_make_equal_proposals_distinct():
    signer = Signer.generate()
    first, second = txn.propose(signer, "a.b", "1"), txn.propose(signer, "a.b", "1")
    assert txn.proposal_id_of(first) != txn.proposal_id_of(second)
    fixed = [txn.propose(signer, "a.b", "1", nonce="n") for _ in range(2)]
    assert txn.proposal_id_of(fixed[0]) == txn.proposal_id_of(fixed[1])


def test_genesis_batches_as_sawset_writes_them():
    validator, other = Signer.generate(), Signer.generate()
    batches = txn.genesis_batches(
        validator,
        [
            (APPROVAL_THRESHOLD, "2"),
            ("sawtooth.validator.batch_injectors", "block_info"),
            (AUTHORIZED_KEYS, other.public_key),
            ("smartblocks.blockmeter.authorities", "k"),
        ],
    )
    assert len(batches) == 2
    [bootstrap] = batches[0].transactions
    assert (proposal(bootstrap).setting, proposal(bootstrap).value) == (
        AUTHORIZED_KEYS,
        f"{other.public_key},{validator.public_key}",
    )
    # The threshold goes last, so it does not turn the settings before it into votes.
    assert [(proposal(t).setting, proposal(t).value) for t in batches[1].transactions] == [
        ("sawtooth.validator.batch_injectors", "block_info"),
        ("smartblocks.blockmeter.authorities", "k"),
        (APPROVAL_THRESHOLD, "2"),
    ]
    for batch in batches:
        for t in batch.transactions:
            assert header(t).signer_public_key == validator.public_key

    ledger = Ledger(SettingsHandler())
    for batch in batches:
        for t in batch.transactions:
            ledger.apply(t)
    assert value(ledger, "smartblocks.blockmeter.authorities") == "k"
    assert value(ledger, "sawtooth.validator.batch_injectors") == "block_info"
    assert value(ledger, APPROVAL_THRESHOLD) == "2"


def test_genesis_with_nothing_given_bootstraps_the_validator_key():
    validator = Signer.generate()
    [batch] = txn.genesis_batches(validator)
    [bootstrap] = batch.transactions
    assert proposal(bootstrap).value == validator.public_key
