"""SmartBlocks on one real Sawtooth 1.0.6 node (dev mode): genesis settings (BlockMeter's
authorities, the BlockInfo injector and its validation rules), our processors beside it
(blockmeter, block_info), our BlockInfo injector plugin inside it."""

from __future__ import annotations

import asyncio
import base64
import json

import pytest
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig

from smartblocks.clients.cli.main import main
from smartblocks.ledger.block_info import CONFIG_ADDRESS, block_address
from smartblocks.ledger.keys import load_public_key
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from tests.integration.blockmeter_fixtures import BlockMeterLedger
from tests.integration.merkle_ref import state_root
from tests.interop.conftest import Interop
from tests.interop.sawtooth10 import all_pages

pytestmark = pytest.mark.slow


def cli(interop: Interop, *argv: object) -> int:
    return main([*(str(a) for a in argv), "--url", interop.node.rest_url])


def ledger(interop: Interop) -> BlockMeterLedger:
    return BlockMeterLedger(
        interop.node, interop.key_dir, (interop.authority_key, None, interop.authority)
    )  # type: ignore[arg-type]


def state_entry(interop: Interop, address: str) -> bytes | None:
    entries = all_pages(interop.node.rest_url, f"/state?address={address}")
    found = [e for e in entries if e["address"] == address]
    return base64.b64decode(found[0]["data"]) if found else None


def test_blockmeter_cli_flow(interop: Interop, capsys, tmp_path) -> None:
    keys = tmp_path / "keys"
    for name in ("owner", "gateway"):
        assert main(["keygen", "--key-dir", str(keys), name]) == 0
    owner, gateway = keys / "owner", keys / "gateway"
    capsys.readouterr()
    assert cli(interop, "authority", "show") == 0
    assert interop.authority.public_key in capsys.readouterr().out
    steps = [
        ["site", "create", "town-hall", "--owner", f"{owner}.pub", "--name", "Town hall",
         "--floor-area", "2400", "--timezone", "Europe/Berlin", "--key", interop.authority_key],
        ["meter", "register", "main", "--site", "town-hall", "--kind", "electricity-import",
         "--interval", "900", "--max", "500000000", "--name", "Main incomer",
         "--key", f"{owner}.priv"],
        ["meter", "bind-key", "main", f"{gateway}.pub", "--key", f"{owner}.priv"],
        ["meter", "record", "main", "--start", "2026-03-01T12:00Z", "--interval", "900",
         "--values", "1200,1180,1310,990", "--key", f"{gateway}.priv"],
    ]  # fmt: skip
    for step in steps:
        assert cli(interop, *step) == 0, (step, capsys.readouterr().err, interop.node.logs())
    out = capsys.readouterr().out
    assert "site town-hall created" in out
    assert f"key {load_public_key(f'{gateway}.pub')} bound to meter main" in out
    assert "meter main: 4 values recorded, 2026-03-01T12:00Z to 2026-03-01T13:00Z" in out

    assert (
        cli(interop, "meter", "rollups", "main", "--from", "2026-03-01", "--to", "2026-03-31") == 0
    )
    lines = capsys.readouterr().out.splitlines()
    # kWh: 4,680 mWh is 0.00468 kWh (`--json` keeps the integers)
    assert lines[3].split() == ["2026-03-01", "0.00468", "4", "0.00099", "0.00131", "0", "0", "0"]
    assert cli(interop, "meter", "show", "main", "--json") == 0
    assert json.loads(capsys.readouterr().out)["meter"]["site_id"] == "town-hall"


def test_ledger_time_comes_from_our_injector(interop: Interop) -> None:
    """Every block after genesis starts with the BlockInfo batch of our 1.0 injector plugin,
    executed by our block_info processor: the records chain the blocks."""
    ledger(interop).new_meter("lt")  # a few blocks
    config = BlockInfoConfig.FromString(state_entry(interop, CONFIG_ADDRESS) or b"")
    assert config.latest_block >= 1
    blocks = {int(b["header"]["block_num"]): b for b in all_pages(interop.node.rest_url, "/blocks")}
    for num in range(1, max(blocks)):
        first = blocks[num + 1]["batches"][0]["transactions"][0]
        assert first["header"]["family_name"] == "block_info", num
    record = BlockInfo.FromString(state_entry(interop, block_address(config.latest_block)) or b"")
    latest = blocks[config.latest_block]
    assert record.header_signature == latest["header_signature"]
    assert record.previous_block_id == latest["header"]["previous_block_id"]
    assert record.signer_public_key == latest["header"]["signer_public_key"]
    assert record.timestamp > 1_700_000_000


