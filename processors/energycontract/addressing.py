"""Where every EnergyContract record lives in global state; the only module that computes its
addresses (layout in kit/addressing.py and docs/addressing.md)."""

from __future__ import annotations

import enum

from smartblocks.processors.kit.addressing import infix_of, make_address, namespace

FAMILY_NAME = "energycontract"
FAMILY_VERSION = "1.0"
NAMESPACE = namespace(FAMILY_NAME)


class RecordType(enum.Enum):
    ACCOUNT = "01"
    CURRENCY = "02"
    CONTRACT = "03"
    ESCROW = "04"
    SETTLEMENT = "05"

    @property
    def prefix(self) -> str:
        """Namespace + type: list every record of this type with one state query."""
        return NAMESPACE + self.value


def account_address(owner: str, currency: str) -> str:
    return make_address(NAMESPACE, RecordType.ACCOUNT.value, owner, currency)


def currency_address(currency: str) -> str:
    return make_address(NAMESPACE, RecordType.CURRENCY.value, currency)


def contract_address(contract_id: str) -> str:
    return make_address(NAMESPACE, RecordType.CONTRACT.value, contract_id)


def escrow_address(contract_id: str, party: str) -> str:
    return make_address(NAMESPACE, RecordType.ESCROW.value, contract_id, party)


def settlement_address(contract_id: str, period: int) -> str:
    return make_address(NAMESPACE, RecordType.SETTLEMENT.value, contract_id, str(period))


def record_type(address: str) -> RecordType | None:
    infix = infix_of(address, NAMESPACE)
    try:
        return None if infix is None else RecordType(infix)
    except ValueError:
        return None
