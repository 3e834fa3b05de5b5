"""The explorer pages a new reader uses, in headless Chromium (see test_browser.py)."""

from __future__ import annotations

from .test_browser import log_in, page, pytestmark, shot  # noqa: F401  (fixture, skip mark)


async def test_block_page_links_next_and_search_finds_a_transaction(page, portal, chain, building):  # noqa: F811
    await portal.indexed()
    await log_in(page, portal)

    await page.goto(f"{portal.url}/#/blocks/{chain.blocks[1].block_id}")
    await page.wait_for_selector("#next-block")
    assert await page.get_attribute("#next-block", "href") == f"#/blocks/{chain.blocks[2].block_id}"
    text = await page.inner_text("#view")
    assert "null" not in text and "devmode" in text and "Block time" in text
    await shot(page, "block-next")
    await page.click("#next-block")
    await page.wait_for_selector("h1:has-text('Block #2')")

    txn = chain.blocks[-1].batches[0].transactions[0]
    await page.fill("#search input[name=q]", txn.header_signature)
    await page.press("#search input[name=q]", "Enter")
    await page.wait_for_selector("#found li[data-type=transaction] a")
    await page.click("#found li[data-type=transaction] a")
    await page.wait_for_selector("#decoded-payload")
    assert "blockmeter · day_rollup" in await page.inner_text("#view")
    await shot(page, "search-transaction")

    await page.goto(f"{portal.url}/#/state/blockmeter")
    await page.wait_for_selector("table.records tbody tr")
    assert "of " in await page.inner_text("#state-count")
    assert await page.locator("#kinds a[data-type='02']").inner_text() == "meter (2)"
    await shot(page, "state-paged")
