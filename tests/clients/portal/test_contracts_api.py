"""The contracts API (clients/portal/contracts.py, signing.py) on a real devnet with the BlockMeter
and EnergyContract processors, whose ledger time the test sets: templates, draft terms checked
with errors naming the field, a baseline fitted from the ledger's data by the M&V engine, the
settlement preview, and every action as a browser does it: the portal builds the unsigned
transaction, the party signs the header, the portal builds the batch header, the party signs it,
the portal submits. The party's private key never goes to the portal."""

from __future__ import annotations

import asyncio
import calendar
import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from smartblocks.clients.portal import contract_drafts, contract_requests
from smartblocks.ledger.keys import Signer, verify, write_key_files
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import txn
from smartblocks.processors.energycontract.records import issuers_setting
from tests.integration.clocked_ledger import ClockedLedger, clocked_ledger

JANUARY = calendar.timegm((2027, 1, 1, 0, 0, 0))
MARCH = calendar.timegm((2027, 3, 1, 0, 0, 0))
APRIL = calendar.timegm((2027, 4, 1, 0, 0, 0))
DAY, HOUR = 86_400, 3_600
PASSWORD = "reader-pass-1"


def temperature(day: int) -> int:
    """m°C: 2 to 12 °C, varying from day to day (deterministic)."""
    return 2_000 + 1_000 * ((day * 7) % 11)


def hourly_energy(day: int, factor: float = 1.0) -> int:
    """mWh an hour: more on cold days; `factor` < 1 after the measure."""
    return int((6_000_000 - 250 * temperature(day)) * factor)


@dataclasses.dataclass
class World:
    """A site with an hourly main meter and a weather meter, Jan-Mar 2027 on the ledger (March
    20 % below the baseline's months), an ESCO, the owner and an auditor with EUR."""

    ledger: ClockedLedger
    site_id: str
    meter_id: str
    weather_id: str
    esco: Signer
    owner: Signer
    auditor: Signer
    esco_key: Path
    owner_key: Path
    auditor_key: Path
    third_key: Path

    @property
    def url(self) -> str:
        return self.ledger.url

    def draft(self, contract_id: str, table: str, **changes: Any) -> dict[str, Any]:
        terms = {
            "contract_id": contract_id,
            "title": "Lab lighting retrofit: shared savings",
            "template": "shared_savings",
            "site": self.site_id,
            "meters": [self.meter_id],
            "weather_meter": self.weather_id,
            "currency": "EUR",
            "start": "2027-03-01",
            "period": "month",
            "periods": 2,
            "min_coverage": "90 %",
            "data_grace": "7d",
            "dispute_window": "30d",
            "parties": {
                "esco": self.esco.public_key,
                "owner": self.owner.public_key,
                "auditor": self.auditor.public_key,
            },
            "deposits": {"esco": "100", "owner": "0"},
            "shared_savings": {
                "price": "0.25",
                "esco_share": "60 %",
                "owner_share": "40 %",
                "cap_per_period": "0",
            },
        }
        terms.update(changes)
        return {"terms": terms, "baseline": table}


