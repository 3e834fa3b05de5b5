"""The explorer's API for a new reader: block pages with consensus, time and next links;
labelled addresses; state and address history in pages; the search box."""

from __future__ import annotations

from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo

from smartblocks.ledger.block_info import block_address

from .test_api import get, session_for


async def test_block_page_has_next_link_consensus_and_time(portal, chain, building):
    # The next block's BlockInfo transaction records the previous block's timestamp.
    first = chain.blocks[0]
    info = BlockInfo(block_num=0, header_signature=first.block_id, timestamp=1_767_225_600)
    chain.add_block(state_changes=[(block_address(0), info.SerializeToString())])
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        genesis = (await get(client, "/api/blocks/0"))["data"]
        assert genesis["next_block_id"] == chain.blocks[1].block_id
        assert genesis["consensus"]["engine"] == "devmode"
        assert genesis["consensus"]["text"] == "Devmode"
        assert genesis["time"]["source"] == "block_info"
        assert genesis["time"]["iso"] == "2026-01-01T00:00:00Z"
        head = (await get(client, f"/api/blocks/{chain.blocks[-1].block_id}"))["data"]
        assert head["next_block_id"] is None
        assert head["time"]["source"] == "seen_at" and head["time"]["unix"] == head["seen_at"]
    finally:
        await client.close()


async def test_transaction_addresses_are_labelled(portal, building):
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        block = (await get(client, f"/api/blocks/{len(portal.chain.blocks) - 1}"))["data"]
        batch = (await get(client, f"/api/batches/{block['batches'][0]['batch_id']}"))["data"]
        txn_id = batch["transactions"][0]["txn_id"]
        txn = (await get(client, f"/api/transactions/{txn_id}"))["data"]
        labels = txn["labels"]
        assert set(labels) == set(txn["inputs"]) | set(txn["outputs"])
        kinds = {labels[a]["kind"] for a in txn["outputs"]}
        assert kinds == {"meter_head", "day_rollup", "month_rollup"}
        assert all(labels[a]["family"] == "blockmeter" for a in txn["outputs"])
        # Payload times are ISO 8601 and zero fields are shown.
        readings = txn["payload"]["decoded"]["record_readings"]
        assert readings["window_start"].endswith("Z")
    finally:
        await client.close()


async def test_state_is_sorted_counted_and_paged(portal, building):
    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        first = await get(client, "/api/state?family=blockmeter&limit=4")
        total = first["total"]
        assert total > 8 and len(first["data"]) == 4
        assert {k["label"]: k["count"] for k in first["kinds"]}["meter"] == 2
        assert sum(k["count"] for k in first["kinds"]) == total
        seen = [r["address"] for r in first["data"]]
        after = first["paging"]["next_after"]
        while after:
            page = await get(client, f"/api/state?family=blockmeter&limit=4&after={after}")
            seen += [r["address"] for r in page["data"]]
            after = page["paging"]["next_after"]
        assert seen == sorted(seen) and len(seen) == len(set(seen)) == total
        assert first["data"][0]["label"]["family"] == "blockmeter"
        await get(client, "/api/state?family=blockmeter&after=xyz", 400)
        await get(client, "/api/state?family=blockmeter&type=zz", 400)
    finally:
        await client.close()


async def test_address_history_pages_to_the_oldest_change(portal, building):
    from smartblocks.processors.blockmeter import addressing

    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:
        address = addressing.meter_head_address("main")
        page = await get(client, f"/api/state/{address}?limit=3")
        assert page["data"]["history_total"] == 10
        assert page["data"]["label"]["kind"] == "meter_head"
        nums = [h["block_num"] for h in page["data"]["history"]]
        while page["paging"]["next_before"] is not None:
            before = page["paging"]["next_before"]
            page = await get(client, f"/api/state/{address}?limit=3&before={before}")
            nums += [h["block_num"] for h in page["data"]["history"]]
        assert len(nums) == 10 and nums == sorted(nums, reverse=True)
    finally:
        await client.close()


async def test_search_says_what_it_found(portal, chain, building):
    from smartblocks.processors.blockmeter import addressing

    await portal.indexed()
    client = await session_for(portal, "auditor")
    try:

        async def found(q: str) -> list[dict]:
            return (await get(client, f"/api/search?q={q}"))["found"]

        block = chain.blocks[1]
        batch = block.batches[0]
        txn = batch.transactions[0]
        assert [(f["type"], f["id"]) for f in await found("1")] == [("block", block.block_id)]
        assert [f["type"] for f in await found(block.block_id)] == ["block"]
        assert [f["type"] for f in await found(batch.header_signature)] == ["batch"]
        (hit,) = await found(txn.header_signature)
        assert hit["type"] == "transaction" and hit["href"].endswith(txn.header_signature)
        address = addressing.meter_address("main")
        (hit,) = await found(address)
        assert hit["type"] == "address" and hit["label"]["kind"] == "meter"
        (hit,) = await found(addressing.NAMESPACE + "02")
        assert hit["type"] == "prefix" and hit["current_records"] == 2
        (hit,) = await found("main")
        assert hit["type"] == "meter" and hit["href"] == "#/meters/main"
        assert {r["label"]["kind"] for r in hit["records"]} == {"meter", "meter_head"}
        assert await found("nothing-here") == []
        await get(client, "/api/search?q=", 400)
    finally:
        await client.close()