def test_a_window_past_ledger_time_is_refused(interop: Interop) -> None:
    meters = ledger(interop)
    setup = meters.new_meter("future")
    far = 4_000_000_000 - 4_000_000_000 % 900
    record = txn.record_readings(
        setup.device, meter_id=setup.meter_id, window_start=far, interval_s=900, values=[1]
    )
    [status] = meters.outcome(*[meters_batch(setup.device, record)])
    assert status["status"] == "INVALID"
    assert "ledger time" in json.dumps(status)


def meters_batch(signer, transaction):
    from smartblocks.ledger.transactions import make_batch

    return make_batch(signer, [transaction])


def test_a_restarted_processor_is_routed_to(interop: Interop) -> None:
    """The dead-registration finding: SIGTERM unregisters, so the 1.0 validator routes the
    family's next transaction to the processor that registered after it."""
    assert interop.processors["blockmeter"].stop() == 0
    interop.start_processor("blockmeter")
    meters = ledger(interop)
    setup = meters.new_meter("again")  # waits for the commit: PENDING would time out
    assert meters.meter(setup.meter_id).site_id == setup.site_id


def test_status_without_status_route(interop: Interop, capsys) -> None:
    assert cli(interop, "status") == 0
    out = capsys.readouterr().out
    assert "endpoint:   unknown (this REST API has no /status: Sawtooth 1.0)" in out
    assert "head block: " in out


def test_state_root_recomputed_from_state(interop: Interop) -> None:
    head = interop.node.get("/blocks?limit=1")["data"][0]
    root = head["header"]["state_root_hash"]
    entries = all_pages(interop.node.rest_url, f"/state?head={head['header_signature']}")
    state = {e["address"]: base64.b64decode(e["data"]) for e in entries}
    assert state_root(state) == root
    assert any(a.startswith("00b10c") for a in state)


def test_portal_index_matches_the_chain(interop: Interop, tmp_path) -> None:
    from smartblocks.clients.portal.blocksource import RestBlockSource
    from smartblocks.clients.portal.feeder import IndexFeeder
    from smartblocks.clients.portal.index import ChainIndex
    from smartblocks.ledger.events import EventFollower

    chain = all_pages(interop.node.rest_url, "/blocks")
    head = max(int(b["header"]["block_num"]) for b in chain)
    index = ChainIndex(tmp_path / "index.sqlite")

    async def feed() -> None:
        reached = asyncio.Event()

        def on_block(block):
            if block["block_num"] >= head:
                reached.set()

        follower = EventFollower(interop.node.component, index, request_timeout=10.0)
        source = RestBlockSource(interop.node.rest_url)
        feeder = IndexFeeder(index, follower, source, on_block)
        task = asyncio.create_task(feeder.run())
        try:
            await asyncio.wait_for(reached.wait(), 60)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await follower.close()
            await source.close()

    asyncio.run(feed())
    by_num = {int(b["header"]["block_num"]): b for b in chain}
    for num in range(head + 1):
        indexed = index.block(str(num))
        assert indexed is not None, num
        assert indexed["block_id"] == by_num[num]["header_signature"]
        assert indexed["state_root"] == by_num[num]["header"]["state_root_hash"]
    # Genesis state (the settings): 1.0's block-0 state delta is empty; the index read /state.
    genesis = by_num[0]["header_signature"]
    settings = all_pages(interop.node.rest_url, f"/state?head={genesis}&address=000000")
    assert len(settings) >= 6
    for entry in settings:
        assert index.current_value(entry["address"]) is not None, entry["address"]
    from smartblocks.ledger.settings import setting_address

    assert index.current_value(setting_address(AUTHORITIES_SETTING)) is not None
    index.close()
