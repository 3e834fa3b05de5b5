"""Members and reputation: who is who from the ledger's records, and a reputation that a test
recomputes on its own from the same records (docs/portal.md "Members")."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import aiohttp
from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import (
    AUCTION_OPERATORS,
    AUTHORIZED_KEYS,
    BLOCKMETER_AUTHORITIES,
    MARKETS_OPERATOR,
    PROPOSALS,
    setting_address,
)
from smartblocks.processors.blockpredict import addressing as bpa
from smartblocks.processors.energycontract import addressing as eca
from smartblocks.processors.energycontract.markets.aggregation import addressing as agga
from smartblocks.processors.energycontract.markets.auction import addressing as auca
from smartblocks.processors.energycontract.markets.p2p import addressing as p2pa
from smartblocks.processors.energycontract.markets.supplier import addressing as supa
from smartblocks.protos import blockpredict_pb2 as bp
from smartblocks.protos import energycontract_pb2 as ec
from smartblocks.protos import market_aggregation_pb2 as agg
from smartblocks.protos import market_auction_pb2 as auc
from smartblocks.protos import market_p2p_pb2 as p2p
from smartblocks.protos import market_supplier_pb2 as sup
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
    market_operator: str
    supplier_operator: str
    auctioneer: str


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
    p = Parties(*(_key() for _ in range(13)))
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
        _setting(MARKETS_OPERATOR, p.market_operator),
        _setting(AUCTION_OPERATORS, p.auctioneer),
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
    changes += market_records(p)
    chain.add_block(state_changes=changes)
    return p


def market_records(p: Parties) -> list[tuple[str, bytes]]:
    """The other three markets, with the mechanisms' own record types and addresses: the seller
    is a DER of the aggregator's community (one epoch met, one missed with less than nothing
    delivered; a dispute won, one lost) and sells in an auction step (one settled, one not); the
    owner is a supplier's member (with its H factor) and a net buyer in the auction."""
    community = agg.Community(
        community_id="valley",
        name="Valley DERs",
        aggregator=p.aggregator,
        currency="EUR",
        members=[p.seller],
        swept_epochs=2,
        status=agg.Community.OPEN,
    )
    der = agg.Member(
        community_id="valley",
        der=p.seller,
        der_meter="chp",
        connection_meter="main",
        status=agg.Member.ACTIVE,
        epochs=2,
        met=1,
    )
    changes = [
        (agga.community_address("valley"), community.SerializeToString()),
        (agga.member_address("valley", p.seller), der.SerializeToString()),
    ]
    # (epoch, required, delivered, met, dispute status)
    for number, required, delivered, met, status in [
        (0, 4_000_000, 4_500_000, True, agg.Dispute.ADJUSTED),
        (1, 4_000_000, -500, False, agg.Dispute.UPHELD),
    ]:
        outcome = agg.Outcome(der=p.seller, required=required, delivered=delivered, met=met)
        epoch = agg.Epoch(community_id="valley", epoch=number, outcomes=[outcome])
        dispute = agg.Dispute(community_id="valley", epoch=number, der=p.seller, status=status)
        changes.append((agga.epoch_address("valley", number), epoch.SerializeToString()))
        changes.append(
            (agga.dispute_address("valley", number, p.seller), dispute.SerializeToString())
        )

    supplier = sup.Supplier(
        supplier_id="fair", operator=p.supplier_operator, members=1, terms=sup.SupplierOpen()
    )
    joined = sup.SupplierMember(
        supplier_id="fair", member=p.owner, meter_id="main", h_ppm=812_345, periods_settled=4
    )
    changes.append((supa.supplier_address("fair"), supplier.SerializeToString()))
    changes.append((supa.member_address("fair", p.owner), joined.SerializeToString()))

    auction = auc.Auction(
        auction_id="town",
        operator=p.auctioneer,
        subscribers=sorted(
            [
                auc.Subscriber(member=p.seller, import_meter="main", export_meter="chp"),
                auc.Subscriber(member=p.owner, import_meter="main"),
            ],
            key=lambda s: s.member,
        ),
        cleared_steps=2,
        settled_steps=1,
    )
    changes.append((auca.auction_address("town"), auction.SerializeToString()))
    # (step, settled, seller's sold / export / import): the owner bought what the seller sold.
    for number, settled, sold, exported, imported in [
        (0, True, 3_000_000, 2_500_000, 100_000),
        (1, False, 1_000_000, 0, 0),  # not settled: not judged yet
    ]:
        results = [
            auc.StepResult(
                member=p.seller, sold_mwh=sold, export_mwh=exported, import_mwh=imported
            ),
            auc.StepResult(member=p.owner, bought_mwh=sold, import_mwh=sold + 1_000_000),
        ]
        step = auc.StepBook(
            auction_id="town",
            step=number,
            cleared=True,
            settled=settled,
            results=sorted(results, key=lambda r: r.member) if settled else [],
        )
        changes.append((auca.step_address("town", number), step.SerializeToString()))
    return changes


@dataclass
class Ledger:
    settlements: list[ec.Settlement]
    scores: list[bp.Score]
    offers: list[p2p.Offer]
    epochs: list[agg.Epoch]
    epoch_disputes: list[agg.Dispute]
    steps: list[auc.StepBook]


