"""Genesis: block 0 with genesis batches (as `sawadm genesis` makes it), waiting for their
processors; the validator key of an existing chain (finding F14)."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator

import pytest
from sawtooth_sdk.protobuf.events_pb2 import EventList
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChangeList, TransactionReceipt

from smartblocks.devnet.genesis import GenesisError
from smartblocks.devnet.node import DB_FILE, Devnet, DevnetConfig, chain_exists
from smartblocks.devnet.state.merkle import EMPTY_ROOT
from smartblocks.ledger.errors import KeyFileError
from smartblocks.ledger.keys import Signer, load_signer
from smartblocks.ledger.settings import decode_setting, entry_value, setting_address
from smartblocks.processors.kv.handler import KvHandler
from smartblocks.processors.runtime import ProcessorRuntime
from smartblocks.processors.settings import txn as settings_txn
from smartblocks.processors.settings.handler import SettingsHandler
from tests.devnet.conftest import FAST_RULES, until
from tests.devnet.helpers import kv_batch
from tests.support.runtime_thread import RuntimeThread, quick_backoff, quick_timeouts

AUTHORITIES = "smartblocks.blockmeter.authorities"


def config(data_dir, batches=()) -> DevnetConfig:
    return DevnetConfig(
        data_dir,
        "tcp://127.0.0.1:0",
        FAST_RULES,
        genesis_batches=[b.SerializeToString() for b in batches],
    )


def validator_key(data_dir) -> Signer:
    """The key `smartblocks devnet` signs genesis batches with: the devnet's own, made first."""
    from smartblocks.devnet.genesis import load_or_create_key

    data_dir.mkdir(parents=True, exist_ok=True)
    return load_or_create_key(data_dir)


def serve(url: str, *handlers) -> RuntimeThread:
    runtime = ProcessorRuntime(
        url, list(handlers), backoff=quick_backoff(), timeouts=quick_timeouts()
    )
    return RuntimeThread(runtime)


@pytest.fixture
async def stopping() -> AsyncIterator[list]:
    """Devnets and runtimes to stop when the test ends, runtimes first."""
    things: list = []
    yield things
    for thing in reversed(things):
        await thing.stop()


async def test_block_zero_holds_the_genesis_batches(tmp_path, stopping) -> None:
    data_dir = tmp_path / "d"
    validator = validator_key(data_dir)
    batches = settings_txn.genesis_batches(
        validator, [(AUTHORITIES, "k1"), ("sawtooth.validator.batch_injectors", "block_info")]
    )
    node = Devnet(config(data_dir, batches))
    stopping.append(node)
    url = await node.bind()
    stopping.append(serve(url, SettingsHandler()))
    await node.start()

    genesis = node.store.block_by_num(0)
    assert node.ledger.head.id == genesis.id
    header = genesis.header
    assert header.consensus == b"Genesis" and header.previous_block_id == "0" * 16
    assert list(header.batch_ids) == [b.header_signature for b in batches]
    assert header.signer_public_key == validator.public_key
    assert genesis.state_root != EMPTY_ROOT

    data = node.ledger.read_head(setting_address(AUTHORITIES))
    assert entry_value(decode_setting(data), AUTHORITIES) == "k1"
    keys = node.ledger.read_head(setting_address("sawtooth.settings.vote.authorized_keys"))
    assert validator.public_key in entry_value(
        decode_setting(keys), "sawtooth.settings.vote.authorized_keys"
    )

    txn_ids = [t.header_signature for b in batches for t in b.transactions]
    receipts = [TransactionReceipt.FromString(node.store.receipt(t)) for t in txn_ids]
    assert [r.events[0].attributes[0].value for r in receipts] == [
        "sawtooth.settings.vote.authorized_keys",
        AUTHORITIES,
        "sawtooth.validator.batch_injectors",
    ]
    events = EventList.FromString(node.store.block_events(0)).events
    assert [e.event_type for e in events] == [
        "sawtooth/block-commit",
        "settings/update",
        "settings/update",
        "settings/update",
        "sawtooth/state-delta",
    ]
    delta = StateChangeList.FromString(events[-1].data)
    assert setting_address(AUTHORITIES) in [c.address for c in delta.state_changes]
    assert chain_exists(data_dir)


async def test_genesis_waits_for_its_processors(tmp_path, stopping, caplog, signer) -> None:
    caplog.set_level(logging.INFO, logger="smartblocks.devnet")
    node = Devnet(config(tmp_path / "d", [kv_batch(signer, ("set", "g", 7))]))
    stopping.append(node)
    url = await node.bind()
    starting = asyncio.create_task(node.start())
    await until(lambda: "genesis: waiting for transaction processors" in caplog.text)
    assert "to register: kv 1.0 (block 0 is written once they have)" in caplog.text
    assert not starting.done() and not chain_exists(tmp_path / "d")
    stopping.append(serve(url, KvHandler()))
    await asyncio.wait_for(starting, 20)
    assert node.ledger.head.num == 0
    assert len(node.store.block_by_num(0).header.batch_ids) == 1


