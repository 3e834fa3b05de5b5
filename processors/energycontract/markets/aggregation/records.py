"""The aggregator agreements' records as typed refs for the kit's record store."""

from __future__ import annotations

from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.store import Ref, proto_ref
from smartblocks.protos.energycontract_pb2 import Escrow
from smartblocks.protos.market_aggregation_pb2 import Community, Dispute, Epoch, Member

from . import addressing


def community(community_id: str) -> Ref[Community]:
    return proto_ref(
        addressing.community_address(community_id), f"community {community_id}", Community
    )


def member(community_id: str, der: str) -> Ref[Member]:
    return proto_ref(
        addressing.member_address(community_id, der),
        f"member {short_key(der)} of community {community_id}",
        Member,
    )


def epoch(community_id: str, number: int) -> Ref[Epoch]:
    return proto_ref(
        addressing.epoch_address(community_id, number),
        f"epoch {number} of community {community_id}",
        Epoch,
    )


def dispute(community_id: str, number: int, der: str) -> Ref[Dispute]:
    return proto_ref(
        addressing.dispute_address(community_id, number, der),
        f"dispute of {short_key(der)} on epoch {number} of community {community_id}",
        Dispute,
    )


def vault(community_id: str, der: str) -> Ref[Escrow]:
    return proto_ref(
        addressing.vault_address(community_id, der),
        f"vault of community {community_id} for {short_key(der)}",
        Escrow,
    )
