"""Every settings rule and its rejection message, over the in-memory ledger (conftest.py)."""

from __future__ import annotations

import base64

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import decode_setting, entry_value, setting_address
from smartblocks.ledger.transactions import make_transaction
from smartblocks.processors.settings import txn
from smartblocks.processors.settings.addressing import (
    APPROVAL_THRESHOLD,
    AUTHORIZED_KEYS,
    PROPOSALS,
)
from smartblocks.processors.settings.handler import SettingsHandler
from smartblocks.protos.sawtooth_settings_pb2 import (
    SettingCandidates,
    SettingProposal,
    SettingsPayload,
    SettingVote,
)

UPDATE = "settings/update"


def value(ledger, key):
    data = ledger.state.get(setting_address(key))
    return entry_value(decode_setting(data), key) if data else None


def pending(ledger) -> SettingCandidates:
    return SettingCandidates.FromString(base64.b64decode(value(ledger, PROPOSALS) or ""))


def rejects(ledger, transaction, *fragments):
    before = dict(ledger.state)
    with pytest.raises(InvalidTransaction) as info:
        ledger.apply(transaction)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert ledger.state == before, "a rejected transaction changed state"
    return str(info.value)


def test_handler_identity():
    handler = SettingsHandler()
    assert handler.family_name == "sawtooth_settings"
    assert handler.family_versions == ["1.0"]
    assert handler.namespaces == ["000000"]


# -- bootstrap: nobody authorized yet -----------------------------------------------------------


def test_anyone_may_bootstrap_the_authorized_keys(ledger):
    a, b = Signer.generate(), Signer.generate()
    keys = f"{a.public_key}, {b.public_key}"
    ledger.apply(txn.propose(b, AUTHORIZED_KEYS, keys))
    assert value(ledger, AUTHORIZED_KEYS) == keys
    assert ledger.events == [(UPDATE, {"updated": AUTHORIZED_KEYS})]


def test_nothing_else_before_the_authorized_keys(ledger):
    rejects(
        ledger,
        txn.propose(Signer.generate(), "smartblocks.blockmeter.authorities", "x"),
        "cannot set smartblocks.blockmeter.authorities until "
        "sawtooth.settings.vote.authorized_keys is set",
    )


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("", "must list at least one public key"),
        (" , ,", "must list at least one public key"),
        ("nonsense", "item 1 ('nonsense') is not a public key"),
        ("{a},{A}", "item 2 ('0"),
        ("{a},{a}", "twice"),
    ],
)
def test_authorized_keys_must_be_distinct_public_keys(ledger, keys, message):
    a = Signer.generate().public_key
    text = keys.format(a=a, A=a.upper())
    rejects(ledger, txn.propose(Signer.generate(), AUTHORIZED_KEYS, text), message)


# -- authorization ------------------------------------------------------------------------------


def test_only_authorized_keys_propose_and_vote(council_factory):
    council = council_factory(2, threshold=2)
    stranger = Signer.generate()
    rejects(
        council.ledger,
        txn.propose(stranger, "a.b", "1"),
        f"propose a.b: signer {stranger.public_key[:10]}.. is not authorized to change settings",
        "not one of the 2 key(s) in sawtooth.settings.vote.authorized_keys",
    )
    proposal = txn.propose(council.members[0], "a.b", "1")
    council.ledger.apply(proposal)
    rejects(
        council.ledger,
        txn.vote(stranger, txn.proposal_id_of(proposal), "a.b", "accept"),
        "is not authorized to change settings",
    )


# -- threshold 1: proposals apply at once -------------------------------------------------------


def test_a_proposal_applies_at_once_and_overwrites(council_factory):
    council = council_factory()
    member = council.members[0]
    council.ledger.apply(txn.propose(member, "smartblocks.blockmeter.authorities", "k1"))
    council.ledger.apply(txn.propose(member, "smartblocks.blockmeter.authorities", "k2"))
    assert value(council.ledger, "smartblocks.blockmeter.authorities") == "k2"
    setting = decode_setting(
        council.ledger.state[setting_address("smartblocks.blockmeter.authorities")]
    )
    assert len(setting.entries) == 1
    assert (
        council.ledger.events == [(UPDATE, {"updated": "smartblocks.blockmeter.authorities"})] * 2
    )
    assert PROPOSALS not in {k for _, a in council.ledger.events for k in a.values()}


def test_other_keys_at_the_same_address_are_kept(council_factory):
    """Keys whose addresses collide share one Setting record; a new key is appended."""
    council = council_factory()
    address = setting_address("x.y")
    council.ledger.state[address] = Setting(
        entries=[Setting.Entry(key="other.key", value="kept")]
    ).SerializeToString()
    council.ledger.apply(txn.propose(council.members[0], "x.y", "new"))
    entries = decode_setting(council.ledger.state[address]).entries
    assert [(e.key, e.value) for e in entries] == [("other.key", "kept"), ("x.y", "new")]