async def test_an_invalid_genesis_batch_writes_no_block(tmp_path, stopping, signer) -> None:
    data_dir = tmp_path / "d"
    bad = kv_batch(signer, ("inc", "missing", 1))  # kv refuses inc of a missing name
    node = Devnet(config(data_dir, [bad]))
    url = await node.bind()
    runtime = serve(url, KvHandler())
    stopping.append(runtime)
    with pytest.raises(GenesisError) as info:
        await node.start()
    assert f"genesis batch {bad.header_signature[:16]}.. is invalid" in str(info.value)
    assert "no genesis block was written" in str(info.value)
    assert not chain_exists(data_dir)

    # Started again with a good batch, the same data dir makes its genesis.
    good = Devnet(config(data_dir, [kv_batch(signer, ("set", "g", 1))]))
    stopping.append(good)
    await runtime.stop()
    url = await good.bind()
    stopping.append(serve(url, KvHandler()))
    await good.start()
    assert good.ledger.head.num == 0


async def test_malformed_genesis_batches_are_refused_before_anything(tmp_path) -> None:
    node = Devnet(DevnetConfig(tmp_path / "d", "tcp://127.0.0.1:0", genesis_batches=[b"\xff"]))
    with pytest.raises(GenesisError, match="genesis batch 1 is malformed: undecodable batch"):
        await node.start()


async def test_an_existing_chain_takes_no_genesis_batches(tmp_path, signer) -> None:
    data_dir = tmp_path / "d"
    first = Devnet(config(data_dir))
    await first.start()
    await first.stop()
    again = Devnet(config(data_dir, [kv_batch(signer, ("set", "g", 1))]))
    with pytest.raises(GenesisError, match="already has its genesis block"):
        await again.start()


# -- the validator key of an existing chain (F14) -----------------------------------------------


async def make_chain(data_dir) -> str:
    node = Devnet(config(data_dir))
    await node.start()
    public_key = node.signer.public_key
    await node.stop()
    return public_key


async def test_a_chain_without_its_key_is_refused(tmp_path) -> None:
    data_dir = tmp_path / "d"
    await make_chain(data_dir)
    (data_dir / "validator.priv").unlink()
    (data_dir / "validator.pub").unlink()
    with pytest.raises(KeyFileError) as info:
        await Devnet(config(data_dir)).start()
    message = str(info.value)
    assert f"the chain in {data_dir} exists, but its validator key" in message
    assert "restore validator.priv" in message and "use a new data dir (--data-dir)" in message
    assert not (data_dir / "validator.priv").exists(), "no new key may be made for the chain"


async def test_a_public_key_without_its_private_key_is_refused(tmp_path) -> None:
    data_dir = tmp_path / "d"
    await make_chain(data_dir)
    (data_dir / "validator.priv").unlink()
    with pytest.raises(KeyFileError) as info:
        await Devnet(config(data_dir)).start()
    message = str(info.value)
    assert "private key" in message and "is missing, but its public key" in message
    assert "restore validator.priv from your backup" in message
    assert "--force" not in message


async def test_a_public_key_alone_in_a_new_data_dir_is_refused(tmp_path) -> None:
    data_dir = tmp_path / "d"
    data_dir.mkdir()
    (data_dir / "validator.pub").write_text(Signer.generate().public_key + "\n")
    with pytest.raises(KeyFileError) as info:
        await Devnet(config(data_dir)).start()
    assert "--force" not in str(info.value)
    assert not chain_exists(data_dir)


async def test_another_key_for_the_chain_is_refused(tmp_path) -> None:
    data_dir = tmp_path / "d"
    original = await make_chain(data_dir)
    shutil.move(data_dir / "validator.priv", tmp_path / "kept.priv")
    (data_dir / "validator.pub").unlink()
    other = tmp_path / "other"
    other.mkdir()
    await make_chain(other)
    shutil.copy(other / "validator.priv", data_dir / "validator.priv")
    with pytest.raises(KeyFileError, match=f"was signed by {original[:16]}"):
        await Devnet(config(data_dir)).start()
    # Restoring the right key resumes the chain.
    shutil.move(tmp_path / "kept.priv", data_dir / "validator.priv")
    node = Devnet(config(data_dir))
    await node.start()
    try:
        assert node.signer.public_key == original
        assert load_signer(data_dir / "validator.priv").public_key == original
    finally:
        await node.stop()
    assert (data_dir / DB_FILE).exists()


def test_chain_exists(tmp_path) -> None:
    assert not chain_exists(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / DB_FILE).write_bytes(b"")
    assert not chain_exists(tmp_path / "empty")


async def test_waiting_for_processors_turns_into_a_warning(caplog) -> None:
    from smartblocks.devnet.genesis import wait_for_processors

    caplog.set_level(logging.INFO, logger="smartblocks.devnet")
    registered: set = set()
    changed = asyncio.Event()
    waiting = asyncio.create_task(
        wait_for_processors([("kv", "1.0")], registered.__contains__, changed, warn_after=0.05)
    )
    await until(lambda: any(r.levelno == logging.WARNING for r in caplog.records))
    assert [r.levelname for r in caplog.records] == ["INFO", "WARNING"]
    assert not waiting.done()
    registered.add(("kv", "1.0"))
    changed.set()
    await asyncio.wait_for(waiting, 5)
    assert caplog.records[-1].getMessage() == "genesis: every processor it needs has registered"
