"""The P2P market's records as typed refs for the kit's record store, and the setting that
lists the aggregators."""

from __future__ import annotations

from smartblocks.ledger.settings import AGGREGATORS
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.store import Ref, proto_ref
from smartblocks.protos.market_p2p_pb2 import Aggregator, MeterClaims, Offer

from . import addressing

AGGREGATORS_SETTING = AGGREGATORS  # comma-separated public keys (docs/settings.md)


def aggregator(key: str) -> Ref[Aggregator]:
    return proto_ref(addressing.aggregator_address(key), f"aggregator {short_key(key)}", Aggregator)


def offer(offer_id: str) -> Ref[Offer]:
    return proto_ref(addressing.offer_address(offer_id), f"offer {offer_id}", Offer)


def meter_claims(meter_id: str, day: str) -> Ref[MeterClaims]:
    return proto_ref(
        addressing.meter_claims_address(meter_id, day),
        f"claims on meter {meter_id} {day}",
        MeterClaims,
    )
