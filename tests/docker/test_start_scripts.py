"""docker/scripts: the validator and PoET engine start scripts, run with stand-in Sawtooth tools.

Each stand-in records its arguments and makes the files the real tool would, so the tests see
what the scripts would run in the official images: genesis once, keys kept, peers passed on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "docker" / "scripts"
PEM = "-----BEGIN PUBLIC KEY-----\nsimulated\n-----END PUBLIC KEY-----"

STAND_IN = f"""#!{sys.executable}
import json, os, sys
from pathlib import Path

name, args = Path(sys.argv[0]).name, sys.argv[1:]
with open(os.environ["CALLS"], "a") as log:
    log.write(json.dumps([name, *args]) + "\\n")
out = Path(args[args.index("-o") + 1]) if "-o" in args else None
if name == "sawadm" and args[0] == "keygen":
    keys = Path(os.environ["KEYS_DIR"])
    (keys / "validator.priv").write_text("11" * 32 + "\\n")
    (keys / "validator.pub").write_text("02" + "22" * 32 + "\\n")
elif name == "sawadm" and args[0] == "genesis":
    Path(os.environ["DATA_DIR"], "genesis.batch").write_text("genesis")
elif name == "poet" and args[0] == "enclave":
    print("enclave-" + args[1])
elif out is not None:
    out.write_text(name)
"""
TOOLS = ["sawadm", "sawset", "sawtooth-validator", "poet", "poet-engine"]


class Node:
    """A scratch node: key, data and shared folders, stand-in tools, a call log."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.keys, self.data, self.shared = root / "keys", root / "data", root / "shared"
        for folder in (self.keys, self.data, self.shared, root / "bin"):
            folder.mkdir(exist_ok=True)
        stand_in = root / "bin" / "stand-in"
        stand_in.write_text(STAND_IN)
        stand_in.chmod(0o755)
        for tool in TOOLS:
            (root / "bin" / tool).symlink_to(stand_in)
        (root / "simulator_rk_pub.pem").write_text(PEM)
        self.calls_file = root / "calls.jsonl"

    def run(self, script: str, **env: str) -> subprocess.CompletedProcess[str]:
        self.calls_file.write_text("")
        full_env = {
            "PATH": f"{self.root / 'bin'}:{os.environ['PATH']}",
            "CALLS": str(self.calls_file),
            "KEYS_DIR": str(self.keys),
            "DATA_DIR": str(self.data),
            "SHARED_DIR": str(self.shared),
            "SIMULATOR_PEM": str(self.root / "simulator_rk_pub.pem"),
            **env,
        }
        return subprocess.run(
            ["bash", str(SCRIPTS / script)],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=30,
        )

    def calls(self) -> list[list[str]]:
        return [json.loads(line) for line in self.calls_file.read_text().splitlines()]

    def publish_genesis_material(self) -> None:
        """What poet-engine-0 leaves in the shared volume before validator-0 needs it."""
        for name in ("poet-enclave-measurement", "poet-enclave-basename", "poet.batch"):
            (self.shared / name).write_text(name)
        (self.shared / "simulator_rk_pub.pem").write_text(PEM)


@pytest.fixture
def node(tmp_path: Path) -> Node:
    return Node(tmp_path)


