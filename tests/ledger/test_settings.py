"""The shared settings helpers: stored values, and the checks on values a person gives."""

from __future__ import annotations

import pytest
from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import decode_setting, entry_value, value_problem

KEY = Signer.generate().public_key


def test_entry_value_finds_its_own_key():
    setting = Setting(entries=[Setting.Entry(key="a", value="1"), Setting.Entry(key="b", value="")])
    assert entry_value(setting, "a") == "1"
    assert entry_value(setting, "b") == ""
    assert entry_value(setting, "c") is None
    assert entry_value(None, "a") is None


def test_decode_setting_says_what_it_is_not():
    with pytest.raises(ValueError, match="not a Setting record"):
        decode_setting(b"\xff\xff")


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("smartblocks.blockmeter.authorities", KEY, None),
        ("smartblocks.blockmeter.authorities", f" {KEY} ,", None),
        ("smartblocks.blockmeter.authorities", "", "must list at least one public key"),
        ("smartblocks.markets.operator", "x", "item 1 ('x') is not a public key"),
        ("sawtooth.settings.vote.authorized_keys", f"{KEY},{KEY}", "lists a key twice"),
        ("sawtooth.settings.vote.approval_threshold", "3", None),
        ("sawtooth.settings.vote.approval_threshold", "03", "positive whole number"),
        ("sawtooth.settings.vote.approval_threshold", "٣", "positive whole number"),
        ("sawtooth.settings.vote.proposals", "", "is read-only"),
        ("anything.else", "whatever", None),
    ],
)
def test_value_problem(key, value, problem):
    found = value_problem(key, value)
    assert (found is None) if problem is None else (problem in (found or ""))
