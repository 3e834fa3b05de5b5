"""Reading the local double auction over the REST API: an auction and a step's book. Used by
`smartblocks auction`, the demo and the portal (docs/market-auction.md)."""

from __future__ import annotations

from smartblocks.processors.energycontract.markets.auction import addressing as addr
from smartblocks.protos.market_auction_pb2 import Auction, StepBook

from .ledger import StateReader


async def read_auction(client: StateReader, auction_id: str) -> Auction | None:
    data = await client.state(addr.auction_address(auction_id))
    return Auction.FromString(data) if data else None


async def read_step(client: StateReader, auction_id: str, step: int) -> StepBook | None:
    data = await client.state(addr.step_address(auction_id, step))
    return StepBook.FromString(data) if data else None
