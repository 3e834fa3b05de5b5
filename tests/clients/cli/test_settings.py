"""`smartblocks settings` and the devnet's genesis settings, against a real `smartblocks devnet`
(a subprocess serving the settings family itself; real ZMQ and HTTP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartblocks.clients.cli.main import main
from smartblocks.ledger.keys import Signer, write_key_files
from tests.integration.processes import DevnetServer

AUTHORITIES = "smartblocks.blockmeter.authorities"
THRESHOLD = "sawtooth.settings.vote.approval_threshold"
VOTERS = "sawtooth.settings.vote.authorized_keys"


class Net:
    def __init__(self, tmp_path: Path) -> None:
        self.keys = tmp_path / "keys"
        self.authority = write_key_files("authority", self.keys)[2]
        self.voter = write_key_files("voter", self.keys)[2]
        self.stranger = write_key_files("stranger", self.keys)[2]
        self.data_dir = tmp_path / "devnet"
        self.devnet = DevnetServer(
            self.data_dir,
            "--setting", f"{AUTHORITIES}={self.authority.public_key}",
            "--setting", f"{VOTERS}={self.voter.public_key}",
        )  # fmt: skip

    def key(self, name: str) -> str:
        return str(
            self.data_dir / "validator.priv" if name == "validator" else self.keys / f"{name}.priv"
        )

    def cli(self, *args: str) -> int:
        return main(["settings", *args, "--url", self.devnet.rest_url])

    def validator(self) -> str:
        return (self.data_dir / "validator.pub").read_text().strip()


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    network = Net(tmp_path_factory.mktemp("settings"))
    network.devnet.start()
    try:
        yield network
    finally:
        network.devnet.stop()


def test_genesis_settings_are_on_the_chain(net: Net, capsys) -> None:
    assert net.cli("list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"{AUTHORITIES}: {net.authority.public_key}" in lines
    assert "sawtooth.validator.batch_injectors: block_info" in lines
    # sawset genesis: the given voters, then the validator's key.
    assert f"{VOTERS}: {net.voter.public_key},{net.validator()}" in lines
    assert net.cli("list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed[AUTHORITIES] == net.authority.public_key and THRESHOLD not in listed

    assert net.cli("show", AUTHORITIES) == 0
    assert capsys.readouterr().out == net.authority.public_key + "\n"
    assert net.cli("show", "no.such.setting") == 1
    assert "setting no.such.setting is not set on this ledger" in capsys.readouterr().err


def test_propose_vote_and_proposals(net: Net, capsys) -> None:
    new = Signer.generate().public_key
    # Bad values are caught before anything is signed.
    assert net.cli("propose", AUTHORITIES, "nonsense", "--key", net.key("validator")) == 1
    assert "item 1 ('nonsense') is not a public key" in capsys.readouterr().err
    assert net.cli("propose", AUTHORITIES, new, "--key", net.key("stranger")) == 1
    err = capsys.readouterr().err
    assert "your key" in err and f"is not in {VOTERS} (2 key(s))" in err

    # Threshold 1: applies at once. Then two accepts are needed.
    assert net.cli("propose", THRESHOLD, "2", "--key", net.key("validator")) == 0
    assert f"setting {THRESHOLD} is now 2" in capsys.readouterr().out
    assert net.cli("propose", AUTHORITIES, new, "--key", net.key("validator")) == 0
    out = capsys.readouterr().out
    assert "is pending: 1 accept, 0 reject of the 2 accepts it needs (2 voters)" in out
    proposal_id = out.split()[1]
    assert len(proposal_id) == 64

    assert net.cli("proposals") == 0
    out = capsys.readouterr().out
    assert f"{proposal_id}: {AUTHORITIES} = {new}" in out
    assert f"accept {net.validator()}" in out
    assert net.cli("proposals", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["approval_threshold"] == 2
    assert shown["proposals"][0]["votes"] == [{"public_key": net.validator(), "vote": "ACCEPT"}]

    assert net.cli("vote", proposal_id[:12], "accept", "--key", net.key("validator")) == 1
    assert "your key has already voted" in capsys.readouterr().err
    assert net.cli("vote", "abc", "accept", "--key", net.key("voter")) == 1
    assert "no pending proposal abc" in capsys.readouterr().err

    assert net.cli("vote", proposal_id[:12], "accept", "--key", net.key("voter")) == 0
    assert f"passed: setting {AUTHORITIES} is now {new}" in capsys.readouterr().out
    assert net.cli("show", AUTHORITIES) == 0
    assert capsys.readouterr().out.strip() == new
    assert net.cli("proposals") == 0
    assert capsys.readouterr().out.strip() == "no pending proposals"

    # A rejection by both voters drops a proposal.
    assert net.cli("propose", "smartblocks.markets.operator", new, "--key", net.key("voter")) == 0
    dropped = capsys.readouterr().out.split()[1]
    assert net.cli("vote", dropped, "reject", "--key", net.key("validator")) == 0
    assert "was rejected" in capsys.readouterr().out


def test_an_existing_chain_refuses_genesis_settings(tmp_path, capsys) -> None:
    data_dir = tmp_path / "d"
    first = DevnetServer(data_dir)
    first.start()
    first.stop()
    args = ["devnet", "--data-dir", str(data_dir), "--component", "tcp://127.0.0.1:0"]
    code = main([*args, "--rest-api", "off", "--setting", "a.b=1"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"the chain in {data_dir} already exists" in err
    assert "smartblocks settings propose KEY VALUE --key K" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--setting", "nonsense"], "--setting needs KEY=VALUE"),
        (["--setting", "=1"], "--setting needs KEY=VALUE"),
        (
            ["--setting", f"{AUTHORITIES}=02ab"],
            f"genesis setting {AUTHORITIES}: item 1 ('02ab') is not a public key",
        ),
        (["--setting", f"{THRESHOLD}=0"], "must be a positive whole number such as 2, not '0'"),
        (["--settings", "/nonexistent.toml"], "/nonexistent.toml: cannot read settings file"),
    ],
)
def test_bad_genesis_settings(tmp_path, capsys, args, message) -> None:
    code = main(["devnet", "--data-dir", str(tmp_path / "d"), "--rest-api", "off", *args])
    assert code == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "d" / "validator.priv").exists()
