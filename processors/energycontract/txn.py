"""Client-side builders of EnergyContract transactions, for the CLI, the contract manager, the
portal and tests. Each declares exactly the addresses its action reads (inputs) and writes
(outputs); builders that act on a contract take its record (or terms), read first."""

from __future__ import annotations

from collections.abc import Sequence

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import setting_address
from smartblocks.processors.blockmeter import addressing as blockmeter
from smartblocks.processors.kit.builder import Builder
from smartblocks.processors.kit.ledger_time import with_ledger_time
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
    Terms,
    Transfer,
    Withdraw,
)

from . import addressing as addr
from . import inputs, records, schedule

Action = EnergyContractPayload.Action

BUILDER = Builder(addr.FAMILY_NAME, addr.FAMILY_VERSION)
_transaction = BUILDER.transaction


def _unique(addresses: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(addresses))


# -- accounts ---------------------------------------------------------------------------------


def issue(signer: Signer, *, currency: str, to: str, amount: int, memo: str = "") -> Transaction:
    """An issuer (setting smartblocks.energycontract.issuers.<currency>) credits `to`."""
    payload = EnergyContractPayload(
        action=Action.ISSUE, issue=Issue(currency=currency, to=to, amount=amount, memo=memo)
    )
    supply, account = addr.currency_address(currency), addr.account_address(to, currency)
    setting = setting_address(records.issuers_setting(currency))
    return _transaction(signer, payload, [setting, supply, account], [supply, account])


def redeem(signer: Signer, *, currency: str, amount: int, memo: str = "") -> Transaction:
    payload = EnergyContractPayload(
        action=Action.REDEEM, redeem=Redeem(currency=currency, amount=amount, memo=memo)
    )
    supply = addr.currency_address(currency)
    account = addr.account_address(signer.public_key, currency)
    return _transaction(signer, payload, [supply, account], [supply, account])


def transfer(signer: Signer, *, currency: str, to: str, amount: int, memo: str = "") -> Transaction:
    payload = EnergyContractPayload(
        action=Action.TRANSFER,
        transfer=Transfer(currency=currency, to=to, amount=amount, memo=memo),
    )
    accounts = _unique(
        [
            addr.account_address(signer.public_key, currency),
            addr.account_address(to, currency),
        ]
    )
    return _transaction(signer, payload, accounts, accounts)


def _own_funds(terms: Terms, party: str) -> list[str]:
    return [
        addr.account_address(party, terms.currency),
        addr.escrow_address(terms.contract_id, party),
    ]


def _both_parties_funds(terms: Terms) -> list[str]:
    return _own_funds(terms, terms.owner) + _own_funds(terms, terms.esco)


def deposit(signer: Signer, *, terms: Terms, amount: int) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.DEPOSIT, deposit=Deposit(contract_id=terms.contract_id, amount=amount)
    )
    funds = _own_funds(terms, signer.public_key)
    contract = addr.contract_address(terms.contract_id)
    return _transaction(signer, payload, [contract, *funds], funds)


# -- the contract's life ----------------------------------------------------------------------


def terms_inputs(terms: Terms) -> list[str]:
    """What checking terms against state reads: the site, every meter and the issuers setting
    of the currency."""
    meters = [*terms.meters, terms.weather_meter]
    return _unique(
        [
            blockmeter.site_address(terms.site_id),
            *(blockmeter.meter_address(m) for m in meters),
            setting_address(records.issuers_setting(terms.currency)),
        ]
    )


def propose(signer: Signer, *, terms: Terms) -> Transaction:
    """The proposer's deposit is locked at once."""
    payload = EnergyContractPayload(action=Action.PROPOSE, propose=Propose(terms=terms))
    contract = addr.contract_address(terms.contract_id)
    funds = _own_funds(terms, signer.public_key)
    inputs = with_ledger_time([contract, *terms_inputs(terms), *funds])
    return _transaction(signer, payload, inputs, [contract, *funds])


def withdraw(signer: Signer, *, terms: Terms) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.WITHDRAW, withdraw=Withdraw(contract_id=terms.contract_id)
    )
    contract = addr.contract_address(terms.contract_id)
    funds = _both_parties_funds(terms)  # the other party may have deposited
    return _transaction(signer, payload, with_ledger_time([contract, *funds]), [contract, *funds])


