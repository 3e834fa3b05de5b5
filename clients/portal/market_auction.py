"""The local double auction's pages' API (docs/market-auction.md), read from the index's
current state: the markets, one market's subscribers and steps, and one step's order book,
clearing result (with the order each fill came from) and settlement against meters. Amounts
stay integers (micro-units, mWh); the page formats them.

    GET /api/markets/auction                          the markets
    GET /api/markets/auction/{auction_id}             one market: terms, subscribers, steps
    GET /api/markets/auction/{auction_id}/{step}      one step: book, clearing, settlement
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.messages import to_dict
from smartblocks.processors.energycontract.markets.auction import TIME_FIELDS
from smartblocks.processors.energycontract.markets.auction import addressing as addr
from smartblocks.processors.energycontract.markets.auction.actions import clearing_of
from smartblocks.processors.kit.payload import check_id
from smartblocks.protos.market_auction_pb2 import Auction, StepBook

from .index import ChainIndex

if TYPE_CHECKING:
    from .app import Portal

MAX_RECORDS = 100_000


def add_routes(app: web.Application, portal: Portal) -> None:
    async def list_route(request: web.Request) -> web.Response:
        return web.json_response({"data": auctions(portal.index)})

    async def show_route(request: web.Request) -> web.Response:
        auction_id = _checked_id(request.match_info["auction_id"])
        found = auction_view(portal.index, auction_id)
        return _found(found, f"auction {auction_id} does not exist")

    async def step_route(request: web.Request) -> web.Response:
        auction_id = _checked_id(request.match_info["auction_id"])
        text = request.match_info["step"]
        if not text.isdigit() or len(text) > 9:
            raise ValueError(f"a step is a number (0, 1, ...), not {text[:20]!r}")
        found = step_view(portal.index, auction_id, int(text))
        return _found(found, f"auction {auction_id} has no step {text}")

    app.router.add_get("/api/markets/auction", list_route)
    app.router.add_get("/api/markets/auction/{auction_id}", show_route)
    app.router.add_get("/api/markets/auction/{auction_id}/{step}", step_route)


def _checked_id(auction_id: str) -> str:
    try:
        check_id("auction id", auction_id)
    except InvalidTransaction as exc:
        raise ValueError(str(exc)) from None  # the portal answers 400 with the message
    return auction_id


def _found(found: dict[str, Any] | None, missing: str) -> web.Response:
    if found is None:
        return web.json_response({"error": {"status": 404, "message": missing}}, status=404)
    return web.json_response({"data": found})


def _show(record: Any, address: str) -> dict[str, Any]:
    return {"address": address, **to_dict(record, time_fields=TIME_FIELDS)}


def auctions(index: ChainIndex) -> list[dict[str, Any]]:
    rows = index.current_records(addr.RecordType.AUCTION.prefix, MAX_RECORDS)
    out = []
    for r in rows:
        shown = _show(Auction.FromString(bytes(r["value"])), r["address"])
        shown["subscriber_count"] = len(shown.pop("subscribers"))
        out.append(shown)
    return out


def _books(index: ChainIndex, auction_id: str) -> list[tuple[str, StepBook]]:
    rows = index.current_records(addr.RecordType.STEP.prefix, MAX_RECORDS)
    books = [(r["address"], StepBook.FromString(bytes(r["value"]))) for r in rows]
    return sorted(((a, b) for a, b in books if b.auction_id == auction_id), key=lambda p: p[1].step)


def auction_view(index: ChainIndex, auction_id: str) -> dict[str, Any] | None:
    address = addr.auction_address(auction_id)
    data = index.current_value(address)
    if data is None:
        return None
    steps = [
        {
            "address": a,
            "step": b.step,
            "start": to_dict(b, time_fields=TIME_FIELDS)["start"],
            "orders": len(b.orders),
            "cleared": b.cleared,
            "settled": b.settled,
            "price": b.price,
            "volume_mwh": b.volume_mwh,
        }
        for a, b in _books(index, auction_id)
    ]
    return {"auction": _show(Auction.FromString(data), address), "steps": steps}


def step_view(index: ChainIndex, auction_id: str, step: int) -> dict[str, Any] | None:
    data = index.current_value(addr.auction_address(auction_id))
    book_address = addr.step_address(auction_id, step)
    book_data = index.current_value(book_address)
    if data is None or book_data is None:
        return None
    book = StepBook.FromString(book_data)
    shown = _show(book, book_address)
    if not book.cleared and book.orders:
        preview = clearing_of(book)  # what clearing now would give: the processor's own rule
        shown["preview"] = {"price": preview.price, "volume_mwh": preview.volume}
    return {
        "auction": _show(Auction.FromString(data), addr.auction_address(auction_id)),
        "step": shown,
    }
