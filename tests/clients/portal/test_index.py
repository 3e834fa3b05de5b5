"""The portal index fed from a fake validator and REST API: resume, forks, history, decoding."""

from __future__ import annotations

import asyncio

from smartblocks.clients.portal.blocksource import RestBlockSource
from smartblocks.clients.portal.families import default_registry
from smartblocks.clients.portal.feeder import IndexFeeder
from smartblocks.clients.portal.index import ChainIndex
from smartblocks.ledger.events import EventFollower


async def feed_until(
    index, validator, rest_api, head: int, published: list | None = None, before_wait=None
):
    """Run a feeder until the index holds block `head`; then stop it."""
    reached = asyncio.Event()

    def on_block(block):
        if published is not None:
            published.append(block)
        if block["block_num"] == head:
            reached.set()

    follower = EventFollower(validator.url, index, backoff_initial=0.05, request_timeout=2.0)
    source = RestBlockSource(rest_api.url)
    feeder = IndexFeeder(index, follower, source, on_block, retry_initial=0.01, gone_after=3)
    task = asyncio.create_task(feeder.run())
    try:
        if before_wait is not None:
            await before_wait()
        if index.head() is None or index.head()[0] != head:
            await asyncio.wait_for(reached.wait(), 20)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await follower.close()
        await source.close()


async def test_indexes_blocks_transactions_and_state(
    tmp_path, chain, building, validator, rest_api
):
    index = ChainIndex(tmp_path / "index.sqlite")
    head = len(chain.blocks) - 1
    published: list = []
    await feed_until(index, validator, rest_api, head, published)
    assert index.head() == (head, chain.blocks[-1].block_id)
    assert [b["block_num"] for b in published] == list(range(head + 1))
    stats = index.stats()
    assert stats["blocks"] == head + 1
    assert stats["transactions"] == 1 + 2 + 2 * 10

    newest = index.blocks(limit=3)
    assert [b["block_num"] for b in newest] == [head, head - 1, head - 2]
    assert [b["block_num"] for b in index.blocks(limit=2, before=2)] == [1, 0]
    block = index.block(newest[0]["block_id"])
    assert block["batch_count"] == 2 and block["signer"] == chain.signer.public_key

    (batch,) = index.batches_of_block(1)
    (txn,) = index.transactions_of_batch(batch["batch_id"])
    assert txn["family"] == "blockmeter" and txn["signer"] == chain.signer.public_key
    decoded = default_registry().payload("blockmeter", txn["payload"])
    assert decoded["decoded"]["action"] == "CREATE_SITE"
    assert decoded["decoded"]["create_site"]["name"] == "Head office"
    index.close()


async def test_address_history_is_every_change_newest_first(
    tmp_path, chain, building, validator, rest_api
):
    from smartblocks.processors.blockmeter.addressing import meter_head_address

    index = ChainIndex(tmp_path / "index.sqlite")
    await feed_until(index, validator, rest_api, len(chain.blocks) - 1)
    history = index.address_history(meter_head_address("main"))
    assert len(history) == 10
    assert [h["block_num"] for h in history] == sorted(
        (h["block_num"] for h in history), reverse=True
    )
    credited = index.transaction(history[0]["txn_id"])
    assert credited["family"] == "blockmeter" and credited["block_num"] == history[0]["block_num"]
    record = default_registry().state(
        meter_head_address("main"), index.current_value(meter_head_address("main"))
    )
    assert record["type"] == "meter_head" and record["decoded"]["window_count"] == 10
    index.close()


async def test_resumes_from_its_last_block_after_restart(tmp_path, chain, validator, rest_api):
    for _ in range(3):
        chain.add_block()
    path = tmp_path / "index.sqlite"
    index = ChainIndex(path)
    await feed_until(index, validator, rest_api, 2)
    index.close()
    chain.add_block()
    chain.add_block()
    index = ChainIndex(path)
    published: list = []
    await feed_until(index, validator, rest_api, 4, published)
    assert [b["block_num"] for b in published] == [3, 4]  # nothing replayed
    assert validator.requests[-1][0] == chain.blocks[2].block_id
    index.close()


async def test_rewinds_a_lost_fork_including_its_state(tmp_path, chain, validator, rest_api):
    address = "ab" * 35
    chain.add_block(state_changes=[(address, b"genesis")])
    chain.add_block(state_changes=[(address, b"one")])
    chain.add_block(state_changes=[(address, b"lost")])
    index = ChainIndex(tmp_path / "index.sqlite")
    await feed_until(index, validator, rest_api, 2)
    assert index.current_value(address) == b"lost"

    chain.fork(keep=2)
    chain.add_block(state_changes=[("cd" * 35, b"other")])
    chain.add_block()
    published: list = []
    await feed_until(index, validator, rest_api, 3, published)
    assert published[0]["rewound"] == 1
    assert index.head() == (3, chain.blocks[3].block_id)
    assert [b["block_id"] for b in reversed(index.blocks(10))] == [b.block_id for b in chain.blocks]
    assert index.current_value(address) == b"one"
    assert [h["value"] for h in index.address_history(address)] == [b"one", b"genesis"]
    assert index.current_value("cd" * 35) == b"other"
    index.close()


