"""The settings family's descriptor: served by `smartblocks tp`, shown by the portal."""

from __future__ import annotations

from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.clients.portal.families import default_registry
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import setting_address
from smartblocks.processors.families import FAMILIES, load_handler
from smartblocks.processors.settings import FAMILY, txn
from smartblocks.processors.settings.addressing import PROPOSALS
from smartblocks.processors.settings.handler import SettingsHandler
from tests.processors.settings.conftest import Council


def test_registered_under_its_name():
    assert FAMILIES["sawtooth_settings"] is FAMILY
    assert isinstance(load_handler("sawtooth_settings"), SettingsHandler)
    assert FAMILY.namespace == "000000"


def test_records_are_shown_as_settings_and_proposals():
    council = Council(2, threshold=2)
    proposal = txn.propose(council.members[0], "a.b", "1", nonce="n")
    council.ledger.apply(proposal)
    state = council.ledger.state

    kind, shown = FAMILY.show_record(setting_address("a.b"), Setting().SerializeToString())
    assert (kind, shown) == ("setting", {"entries": []})
    kind, shown = FAMILY.show_record(
        setting_address("sawtooth.settings.vote.approval_threshold"),
        state[setting_address("sawtooth.settings.vote.approval_threshold")],
    )
    assert shown == {
        "entries": [{"key": "sawtooth.settings.vote.approval_threshold", "value": "2"}]
    }
    kind, shown = FAMILY.show_record(setting_address(PROPOSALS), state[setting_address(PROPOSALS)])
    assert kind == "proposals"
    [candidate] = shown["candidates"]
    assert candidate["proposal_id"] == txn.proposal_id_of(proposal)
    assert candidate["proposal"] == {"setting": "a.b", "value": "1", "nonce": "n"}
    assert candidate["votes"] == [{"public_key": council.members[0].public_key, "vote": "ACCEPT"}]


def test_payloads_are_shown_decoded():
    signer = Signer.generate()
    proposal = txn.propose(signer, "a.b", "1", nonce="n")
    assert FAMILY.show_payload(proposal.payload) == {
        "action": "PROPOSE",
        "proposal_id": txn.proposal_id_of(proposal),
        "proposal": {"setting": "a.b", "value": "1", "nonce": "n"},
    }
    vote = txn.vote(signer, "a" * 64, "a.b", "accept")
    assert FAMILY.show_payload(vote.payload) == {
        "action": "VOTE",
        "vote": {"proposal_id": "a" * 64, "vote": "ACCEPT"},
    }


def test_the_portal_shows_settings_state_and_payloads():
    registry = default_registry()
    assert registry.for_address(setting_address("a.b")).name == "sawtooth_settings"
    entry = Setting(entries=[Setting.Entry(key="a.b", value="1")]).SerializeToString()
    shown = registry.state(setting_address("a.b"), entry)
    assert (shown["family"], shown["type"], shown["error"]) == (
        "sawtooth_settings",
        "setting",
        None,
    )
    assert shown["decoded"] == {"entries": [{"key": "a.b", "value": "1"}]}
    payload = registry.payload("sawtooth_settings", b"\xff")
    assert payload["decoded"] is None and "does not decode" in payload["error"]
