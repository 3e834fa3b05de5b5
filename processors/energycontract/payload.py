"""Decode and check an EnergyContract payload: everything that needs no state.

Anything wrong here is an InvalidTransaction naming the rule, the field and its value; rules
that need state (balances, the contract's status and parties, meters, ledger time) are in
actions.py and accounts.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit import payload as kit
from smartblocks.processors.kit.payload import check_id, check_public_key, check_text
from smartblocks.protos.energycontract_pb2 import (
    Accept,
    AcceptAmendment,
    Deposit,
    Dispute,
    EnergyContractPayload,
    Issue,
    Propose,
    ProposeAmendment,
    Redeem,
    Resolve,
    Settle,
    Terminate,
    Transfer,
    Withdraw,
)

from . import limits, markets
from .terms import check_amount, check_currency, check_terms

Action = EnergyContractPayload.Action


def action_name(action: int) -> str:
    return kit.action_name(EnergyContractPayload, action)


def decode(data: bytes) -> tuple[int, Any]:
    """The action and its checked body message."""
    return kit.decode_envelope(
        data, EnergyContractPayload, CHECKS, max_bytes=limits.MAX_PAYLOAD_BYTES
    )


def _hash(what: str, value: str) -> None:
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        raise InvalidTransaction(f"{what} {value[:80]!r} is not a SHA-256 hash (64 lowercase hex)")


def check_issue(body: Issue) -> None:
    check_currency("issue: currency", body.currency)
    check_public_key("issue: recipient", body.to)
    check_amount("issue: amount", body.amount, positive=True)
    check_text("issue: memo", body.memo, max_length=limits.MAX_TEXT)


def check_redeem(body: Redeem) -> None:
    check_currency("redeem: currency", body.currency)
    check_amount("redeem: amount", body.amount, positive=True)
    check_text("redeem: memo", body.memo, max_length=limits.MAX_TEXT)


def check_transfer(body: Transfer) -> None:
    check_currency("transfer: currency", body.currency)
    check_public_key("transfer: recipient", body.to)
    check_amount("transfer: amount", body.amount, positive=True)
    check_text("transfer: memo", body.memo, max_length=limits.MAX_TEXT)


def check_deposit(body: Deposit) -> None:
    check_id("deposit: contract id", body.contract_id)
    check_amount("deposit: amount", body.amount, positive=True)


def check_propose(body: Propose) -> None:
    check_terms(body.terms)


def check_contract_id(body: Withdraw | Terminate) -> None:
    check_id("contract id", body.contract_id)
    if isinstance(body, Terminate):
        check_text("terminate: reason", body.reason, required=True, max_length=limits.MAX_TEXT)


def check_accept(body: Accept | AcceptAmendment) -> None:
    check_id("contract id", body.contract_id)
    _hash(f"contract {body.contract_id}: terms hash", body.terms_hash)


def check_settle(body: Settle) -> None:
    check_id("settle: contract id", body.contract_id)
    if body.period >= limits.MAX_PERIODS:
        raise InvalidTransaction(
            f"settle contract {body.contract_id}: period {body.period} is beyond any term "
            f"(at most {limits.MAX_PERIODS} periods)"
        )


def check_amendment(body: ProposeAmendment) -> None:
    check_id("amendment: contract id", body.contract_id)
    check_terms(body.terms)
    if body.terms.contract_id != body.contract_id:
        raise InvalidTransaction(
            f"amendment of contract {body.contract_id}: the new terms are for contract "
            f"{body.terms.contract_id}"
        )
    check_text(
        f"amendment of contract {body.contract_id}: reason",
        body.reason,
        required=True,
        max_length=limits.MAX_TEXT,
    )


def check_dispute(body: Dispute) -> None:
    what = f"dispute of contract {body.contract_id} period {body.period}"
    check_id("dispute: contract id", body.contract_id)
    check_text(f"{what}: reason", body.reason, required=True, max_length=limits.MAX_TEXT)
    evidence = list(body.evidence)
    if len(evidence) > limits.MAX_EVIDENCE:
        raise InvalidTransaction(
            f"{what}: {len(evidence)} evidence items; at most {limits.MAX_EVIDENCE}"
        )
    for item in evidence:
        check_text(f"{what}: evidence", item, required=True, max_length=limits.MAX_EVIDENCE_TEXT)
    if evidence != sorted(set(evidence)):
        raise InvalidTransaction(f"{what}: evidence must be sorted and unique")


def check_resolve(body: Resolve) -> None:
    what = f"resolve contract {body.contract_id} period {body.period}"
    check_id("resolve: contract id", body.contract_id)
    if body.decision not in (Resolve.UPHOLD, Resolve.ADJUST):
        raise InvalidTransaction(f"{what}: decision must be UPHOLD or ADJUST")
    check_text(f"{what}: note", body.note, required=True, max_length=limits.MAX_TEXT)
    for name in ("corrected_actual", "corrected_baseline"):
        value = getattr(body, name)
        if body.decision == Resolve.UPHOLD and value:
            raise InvalidTransaction(f"{what}: UPHOLD carries no {name} (it is {value})")
        if abs(value) > limits.MAX_ENERGY:
            raise InvalidTransaction(
                f"{what}: {name} {value} is outside -{limits.MAX_ENERGY}..{limits.MAX_ENERGY}"
            )


CHECKS: dict[int, tuple[str, Callable[[Any], None]]] = {
    Action.ISSUE: ("issue", check_issue),
    Action.REDEEM: ("redeem", check_redeem),
    Action.TRANSFER: ("transfer", check_transfer),
    Action.DEPOSIT: ("deposit", check_deposit),
    Action.PROPOSE: ("propose", check_propose),
    Action.WITHDRAW: ("withdraw", check_contract_id),
    Action.ACCEPT: ("accept", check_accept),
    Action.SETTLE: ("settle", check_settle),
    Action.PROPOSE_AMENDMENT: ("propose_amendment", check_amendment),
    Action.ACCEPT_AMENDMENT: ("accept_amendment", check_accept),
    Action.DISPUTE: ("dispute", check_dispute),
    Action.RESOLVE: ("resolve", check_resolve),
    Action.TERMINATE: ("terminate", check_contract_id),
    **markets.CHECKS,
}