def test_the_proposals_setting_is_read_only(council_factory):
    council = council_factory()
    rejects(
        council.ledger,
        txn.propose(council.members[0], PROPOSALS, ""),
        "sawtooth.settings.vote.proposals is read-only",
    )


@pytest.mark.parametrize(
    ("threshold", "message"),
    [
        ("0", "must be a positive whole number such as 2, not '0'"),
        ("-1", "not '-1'"),
        ("02", "not '02'"),
        (" 2", "not ' 2'"),
        ("two", "not 'two'"),
        ("3", "approval_threshold 3 is more than the 2 authorized key(s)"),
    ],
)
def test_approval_threshold_checks(council_factory, threshold, message):
    council = council_factory(2)
    rejects(council.ledger, txn.propose(council.members[0], APPROVAL_THRESHOLD, threshold), message)


def test_authorized_keys_cannot_drop_below_the_threshold(council_factory):
    council = council_factory(2, threshold=2)
    first = council.members[0]
    proposal = txn.propose(first, AUTHORIZED_KEYS, first.public_key)
    message = rejects(council.ledger, proposal, "1 key(s) are fewer than the approval threshold 2")
    assert "lower sawtooth.settings.vote.approval_threshold first" in message


# -- threshold above 1: candidates and votes ----------------------------------------------------


def test_a_proposal_waits_for_votes_and_applies_at_the_threshold(council_factory):
    council = council_factory(3, threshold=2)
    first, second, third = council.members
    proposal = txn.propose(first, "smartblocks.blockmeter.authorities", "k1", nonce="n1")
    pid = txn.proposal_id_of(proposal)
    council.ledger.apply(proposal)
    assert value(council.ledger, "smartblocks.blockmeter.authorities") is None
    [candidate] = pending(council.ledger).candidates
    assert candidate.proposal_id == pid
    assert candidate.proposal.setting == "smartblocks.blockmeter.authorities"
    assert [(v.public_key, v.vote) for v in candidate.votes] == [
        (first.public_key, SettingVote.ACCEPT)
    ]
    assert council.ledger.events == [(UPDATE, {"updated": PROPOSALS})]

    again = txn.propose(second, "smartblocks.blockmeter.authorities", "k1", nonce="n1")
    assert again.header_signature != proposal.header_signature
    rejects(
        council.ledger,
        again,
        f"duplicate proposal for smartblocks.blockmeter.authorities: proposal {pid[:16]}",
        "give a new nonce",
    )
    rejects(
        council.ledger,
        txn.vote(first, pid, "smartblocks.blockmeter.authorities", "accept"),
        f"{first.public_key[:10]}.. has already voted on proposal {pid[:16]}",
    )

    council.ledger.events.clear()
    council.ledger.apply(txn.vote(second, pid, "smartblocks.blockmeter.authorities", "accept"))
    assert value(council.ledger, "smartblocks.blockmeter.authorities") == "k1"
    assert list(pending(council.ledger).candidates) == []
    assert value(council.ledger, PROPOSALS) == ""  # saved empty, as settings-tp does
    assert council.ledger.events == [
        (UPDATE, {"updated": "smartblocks.blockmeter.authorities"}),
        (UPDATE, {"updated": PROPOSALS}),
    ]
    rejects(
        council.ledger,
        txn.vote(third, pid, "smartblocks.blockmeter.authorities", "accept"),
        f"proposal {pid} does not exist",
        "smartblocks settings proposals",
    )


def test_rejections_at_the_threshold_drop_a_proposal(council_factory):
    council = council_factory(3, threshold=2)
    first, second, third = council.members
    proposal = txn.propose(first, "a.b", "1")
    pid = txn.proposal_id_of(proposal)
    council.ledger.apply(proposal)
    council.ledger.apply(txn.vote(second, pid, "a.b", "reject"))
    assert len(pending(council.ledger).candidates) == 1
    council.ledger.apply(txn.vote(third, pid, "a.b", "reject"))
    assert list(pending(council.ledger).candidates) == []
    assert value(council.ledger, "a.b") is None


def test_a_proposal_is_dropped_once_every_key_has_voted(council_factory):
    council = council_factory(3, threshold=3)
    first, second, third = council.members
    proposal = txn.propose(first, "a.b", "1")
    pid = txn.proposal_id_of(proposal)
    council.ledger.apply(proposal)
    council.ledger.apply(txn.vote(second, pid, "a.b", "accept"))
    council.ledger.apply(txn.vote(third, pid, "a.b", "reject"))
    assert list(pending(council.ledger).candidates) == []
    assert value(council.ledger, "a.b") is None


