"""Peers and status. The status answer carries devnet's own facts (chain head, pending batches
and how many of them wait, registered processors, families that pending batches wait for) as
the JSON extras field that smartblocks.devnet.rest_api.status_extras defines; other parsers skip
it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sawtooth_sdk.protobuf import client_peers_pb2 as cp
from sawtooth_sdk.protobuf import client_status_pb2 as cst
from sawtooth_sdk.protobuf.validator_pb2 import Message

from ..rest_api import status_extras
from .common import serve

if TYPE_CHECKING:
    from ..node import Devnet


def devnet_status(node: Devnet) -> dict[str, Any]:
    ledger = node.ledger
    head = ledger.head if ledger.has_head else None
    return {
        "chain_head": head.id if head else None,
        "block_num": head.num if head else None,
        "pending_batches": len(ledger.queue),
        "waiting_batches": ledger.queue.waiting_count,
        "processors": [
            {"family": family, "version": version} for family, version in node.registry.families()
        ],
        "missing_families": [
            {"family": family, "version": version, "pending_batches": count}
            for (family, version), count in sorted(node.publisher.missing.items())
        ],
    }


def register(node: Devnet) -> None:
    M = Message

    def peers(_request: cp.ClientPeersGetRequest) -> cp.ClientPeersGetResponse:
        return cp.ClientPeersGetResponse(status=cp.ClientPeersGetResponse.OK, peers=[])

    serve(node.endpoint, M.CLIENT_PEERS_GET_REQUEST, cp.ClientPeersGetRequest,
          M.CLIENT_PEERS_GET_RESPONSE, cp.ClientPeersGetResponse, peers)  # fmt: skip

    def status(identity: bytes, message: Message) -> None:
        response = cst.ClientStatusGetResponse(
            status=cst.ClientStatusGetResponse.OK, peers=[], endpoint=node.endpoint.url
        )
        content = status_extras.encode(response.SerializeToString(), devnet_status(node))
        node.endpoint.reply(identity, message, M.CLIENT_STATUS_GET_RESPONSE, content)

    node.endpoint.on(M.CLIENT_STATUS_GET_REQUEST, status)
