"""The Admin page in headless Chromium: users and roles managed from the page, and the ledger's
processors, settings and pending proposals."""

from __future__ import annotations

# ruff: noqa: F811  (the `page` fixture is imported, then named as an argument)
from .test_browser import log_in, page, pytestmark, shot  # noqa: F401  (fixture, skip mark)
from .test_members import contract_ledger


async def test_admin_manages_users_from_the_page(page, portal, chain, building):
    await portal.indexed()
    page.on("dialog", lambda dialog: dialog.accept())  # "Remove user ...?"
    await log_in(page, portal, "admin", "admin-pass-1")
    await page.click("nav a[data-section=admin]")
    await page.wait_for_selector("#users tbody tr[data-user=admin]")

    await page.fill("#add-user input[name=name]", "eve")
    await page.select_option("#add-user select[name=role]", "reader")
    await page.fill("#add-user input[name=password]", "eve-pass-1")
    await page.click("#add-user button[type=submit]")
    eve = page.locator("#users tr[data-user=eve]")
    await eve.wait_for()

    await eve.locator("select").select_option("admin")
    await eve.locator("button.set-role").click()
    await page.wait_for_selector(
        "#users tr[data-user=eve] option[value=admin][selected]", state="attached"
    )
    assert portal.service.portal.user_store.get("eve").role == "admin"

    await page.locator("#users tr[data-user=eve] input[type=password]").fill("short")
    await page.locator("#users tr[data-user=eve] button.reset").click()
    await page.wait_for_selector("#users-error:has-text('8 to 1024')")
    await shot(page, "admin-users")

    # The last admin cannot go: with eve an admin, making her a reader is fine, removing
    # the other admin then is not.
    await page.locator("#users tr[data-user=eve] select").select_option("reader")
    await page.locator("#users tr[data-user=eve] button.set-role").click()
    await page.wait_for_selector(
        "#users tr[data-user=eve] option[value=reader][selected]", state="attached"
    )
    await page.locator("#users tr[data-user=admin] button.remove").click()
    await page.wait_for_selector("#users-error:has-text('last admin')")
    await page.locator("#users tr[data-user=eve] button.remove").click()
    await page.wait_for_selector("#users tr[data-user=eve]", state="detached")
    assert portal.service.portal.user_store.get("eve") is None


async def test_admin_page_shows_settings_and_pending_proposals(page, portal, chain, building):
    parties = contract_ledger(chain)
    await portal.indexed()
    await log_in(page, portal, "admin", "admin-pass-1")
    await page.goto(portal.url + "/#/admin")
    await page.wait_for_selector("#proposals")
    smartblocks = await page.inner_text("#settings-smartblocks")
    assert "smartblocks.energycontract.issuers.EUR" in smartblocks
    sawtooth = await page.inner_text("#settings-sawtooth")
    assert "sawtooth.settings.vote.approval_threshold" in sawtooth
    proposals = await page.inner_text("#proposals")
    assert "smartblocks.markets.operator" in proposals and "1 accept, 0 reject of 2" in proposals
    assert "does not list its registered processors" in await page.inner_text("#processors")
    assert "blockmeter" in await page.inner_text("#families-seen")
    # A key in a setting links to its member page.
    await page.click(f"#settings-sawtooth a[href='#/members/{parties.voter}']")
    await page.wait_for_selector("#roles")
    assert "settings voter" in await page.inner_text("#roles")
    await page.goto(portal.url + "/#/admin")
    await page.wait_for_selector("#proposals")
    await shot(page, "admin-ledger")


async def test_readers_get_no_admin_page(page, portal, building):
    await portal.indexed()
    await log_in(page, portal)
    assert await page.locator("nav a[data-section=admin]").is_hidden()
    await page.goto(portal.url + "/#/admin")
    await page.wait_for_selector(".notice.error")
    assert "needs admin" in await page.inner_text(".notice.error")