def recompute(ledger: Ledger, key: str) -> int | None:
    """The reputation of `key` as docs/portal.md defines it, written apart from the portal's
    code: plain loops over the records."""
    dues = in_full = won = lost = owed = kept = 0
    for o in ledger.offers:
        if o.seller == key and o.status == p2p.Offer.SETTLED:
            owed += o.energy
            kept += min(o.energy, o.delivered)
    for e in ledger.epochs:
        for outcome in e.outcomes:
            if outcome.der == key:
                owed += outcome.required
                kept += outcome.required if outcome.met else max(0, outcome.delivered)
    for step in ledger.steps:
        for r in step.results:
            if step.settled and r.member == key and r.sold_mwh > r.bought_mwh:
                owed += r.sold_mwh - r.bought_mwh
                kept += max(0, min(r.sold_mwh - r.bought_mwh, r.export_mwh - r.import_mwh))
    for s in ledger.settlements:
        for payment in [*s.payments, *s.dispute.payments]:
            if payment.payer == key and payment.reason != "arrears":
                dues += 1
                in_full += payment.unpaid == 0
        if s.dispute.raised_by == key:
            won += s.dispute.status == ec.DisputeRecord.ADJUSTED
            lost += s.dispute.status == ec.DisputeRecord.UPHELD
    for d in ledger.epoch_disputes:
        if d.der == key:
            won += d.status == agg.Dispute.ADJUSTED
            lost += d.status == agg.Dispute.UPHELD
    cvs = [x.metrics.cv_rmse_ppm for x in ledger.scores if x.issuer == key and x.sums.slots]
    parts = []
    if dues:
        parts.append(in_full * 1_000_000 // dues)
    if won + lost:
        parts.append(won * 1_000_000 // (won + lost))
    if cvs:
        parts.append(max(0, 1_000_000 - sum(cvs) // len(cvs)))
    if owed:
        parts.append(kept * 1_000_000 // owed)
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


def ledger_records(portal) -> Ledger:
    index = portal.service.index

    def read(prefix: str, message_class):
        return [message_class.FromString(bytes(r["value"])) for r in index.current_records(prefix)]

    return Ledger(
        settlements=read(eca.RecordType.SETTLEMENT.prefix, ec.Settlement),
        scores=read(bpa.RecordType.SCORE.prefix, bp.Score),
        offers=read(p2pa.RecordType.OFFER.prefix, p2p.Offer),
        epochs=read(agga.RecordType.EPOCH.prefix, agg.Epoch),
        epoch_disputes=read(agga.RecordType.DISPUTE.prefix, agg.Dispute),
        steps=read(auca.RecordType.STEP.prefix, auc.StepBook),
    )


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
            parties.owner: [
                "owner",
                "account holder",
                "energy buyer",
                "supplier member",
                "subscriber",
            ],
            parties.auditor: ["auditor"],
            parties.aggregator: ["aggregator"],
            parties.seller: ["DER member", "energy seller", "subscriber"],
            parties.market_operator: ["market operator"],
            parties.supplier_operator: ["supplier operator"],
            parties.auctioneer: ["auctioneer"],
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
    ledger = ledger_records(portal)
    client = await session(portal, "auditor")
    try:
        members = {m["key"]: m for m in (await get(client, "/api/members"))["data"]}
        for key, member in members.items():
            got = member["reputation"]["reputation_ppm"] if member["reputation"] else None
            assert got == recompute(ledger, key), key
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
            "epochs_swept": 2,
            "epochs_met": 1,
            "epoch_required_mwh": 8_000_000,
            "epoch_delivered_mwh": 4_000_000,  # the met epoch's commitment; nothing of -500
            "steps_sold": 1,  # the unsettled step is not judged yet
            "step_sold_mwh": 3_000_000,
            "step_exported_mwh": 2_400_000,  # net of its own import in the step
            "energy_owed_mwh": 26_000_000,
            "energy_kept_mwh": 20_400_000,
        }
        assert delivery["value_ppm"] == 20_400_000 * 1_000_000 // 26_000_000 == 784_615
        # P2P offers 2, epochs 2, the settled auction step.
        assert len(delivery["records"]) == 5
        disputes = {c["name"]: c for c in seller["components"]}["disputes"]
        assert disputes["inputs"] == {"raised": 2, "won": 1, "lost": 1, "open": 0}
        assert seller["reputation_ppm"] == (784_615 + 500_000) // 2

        # The other markets' places, each linked to its record; H is the supplier's own.
        owner_markets = (await get(client, f"/api/members/{parties.owner}"))["data"]["markets"]
        assert [(x["market"], x["id"], x["as"]) for x in owner_markets] == [
            ("auction", "town", "subscriber"),
            ("supplier", "fair", "supplier member"),
        ]
        assert owner_markets[1]["h_ppm"] == 812_345
        assert owner_markets[1]["address"] == supa.member_address("fair", parties.owner)
        der = (await get(client, f"/api/members/{parties.seller}"))["data"]
        assert ("aggregation", "valley", "DER member") in [
            (x["market"], x["id"], x["as"]) for x in der["markets"]
        ]
        assert any("community valley" in s["what"] for s in der["sources"])
        assert members[parties.aggregator]["markets"] == 2  # its P2P market and its community
        assert members[parties.market_operator]["reputation"] is None
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
