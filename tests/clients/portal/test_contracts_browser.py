"""Contracts in headless Chromium against a real devnet (BlockMeter + EnergyContract processors,
ledger time set by the test): fill a template form, fit the baseline from the ledger's data,
see the preview, propose with the ESCO's key signed in the page, accept as the owner, see a
settlement appear live, dispute it as the owner and resolve it as the auditor. The signatures
the page made are checked with sawtooth_signing. A party with only its public key in the page
downloads the unsigned request and signs it with `smartblocks sign`. A screenshot per page in
tests/artifacts/."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from smartblocks.ledger.keys import Signer, load_signer, verify
from smartblocks.processors.energycontract import txn
from tests.clients.portal.test_browser import ARGS, ARTIFACTS, CHROMIUM, pytestmark  # noqa: F401
from tests.clients.portal.test_contracts_api import PASSWORD, World, make_world, start_portal


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from make_world(tmp_path_factory.mktemp("contracts-browser"))


@pytest.fixture
async def portal_url(tmp_path: Path, world: World) -> AsyncIterator[str]:
    service = await start_portal(tmp_path, world)
    try:
        yield service.url
    finally:
        await service.stop()


@pytest.fixture
async def page():
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            await browser.close()


async def shot(page, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"portal-contracts-{name}.png"), full_page=True)


async def load_key(page, path: Path, password: str = "") -> None:
    if await page.locator("#key-forget").count():
        await page.click("#key-forget")
    await page.fill("#key-password", password)
    await page.set_input_files("#key-file", str(path))
    await page.wait_for_selector(f"#key-loaded:has-text('{load_signer(path).public_key}')")


async def test_form_preview_propose_accept_settle_dispute_resolve(page, portal_url, world):
    submitted: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: (
            submitted.append(json.loads(r.post_data))
            if r.url.endswith("/api/sign/submit")
            else None
        ),
    )
    await page.goto(portal_url + "/#/contracts")
    await page.fill("input[name=user]", "reader")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#templates [data-template=shared_savings]")
    assert await page.locator("#contracts td.empty").count() == 1
    # The ESCO's key, kept in this browser encrypted under a password.
    await load_key(page, world.esco_key, password="esco-browser-pw")
    await shot(page, "list")

    await page.click("#templates [data-template=shared_savings]")
    await page.wait_for_selector("#contract-form")
    form = page.locator("#contract-form")
    await form.locator("input[name=contract_id]").fill("lab-browser")
    await form.locator("select[name=site]").select_option(world.site_id)
    await form.locator("input[name=start]").fill("2027-03-01")
    await form.locator("input[name=periods]").fill("2")
    assert await form.locator("input[name='parties.esco']").input_value() == world.esco.public_key
    await form.locator("input[name='parties.owner']").fill(world.owner.public_key)
    await form.locator("input[name='parties.auditor']").fill(world.auditor.public_key)
    await form.locator("input[name='deposits.esco']").fill("100")
    assert await form.locator(f"input[name=meters][value='{world.meter_id}']").is_checked()
    assert await form.locator("select[name=weather_meter]").input_value() == world.weather_id

    await form.locator("input[name='fit.from']").fill("2027-01-01")
    await form.locator("input[name='fit.to']").fill("2027-02-28")
    await page.click("#fit")
    await page.wait_for_selector("#fit-result #fit-plot canvas", timeout=120_000)
    assert "baseline_length" in await page.locator("#fit-findings").inner_text()

    # A wrong share: the error names the field and marks it.
    await form.locator("input[name='shared_savings.owner_share']").fill("30 %")
    await page.click("#check")
    await page.wait_for_selector("#form-error:has-text('shared_savings.esco_share')")
    assert await page.locator(".field.bad[data-field='shared_savings.esco_share']").count() == 1
    await form.locator("input[name='shared_savings.owner_share']").fill("40 %")

    await page.click("#preview-button")
    await page.wait_for_selector("#preview tr[data-period='0']")
    march = await page.locator("#preview tr[data-period='0']").inner_text()
    assert "2027-03" in march and "100.0 %" in march and "Owner → ESCO" in march
    terms_hash = await page.locator("#terms-hash").inner_text()
    await shot(page, "form-preview")

    await page.click("#propose")
    await page.wait_for_selector("#status:has-text('PROPOSED')")
    assert await page.locator("#contract-terms-hash").inner_text() == terms_hash
    assert await page.locator("#baseline-fit").inner_text() == (
        f"{world.meter_id} (temperature {world.weather_id}) from 2027-01-01 to 2027-03-01, 59 days"
    )
    # The page's signatures: what sawtooth_signing makes with the same key (RFC 6979), and
    # they verify.
    (propose,) = submitted
    header = bytes.fromhex(propose["transactions"][0]["header"])
    signature = propose["transactions"][0]["signature"]
    assert verify(signature, header, world.esco.public_key)
    assert signature == world.esco.sign(header)
    assert propose["batch_signature"] == world.esco.sign(bytes.fromhex(propose["batch_header"]))
    await shot(page, "proposed")

    # The owner accepts in the same browser, with its key file (not kept).
    await load_key(page, world.owner_key)
    await page.click("#accept")
    await page.wait_for_selector("#status:has-text('ACTIVE')")

    # Someone settles March: the page follows the new block.
    settler = Signer.generate()
    contract = await _terms(world)
    await asyncio.to_thread(
        world.ledger.submit, settler, txn.settle(settler, terms=contract, period=0)
    )
    row = page.locator("#settlements tr[data-period='0']")
    await row.wait_for()
    text = await row.inner_text()
    assert "SETTLED" in text and "Owner → ESCO" in text
    # The savings chart (charts.js savingsChart over /api/contracts/{id}/savings) has March.
    await page.wait_for_selector(
        "#cumulative .chart-frame[data-chart='lab-browser-savings'] canvas"
    )
    assert await page.locator("#cumulative .chart-frame p.empty").count() == 0
    await shot(page, "settled")

    await page.fill("#dispute-form input[name=dispute-reason]", "the meter was bypassed")
    await page.click("#dispute-form button[type=submit]")
    await page.wait_for_selector("#disputes:has-text('OPEN')")

    await load_key(page, world.auditor_key)
    await page.fill("#resolve-form input[name=resolve-note]", "data checked on site")
    await page.click("#resolve-form button[type=submit]")
    await page.wait_for_selector("#disputes:has-text('UPHELD')")
    assert "data checked on site" in await page.locator("#disputes").inner_text()
    await shot(page, "resolved")

    # The ESCO's key, unlocked from this browser's storage with its password.
    await page.click("#key-forget")
    await page.goto(portal_url + "/#/contracts")
    await page.wait_for_selector("#contracts tr[data-contract='lab-browser']")
    kept = page.locator(".kept li", has_text="esco")
    await kept.locator("input").fill("esco-browser-pw")
    await kept.locator("button:has-text('Unlock')").click()
    await page.wait_for_selector(f"#key-loaded:has-text('{world.esco.public_key}')")
    await page.wait_for_selector("#contracts tr[data-contract='lab-browser'] td:has-text('ESCO')")


async def _terms(world: World):
    from smartblocks.clients.contracts.ledger import read_contract
    from smartblocks.ledger.rest import RestClient

    async with RestClient(world.url) as client:
        contract = await read_contract(client, "lab-browser")
    assert contract is not None
    return contract.terms


def flat_table() -> str:
    """A baseline table of 200 kWh a day whatever the weather, in base64."""
    import base64

    from smartblocks.processors.kit import baseline
    from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
    from smartblocks.protos.blockmeter_pb2 import Unit

    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="test flat",
    )
    table.curves.add(day_type=0).knots.add(temperature=0, energy=200_000_000)
    return base64.b64encode(baseline.canonical_bytes(table)).decode()


async def test_amend_accept_the_amendment_and_end_the_contract(page, portal_url, world):
    from smartblocks.clients.portal.contract_drafts import draft_terms

    terms = draft_terms(world.draft("lab-amend-b", flat_table()))
    await asyncio.to_thread(world.ledger.submit, world.esco, txn.propose(world.esco, terms=terms))
    await page.goto(portal_url + "/#/contracts/lab-amend-b")
    await page.fill("input[name=user]", "reader")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    # Without a key: everything to read, and the command lines that act.
    await page.wait_for_selector("#commands:has-text('smartblocks contract accept lab-amend-b')")
    await shot(page, "no-key")

    await load_key(page, world.owner_key)
    await page.click("#accept")
    await page.wait_for_selector("#status:has-text('ACTIVE')")
    await load_key(page, world.esco_key)
    await page.click("#amend")
    await page.wait_for_selector("#contract-form input[name=reason]")
    assert await page.locator("#contract-form input[name=contract_id]").input_value() == (
        "lab-amend-b"
    )
    await page.fill("#contract-form input[name='shared_savings.price']", "0.30")
    await page.fill("#contract-form input[name=reason]", "the tariff rose")
    await shot(page, "amend")
    await page.click("#propose")
    await page.wait_for_selector("#contract-data:has-text('Amendment pending')")

    await load_key(page, world.owner_key)
    await page.click("#accept-amendment")
    await page.wait_for_selector("#parameters:has-text('price 0.30')")
    for key in (world.owner_key, world.esco_key):
        await load_key(page, key)
        await page.fill("input[name=terminate-reason]", "building sold")
        await page.click("#terminate")
        await page.wait_for_selector("#action-log p.good")
    await page.wait_for_selector("#status:has-text('ENDED')")
    await shot(page, "ended")


async def test_download_an_unsigned_request_and_sign_it_on_the_command_line(
    page, portal_url, world, tmp_path
):
    """A party gives the page only its public key: the action downloads the unsigned request,
    `smartblocks sign` signs and submits it with the key file, and the page shows the result."""
    from smartblocks.clients.cli.main import main
    from smartblocks.clients.portal.contract_drafts import draft_terms

    terms = draft_terms(world.draft("lab-cli-b", flat_table()))
    await asyncio.to_thread(world.ledger.submit, world.esco, txn.propose(world.esco, terms=terms))
    await page.goto(portal_url + "/#/contracts/lab-cli-b")
    await page.fill("input[name=user]", "reader")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.fill("#cli-public-key", world.owner.public_key)
    await page.click("#cli-key-use")
    await page.wait_for_selector(f"#key-loaded:has-text('{world.owner.public_key}')")
    assert "download unsigned request" in await page.locator("#accept").inner_text()
    async with page.expect_download() as info:
        await page.click("#accept")
    download = await info.value
    assert download.suggested_filename == "lab-cli-b-accept.unsigned.json"
    path = tmp_path / download.suggested_filename
    await download.save_as(path)
    await page.wait_for_selector("#action-log:has-text('smartblocks sign lab-cli-b-accept')")
    await shot(page, "cli-download")
    signed = await asyncio.to_thread(
        main, ["sign", str(path), "--key", str(world.owner_key), "--url", world.url]
    )
    assert signed == 0
    await page.wait_for_selector("#status:has-text('ACTIVE')")
