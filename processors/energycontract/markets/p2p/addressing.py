"""Where the P2P market's records live: record types 10..1f of the EnergyContract namespace
(docs/addressing.md#p2p-market). The only module that computes their addresses; the escrow of a
picked offer is EnergyContract's escrow record under the id `escrow_id(offer_id)`."""

from __future__ import annotations

import enum

from smartblocks.processors.kit.addressing import infix_of, make_address

from ...addressing import NAMESPACE, escrow_address

ESCROW_PREFIX = "p2p:"  # escrow ids of offers, apart from contract ids


class RecordType(enum.Enum):
    AGGREGATOR = "10"
    OFFER = "11"
    METER_CLAIMS = "12"

    @property
    def prefix(self) -> str:
        """Namespace + type: list every record of this type with one state query."""
        return NAMESPACE + self.value


def aggregator_address(aggregator: str) -> str:
    return make_address(NAMESPACE, RecordType.AGGREGATOR.value, aggregator)


def offer_address(offer_id: str) -> str:
    return make_address(NAMESPACE, RecordType.OFFER.value, offer_id)


def meter_claims_address(meter_id: str, day: str) -> str:
    """Energy of `meter_id` already credited to settled trades on UTC day `day` (YYYY-MM-DD)."""
    return make_address(NAMESPACE, RecordType.METER_CLAIMS.value, meter_id, day)


def escrow_id(offer_id: str) -> str:
    return ESCROW_PREFIX + offer_id


def offer_escrow_address(offer_id: str, buyer: str) -> str:
    return escrow_address(escrow_id(offer_id), buyer)


def record_type(address: str) -> RecordType | None:
    infix = infix_of(address, NAMESPACE)
    try:
        return None if infix is None else RecordType(infix)
    except ValueError:
        return None
