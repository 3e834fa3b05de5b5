"""The local double auction's records as typed refs for the kit's record store."""

from __future__ import annotations

from smartblocks.ledger.settings import AUCTION_OPERATORS
from smartblocks.processors.energycontract import records as family
from smartblocks.processors.kit.family import proto_kind
from smartblocks.processors.kit.store import Ref, proto_ref
from smartblocks.protos.energycontract_pb2 import Escrow
from smartblocks.protos.market_auction_pb2 import Auction, StepBook

from . import addressing

OPERATORS_SETTING = AUCTION_OPERATORS


def auction(auction_id: str) -> Ref[Auction]:
    return proto_ref(addressing.auction_address(auction_id), f"auction {auction_id}", Auction)


def step(auction_id: str, number: int) -> Ref[StepBook]:
    return proto_ref(
        addressing.step_address(auction_id, number),
        f"step {number} of auction {auction_id}",
        StepBook,
    )


def deposit(auction_id: str, member: str) -> Ref[Escrow]:
    return family.escrow(addressing.deposit_id(auction_id), member)


def collateral(auction_id: str, number: int, member: str) -> Ref[Escrow]:
    return family.escrow(addressing.collateral_id(auction_id, number), member)


KINDS = (
    proto_kind(
        addressing.RecordType.AUCTION.value,
        "auction",
        Auction,
        lambda r: f"auction {r.auction_id} ({r.terms.name or 'unnamed'})",
    ),
    proto_kind(
        addressing.RecordType.STEP.value,
        "auction_step",
        StepBook,
        lambda r: f"step {r.step} of auction {r.auction_id}",
    ),
)
