"""Where the local double auction's records live: record types 40..4f of the EnergyContract
namespace (docs/addressing.md); the only module of this package that computes addresses."""

from __future__ import annotations

import enum

from smartblocks.processors.energycontract.addressing import NAMESPACE
from smartblocks.processors.kit.addressing import make_address


class RecordType(enum.Enum):
    AUCTION = "40"
    STEP = "41"

    @property
    def prefix(self) -> str:
        return NAMESPACE + self.value


def auction_address(auction_id: str) -> str:
    return make_address(NAMESPACE, RecordType.AUCTION.value, auction_id)


def step_address(auction_id: str, step: int) -> str:
    return make_address(NAMESPACE, RecordType.STEP.value, auction_id, str(step))


def deposit_id(auction_id: str) -> str:
    """The escrow id of subscription deposits (the family's escrows are keyed by an agreement
    id); prefixed so an auction never shares escrows with a contract of the same id."""
    return f"auction:{auction_id}"


def collateral_id(auction_id: str, step: int) -> str:
    """The escrow id of one step's bid collateral."""
    return f"auction:{auction_id}:{step}"