def test_votes_keep_other_proposals(council_factory):
    council = council_factory(2, threshold=2)
    first, second = council.members
    p1, p2 = txn.propose(first, "a.b", "1"), txn.propose(second, "c.d", "2")
    council.ledger.apply(p1)
    council.ledger.apply(p2)
    council.ledger.apply(txn.vote(second, txn.proposal_id_of(p1), "a.b", "accept"))
    assert [c.proposal.setting for c in pending(council.ledger).candidates] == ["c.d"]
    assert value(council.ledger, "a.b") == "1"


def test_a_proposal_that_can_no_longer_apply_is_refused(council_factory):
    council = council_factory(3, threshold=2)
    first, second, third = council.members
    # Propose shrinking the keys to two, then raise the threshold to three meanwhile.
    shrink = txn.propose(first, AUTHORIZED_KEYS, f"{first.public_key},{second.public_key}")
    council.ledger.apply(shrink)
    raise_ = txn.propose(first, APPROVAL_THRESHOLD, "3")
    council.ledger.apply(raise_)
    council.ledger.apply(txn.vote(second, txn.proposal_id_of(raise_), APPROVAL_THRESHOLD, "accept"))
    council.ledger.apply(
        txn.vote(second, txn.proposal_id_of(shrink), AUTHORIZED_KEYS, "accept")
    )  # 2 of 3
    message = rejects(
        council.ledger,
        txn.vote(third, txn.proposal_id_of(shrink), AUTHORIZED_KEYS, "accept"),
        "would pass with this vote but can no longer be applied",
        "fewer than the approval threshold 3",
    )
    assert "vote reject to drop it" in message


# -- inputs and outputs -------------------------------------------------------------------------


def test_a_transaction_must_declare_what_it_reads(council_factory):
    council = council_factory(2, threshold=2)
    member = council.members[0]
    proposal = SettingProposal(setting="a.b", value="1", nonce="n")
    payload = SettingsPayload(action=SettingsPayload.PROPOSE, data=proposal.SerializeToString())
    inputs = [setting_address(AUTHORIZED_KEYS), setting_address(APPROVAL_THRESHOLD)]
    transaction = make_transaction(
        member, "sawtooth_settings", "1.0", payload.SerializeToString(), inputs,
        [setting_address("a.b")],
    )  # fmt: skip
    rejects(
        council.ledger,
        transaction,
        "transaction must list setting sawtooth.settings.vote.proposals (address "
        f"{setting_address(PROPOSALS)}) in its inputs",
    )


# -- payloads -----------------------------------------------------------------------------------


def raw(action, data: bytes) -> bytes:
    return SettingsPayload(action=action, data=data).SerializeToString()


def propose_raw(**fields) -> bytes:
    return raw(SettingsPayload.PROPOSE, SettingProposal(**fields).SerializeToString())


def vote_raw(**fields) -> bytes:
    return raw(SettingsPayload.VOTE, SettingVote(**fields).SerializeToString())


PROPOSE, VOTE = SettingsPayload.PROPOSE, SettingsPayload.VOTE


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\xff\xff", "payload is not a SettingsPayload"),
        (raw(0, b""), "payload action is 0; it must be PROPOSE (1) or VOTE (2)"),
        (raw(7, b""), "payload action is 7"),
        (raw(PROPOSE, b"\xff"), "the proposal in the payload is not a SettingProposal"),
        (raw(PROPOSE, b""), "proposal: the setting key is empty"),
        (propose_raw(setting="a b", value="1"), "setting key 'a b' has spaces"),
        (propose_raw(setting="k" * 257), "is 257 characters; the limit is 256"),
        (raw(VOTE, b"\xff"), "the vote in the payload is not a SettingVote"),
        (vote_raw(proposal_id="ab", vote=1), "vote: proposal id 'ab' is not 64 lowercase hex"),
        (vote_raw(proposal_id="a" * 64), "vote: the vote is 0, not ACCEPT (1) or REJECT (2)"),
        (b"\x12\x80\x80\x04" + bytes(65536), "payload is 65540 bytes; the limit is 65536"),
    ],
)
def test_bad_payloads(council_factory, payload, message):
    council = council_factory()
    with pytest.raises(InvalidTransaction) as info:
        council.ledger.apply_payload(payload, council.members[0].public_key)
    assert message in str(info.value)


def test_proposal_id_is_sha256_of_the_carried_bytes():
    import hashlib

    proposal = txn.propose(Signer.generate(), "a.b", "1", nonce="fixed")
    data = SettingsPayload.FromString(proposal.payload).data
    assert txn.proposal_id_of(proposal) == hashlib.sha256(data).hexdigest()
    assert SettingProposal.FromString(data) == SettingProposal(
        setting="a.b", value="1", nonce="fixed"
    )
