"""Settings addresses and records against Sawtooth's published formula and values."""

from __future__ import annotations

import hashlib

import pytest
from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.settings import setting_address, split_list
from smartblocks.processors.kit.settings import setting_address as kit_setting_address
from smartblocks.processors.settings import addressing
from smartblocks.protos import sawtooth_settings_pb2 as pb


def short(part: str) -> str:
    return hashlib.sha256(part.encode()).hexdigest()[:16]


# Well-known addresses, as they appear in Sawtooth's documentation and validator logs.
PUBLISHED = {
    "sawtooth.settings.vote.authorized_keys": (
        "000000a87cb5eafdcca6a8cde0fb0dec1400c5ab274474a6aa82c12840f169a04216b7"
    ),
    "sawtooth.settings.vote.proposals": (
        "000000a87cb5eafdcca6a8cde0fb0dec1400c5ab274474a6aa82c1c0cbf0fbcaf64c0b"
    ),
    "sawtooth.settings.vote.approval_threshold": (
        "000000a87cb5eafdcca6a8cde0fb0dec1400c5ab274474a6aa82c1918142591ba4e8a7"
    ),
}


@pytest.mark.parametrize(("key", "address"), sorted(PUBLISHED.items()))
def test_published_addresses(key, address):
    assert setting_address(key) == address
    assert kit_setting_address(key) == address


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        ("sawtooth.validator.batch_injectors", ["sawtooth", "validator", "batch_injectors", ""]),
        ("smartblocks.blockmeter.authorities", ["smartblocks", "blockmeter", "authorities", ""]),
        ("a", ["a", "", "", ""]),
        ("a.b", ["a", "b", "", ""]),
        # Only three splits: the fourth part keeps the rest of the key, dots included.
        ("a.b.c.d.e.f", ["a", "b", "c", "d.e.f"]),
        ("a..b", ["a", "", "b", ""]),
    ],
)
def test_the_formula(key, parts):
    assert setting_address(key) == "000000" + "".join(short(p) for p in parts)
    assert len(setting_address(key)) == 70


def test_family_identity():
    assert (addressing.FAMILY_NAME, addressing.FAMILY_VERSION) == ("sawtooth_settings", "1.0")
    assert addressing.NAMESPACE == "000000"
    assert addressing.vote_addresses() == [
        PUBLISHED["sawtooth.settings.vote.proposals"],
        PUBLISHED["sawtooth.settings.vote.authorized_keys"],
        PUBLISHED["sawtooth.settings.vote.approval_threshold"],
    ]


def test_setting_bytes_match_a_sawtooth_validator_log():
    """Sawtooth's docs show the validator reading the authorized keys as these bytes."""
    key = "03e3ccf73dd618ef1abe18da84d3cf5838a5d292d36ef8857a60b5ad04fd4ab517"
    setting = Setting(
        entries=[Setting.Entry(key="sawtooth.settings.vote.authorized_keys", value=key)]
    )
    expected = b"\nl\n&sawtooth.settings.vote.authorized_keys\x12B" + key.encode()
    assert setting.SerializeToString() == expected


def test_wire_format_field_numbers_and_enums():
    """Sawtooth 1.2's settings.proto, field by field."""

    def fields(message):
        return {f.name: f.number for f in message.DESCRIPTOR.fields}

    assert fields(pb.SettingsPayload) == {"action": 1, "data": 2}
    assert fields(pb.SettingProposal) == {"setting": 1, "value": 2, "nonce": 3}
    assert fields(pb.SettingVote) == {"proposal_id": 1, "vote": 2}
    assert fields(pb.SettingCandidate) == {"proposal_id": 1, "proposal": 2, "votes": 3}
    assert fields(pb.SettingCandidate.VoteRecord) == {"public_key": 1, "vote": 2}
    assert fields(pb.SettingCandidates) == {"candidates": 1}
    assert dict(pb.SettingsPayload.Action.items()) == {"ACTION_UNSET": 0, "PROPOSE": 1, "VOTE": 2}
    assert dict(pb.SettingVote.Vote.items()) == {"VOTE_UNSET": 0, "ACCEPT": 1, "REJECT": 2}
    # A proposal as sawset serializes it: tags 0x0a, 0x12, 0x1a.
    proposal = pb.SettingProposal(setting="a", value="b", nonce="c").SerializeToString()
    assert proposal == b"\n\x01a\x12\x01b\x1a\x01c"


def test_split_list_trims_and_drops_empty_items():
    assert split_list(" a, b ,,c ,") == ["a", "b", "c"]
    assert split_list("") == [] and split_list(None) == []