async def test_a_block_forked_away_before_its_fetch_is_skipped(
    tmp_path, chain, validator, rest_api
):
    chain.add_block()
    chain.add_block()
    index = ChainIndex(tmp_path / "index.sqlite")
    await feed_until(index, validator, rest_api, 1)

    async def fork_while_fetching():
        lost = chain.add_block()  # announced, but the REST API never has it
        rest_api.missing.add(lost.block_id)
        chain.fork(keep=2)
        chain.add_block()
        chain.add_block()

    published: list = []
    await feed_until(index, validator, rest_api, 3, published, before_wait=fork_while_fetching)
    assert [b["block_id"] for b in reversed(index.blocks(10))] == [b.block_id for b in chain.blocks]
    index.close()


async def test_genesis_state_comes_from_rest_when_its_state_delta_is_empty(
    tmp_path, chain, validator, rest_api
):
    # Sawtooth 1.0 keeps no receipts for genesis transactions: block 0's state-delta event is
    # empty although its settings transactions set state. /state at block 0 holds it.
    settings = [("000000" + f"{k:064x}", f"setting-{k}".encode()) for k in range(5)]
    genesis = chain.add_block(
        transactions=[("sawtooth_settings", b"proposal", [], ["000000"])], state_changes=[]
    )
    rest_api.state[genesis.block_id] = dict(settings)
    chain.add_block(state_changes=[(settings[0][0], b"changed")])
    index = ChainIndex(tmp_path / "index.sqlite")
    await feed_until(index, validator, rest_api, 1)
    assert rest_api.state_requests[0] == genesis.block_id
    assert index.current_value(settings[0][0]) == b"changed"
    for address, value in settings[1:]:
        assert index.current_value(address) == value
    (first,) = [h for h in index.address_history(settings[1][0]) if h["block_num"] == 0]
    assert first["txn_id"] == genesis.batches[0].transactions[0].header_signature
    index.close()


async def test_an_empty_genesis_without_transactions_reads_no_state(
    tmp_path, chain, validator, rest_api
):
    chain.add_block()
    chain.add_block()
    index = ChainIndex(tmp_path / "index.sqlite")
    await feed_until(index, validator, rest_api, 1)
    assert rest_api.state_requests == []
    index.close()


class ListingRestApi:
    """The fake REST API plus GET /blocks?head=ID&limit=N (the newest first), counting lists."""

    def __init__(self, chain, rest_api) -> None:
        self.chain, self.rest_api = chain, rest_api
        self.lists = 0
        self.runner = None
        self.url = ""

    async def start(self) -> None:
        from aiohttp import web

        app = web.Application()
        app.router.add_get("/blocks", self._list)
        app.router.add_get("/blocks/{block_id}", self.rest_api._block)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    async def _list(self, request):
        from aiohttp import web

        self.lists += 1
        head = self.chain.on_chain(request.query["head"])
        limit = int(request.query["limit"])
        blocks = self.chain.blocks[max(0, head.block_num - limit + 1) : head.block_num + 1]
        return web.json_response({"data": [b.rest_json() for b in reversed(blocks)]})

    async def stop(self) -> None:
        await self.runner.cleanup()


async def test_a_catch_up_fetches_runs_of_blocks_in_one_request(
    tmp_path, chain, validator, rest_api
):
    for n in range(60):
        chain.add_block(state_changes=[("ab" * 35, f"value {n}".encode())])
    listing = ListingRestApi(chain, rest_api)
    await listing.start()
    try:
        index = ChainIndex(tmp_path / "index.sqlite")
        published: list = []
        await feed_until(index, validator, listing, 59, published)
    finally:
        await listing.stop()
    assert [b["block_num"] for b in published] == list(range(60))
    assert [b["block_id"] for b in published] == [b.block_id for b in chain.blocks]
    assert listing.lists >= 1 and rest_api.requests < 60  # most came in lists
    assert index.current_value("ab" * 35) == b"value 59"
    assert len(index.address_history("ab" * 35)) == 60
    index.close()


def test_a_group_of_blocks_keeps_each_address_last_change_and_skips_replays(tmp_path, chain):
    from smartblocks.clients.portal.blocksource import parse_block
    from smartblocks.clients.portal.index import Stored
    from smartblocks.ledger.events import blocks_from

    a, b = "ab" * 35, "cd" * 35
    chain.add_block(state_changes=[(a, b"set"), (b, b"one")])
    chain.add_block(state_changes=[(a, None)])  # deleted...
    chain.add_block(state_changes=[(b, None)])
    chain.add_block(state_changes=[(b, b"again")])  # ...and one set again, in the same group

    def stored(block):
        (events,) = blocks_from(block.event_list())
        return Stored(events, parse_block(block.rest_json()))

    index = ChainIndex(tmp_path / "index.sqlite")
    applied = index.apply_many([stored(block) for block in chain.blocks])
    assert [one.block_num for one in applied] == [0, 1, 2, 3]
    assert index.current_value(a) is None and index.current_value(b) == b"again"
    assert index.apply_many([stored(block) for block in chain.blocks[2:]]) == []  # a replay
    assert index.head() == (3, chain.blocks[3].block_id)
    assert index.stats()["blocks"] == 4 and len(index.address_history(b)) == 3
    index.close()
