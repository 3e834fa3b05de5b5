"""Where the automated supplier's records live: record types 30..3f of the EnergyContract
namespace (docs/addressing.md); the only module of this package that computes addresses."""

from __future__ import annotations

import enum

from smartblocks.processors.energycontract.addressing import NAMESPACE
from smartblocks.processors.kit.addressing import make_address


class RecordType(enum.Enum):
    SUPPLIER = "30"
    MEMBER = "31"
    PERIOD = "32"

    @property
    def prefix(self) -> str:
        return NAMESPACE + self.value


def supplier_address(supplier_id: str) -> str:
    return make_address(NAMESPACE, RecordType.SUPPLIER.value, supplier_id)


def member_address(supplier_id: str, member: str) -> str:
    return make_address(NAMESPACE, RecordType.MEMBER.value, supplier_id, member)


def period_address(supplier_id: str, period: int) -> str:
    return make_address(NAMESPACE, RecordType.PERIOD.value, supplier_id, str(period))


def escrow_id(supplier_id: str) -> str:
    """The id members' deposits are escrowed under (the family's escrow records are keyed by an
    agreement id); prefixed so a supplier never shares escrows with a contract of the same id."""
    return f"supplier:{supplier_id}"
