"""Where the aggregator agreements' records live: record types 20..2f of the EnergyContract
namespace (docs/addressing.md#aggregator-agreements). The only module that computes their
addresses. The vault is EnergyContract's escrow record under the id `vault_id(community_id)`,
one per member: balances stay in the family's treasury, apart from this agreement's logic."""

from __future__ import annotations

import enum

from smartblocks.processors.kit.addressing import infix_of, make_address

from ...addressing import NAMESPACE, escrow_address

VAULT_PREFIX = "vault:"  # escrow ids of communities' vaults, apart from contract ids


class RecordType(enum.Enum):
    COMMUNITY = "20"
    MEMBER = "21"
    EPOCH = "22"
    DISPUTE = "23"

    @property
    def prefix(self) -> str:
        """Namespace + type: list every record of this type with one state query."""
        return NAMESPACE + self.value


def community_address(community_id: str) -> str:
    return make_address(NAMESPACE, RecordType.COMMUNITY.value, community_id)


def member_address(community_id: str, der: str) -> str:
    return make_address(NAMESPACE, RecordType.MEMBER.value, community_id, der)


def epoch_address(community_id: str, epoch: int) -> str:
    return make_address(NAMESPACE, RecordType.EPOCH.value, community_id, str(epoch))


def dispute_address(community_id: str, epoch: int, der: str) -> str:
    return make_address(NAMESPACE, RecordType.DISPUTE.value, community_id, str(epoch), der)


def vault_id(community_id: str) -> str:
    return VAULT_PREFIX + community_id


def vault_address(community_id: str, der: str) -> str:
    """The escrow that holds `der`'s deposit in the community's vault."""
    return escrow_address(vault_id(community_id), der)


def record_type(address: str) -> RecordType | None:
    infix = infix_of(address, NAMESPACE)
    try:
        return None if infix is None else RecordType(infix)
    except ValueError:
        return None
