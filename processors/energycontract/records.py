"""EnergyContract's records as typed refs for the kit's record store."""

from __future__ import annotations

from smartblocks.ledger.settings import ISSUERS_PREFIX
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.store import Ref, proto_ref
from smartblocks.protos.energycontract_pb2 import Account, Contract, Currency, Escrow, Settlement

from . import addressing


def issuers_setting(currency: str) -> str:
    """Who may issue `currency`: a setting per currency listing public keys, e.g.
    smartblocks.energycontract.issuers.EUR = "02ab..,03cd.." (docs/settings.md)."""
    return ISSUERS_PREFIX + currency


def account(owner: str, currency: str) -> Ref[Account]:
    return proto_ref(
        addressing.account_address(owner, currency),
        f"account of {short_key(owner)} in {currency}",
        Account,
    )


def currency(code: str) -> Ref[Currency]:
    return proto_ref(addressing.currency_address(code), f"currency {code}", Currency)


def contract(contract_id: str) -> Ref[Contract]:
    return proto_ref(addressing.contract_address(contract_id), f"contract {contract_id}", Contract)


def escrow(contract_id: str, party: str) -> Ref[Escrow]:
    return proto_ref(
        addressing.escrow_address(contract_id, party),
        f"escrow of {short_key(party)} in contract {contract_id}",
        Escrow,
    )


def settlement(contract_id: str, period: int) -> Ref[Settlement]:
    return proto_ref(
        addressing.settlement_address(contract_id, period),
        f"settlement of contract {contract_id} period {period}",
        Settlement,
    )