def ok(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr


AUTHORITY_A, AUTHORITY_B = "02" + "ab" * 32, "03" + "cd" * 32


def test_first_validator_writes_genesis_once_then_restarts_plainly(node: Node) -> None:
    node.publish_genesis_material()
    authorities = f"{AUTHORITY_A},{AUTHORITY_B}"
    ok(
        node.run(
            "validator.sh", NODE="validator-0", GENESIS="1", BLOCKMETER_AUTHORITIES=authorities
        )
    )
    calls = node.calls()
    assert [c[:2] for c in calls] == [
        ["sawadm", "keygen"],
        ["sawset", "genesis"],
        ["sawset", "proposal"],
        ["sawset", "proposal"],
        ["sawset", "proposal"],
        ["sawadm", "genesis"],
        ["sawtooth-validator", "-v"],
    ]
    consensus = calls[2]
    assert "sawtooth.consensus.algorithm.name=PoET" in consensus
    assert "sawtooth.consensus.algorithm.version=0.1" in consensus
    # The multi-line PEM must reach sawset as one argument.
    assert f"sawtooth.poet.report_public_key_pem={PEM}" in consensus
    assert "sawtooth.poet.valid_enclave_measurements=poet-enclave-measurement" in consensus
    # SmartBlocks' settings, signed by the validator key like the others.
    smartblocks = calls[4]
    assert smartblocks[:3] == ["sawset", "proposal", "create"]
    assert smartblocks[smartblocks.index("-k") + 1].endswith("keys/validator.priv")
    assert smartblocks[smartblocks.index("-o") + 1] == "smartblocks.batch"
    assert smartblocks[-3:] == [
        "sawtooth.validator.batch_injectors=block_info",
        "sawtooth.validator.block_validation_rules=NofX:1,block_info;XatY:block_info,0;local:0",
        f"smartblocks.blockmeter.authorities={authorities}",
    ]
    genesis = calls[5]
    assert [Path(a).name for a in genesis[2:]] == [
        "config-genesis.batch",
        "config.batch",
        "poet.batch",
        "poet-settings.batch",
        "smartblocks.batch",
    ]
    validator = calls[6]
    assert "--peers" not in validator
    assert validator[validator.index("--endpoint") + 1] == "tcp://validator-0:8800"
    assert validator[validator.index("--peering") + 1] == "static"
    assert (node.shared / "genesis.done").exists()

    # Restart: same keys, no second genesis, even once the chain's marker file is gone.
    (node.data / "genesis.batch").unlink()
    ok(node.run("validator.sh", NODE="validator-0", GENESIS="1"))
    assert [c[0] for c in node.calls()] == ["sawtooth-validator"]


def test_joining_validator_peers_and_never_founds_a_chain(node: Node) -> None:
    peers = "tcp://validator-0:8800,tcp://validator-1:8800"
    ok(node.run("validator.sh", NODE="validator-2", PEERS=peers))
    calls = node.calls()
    assert [c[0] for c in calls] == ["sawadm", "sawtooth-validator"]
    validator = calls[1]
    assert validator[validator.index("--peers") + 1] == peers
    assert validator[validator.index("--endpoint") + 1] == "tcp://validator-2:8800"


def test_first_engine_publishes_genesis_material(node: Node) -> None:
    (node.keys / "validator.priv").write_text("11" * 32 + "\n")
    (node.keys / "validator.pub").write_text("02" + "22" * 32 + "\n")
    ok(node.run("poet-engine.sh", NODE="validator-0", GENESIS="1"))
    assert (node.shared / "poet-enclave-measurement").read_text() == "enclave-measurement\n"
    assert (node.shared / "poet-enclave-basename").read_text() == "enclave-basename\n"
    assert (node.shared / "simulator_rk_pub.pem").read_text() == PEM
    assert (node.shared / "poet.batch").read_text() == "poet"
    assert not list(node.shared.glob("*.tmp"))
    engine = node.calls()[-1]
    assert engine == [
        "poet-engine",
        "-C",
        "tcp://validator-0:5050",
        "--component",
        "tcp://validator-0:4004",
    ]

    # A restart registers nothing new: the batch in the genesis block stays the one used.
    ok(node.run("poet-engine.sh", NODE="validator-0", GENESIS="1"))
    assert [c[0] for c in node.calls()] == ["poet-engine"]


def test_scripts_refuse_to_start_without_a_node_name(node: Node) -> None:
    for script in ("validator.sh", "poet-engine.sh"):
        result = node.run(script)
        assert result.returncode != 0
        assert "set NODE" in result.stderr
        assert node.calls() == []


def test_genesis_without_authorities_says_how_to_set_them(node: Node) -> None:
    node.publish_genesis_material()
    result = node.run("validator.sh", NODE="validator-0", GENESIS="1")
    ok(result)
    assert "BLOCKMETER_AUTHORITIES is not set: nobody can create sites until" in result.stdout
    smartblocks = node.calls()[4]
    assert smartblocks[-2:] == [
        "sawtooth.validator.batch_injectors=block_info",
        "sawtooth.validator.block_validation_rules=NofX:1,block_info;XatY:block_info,0;local:0",
    ]


@pytest.mark.parametrize("authorities", ["nonsense", f"{AUTHORITY_A},", AUTHORITY_A.upper()])
def test_malformed_authorities_stop_the_validator_before_anything(node: Node, authorities) -> None:
    node.publish_genesis_material()
    result = node.run(
        "validator.sh", NODE="validator-0", GENESIS="1", BLOCKMETER_AUTHORITIES=authorities
    )
    assert result.returncode == 1
    assert "BLOCKMETER_AUTHORITIES must be public keys" in result.stderr
    assert node.calls() == []
