"""Members and reputation: who is who from the ledger's records, and a reputation that a test
recomputes on its own from the same records (docs/portal.md "Members")."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import aiohttp
from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import (
    AUTHORIZED_KEYS,
    BLOCKMETER_AUTHORITIES,
    PROPOSALS,
    setting_address,
)
from smartblocks.processors.blockpredict import addressing as bpa
from smartblocks.processors.energycontract import addressing as eca
from smartblocks.processors.energycontract.markets.p2p import addressing as p2pa
from smartblocks.protos import blockpredict_pb2 as bp
from smartblocks.protos import energycontract_pb2 as ec
from smartblocks.protos import market_p2p_pb2 as p2p
from smartblocks.protos.sawtooth_settings_pb2 import (
    SettingCandidate,
    SettingCandidates,
    SettingProposal,
    SettingVote,
)

from .conftest import DAY0

PASSWORDS = {"auditor": "auditor-pass-1", "admin": "admin-pass-1"}
CONTRACT = "hq-ss-1"
START = DAY0 + 5 * 86400  # the measure: five days of baseline data before it (conftest's DAY0)


@dataclass
class Parties:
    voter: str
    authority: str
    issuer: str
    esco: str
    owner: str
    auditor: str
    good_forecaster: str
    poor_forecaster: str
    aggregator: str
    seller: str


def _key() -> str:
    return Signer.generate().public_key


def _setting(key: str, value: str) -> tuple[str, bytes]:
    setting = Setting()
    setting.entries.add(key=key, value=value)
    return setting_address(key), setting.SerializeToString()


def _payment(reason: str, payer: str, payee: str, due: int, unpaid: int) -> ec.Payment:
    return ec.Payment(
        reason=reason, payer=payer, payee=payee, due=due, from_account=due - unpaid, unpaid=unpaid
    )


def contract_ledger(chain) -> Parties:
    """One block of records that give every role and every reputation component an input:
    settings (voters, authorities, an issuer, a pending proposal), forecasters and their scores,
    a contract with three settlements, payments in full, in part and not at all, arrears, and
    disputes won, lost and open; a P2P market with offers delivered in part, in full (more than
    offered) and not yet settled. Goes on top of conftest's `building` (site hq, meters)."""
    p = Parties(*(_key() for _ in range(10)))
    proposal = SettingProposal(setting="smartblocks.markets.operator", value=p.esco, nonce="n1")
    pending = SettingCandidates(
        candidates=[
            SettingCandidate(
                proposal_id="ab" * 32,
                proposal=proposal,
                votes=[SettingCandidate.VoteRecord(public_key=p.voter, vote=SettingVote.ACCEPT)],
            )
        ]
    )
    changes = [
        _setting(AUTHORIZED_KEYS, p.voter),
        _setting(BLOCKMETER_AUTHORITIES, p.authority),
        _setting("smartblocks.energycontract.issuers.EUR", p.issuer),
        _setting("sawtooth.settings.vote.approval_threshold", "2"),
        _setting(PROPOSALS, base64.b64encode(pending.SerializeToString()).decode()),
    ]
    changes.append(
        (
            bpa.forecasters_address("hq"),
            bp.Forecasters(
                site_id="hq", public_keys=sorted([p.good_forecaster, p.poor_forecaster])
            ).SerializeToString(),
        )
    )
    # (issuer, start day, scored slots, CV(RMSE) ppm)
    scores = [
        (p.good_forecaster, 1, 24, 50_000),
        (p.good_forecaster, 2, 24, 70_001),
        (p.poor_forecaster, 1, 0, 0),  # no slot had data: not counted
        (p.poor_forecaster, 2, 24, 1_200_000),
    ]
    for issuer, day, slots, cv in scores:
        start = DAY0 + day * 86400
        score = bp.Score(
            meter_id="main",
            site_id="hq",
            issuer=issuer,
            start=start,
            end=start + 86400,
            slot_s=3600,
            sums=bp.ErrorSums(slots=slots),
            metrics=bp.Metrics(cv_rmse_ppm=cv),
        )
        changes.append((bpa.score_address("main", start, issuer), score.SerializeToString()))
    changes.append(
        (
            bpa.month_accuracy_address("main", "2026-01", 3600),
            bp.MonthAccuracy(
                meter_id="main",
                month="2026-01",
                slot_s=3600,
                scores=3,
                sums=bp.ErrorSums(slots=72),
                metrics=bp.Metrics(cv_rmse_ppm=440_000, mape_ppm=300_000),
            ).SerializeToString(),
        )
    )

    terms = ec.Terms(
        contract_id=CONTRACT,
        title="Head office lighting",
        esco=p.esco,
        owner=p.owner,
        auditor=p.auditor,
        site_id="hq",
        meters=["main"],
        weather_meter="outdoor",
        currency="EUR",
        start=START,
        period=ec.MONTH,
        periods=12,
        shared_savings=ec.SharedSavings(price=250_000, esco_share_ppm=600_000),
    )
    contract = ec.Contract(
        contract_id=CONTRACT,
        terms=terms,
        status=ec.Contract.ACTIVE,
        settled_periods=3,
        state=ec.TemplateState(cumulative_avoided=9_000_000, owed_by_owner=100),
    )
    changes.append((eca.contract_address(CONTRACT), contract.SerializeToString()))
    o, e = p.owner, p.esco
    settlements = [
        ec.Settlement(
            period=0,
            payments=[_payment("shared_savings.esco_share", o, e, 100, 0)],
            dispute=ec.DisputeRecord(raised_by=e, status=ec.DisputeRecord.UPHELD),
        ),
        ec.Settlement(
            period=1,
            payments=[_payment("shared_savings.esco_share", o, e, 100, 40)],
            dispute=ec.DisputeRecord(
                raised_by=o,
                status=ec.DisputeRecord.ADJUSTED,
                payments=[_payment("resolution.adjustment", e, o, 5, 0)],
            ),
        ),
        ec.Settlement(
            period=2,
            payments=[
                _payment("arrears", o, e, 40, 0),
                _payment("guaranteed_savings.fee", o, e, 100, 100),
                _payment("guaranteed_savings.shortfall", e, o, 10, 0),
            ],
            dispute=ec.DisputeRecord(raised_by=o, status=ec.DisputeRecord.OPEN),
        ),
    ]
    for s in settlements:
        s.contract_id = CONTRACT
        s.period_name = f"2026-0{s.period + 1}"
        s.status = ec.Settlement.SETTLED
        s.actual, s.adjusted_baseline, s.avoided = 7_000_000, 10_000_000, 3_000_000
        changes.append((eca.settlement_address(CONTRACT, s.period), s.SerializeToString()))
    for holder, balance in ((e, 1_000_000_000), (o, 500_000_000)):
        account = ec.Account(owner=holder, currency="EUR", balance=balance)
        changes.append((eca.account_address(holder, "EUR"), account.SerializeToString()))
    changes.append(
        (
            eca.currency_address("EUR"),
            ec.Currency(code="EUR", issued=2_000_000_000).SerializeToString(),
        )
    )
    escrow = ec.Escrow(contract_id=CONTRACT, party=o, currency="EUR", balance=300)
    changes.append((eca.escrow_address(CONTRACT, o), escrow.SerializeToString()))
    aggregator = p2p.Aggregator(aggregator=p.aggregator, name="hq-community", currency="EUR")
    changes.append((p2pa.aggregator_address(p.aggregator), aggregator.SerializeToString()))
    # (offer, status, offered, delivered): the buyer is the contract's owner.
    for offer_id, status, energy, delivered in [
        ("o-1", p2p.Offer.SETTLED, 10_000_000, 9_000_000),
        ("o-2", p2p.Offer.SETTLED, 5_000_000, 6_000_000),  # more than offered: counts as offered
        ("o-3", p2p.Offer.PICKED, 7_000_000, 0),  # not settled: not judged yet
    ]:
        offer = p2p.Offer(
            offer_id=offer_id,
            seller=p.seller,
            aggregator=p.aggregator,
            export_meter="chp",
            energy=energy,
            delivered=delivered,
            status=status,
            buyer=p.owner,
            import_meter="main",
        )
        changes.append((p2pa.offer_address(offer_id), offer.SerializeToString()))
    chain.add_block(state_changes=changes)
    return p


