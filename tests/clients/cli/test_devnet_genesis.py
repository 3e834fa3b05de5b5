"""The devnet command's genesis settings (files, flags, defaults) and its system families."""

from __future__ import annotations

import pytest

from smartblocks.clients.cli import devnet_genesis
from smartblocks.ledger.errors import ConfigError, UserError
from smartblocks.ledger.keys import Signer

KEY = Signer.generate().public_key


def test_a_settings_file_names_settings_by_its_tables(tmp_path):
    path = tmp_path / "genesis.toml"
    path.write_text(
        "[smartblocks.blockmeter]\n"
        f'authorities = ["{KEY}", "{KEY.replace("0", "1", 1)[:2]}{KEY[2:]}"]\n'
        "[sawtooth.settings.vote]\n"
        "approval_threshold = 1\n"
        '"quoted.dotted.key" = "x"\n'
    )
    settings = devnet_genesis.read_settings_file(path)
    other = KEY.replace("0", "1", 1)[:2] + KEY[2:]
    assert settings == [
        ("smartblocks.blockmeter.authorities", f"{KEY},{other}"),
        ("sawtooth.settings.vote.approval_threshold", "1"),
        ("sawtooth.settings.vote.quoted.dotted.key", "x"),
    ]


def test_a_bad_value_in_a_settings_file_names_file_line_and_key(tmp_path):
    path = tmp_path / "genesis.toml"
    path.write_text("[smartblocks.blockmeter]\nauthorities = 1.5\n")
    with pytest.raises(ConfigError) as info:
        devnet_genesis.read_settings_file(path)
    assert str(info.value).startswith(f"{path}:2: smartblocks.blockmeter.authorities: must be a")


def test_flags_come_after_files_and_replace_their_values(tmp_path):
    path = tmp_path / "genesis.toml"
    path.write_text('[a]\nb = "from file"\nc = "kept"\n')
    settings = devnet_genesis.given_settings([path], ["a.b=from flag", "d.e=x=y", "f.g="])
    assert settings == [("a.b", "from flag"), ("a.c", "kept"), ("d.e", "x=y"), ("f.g", "")]


def test_known_settings_are_checked():
    with pytest.raises(UserError, match="lists a key twice"):
        devnet_genesis.given_settings([], [f"smartblocks.blockmeter.authorities={KEY},{KEY}"])
    with pytest.raises(UserError, match=r"sawtooth\.settings\.vote\.proposals is read-only"):
        devnet_genesis.given_settings([], ["sawtooth.settings.vote.proposals=x"])


def test_defaults_unless_given():
    assert devnet_genesis.with_defaults([("a.b", "1")]) == [
        ("sawtooth.validator.batch_injectors", "block_info"),
        (
            "sawtooth.validator.block_validation_rules",
            "NofX:1,block_info;XatY:block_info,0;local:0",
        ),
        ("a.b", "1"),
    ]
    own = [("sawtooth.validator.batch_injectors", "")]
    assert devnet_genesis.with_defaults(own)[-1:] == own


def test_system_families_are_those_this_build_has():
    assert devnet_genesis.system_families()[0] == "sawtooth_settings"
    assert set(devnet_genesis.system_families()) <= set(devnet_genesis.SYSTEM_FAMILIES)


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("tcp://0.0.0.0:4004", "tcp://127.0.0.1:4004"),
        ("tcp://*:4004", "tcp://127.0.0.1:4004"),
        ("tcp://10.0.0.5:4004", "tcp://10.0.0.5:4004"),
    ],
)
def test_local_url(url, local):
    assert devnet_genesis.local_url(url) == local
