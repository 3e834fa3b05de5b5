"""Who is who on the ledger: every party key the records name, its roles, sites and contracts.

Roles are derived from ledger records only, each with the record that gives it (docs/portal.md
"Members"). Display names are not on the ledger: they come from the portal's own directory,
labels its admins keep (`portal_data.Directory`), and the page says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from smartblocks.ledger.settings import (
    AGGREGATORS,
    AUCTION_OPERATORS,
    AUTHORIZED_KEYS,
    BLOCKMETER_AUTHORITIES,
    ISSUERS_PREFIX,
    MARKETS_OPERATOR,
    SUPPLIER_OPERATORS,
    split_list,
)
from smartblocks.protos import energycontract_pb2 as ec
from smartblocks.protos import market_aggregation_pb2 as agg

from .ledger_records import LedgerRecords

# The order roles are listed in: the ledger's governance first, then the building, the money,
# the markets (docs/markets.md).
ROLES = (
    "settings voter",
    "metering authority",
    "currency issuer",
    "site owner",
    "device key",
    "forecaster",
    "ESCO",
    "owner",
    "auditor",
    "account holder",
    "market operator",
    "aggregator",
    "DER member",
    "energy seller",
    "energy buyer",
    "supplier operator",
    "supplier member",
    "auctioneer",
    "subscriber",
)
# Settings that give a role to the keys they list (docs/settings.md).
SETTING_ROLES = {
    AUTHORIZED_KEYS: ("settings voter", "votes on settings"),
    BLOCKMETER_AUTHORITIES: ("metering authority", "creates sites"),
    MARKETS_OPERATOR: ("market operator", "resolves aggregator agreements' disputes"),
    AGGREGATORS: ("aggregator", "may run a P2P market or open DER communities"),
    SUPPLIER_OPERATORS: ("supplier operator", "may open automated suppliers"),
    AUCTION_OPERATORS: ("auctioneer", "may open local double auctions"),
}


class _Member:
    def __init__(self, key: str) -> None:
        self.key = key
        self.sources: list[dict[str, Any]] = []
        self.sites: dict[str, dict[str, Any]] = {}
        self.meters: list[str] = []
        self.contracts: list[dict[str, Any]] = []
        self.accounts: list[dict[str, Any]] = []
        self.markets: list[dict[str, Any]] = []

    def add(self, role: str, what: str, address: str) -> None:
        self.sources.append({"role": role, "what": what, "address": address})

    def in_market(
        self, market: str, agreement: str, role: str, detail: str, address: str, **figures: Any
    ) -> None:
        """A place in one of the four markets (docs/markets.md), linked to its record."""
        self.markets.append(
            {
                "market": market,
                "id": agreement,
                "as": role,
                "detail": detail,
                "address": address,
                **figures,
            }
        )


def members(
    records: LedgerRecords,
    names: dict[str, str],
    reputations: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """Every key with at least one role, sorted by role then key."""
    found: dict[str, _Member] = defaultdict(lambda: _Member(""))

    def member(key: str) -> _Member:
        entry = found[key]
        entry.key = key
        return entry

    for setting, (address, value) in records.settings.items():
        if setting in SETTING_ROLES:
            role, does = SETTING_ROLES[setting]
            what = f"{does} (setting {setting})"
        elif setting.startswith(ISSUERS_PREFIX):
            currency = setting[len(ISSUERS_PREFIX) :]
            role, what = "currency issuer", f"issues {currency} (setting {setting})"
        else:
            continue
        for key in split_list(value):
            member(key).add(role, what, address)

    for found_site in records.sites:
        site = found_site.record
        owner = member(site.owner_public_key)
        owner.add("site owner", f"owns site {site.site_id}", found_site.address)
        owner.sites.setdefault(site.site_id, _site(site, found_site.address))["as"].append("owner")
        if site.created_by:
            creator = member(site.created_by)
            creator.add("metering authority", f"created site {site.site_id}", found_site.address)
            creator.sites.setdefault(site.site_id, _site(site, found_site.address))["as"].append(
                "created"
            )

    for found_meter in records.meters:
        meter = found_meter.record
        for key in meter.device_keys:
            device = member(key)
            device.add(
                "device key", f"signs readings of meter {meter.meter_id}", found_meter.address
            )
            device.meters.append(meter.meter_id)

    for found_forecasters in records.forecasters:
        granted = found_forecasters.record
        for key in granted.public_keys:
            member(key).add(
                "forecaster", f"forecasts site {granted.site_id}", found_forecasters.address
            )
    scored: dict[tuple[str, str], str] = {}  # (issuer, meter) -> the first score's address
    for found_score in records.scores:
        score = found_score.record
        scored.setdefault((score.issuer, score.meter_id), found_score.address)
    for (key, meter_id), address in sorted(scored.items()):
        member(key).add("forecaster", f"has scored forecasts of meter {meter_id}", address)

    for found_contract in records.contracts:
        contract = found_contract.record
        terms = contract.terms
        status = ec.Contract.Status.Name(contract.status)
        for role, key in (("ESCO", terms.esco), ("owner", terms.owner), ("auditor", terms.auditor)):
            party = member(key)
            party.add(role, f"{role} of contract {terms.contract_id}", found_contract.address)
            party.contracts.append(
                {
                    "contract_id": terms.contract_id,
                    "title": terms.title,
                    "as": role,
                    "status": status,
                    "site_id": terms.site_id,
                    "address": found_contract.address,
                }
            )

    for found_account in records.accounts:
        account = found_account.record
        holder = member(account.owner)
        holder.add("account holder", f"holds {account.currency}", found_account.address)
        holder.accounts.append(
            {
                "currency": account.currency,
                "balance": account.balance,
                "address": found_account.address,
            }
        )

    for found_aggregator in records.aggregators:
        aggregator = found_aggregator.record
        entry = member(aggregator.aggregator)
        entry.add("aggregator", f"runs the P2P market {aggregator.name}", found_aggregator.address)
        entry.in_market(
            "p2p",
            aggregator.name,
            "aggregator",
            f"P2P market in {aggregator.currency}",
            found_aggregator.address,
        )
    for found_offer in records.offers:
        offer = found_offer.record
        member(offer.seller).add(
            "energy seller",
            f"offered {offer.offer_id} from meter {offer.export_meter}",
            found_offer.address,
        )
        if offer.buyer:
            member(offer.buyer).add(
                "energy buyer",
                f"picked {offer.offer_id} for meter {offer.import_meter}",
                found_offer.address,
            )

    _aggregation_roles(records, member)
    _supplier_roles(records, member)
    _auction_roles(records, member)

    rank = {role: i for i, role in enumerate(ROLES)}
    result: list[dict[str, Any]] = []
    for key, entry in found.items():
        if not key:
            continue  # an empty key field (e.g. a site created before created_by existed)
        roles = sorted({s["role"] for s in entry.sources}, key=rank.__getitem__)
        result.append(
            {
                "key": key,
                "name": names.get(key),
                "roles": roles,
                "sources": entry.sources,
                "sites": sorted(entry.sites.values(), key=lambda s: s["site_id"]),
                "meters": sorted(entry.meters),
                "contracts": sorted(entry.contracts, key=lambda c: (c["contract_id"], c["as"])),
                "accounts": sorted(entry.accounts, key=lambda a: a["currency"]),
                "markets": sorted(entry.markets, key=lambda x: (x["market"], x["id"], x["as"])),
                "reputation": reputations.get(key),
            }
        )
    result.sort(key=lambda m: (rank[m["roles"][0]], m["key"]))
    return result


def _aggregation_roles(records: LedgerRecords, member: Callable[[str], _Member]) -> None:
    """Aggregator agreements: the community's aggregator and its DERs (market-aggregation.md)."""
    for found in records.communities:
        community = found.record
        entry = member(community.aggregator)
        entry.add("aggregator", f"runs DER community {community.community_id}", found.address)
        entry.in_market(
            "aggregation",
            community.community_id,
            "aggregator",
            f"{len(community.members)} members, {community.swept_epochs} epochs swept",
            found.address,
        )
    for found_der in records.community_members:
        der = found_der.record
        status = agg.Member.Status.Name(der.status)
        entry = member(der.der)
        entry.add(
            "DER member",
            f"DER in community {der.community_id} ({status}), meter {der.der_meter}",
            found_der.address,
        )
        entry.in_market(
            "aggregation",
            der.community_id,
            "DER member",
            f"{status}; met its commitment in {der.met} of {der.epochs} epochs swept",
            found_der.address,
            status=status,
            epochs=der.epochs,
            met=der.met,
        )


