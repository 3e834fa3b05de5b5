"""The Sawtooth 1.0 BlockInfo injector plugin (interop/sawtooth1/sawtooth_block_info) without a
validator: its hand-made wire format is protobuf's, and it makes the batch devnet's injector
makes. Runs in `make test`; the slow single-node suite runs it inside a real 1.0 validator."""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sawtooth_sdk.protobuf import batch_pb2, transaction_pb2
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig, BlockInfoTxn
from sawtooth_sdk.protobuf.block_pb2 import BlockHeader
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.devnet.chainstore import BlockRecord
from smartblocks.devnet.injector import BlockInfoInjector as DevnetInjector
from smartblocks.ledger.block_info import BLOCK_PREFIX, CONFIG_ADDRESS, block_address
from smartblocks.ledger.keys import Signer
from tests.integration.processes import REPO

PLUGIN = REPO / "interop" / "sawtooth1"
HEAD_ID = "ab" * 64
PREVIOUS_ID = "cd" * 64


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """The plugin's modules, with the 1.0 validator's protobuf modules played by the SDK's."""
    monkeypatch.syspath_prepend(str(PLUGIN))
    for name in ("sawtooth_validator", "sawtooth_validator.protobuf"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "sawtooth_validator.protobuf.batch_pb2", batch_pb2)
    monkeypatch.setitem(sys.modules, "sawtooth_validator.protobuf.transaction_pb2", transaction_pb2)
    for name in [m for m in sys.modules if m.startswith("sawtooth_block_info")]:
        monkeypatch.delitem(sys.modules, name)
    yield importlib.import_module("sawtooth_block_info.injector")
    for name in [m for m in sys.modules if m.startswith("sawtooth_block_info")]:
        del sys.modules[name]


@pytest.mark.parametrize(
    "fields",
    [
        dict(block_num=0, previous_block_id="0" * 16, signer_public_key="02" + "a" * 64,
             header_signature=HEAD_ID, timestamp=1_767_225_600),
        dict(block_num=2**64 - 1, previous_block_id="", signer_public_key="",
             header_signature="", timestamp=0),
        dict(block_num=300, previous_block_id="x" * 200, signer_public_key="k",
             header_signature="s", timestamp=2**40),
    ],
)  # fmt: skip
def test_wire_format_is_protobufs(plugin: types.ModuleType, fields: dict) -> None:
    wire = importlib.import_module("sawtooth_block_info.wire")
    expected = BlockInfoTxn(block=BlockInfo(**fields)).SerializeToString()
    assert wire.block_info_txn(**fields) == expected
    info = BlockInfo(**fields).SerializeToString()
    assert wire.timestamp_of(info) == fields["timestamp"]
    config = BlockInfoConfig(latest_block=fields["block_num"], target_count=256).SerializeToString()
    assert wire.latest_block(config) == fields["block_num"]
    assert wire.CONFIG_ADDRESS == CONFIG_ADDRESS and wire.BLOCK_PREFIX == BLOCK_PREFIX
    assert wire.block_address(fields["block_num"]) == block_address(fields["block_num"])


@dataclass
class Wrapper:
    """What the 1.0 block store gives for a block id (BlockWrapper)."""

    header: BlockHeader
    header_signature: str
    state_root_hash: str


class View:
    def __init__(self, state: dict[str, bytes]) -> None:
        self.state = state

    def get(self, address: str) -> bytes:
        return self.state[address]  # the 1.0 view raises KeyError for a missing address


class Views:
    def __init__(self, state: dict[str, bytes]) -> None:
        self.state = state

    def create_view(self, state_root: str) -> View:
        assert state_root == "root"
        return View(self.state)


class SawtoothSigner:
    """sawtooth_signing's Signer interface, over our key."""

    def __init__(self, signer: Signer) -> None:
        self.signer = signer

    def sign(self, message: bytes) -> str:
        return self.signer.sign(message)

    def get_public_key(self) -> types.SimpleNamespace:
        return types.SimpleNamespace(as_hex=lambda: self.signer.public_key)


def injected(
    plugin: types.ModuleType, state: dict[str, bytes], clock: float
) -> tuple[Batch, Batch]:
    """The batch the plugin makes and the one devnet's injector makes, for the same head."""
    signer = Signer.generate()
    header = BlockHeader(
        block_num=7, previous_block_id=PREVIOUS_ID, signer_public_key="02" + "e" * 64
    )
    store = {HEAD_ID: Wrapper(header, HEAD_ID, "root")}
    ours = plugin.BlockInfoInjector(
        store, Views(state), SawtoothSigner(signer), clock=lambda: clock
    )
    [batch] = ours.block_start(HEAD_ID)
    record = BlockRecord(7, HEAD_ID, header.SerializeToString(), "root")
    devnet = DevnetInjector(signer, clock=lambda: clock).block_start(record, state.get)
    return batch, devnet


def test_makes_the_batch_devnet_makes(plugin: types.ModuleType) -> None:
    batch, devnet = injected(plugin, {}, 1_767_225_600.7)
    [txn], [devnet_txn] = batch.transactions, devnet.transactions
    assert txn.payload == devnet_txn.payload
    info = BlockInfoTxn.FromString(txn.payload).block
    assert (info.block_num, info.header_signature, info.timestamp) == (7, HEAD_ID, 1_767_225_600)
    assert info.previous_block_id == PREVIOUS_ID
    ours, theirs = (
        TransactionHeader.FromString(txn.header),
        TransactionHeader.FromString(devnet_txn.header),
    )
    assert ours == theirs
    assert (ours.family_name, ours.family_version) == ("block_info", "1.0")
    # secp256k1 signatures are deterministic (RFC 6979): the same header, the same signature.
    assert txn.header_signature == devnet_txn.header_signature
    assert batch.header == devnet.header and batch.header_signature == devnet.header_signature


def test_never_records_a_timestamp_before_the_latest(plugin: types.ModuleType) -> None:
    state = {
        CONFIG_ADDRESS: BlockInfoConfig(latest_block=6).SerializeToString(),
        block_address(6): BlockInfo(block_num=6, timestamp=2_000_000_000).SerializeToString(),
    }
    batch, devnet = injected(plugin, state, 1_900_000_000)
    assert BlockInfoTxn.FromString(batch.transactions[0].payload).block.timestamp == 2_000_000_000
    assert batch.transactions[0].payload == devnet.transactions[0].payload