def accept(signer: Signer, *, terms: Terms, terms_hash: str) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.ACCEPT, accept=Accept(contract_id=terms.contract_id, terms_hash=terms_hash)
    )
    contract = addr.contract_address(terms.contract_id)
    funds = _own_funds(terms, signer.public_key)
    return _transaction(signer, payload, with_ledger_time([contract, *funds]), [contract, *funds])


def settle_addresses(terms: Terms, period: int) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of settling period `period`: the contract, the settlement, every meter
    (intervals), head (how far its data reaches) and rollup of the period (inputs.py: month
    rollups, or day rollups for an hourly table), both parties' accounts and escrows (payments,
    release at the end), and ledger time."""
    contract = addr.contract_address(terms.contract_id)
    settlement = addr.settlement_address(terms.contract_id, period)
    meters = [*terms.meters, terms.weather_meter]
    reads = [contract, settlement]
    reads += [blockmeter.meter_address(m) for m in meters]
    reads += [blockmeter.meter_head_address(m) for m in meters]
    if period < terms.periods:
        refs = inputs.rollup_refs(terms, schedule.period(terms, period))
        reads += [ref.address for m in meters for ref in refs[m]]
    funds = _both_parties_funds(terms)
    return with_ledger_time(_unique([*reads, *funds])), [contract, settlement, *funds]


def settle(signer: Signer, *, terms: Terms, period: int) -> Transaction:
    """Anyone may sign. `terms` are the contract's current terms (read the contract first)."""
    payload = EnergyContractPayload(
        action=Action.SETTLE, settle=Settle(contract_id=terms.contract_id, period=period)
    )
    inputs, outputs = settle_addresses(terms, period)
    return _transaction(signer, payload, inputs, outputs)


def propose_amendment(signer: Signer, *, terms: Terms, reason: str) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.PROPOSE_AMENDMENT,
        propose_amendment=ProposeAmendment(
            contract_id=terms.contract_id, terms=terms, reason=reason
        ),
    )
    contract = addr.contract_address(terms.contract_id)
    return _transaction(signer, payload, [contract, *terms_inputs(terms)], [contract])


def accept_amendment(signer: Signer, *, contract_id: str, terms_hash: str) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.ACCEPT_AMENDMENT,
        accept_amendment=AcceptAmendment(contract_id=contract_id, terms_hash=terms_hash),
    )
    contract = addr.contract_address(contract_id)
    return _transaction(signer, payload, [contract], [contract])


def dispute(
    signer: Signer,
    *,
    contract_id: str,
    period: int,
    reason: str,
    evidence: Sequence[str] = (),
) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.DISPUTE,
        dispute=Dispute(
            contract_id=contract_id,
            period=period,
            reason=reason,
            evidence=sorted(set(evidence)),
        ),
    )
    contract = addr.contract_address(contract_id)
    settlement = addr.settlement_address(contract_id, period)
    return _transaction(
        signer, payload, with_ledger_time([contract, settlement]), [contract, settlement]
    )


def resolve(
    signer: Signer,
    *,
    terms: Terms,
    period: int,
    decision: int,
    note: str,
    corrected_actual: int = 0,
    corrected_baseline: int = 0,
) -> Transaction:
    """The auditor named in the terms decides; an ADJUST moves the difference between the
    parties' funds."""
    payload = EnergyContractPayload(
        action=Action.RESOLVE,
        resolve=Resolve(
            contract_id=terms.contract_id,
            period=period,
            decision=decision,  # type: ignore[arg-type]
            note=note,
            corrected_actual=corrected_actual,
            corrected_baseline=corrected_baseline,
        ),
    )
    contract = addr.contract_address(terms.contract_id)
    settlement = addr.settlement_address(terms.contract_id, period)
    funds = _both_parties_funds(terms)
    written = [contract, settlement, *funds]
    return _transaction(signer, payload, with_ledger_time(written), written)


def terminate(signer: Signer, *, terms: Terms, reason: str) -> Transaction:
    payload = EnergyContractPayload(
        action=Action.TERMINATE,
        terminate=Terminate(contract_id=terms.contract_id, reason=reason),
    )
    contract = addr.contract_address(terms.contract_id)
    funds = _both_parties_funds(terms)
    return _transaction(signer, payload, with_ledger_time([contract, *funds]), [contract, *funds])