def _supplier_roles(records: LedgerRecords, member: Callable[[str], _Member]) -> None:
    """The automated supplier: its operator and its members with their H factor. H is the
    supplier's own on-chain score of the member (its algorithm, its parameters), shown as is."""
    for found in records.suppliers:
        supplier = found.record
        entry = member(supplier.operator)
        entry.add("supplier operator", f"operates supplier {supplier.supplier_id}", found.address)
        entry.in_market(
            "supplier",
            supplier.supplier_id,
            "supplier operator",
            f"{supplier.members} members",
            found.address,
        )
    for found_member in records.supplier_members:
        joined = found_member.record
        state = "left" if joined.left else "member"
        entry = member(joined.member)
        entry.add(
            "supplier member",
            f"{state} of supplier {joined.supplier_id}, meter {joined.meter_id}",
            found_member.address,
        )
        entry.in_market(
            "supplier",
            joined.supplier_id,
            "supplier member",
            f"{state}; {joined.periods_settled} periods settled",
            found_member.address,
            h_ppm=joined.h_ppm,
            left=joined.left,
        )


def _auction_roles(records: LedgerRecords, member: Callable[[str], _Member]) -> None:
    """The local double auction: its auctioneer and its subscribers (market-auction.md)."""
    for found in records.auctions:
        auction = found.record
        entry = member(auction.operator)
        entry.add("auctioneer", f"runs auction {auction.auction_id}", found.address)
        entry.in_market(
            "auction",
            auction.auction_id,
            "auctioneer",
            f"{len(auction.subscribers)} subscribers, {auction.settled_steps} steps settled",
            found.address,
        )
        for subscriber in auction.subscribers:
            meters = subscriber.import_meter + (
                f" and {subscriber.export_meter}" if subscriber.export_meter else ""
            )
            entry = member(subscriber.member)
            entry.add(
                "subscriber",
                f"subscribes to auction {auction.auction_id}, meters {meters}",
                found.address,
            )
            entry.in_market(
                "auction", auction.auction_id, "subscriber", f"meters {meters}", found.address
            )


def _site(site: Any, address: str) -> dict[str, Any]:
    return {"site_id": site.site_id, "name": site.name, "address": address, "as": []}


def summary(member: dict[str, Any]) -> dict[str, Any]:
    """A member for the list: its reputation without the records behind each component."""
    reputation = member["reputation"]
    if reputation is not None:
        reputation = {
            "reputation_ppm": reputation["reputation_ppm"],
            "components": {
                c["name"]: c["value_ppm"] for c in reputation["components"] if c["applies"]
            },
        }
    return {
        **member,
        "sources": None,
        "meters": len(member["meters"]),
        "markets": len(member["markets"]),
        "reputation": reputation,
    }