def recompute(
    settlements: list[ec.Settlement], scores: list[bp.Score], offers: list[p2p.Offer], key: str
) -> int | None:
    """The reputation of `key` as docs/portal.md defines it, written apart from the portal's
    code: plain loops over the records."""
    dues = in_full = won = lost = offered = delivered = 0
    for o in offers:
        if o.seller == key and o.status == p2p.Offer.SETTLED:
            offered += o.energy
            delivered += min(o.energy, o.delivered)
    for s in settlements:
        for payment in [*s.payments, *s.dispute.payments]:
            if payment.payer == key and payment.reason != "arrears":
                dues += 1
                in_full += payment.unpaid == 0
        if s.dispute.raised_by == key:
            won += s.dispute.status == ec.DisputeRecord.ADJUSTED
            lost += s.dispute.status == ec.DisputeRecord.UPHELD
    cvs = [x.metrics.cv_rmse_ppm for x in scores if x.issuer == key and x.sums.slots]
    parts = []
    if dues:
        parts.append(in_full * 1_000_000 // dues)
    if won + lost:
        parts.append(won * 1_000_000 // (won + lost))
    if cvs:
        parts.append(max(0, 1_000_000 - sum(cvs) // len(cvs)))
    if offered:
        parts.append(delivered * 1_000_000 // offered)
    return sum(parts) // len(parts) if parts else None


async def session(portal, user: str) -> aiohttp.ClientSession:
    client = aiohttp.ClientSession(portal.url, cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with client.post("/api/login", json={"user": user, "password": PASSWORDS[user]}) as r:
        assert r.status == 200
    return client


async def get(client, path: str, status: int = 200) -> dict:
    async with client.get(path) as r:
        body = await r.json()
        assert r.status == status, body
        return body


def ledger_records(portal) -> tuple[list[ec.Settlement], list[bp.Score], list[p2p.Offer]]:
    index = portal.service.index
    settlements = [
        ec.Settlement.FromString(bytes(r["value"]))
        for r in index.current_records(eca.RecordType.SETTLEMENT.prefix)
    ]
    scores = [
        bp.Score.FromString(bytes(r["value"]))
        for r in index.current_records(bpa.RecordType.SCORE.prefix)
    ]
    offers = [
        p2p.Offer.FromString(bytes(r["value"]))
        for r in index.current_records(p2pa.RecordType.OFFER.prefix)
    ]
    return settlements, scores, offers


async def test_every_party_key_with_its_roles_sites_and_contracts(portal, chain, building):
    parties = contract_ledger(chain)
    await portal.indexed()
    client = await session(portal, "auditor")
    try:
        body = await get(client, "/api/members")
        by_key = {m["key"]: m for m in body["data"]}
        assert "off the ledger" in body["directory_note"]
        roles = {key: m["roles"] for key, m in by_key.items()}
        building_key = chain.signer.public_key
        assert roles == {
            parties.voter: ["settings voter"],
            parties.authority: ["metering authority"],
            parties.issuer: ["currency issuer"],
            building_key: ["site owner", "device key"],
            parties.good_forecaster: ["forecaster"],
            parties.poor_forecaster: ["forecaster"],
            parties.esco: ["ESCO", "account holder"],
            parties.owner: ["owner", "account holder", "energy buyer"],
            parties.auditor: ["auditor"],
            parties.aggregator: ["aggregator"],
            parties.seller: ["energy seller"],
        }
        assert [s["site_id"] for s in by_key[building_key]["sites"]] == ["hq"]
        assert by_key[building_key]["meters"] == 2  # the list shows how many it signs for
        assert [
            (c["contract_id"], c["as"], c["status"]) for c in by_key[parties.esco]["contracts"]
        ] == [(CONTRACT, "ESCO", "ACTIVE")]
        assert by_key[parties.owner]["accounts"][0]["balance"] == 500_000_000
        # The governance keys come first, then the building, then the money.
        assert [m["key"] for m in body["data"]][:3] == [
            parties.voter,
            parties.authority,
            parties.issuer,
        ]

        detail = (await get(client, f"/api/members/{building_key}"))["data"]
        assert detail["meters"] == ["chp", "main"]
        assert {s["what"] for s in detail["sources"]} >= {
            "owns site hq",
            "signs readings of meter main",
        }
        for source in detail["sources"]:
            assert len(source["address"]) == 70
        await get(client, f"/api/members/{'02' + '1' * 64}", 404)
        await get(client, "/api/members/not-a-key", 400)
    finally:
        await client.close()


async def test_reputation_matches_an_independent_recomputation(portal, chain, building):
    parties = contract_ledger(chain)
    await portal.indexed()
    settlements, scores, offers = ledger_records(portal)
    client = await session(portal, "auditor")
    try:
        members = {m["key"]: m for m in (await get(client, "/api/members"))["data"]}
        for key, member in members.items():
            got = member["reputation"]["reputation_ppm"] if member["reputation"] else None
            assert got == recompute(settlements, scores, offers, key), key
        # And by hand, from the records contract_ledger wrote:
        owner = (await get(client, f"/api/members/{parties.owner}"))["data"]["reputation"]
        parts = {c["name"]: c for c in owner["components"]}
        assert parts["payments"]["value_ppm"] == 333_333  # 1 of 3 dues paid in full
        assert parts["payments"]["inputs"] == {
            "dues": 3,
            "paid_in_full": 1,
            "paid_in_part": 1,
            "not_paid": 1,
            "arrears_paid": 1,
            "contracts_in_arrears": 1,
        }
        assert parts["disputes"]["value_ppm"] == 1_000_000  # won 1, 1 still open
        assert parts["disputes"]["inputs"] == {"raised": 2, "won": 1, "lost": 0, "open": 1}
        assert not parts["forecasts"]["applies"] and not parts["delivery"]["applies"]
        assert owner["reputation_ppm"] == (333_333 + 1_000_000) // 2
        assert len(parts["payments"]["records"]) == 3  # the three settlements, linked

        esco = members[parties.esco]["reputation"]
        assert esco == {
            "reputation_ppm": 500_000,
            "components": {"payments": 1_000_000, "disputes": 0},
        }
        good = members[parties.good_forecaster]["reputation"]
        assert good["components"] == {"forecasts": 1_000_000 - (50_000 + 70_001) // 2}
        assert members[parties.poor_forecaster]["reputation"]["reputation_ppm"] == 0
        assert members[parties.auditor]["reputation"] is None  # nothing to judge it by
        seller = (await get(client, f"/api/members/{parties.seller}"))["data"]["reputation"]
        delivery = {c["name"]: c for c in seller["components"]}["delivery"]
        assert delivery["inputs"] == {
            "trades_settled": 2,
            "energy_offered_mwh": 15_000_000,
            "energy_delivered_mwh": 14_000_000,
        }
        assert delivery["value_ppm"] == seller["reputation_ppm"] == 933_333
        assert len(delivery["records"]) == 2
    finally:
        await client.close()


async def test_display_names_are_the_admins_labels(portal, chain, building):
    parties = contract_ledger(chain)
    await portal.indexed()
    admin = await session(portal, "admin")
    reader = await session(portal, "auditor")
    try:
        async with admin.post(
            "/api/admin/directory", json={"key": parties.esco, "name": " Bright ESCO Ltd "}
        ) as r:
            assert r.status == 200, await r.text()
        async with reader.post(
            "/api/admin/directory", json={"key": parties.esco, "name": "x"}
        ) as r:
            assert r.status == 403
        member = (await get(reader, f"/api/members/{parties.esco}"))["data"]
        assert member["name"] == "Bright ESCO Ltd"
        async with admin.post("/api/admin/directory", json={"key": "nope", "name": "x"}) as r:
            assert r.status == 400 and "public key" in (await r.json())["error"]["message"]
        async with admin.post("/api/admin/directory", json={"key": parties.esco, "name": ""}) as r:
            assert r.status == 200
        assert (await get(reader, f"/api/members/{parties.esco}"))["data"]["name"] is None
    finally:
        await admin.close()
        await reader.close()


async def test_members_of_an_empty_ledger(portal, chain):
    chain.add_block()
    await portal.indexed()
    client = await session(portal, "auditor")
    try:
        assert (await get(client, "/api/members"))["data"] == []
    finally:
        await client.close()
