"""The P2P market's pages' API (docs/market-p2p.md), read from the index's current state: the
aggregators, every offer with its status (an OPEN offer past its expiry by ledger time is
LAPSED), and one offer with its proof of delivery: the settled figures, or for a picked offer
what settling would give now (the processor's own functions, clients/contracts/p2p.py).

    GET /api/markets/p2p                    aggregators and offers
    GET /api/markets/p2p/offers/{offer_id}  one offer, its figures or preview
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.clients.contracts import p2p
from smartblocks.clients.contracts.ledger import ledger_time
from smartblocks.processors.energycontract.markets.p2p.limits import MAX_OFFER_ID
from smartblocks.processors.kit.payload import check_id
from smartblocks.protos.market_p2p_pb2 import Offer

from .index import ChainIndex

if TYPE_CHECKING:
    from .app import Portal

MAX_RECORDS = 100_000


class IndexReader:
    """The index's current state behind the REST client's two reads (a StateReader)."""

    def __init__(self, index: ChainIndex):
        self.index = index

    async def state(self, address: str, head: str | None = None) -> bytes | None:
        return self.index.current_value(address)

    async def list_state(
        self, prefix: str = "", head: str | None = None
    ) -> AsyncIterator[tuple[str, bytes]]:
        for row in self.index.current_records(prefix, MAX_RECORDS):
            yield row["address"], bytes(row["value"])


def add_routes(app: web.Application, portal: Portal) -> None:
    async def market_route(request: web.Request) -> web.Response:
        return web.json_response({"data": await market(IndexReader(portal.index))})

    async def offer_route(request: web.Request) -> web.Response:
        offer_id = request.match_info["offer_id"]
        try:
            check_id("offer id", offer_id, max_length=MAX_OFFER_ID)
        except InvalidTransaction as exc:
            return web.json_response({"error": str(exc)}, status=400)
        found = await offer_view(IndexReader(portal.index), offer_id)
        if found is None:
            return web.json_response({"error": f"offer {offer_id} does not exist"}, status=404)
        return web.json_response({"data": found})

    app.router.add_get("/api/markets/p2p", market_route)
    app.router.add_get("/api/markets/p2p/offers/{offer_id}", offer_route)


async def market(reader: IndexReader) -> dict[str, Any]:
    now = await ledger_time(reader)
    return {
        "ledger_time": now,
        "aggregators": [p2p.aggregator_dict(a) for a in await p2p.list_aggregators(reader)],
        "offers": [p2p.offer_dict(o, now) for o in await p2p.list_offers(reader)],
    }


async def offer_view(reader: IndexReader, offer_id: str) -> dict[str, Any] | None:
    offer = await p2p.read_offer(reader, offer_id)
    if offer is None:
        return None
    shown = p2p.offer_dict(offer, await ledger_time(reader))
    if offer.status == Offer.PICKED:
        shown["preview"] = await p2p.preview(reader, offer)
    return shown
