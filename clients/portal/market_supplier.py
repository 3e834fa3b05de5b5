"""The automated supplier's pages' API (docs/market-supplier.md), read from the index's current
state: the suppliers, and one supplier's members (H factor, deposit, pending periods) and
periods (declarations, then results and the money split). Amounts stay integers (micro-units,
mWh, ppm); the page formats them.

    GET /api/markets/supplier                 the suppliers
    GET /api/markets/supplier/{supplier_id}   one supplier: terms, members, periods
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.messages import to_dict
from smartblocks.processors.energycontract import addressing as family
from smartblocks.processors.energycontract.markets.supplier import TIME_FIELDS
from smartblocks.processors.energycontract.markets.supplier import addressing as addr
from smartblocks.processors.kit.payload import check_id
from smartblocks.protos.energycontract_pb2 import Escrow
from smartblocks.protos.market_supplier_pb2 import Supplier, SupplierMember, SupplierPeriod

from .index import ChainIndex

if TYPE_CHECKING:
    from .app import Portal

MAX_RECORDS = 100_000


def add_routes(app: web.Application, portal: Portal) -> None:
    async def list_route(request: web.Request) -> web.Response:
        return await list_suppliers(portal.index)

    async def show_route(request: web.Request) -> web.Response:
        return await show_supplier(portal.index, request.match_info["supplier_id"])

    app.router.add_get("/api/markets/supplier", list_route)
    app.router.add_get("/api/markets/supplier/{supplier_id}", show_route)


def _show(record: Any, address: str) -> dict[str, Any]:
    return {"address": address, **to_dict(record, time_fields=TIME_FIELDS)}


def _all(index: ChainIndex, prefix: str) -> list[tuple[str, bytes]]:
    rows = index.current_records(prefix, MAX_RECORDS)
    return [(r["address"], bytes(r["value"])) for r in rows]


def suppliers(index: ChainIndex) -> list[dict[str, Any]]:
    return [
        _show(Supplier.FromString(value), address)
        for address, value in _all(index, addr.RecordType.SUPPLIER.prefix)
    ]


def supplier_view(index: ChainIndex, supplier_id: str) -> dict[str, Any] | None:
    address = addr.supplier_address(supplier_id)
    data = index.current_value(address)
    if data is None:
        return None
    members = sorted(
        (
            (a, m)
            for a, value in _all(index, addr.RecordType.MEMBER.prefix)
            if (m := SupplierMember.FromString(value)).supplier_id == supplier_id
        ),
        key=lambda pair: pair[1].member,
    )
    periods = sorted(
        (
            (a, p)
            for a, value in _all(index, addr.RecordType.PERIOD.prefix)
            if (p := SupplierPeriod.FromString(value)).supplier_id == supplier_id
        ),
        key=lambda pair: pair[1].period,
    )
    shown_members = []
    for member_address, member in members:
        escrow = family.escrow_address(addr.escrow_id(supplier_id), member.member)
        held = index.current_value(escrow)
        shown = _show(member, member_address)
        shown["deposit"] = Escrow.FromString(held).balance if held else 0
        shown["deposit_address"] = escrow
        shown_members.append(shown)
    return {
        "supplier": _show(Supplier.FromString(data), address),
        "members": shown_members,
        "periods": [_show(p, a) for a, p in periods],
    }


async def list_suppliers(index: ChainIndex) -> web.Response:
    return web.json_response({"data": suppliers(index)})


async def show_supplier(index: ChainIndex, supplier_id: str) -> web.Response:
    try:
        check_id("supplier id", supplier_id)
    except InvalidTransaction as exc:
        raise ValueError(str(exc)) from None  # the portal answers 400 with the message
    found = supplier_view(index, supplier_id)
    if found is None:
        return web.json_response(
            {"error": {"status": 404, "message": f"supplier {supplier_id} does not exist"}},
            status=404,
        )
    return web.json_response({"data": found})
