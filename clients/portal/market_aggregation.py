"""The aggregator agreements' pages' API (docs/market-aggregation.md), read from the index's
current state: the communities, and one community's members (with what the vault holds for
each), epochs (each DER's outcome) and disputes, each dispute beside the connection meter's
hours so the evidence can be compared hour by hour. Amounts stay integers (micro-units, mWh);
the page formats them.

    GET /api/markets/aggregation                  the communities
    GET /api/markets/aggregation/{community_id}   one community: members, epochs, disputes
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.messages import to_dict
from smartblocks.ledger.settings import (
    MARKETS_OPERATOR,
    decode_setting,
    entry_value,
    setting_address,
    split_list,
)
from smartblocks.processors.blockmeter import addressing as blockmeter
from smartblocks.processors.energycontract.markets.aggregation import TIME_FIELDS, rules
from smartblocks.processors.energycontract.markets.aggregation import addressing as addr
from smartblocks.processors.kit.payload import check_id
from smartblocks.processors.kit.periods import day_name
from smartblocks.protos.blockmeter_pb2 import Rollup
from smartblocks.protos.energycontract_pb2 import Escrow
from smartblocks.protos.market_aggregation_pb2 import Community, Dispute, Epoch, Member

from .index import ChainIndex

if TYPE_CHECKING:
    from .app import Portal

MAX_RECORDS = 100_000


def add_routes(app: web.Application, portal: Portal) -> None:
    async def list_route(request: web.Request) -> web.Response:
        return web.json_response({"data": communities(portal.index)})

    async def show_route(request: web.Request) -> web.Response:
        return await show_community(portal.index, request.match_info["community_id"])

    app.router.add_get("/api/markets/aggregation", list_route)
    app.router.add_get("/api/markets/aggregation/{community_id}", show_route)


def _show(record: Any, address: str) -> dict[str, Any]:
    return {"address": address, **to_dict(record, time_fields=TIME_FIELDS)}


def _all(index: ChainIndex, prefix: str) -> list[tuple[str, bytes]]:
    rows = index.current_records(prefix, MAX_RECORDS)
    return [(r["address"], bytes(r["value"])) for r in rows]


def communities(index: ChainIndex) -> list[dict[str, Any]]:
    found = [
        (address, Community.FromString(value))
        for address, value in _all(index, addr.RecordType.COMMUNITY.prefix)
    ]
    return [_show(c, a) for a, c in sorted(found, key=lambda pair: pair[1].community_id)]


def _mine(index: ChainIndex, kind: addr.RecordType, message: Any, community_id: str) -> list:
    out = []
    for address, value in _all(index, kind.prefix):
        record = message.FromString(value)
        if record.community_id == community_id:
            out.append((address, record))
    return out


def _hours(index: ChainIndex, meter_id: str, start: int, end: int) -> list[rules.Hour]:
    def buckets(day: int) -> dict[int, tuple[int, int]]:
        data = index.current_value(blockmeter.day_rollup_address(meter_id, day_name(day)))
        rollup = Rollup.FromString(data) if data else None
        return {} if rollup is None else {b.index: (b.sum, b.count) for b in rollup.buckets}

    return rules.hours_from_buckets(start, end, buckets)


def _operators(index: ChainIndex) -> list[str]:
    data = index.current_value(setting_address(MARKETS_OPERATOR))
    return split_list(entry_value(decode_setting(data), MARKETS_OPERATOR)) if data else []


def community_view(index: ChainIndex, community_id: str) -> dict[str, Any] | None:
    address = addr.community_address(community_id)
    data = index.current_value(address)
    if data is None:
        return None
    members = sorted(
        _mine(index, addr.RecordType.MEMBER, Member, community_id), key=lambda p: p[1].der
    )
    epochs = sorted(
        _mine(index, addr.RecordType.EPOCH, Epoch, community_id), key=lambda p: p[1].epoch
    )
    disputes = sorted(
        _mine(index, addr.RecordType.DISPUTE, Dispute, community_id),
        key=lambda p: (p[1].epoch, p[1].der),
    )
    shown_members = []
    meters = {}
    for member_address, member in members:
        vault = addr.vault_address(community_id, member.der)
        held = index.current_value(vault)
        shown = _show(member, member_address)
        shown["vault"] = Escrow.FromString(held).balance if held else 0
        shown["vault_address"] = vault
        shown_members.append(shown)
        meters[member.der] = member.connection_meter
    by_epoch = {e.epoch: e for _, e in epochs}
    shown_disputes = []
    for dispute_address, dispute in disputes:
        shown = _show(dispute, dispute_address)
        record = by_epoch.get(dispute.epoch)
        connection = meters.get(dispute.der)
        if record is not None and connection:
            # The aggregator's side of the comparison the operator makes.
            shown["connection_hours"] = [
                {"sum": h.sum, "count": h.count}
                for h in _hours(index, connection, record.start, record.end)
            ]
        shown_disputes.append(shown)
    return {
        "community": _show(Community.FromString(data), address),
        # Who may resolve disputes (the page offers them the form; the ledger decides).
        "operators": _operators(index),
        "members": shown_members,
        "epochs": [_show(e, a) for a, e in epochs],
        "disputes": shown_disputes,
    }


async def show_community(index: ChainIndex, community_id: str) -> web.Response:
    try:
        check_id("community id", community_id)
    except InvalidTransaction as exc:
        raise ValueError(str(exc)) from None  # the portal answers 400 with the message
    found = community_view(index, community_id)
    if found is None:
        return web.json_response(
            {"error": {"status": 404, "message": f"community {community_id} does not exist"}},
            status=404,
        )
    return web.json_response({"data": found})