def make_world(base: Path) -> Iterator[World]:
    _, _, bank = write_key_files("bank", base / "keys")
    with clocked_ledger(
        base,
        APRIL + 60,
        "blockmeter",
        "energycontract",
        settings=[f"{issuers_setting('EUR')}={bank.public_key}"],
    ) as ledger:
        setup = ledger.new_meter("main", nominal_interval_s=HOUR, plausible_max=10**12)
        weather = ledger.unique("weather")
        ledger.submit(
            setup.owner,
            meter_txn.register_meter(
                setup.owner,
                meter_id=weather,
                site_id=setup.site_id,
                kind="TEMPERATURE",
                unit="MILLIDEGREE_CELSIUS",
                nominal_interval_s=HOUR,
                plausible_min=-60_000,
                plausible_max=60_000,
            ),
            meter_txn.bind_key(
                setup.owner,
                meter_id=weather,
                site_id=setup.site_id,
                public_key=setup.device.public_key,
            ),
        )
        for month_start, days, factor in (
            (JANUARY, 31, 1.0),
            (JANUARY + 31 * DAY, 28, 1.0),
            (MARCH, 31, 0.8),
        ):
            first = month_start // DAY
            energy = [
                hourly_energy(d, factor) for d in range(first, first + days) for _ in range(24)
            ]
            temps = [temperature(d) for d in range(first, first + days) for _ in range(24)]
            for meter, values in ((setup.meter_id, energy), (weather, temps)):
                ledger.submit(
                    setup.device,
                    meter_txn.record_readings(
                        setup.device,
                        meter_id=meter,
                        window_start=month_start,
                        interval_s=HOUR,
                        values=values,
                    ),
                )
        esco_key, _, esco = ledger.key_file("esco")
        auditor_key, _, auditor = ledger.key_file("auditor")
        third_key, _, _ = ledger.key_file("third")
        for party in (esco, setup.owner):
            ledger.submit(
                bank, txn.issue(bank, currency="EUR", to=party.public_key, amount=10_000_000_000)
            )
        yield World(
            ledger,
            setup.site_id,
            setup.meter_id,
            weather,
            esco,
            setup.owner,
            auditor,
            esco_key,
            setup.owner_key,
            auditor_key,
            third_key,
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from make_world(tmp_path_factory.mktemp("contracts-api"))


async def start_portal(tmp_path: Path, world: World) -> Any:
    from smartblocks.clients.portal.auth import User, hash_password
    from smartblocks.clients.portal.config import PortalConfig
    from smartblocks.clients.portal.server import PortalService

    config = PortalConfig(
        listen="127.0.0.1:0",
        rest_api=world.url,
        component=world.ledger.node.devnet.component,
        data_dir=str(tmp_path / "portal"),
        users={"reader": User("reader", "reader", hash_password(PASSWORD, n=2**10))},
    )
    service = PortalService(config)
    await service.start()
    return service


@pytest.fixture
async def http(tmp_path: Path, world: World) -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    service = await start_portal(tmp_path, world)
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            response = await session.post(
                service.url + "/api/login", json={"user": "reader", "password": PASSWORD}
            )
            assert response.status == 200
            yield session, service.url
    finally:
        await service.stop()


async def call(http: tuple[aiohttp.ClientSession, str], path: str, body: Any = None) -> Any:
    session, url = http
    if body is None:
        response = await session.get(url + path)
    else:
        response = await session.post(url + path, json=body)
    return response.status, await response.json()


async def act(http, signer: Signer, action: str, **body: Any) -> dict[str, Any]:
    """As the page does it: unsigned -> sign header -> batch header -> sign -> submit."""
    status, unsigned = await call(
        http, "/api/sign/unsigned", {"action": action, "public_key": signer.public_key, **body}
    )
    assert status == 200, unsigned
    signed = [
        {**t, "signature": signer.sign(bytes.fromhex(t["header"]))}
        for t in unsigned["transactions"]
    ]
    status, batch = await call(http, "/api/sign/batch", {"transactions": signed})
    assert status == 200, batch
    header = batch["batch_header"]
    status, result = await call(
        http,
        "/api/sign/submit",
        {
            "transactions": signed,
            "batch_header": header,
            "batch_signature": signer.sign(bytes.fromhex(header)),
        },
    )
    return {"status": status, **result, "unsigned": unsigned}


async def indexed_savings(http, contract_id: str, ready: Any) -> dict[str, Any]:
    """`/api/contracts/{id}/savings` once the portal's index has the contract's first period
    as `ready` wants it (the index follows the ledger's events; the REST reads do not wait)."""
    for _ in range(300):
        status, savings = await call(http, f"/api/contracts/{contract_id}/savings")
        if status == 200 and savings["periods"] and ready(savings["periods"][0]):
            return savings  # type: ignore[no-any-return]
        await asyncio.sleep(0.1)
    raise AssertionError(f"the index never showed {contract_id}'s period: {status} {savings}")


@pytest.fixture(scope="module")
def fitted(world: World) -> dict[str, Any]:
    """The M&V engine's fit on January and February (the portal's own function)."""
    return contract_drafts.fit_from_ledger(
        world.url,
        [world.meter_id],
        world.weather_id,
        JANUARY // DAY,
        MARCH // DAY,
    )


# -- tests ----------------------------------------------------------------------------------------


async def test_templates_and_draft_errors_name_the_field(http, world, fitted):
    status, templates = await call(http, "/api/templates")
    assert status == 200
    names = [t["name"] for t in templates["data"]]
    assert names == ["shared_savings", "guaranteed_savings", "first_out", "energy_supply"]
    shared = templates["data"][0]
    assert shared["parameters"] == ["price", "esco_share", "owner_share", "cap_per_period"]

    table = fitted["baseline"]
    bad_shares = world.draft("c-bad", table)
    bad_shares["terms"]["shared_savings"]["owner_share"] = "30 %"
    status, body = await call(http, "/api/drafts/check", bad_shares)
    assert status == 400
    assert body["error"]["field"] == "shared_savings.esco_share"
    assert "must sum to 1,000,000" in body["error"]["message"]

    bad_key = world.draft("c-bad", table)
    bad_key["terms"]["parties"]["owner"] = "/etc/passwd"
    status, body = await call(http, "/api/drafts/check", bad_key)
    assert (status, body["error"]["field"]) == (400, "parties.owner")

    bad_date = world.draft("c-bad", table, start="2027-03-02")
    status, body = await call(http, "/api/drafts/check", bad_date)
    assert (status, body["error"]["field"]) == (400, "start")

    status, body = await call(http, "/api/drafts/check", world.draft("c-bad", ""))
    assert (status, body["error"]["field"]) == (400, "baseline")

    status, body = await call(http, "/api/drafts/check", world.draft("c-ok", table))
    assert status == 200, body
    assert len(body["terms_hash"]) == 64
    assert 'contract_id = "c-ok"' in body["toml"]
    assert body["terms"]["parameters"]["esco_share"] == "60 %"


def test_the_baseline_fit_reports_findings_metrics_and_a_table(fitted, world):
    assert fitted["unit"] == "mWh" and fitted["meters"] == [world.meter_id]
    codes = {f["code"] for f in fitted["findings"]}
    # 59 days are far short of CalTRACK's 365: the finding says so, the table is still there.
    assert fitted["disqualified"] and any("baseline_length" in c for c in codes), codes
    assert fitted["metrics"]["n"] == 59
    assert len(fitted["plot"]["t"]) == len(fitted["plot"]["observed"]) == 59
    assert len(fitted["table_hash"]) == 64 and fitted["baseline"]


async def test_the_fit_route_runs_the_engine_or_says_the_extra_is_missing(http, world, monkeypatch):
    body = {"meters": [world.meter_id], "weather_meter": world.weather_id}
    status, answer = await call(
        http, "/api/drafts/baseline", {**body, "from": "2027-01-01", "to": "2027-01-10"}
    )
    assert status == 400 and "needs 30 to 731 days" in answer["error"]["message"]
    monkeypatch.setattr(contract_drafts, "mv_missing", lambda: ["opendsm"])
    status, answer = await call(
        http, "/api/drafts/baseline", {**body, "from": "2027-01-01", "to": "2027-02-28"}
    )
    assert status == 501
    assert "pip install 'smartblocks[mv]'" in answer["error"]["message"]


async def test_preview_propose_accept_settle_dispute_resolve(http, world, fitted):
    draft = world.draft("lab-ss", fitted["baseline"])
    status, preview = await call(http, "/api/drafts/preview", draft)
    assert status == 200, preview
    march, april = preview["periods"]
    assert march["period_name"] == "2027-03" and march["ended"] and march["coverage_ppm"] == 10**6
    assert march["avoided"] > 0
    (due,) = march["dues"]
    assert (due["payer"], due["payee"], due["reason"]) == (
        "owner",
        "esco",
        "shared_savings.esco_share",
    )
    assert april["complete_days"] == 0

    proposed = await act(http, world.esco, "propose", **draft)
    assert proposed["status"] == 200, proposed
    assert proposed["statuses"][0]["status"] == "COMMITTED"
    assert "smartblocks contract propose" in proposed["unsigned"]["command"]
    status, page = await call(http, "/api/contracts/lab-ss")
    assert page["contract"]["status"] == "PROPOSED" and page["proposer_role"] == "esco"
    # The signed table says what the portal's fit read (protos/baseline.proto fit_*).
    assert page["terms"]["baseline"]["fit"] == {
        "meters": [world.meter_id],
        "weather_meter": world.weather_id,
        "from": "2027-01-01T00:00:00Z",
        "to": "2027-03-01T00:00:00Z",
        "days": 59,
    }
    assert page["contract"]["accepted_at"] is None  # not 1970-01-01
    assert page["escrows"] == {"esco": 100_000_000, "owner": 0}

    # Accepting needs the hash the owner reviewed.
    status, wrong = await call(
        http,
        "/api/sign/unsigned",
        {
            "action": "accept",
            "public_key": world.owner.public_key,
            "contract_id": "lab-ss",
            "terms_hash": "00",
        },
    )
    assert status == 400 and "not the one you reviewed" in wrong["error"]["message"]
    accepted = await act(
        http, world.owner, "accept", contract_id="lab-ss", terms_hash=page["terms_hash"]
    )
    assert accepted["statuses"][0]["status"] == "COMMITTED"

    settled = await act(http, Signer.generate(), "settle", contract_id="lab-ss")
    assert settled["statuses"][0]["status"] == "COMMITTED", settled
    status, page = await call(http, "/api/contracts/lab-ss")
    (s,) = page["settlements"]
    assert s["status"] == "SETTLED" and s["avoided"] == march["avoided"]
    assert [p["due"] for p in s["payments"]] == [due["amount"]]
    savings = await indexed_savings(http, "lab-ss", lambda p: p["status"] == "SETTLED")
    assert savings["periods"][0]["cumulative_avoided"] == march["avoided"]
    assert s["disputable"] and s["dispute"] is None

    disputed = await act(
        http,
        world.owner,
        "dispute",
        contract_id="lab-ss",
        period=0,
        reason="meter bypassed",
        evidence=["sha256:ab12 photos"],
    )
    assert disputed["statuses"][0]["status"] == "COMMITTED", disputed
    # Only the auditor resolves: the ledger refuses the ESCO, and the portal reports why.
    refused = await act(
        http, world.esco, "resolve", contract_id="lab-ss", period=0, decision="UPHOLD", note="x"
    )
    assert refused["status"] == 400 and "auditor" in refused["error"]["message"]
    resolved = await act(
        http,
        world.auditor,
        "resolve",
        contract_id="lab-ss",
        period=0,
        decision="UPHOLD",
        note="data checked",
    )
    assert resolved["statuses"][0]["status"] == "COMMITTED"
    status, page = await call(http, "/api/contracts/lab-ss")
    dispute = page["settlements"][0]["dispute"]
    assert dispute["status"] == "UPHELD" and dispute["note"] == "data checked"
    status, listing = await call(http, "/api/contracts")
    assert [c["contract_id"] for c in listing["data"]] == ["lab-ss"]


async def test_signing_refuses_what_does_not_verify(http, world):
    signer, other = Signer.generate(), Signer.generate()
    status, _ = await call(
        http,
        "/api/sign/unsigned",
        {"action": "settle", "public_key": signer.public_key, "contract_id": "lab-nope"},
    )
    assert status == 404
    status, answer = await call(
        http, "/api/sign/unsigned", {"action": "settle", "public_key": "02abc"}
    )
    assert status == 400 and "66 lower-case hex" in answer["error"]["message"]

    # A transaction of another family is not the portal's to submit.
    foreign = meter_txn.create_site(
        signer, site_id="s-x", owner_public_key=signer.public_key, name="x"
    )
    item = {
        "header": foreign.header.hex(),
        "payload": foreign.payload.hex(),
        "signature": foreign.header_signature,
    }
    status, answer = await call(http, "/api/sign/batch", {"transactions": [item]})
    assert status == 400 and "only energycontract" in answer["error"]["message"]

    mine = txn.accept_amendment(signer, contract_id="lab-other", terms_hash="00")
    good = {
        "header": mine.header.hex(),
        "payload": mine.payload.hex(),
        "signature": mine.header_signature,
    }
    forged = {**good, "signature": other.sign(mine.header)}
    status, answer = await call(http, "/api/sign/batch", {"transactions": [forged]})
    assert status == 400 and "does not verify" in answer["error"]["message"]
    swapped = {**good, "payload": "00"}
    status, answer = await call(http, "/api/sign/batch", {"transactions": [swapped]})
    assert status == 400 and "payload is not the one" in answer["error"]["message"]

    status, batch = await call(http, "/api/sign/batch", {"transactions": [good]})
    assert status == 200 and verify(good["signature"], mine.header, signer.public_key)
    status, answer = await call(
        http,
        "/api/sign/submit",
        {
            "transactions": [good],
            "batch_header": batch["batch_header"],
            "batch_signature": other.sign(bytes.fromhex(batch["batch_header"])),
        },
    )
    assert status == 400 and "batch_signature does not verify" in answer["error"]["message"]

    session, url = http
    response = await session.post(
        url + "/api/drafts/check",
        data=b"{" + b" " * (contract_requests.MAX_BODY + 1) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 400
    assert "at most 1048576 bytes" in (await response.json())["error"]["message"]


async def test_withdraw_amend_accept_amendment_and_terminate(http, world, fitted):
    table = fitted["baseline"]
    draft = world.draft("lab-amend", table)
    assert (await act(http, world.owner, "propose", **draft))["statuses"][0][
        "status"
    ] == "COMMITTED"
    # The proposer may withdraw; the other party sees no withdraw (the ledger refuses it).
    withdrawn = await act(http, world.owner, "withdraw", contract_id="lab-amend")
    assert withdrawn["statuses"][0]["status"] == "COMMITTED"
    _, page = await call(http, "/api/contracts/lab-amend")
    assert page["contract"]["status"] == "WITHDRAWN"

    draft = world.draft("lab-amend-2", table)
    await act(http, world.esco, "propose", **draft)
    _, page = await call(http, "/api/contracts/lab-amend-2?draft=1")
    await act(http, world.owner, "accept", contract_id="lab-amend-2", terms_hash=page["terms_hash"])
    # The amendment form starts from the contract's own terms and baseline.
    new = page["draft"]
    assert new["terms"]["contract_id"] == "lab-amend-2" and new["baseline"] == table
    new["terms"]["shared_savings"]["price"] = "0.30"
    amended = await act(
        http, world.esco, "amend", contract_id="lab-amend-2", reason="tariff rose", **new
    )
    assert amended["statuses"][0]["status"] == "COMMITTED", amended
    _, page = await call(http, "/api/contracts/lab-amend-2")
    pending = page["pending_amendment"]
    assert pending["by_role"] == "esco" and pending["terms"]["parameters"]["price"] == "0.30"
    accepted = await act(
        http,
        world.owner,
        "accept_amendment",
        contract_id="lab-amend-2",
        terms_hash=pending["terms_hash"],
    )
    assert accepted["statuses"][0]["status"] == "COMMITTED"
    _, page = await call(http, "/api/contracts/lab-amend-2")
    assert page["terms"]["parameters"]["price"] == "0.30" and page["pending_amendment"] is None
    assert page["contract"]["terms_history"] and page["terms_hash"] == pending["terms_hash"]

    for party in (world.esco, world.owner):
        ended = await act(http, party, "terminate", contract_id="lab-amend-2", reason="sold")
        assert ended["statuses"][0]["status"] == "COMMITTED", ended
    _, page = await call(http, "/api/contracts/lab-amend-2")
    assert page["contract"]["status"] == "ENDED"
    assert page["escrows"] == {"esco": 0, "owner": 0}


async def test_an_adjusted_settlement_counts_with_the_auditors_figures(http, world, fitted):
    await act(http, world.esco, "propose", **world.draft("lab-adj", fitted["baseline"]))
    _, page = await call(http, "/api/contracts/lab-adj")
    await act(http, world.owner, "accept", contract_id="lab-adj", terms_hash=page["terms_hash"])
    _, page = await call(http, "/api/contracts/lab-adj")
    assert page["next_period"] == {
        "period": 0,
        "name": "2027-03",
        "end": "2027-04-01T00:00Z",
        "ended": True,
    }
    await act(http, world.esco, "settle", contract_id="lab-adj")
    await act(http, world.owner, "dispute", contract_id="lab-adj", period=0, reason="wrong")
    status, answer = await call(
        http,
        "/api/sign/unsigned",
        {
            "action": "resolve",
            "public_key": world.auditor.public_key,
            "contract_id": "lab-adj",
            "period": 0,
            "decision": "ADJUST",
            "note": "bypass hours added",
            "corrected_actual": "2000 m3",
            "corrected_baseline": "3000 kWh",
        },
    )
    assert (status, answer["error"]["field"]) == (400, "corrected_actual")
    resolved = await act(
        http,
        world.auditor,
        "resolve",
        contract_id="lab-adj",
        period=0,
        decision="ADJUST",
        note="bypass hours added",
        corrected_actual="2000 kWh",
        corrected_baseline="3000 kWh",
    )
    assert resolved["statuses"][0]["status"] == "COMMITTED", resolved
    _, page = await call(http, "/api/contracts/lab-adj")
    assert page["settlements"][0]["dispute"]["status"] == "ADJUSTED"
    # The savings chart's figures (kpis.contract_savings, from the portal's index) count the
    # auditor's corrected figures.
    savings = await indexed_savings(http, "lab-adj", lambda p: p["adjusted"])
    (period,) = savings["periods"]
    assert (period["actual"], period["adjusted_baseline"]) == (2_000_000_000, 3_000_000_000)
    assert period["cumulative_avoided"] == 1_000_000_000  # 1,000 kWh in mWh


async def test_every_template_form_checks_its_own_table(http, world, fitted):
    """Each template's example, pointed at this ledger, checks; a guarantee in the wrong unit
    names its key."""
    _, templates = await call(http, "/api/templates")
    base = world.draft("c-t", fitted["baseline"])["terms"]
    for template in templates["data"]:
        name = template["name"]
        terms = {k: v for k, v in base.items() if k != "shared_savings"}
        terms.update(template=name, **{name: template["example"][name]})
        status, body = await call(
            http, "/api/drafts/check", {"terms": terms, "baseline": fitted["baseline"]}
        )
        assert status == 200, (name, body)
        assert body["terms"]["template_name"] == name
        if name == "guaranteed_savings":
            terms[name] = {**terms[name], "guarantee": "40 m3"}
            status, body = await call(
                http, "/api/drafts/check", {"terms": terms, "baseline": fitted["baseline"]}
            )
            assert (status, body["error"]["field"]) == (400, "guaranteed_savings.guarantee")
            assert "baseline table is in mWh" in body["error"]["message"]


async def test_a_downloaded_request_is_signed_on_the_command_line(
    http, world, fitted, tmp_path, capsys
):
    """The page's "Download unsigned request" is step 1's answer; `smartblocks sign` signs it
    with the key file and submits, or writes the batch for curl (`--output`)."""
    from sawtooth_sdk.protobuf.batch_pb2 import BatchList

    from smartblocks.clients.cli.main import main
    from smartblocks.ledger.rest import RestClient

    await act(http, world.esco, "propose", **world.draft("lab-cli", fitted["baseline"]))
    _, page = await call(http, "/api/contracts/lab-cli")
    status, request = await call(
        http,
        "/api/sign/unsigned",
        {
            "action": "accept",
            "public_key": world.owner.public_key,
            "contract_id": "lab-cli",
            "terms_hash": page["terms_hash"],
        },
    )
    assert status == 200 and request["format"] == "smartblocks-unsigned-request/1"
    path = tmp_path / "lab-cli-accept.unsigned.json"
    path.write_text(json.dumps(request))

    def sign(key: Path, *extra: str) -> int:
        return main(["sign", str(path), "--key", str(key), "--url", world.url, *extra])

    # Another party's key is refused before anything is signed.
    assert await asyncio.to_thread(sign, world.esco_key) == 1
    assert "was built for signer" in capsys.readouterr().err
    assert await asyncio.to_thread(sign, world.owner_key) == 0
    shown = capsys.readouterr().out
    assert f"accept contract lab-cli with terms hash {page['terms_hash']}" in shown
    assert '"contract_id": "lab-cli"' in shown and ": COMMITTED" in shown
    _, page = await call(http, "/api/contracts/lab-cli")
    assert page["contract"]["status"] == "ACTIVE"

    # Settle March: signed here, written to a file, posted as curl would post it.
    _, request = await call(
        http,
        "/api/sign/unsigned",
        {"action": "settle", "public_key": world.esco.public_key, "contract_id": "lab-cli"},
    )
    path.write_text(json.dumps(request))
    out = tmp_path / "batch.bin"
    assert await asyncio.to_thread(sign, world.esco_key, "--output", str(out)) == 0
    (batch,) = BatchList.FromString(out.read_bytes()).batches
    session, _ = http
    response = await session.post(
        world.url + "/batches",
        data=out.read_bytes(),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status == 202
    async with RestClient(world.url) as client:
        (settled,) = await client.wait_for_batches([batch.header_signature])
    assert settled["status"] == "COMMITTED", settled
    _, page = await call(http, "/api/contracts/lab-cli")
    assert page["settlements"][0]["status"] == "SETTLED"
