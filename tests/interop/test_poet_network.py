"""SmartBlocks on a real 3-node Sawtooth 1.0.6 PoET network (the reference's up.sh, simulated
enclave): our processors (block_info, blockmeter) beside every validator, our BlockInfo injector
plugin in every validator, transactions submitted to node 0, and the same head and state root
on all three, with the records read back from node 2's REST API."""

from __future__ import annotations

import shlex
import subprocess
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartblocks.ledger.block_info import CONFIG_ADDRESS
from smartblocks.ledger.keys import write_key_files
from smartblocks.ledger.settings import BATCH_INJECTORS, setting_address
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.addressing import meter_head_address
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from tests.integration.blockmeter_fixtures import BlockMeterLedger
from tests.integration.conftest import Node as BlockMeterNode
from tests.integration.processes import Processor, get_json
from tests.interop.sawtooth10 import BLOCK_VALIDATION_RULES, REFERENCE, plugin_env, wait_until

pytestmark = pytest.mark.slow
NODES = 3


@dataclass
class Network:
    env: dict[str, str]
    data: Path

    @property
    def rests(self) -> list[str]:
        return self.env["RESTS"].split()

    @property
    def comps(self) -> list[str]:
        return self.env["COMPS"].split()


def read_env(path: Path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = " ".join(shlex.split(value))
    return env


def head(rest: str) -> tuple[int, str, str]:
    code, body = get_json(rest + "/blocks?limit=1", timeout=10)
    assert code == 200, body
    block = body["data"][0]
    return (
        int(block["header"]["block_num"]),
        block["header_signature"],
        block["header"]["state_root_hash"],
    )


@pytest.fixture(scope="module")
def network(
    sawtooth10_build: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Network, list[Processor]]]:
    data = tmp_path_factory.mktemp("poet") / "net"
    up = subprocess.run(
        [
            "bash",
            str(REFERENCE / "up.sh"),
            "-n",
            str(NODES),
            "-d",
            str(data),
            "-b",
            str(sawtooth10_build),
        ],
        env=plugin_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    processors: list[Processor] = []
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        net = Network(read_env(data / "env"), data)
        for i, comp in enumerate(net.comps):
            for family in ("block_info", "blockmeter"):
                processor = Processor(family, data / "logs" / f"tp-{family}{i}.out")
                processor.start(comp)
                processors.append(processor)
        yield net, processors
    finally:
        for processor in processors:
            processor.stop()
        if (data / "down.sh").exists():
            subprocess.run(["bash", str(data / "down.sh")], capture_output=True, timeout=200)


def test_three_validators_agree(network: tuple[Network, list[Processor]], tmp_path: Path) -> None:
    net, _ = network
    key_dir = tmp_path / "keys"
    authority_key, _, authority = write_key_files("authority", key_dir)
    # The genesis key (node 0's) is the settings voter: the BlockInfo injector, its validation
    # rules and BlockMeter's authority, by proposal on the running network.
    sawset = Path(net.env["BUILD"]) / "venv" / "bin" / "sawset"
    proposal = subprocess.run(
        [str(sawset), "proposal", "create", "-k", f"{net.env['HOME0']}/keys/validator.priv",
         "--url", net.rests[0], f"{BATCH_INJECTORS}=block_info",
         f"sawtooth.validator.block_validation_rules={BLOCK_VALIDATION_RULES}",
         f"{AUTHORITIES_SETTING}={authority.public_key}"],
        env=plugin_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proposal.returncode == 0, proposal.stdout + proposal.stderr

    def authority_set() -> bool:
        code, _ = get_json(f"{net.rests[2]}/state/{setting_address(AUTHORITIES_SETTING)}")
        return code == 200

    wait_until(authority_set, "the settings on node 2", timeout=120)

    # A site, a meter, a bound key and readings, all submitted to node 0.
    node0 = BlockMeterLedger(
        types_node(net.rests[0]), key_dir, (authority_key, authority_key, authority)
    )
    setup = node0.new_meter("poet")
    windows = [
        txn.record_readings(
            setup.device, meter_id=setup.meter_id, window_start=1_772_366_400 + 900 * k,
            interval_s=900, values=[100 + k],
        )
        for k in range(4)
    ]  # fmt: skip
    node0.submit(setup.device, *windows)

    # Node 2 reads them back, and all three end on the same head and state root.
    node2 = BlockMeterLedger(
        types_node(net.rests[2]), key_dir, (authority_key, authority_key, authority)
    )
    wait_until(
        lambda: node2.read(meter_head_address(setup.meter_id)),
        "the meter head on node 2",
        timeout=120,
    )
    assert node2.head(setup.meter_id).window_count == 4

    def agree() -> bool:
        heads = {head(rest) for rest in net.rests}
        return len(heads) == 1

    wait_until(agree, "the same head on all three nodes", timeout=180)
    num, _, _ = head(net.rests[1])
    assert num >= 3
    # BlockInfo ran on every node: ledger time is the same record everywhere.
    configs = {get_json(f"{rest}/state/{CONFIG_ADDRESS}")[1]["data"] for rest in net.rests}
    assert len(configs) == 1


def types_node(rest_url: str) -> BlockMeterNode:
    """What BlockMeterLedger reads of a node: its REST URL."""
    return types.SimpleNamespace(rest_url=rest_url)  # type: ignore[return-value]
