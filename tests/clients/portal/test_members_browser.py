"""The Members pages in headless Chromium: who is who, a member's roles with their records, its
reputation explained component by component, and the admin's display names."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from .test_browser import log_in, page, pytestmark, shot  # noqa: F401  (fixture, skip mark)
from .test_members import contract_ledger


async def test_members_list_and_a_members_reputation(page, portal, chain, building):
    parties = contract_ledger(chain)
    await portal.indexed()
    await log_in(page, portal)
    await page.click("nav a[data-section=members]")
    await page.wait_for_selector("#members tbody tr")
    assert await page.locator("#members tbody tr").count() == 14
    owner_row = page.locator(f"#members tr[data-key='{parties.owner}']")
    assert "owner" in await owner_row.inner_text()
    assert await owner_row.locator("td.reputation").inner_text() == "66.6 %"
    assert "off the ledger" in await page.inner_text("main")
    assert "How reputation is computed" in await page.inner_text("details.explain")
    await shot(page, "members")

    await owner_row.locator("a").first.click()
    await page.wait_for_selector("#components")
    assert await page.inner_text("#member-key") == parties.owner
    assert await page.inner_text("#reputation-value") == "66.6 %"
    payments = page.locator("#components tr[data-component=payments]")
    text = await payments.inner_text()
    assert "33.3 %" in text and "dues: 3" in text and "paid in full: 1" in text
    assert await payments.locator("a[href^='#/address/']").count() == 3
    delivery = await page.inner_text("#components tr[data-component=delivery]")
    assert "does not apply" in delivery
    # Its places in the other markets, the supplier's H factor labelled as that supplier's own.
    supplier = page.locator("#markets tr[data-market=supplier]")
    text = await supplier.inner_text()
    assert "H factor 81.2 %" in text and "supplier fair's own on-chain score" in text
    assert await supplier.locator("a[href='#/markets/supplier/fair']").count() == 1
    assert await supplier.locator("a[href^='#/address/']").count() == 1
    assert await page.locator("#markets tr[data-market=auction]").count() == 1
    assert "Supplier H factor" in await page.inner_text("details.explain")
    assert await page.locator("#name-form").count() == 0  # readers cannot label keys
    assert "null" not in await page.inner_text("main")
    await shot(page, "member")

    # A DER's delivery proofs span the markets: P2P offers, swept epochs, an auction step.
    await page.goto(f"{portal.url}/#/members/{parties.seller}")
    await page.wait_for_selector("#components tr[data-component=delivery]")
    delivery = page.locator("#components tr[data-component=delivery]")
    text = await delivery.inner_text()
    assert "78.4 %" in text and "epochs met: 1" in text and "energy owed mwh: 26,000,000" in text
    assert await delivery.locator("a[href^='#/address/']").count() == 5
    assert await page.locator("#markets tr[data-market=aggregation]").count() == 1
    await shot(page, "member-markets")
    await page.goto(f"{portal.url}/#/members/{parties.owner}")
    await page.wait_for_selector("#roles")

    # A role's record opens in the explorer.
    await page.locator("#roles a").first.click()
    await page.wait_for_url("**/#/address/4b5469*")


async def test_an_admin_names_a_key(page, portal, chain, building):
    parties = contract_ledger(chain)
    await portal.indexed()
    await log_in(page, portal, "admin", "admin-pass-1")
    await page.goto(f"{portal.url}/#/members/{parties.esco}")
    await page.wait_for_selector("#name-form")
    await page.fill("#name-form input[name=name]", "Bright ESCO Ltd")
    await page.click("#name-form button[type=submit]")
    await page.wait_for_selector("h1:text-is('Bright ESCO Ltd')")
    await page.click("text=← Members")
    row = page.locator(f"#members tr[data-key='{parties.esco}']")
    await row.wait_for()
    assert "Bright ESCO Ltd" in await row.inner_text()
    await shot(page, "members-named")
