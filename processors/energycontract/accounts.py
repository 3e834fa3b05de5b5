"""The treasury: every movement of tokens goes through these functions, so the rules hold for
every action and template alike: a balance never goes negative, and tokens are only created by
`issue` and destroyed by `redeem` (sum of accounts and escrows = issued - redeemed).

Accounts and escrows live in their own records (records.account, records.escrow), apart from
contracts, so a new template version never has to move balances. A record whose balance
reaches zero is deleted.
"""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.arithmetic import check_uint64
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.store import RecordStore
from smartblocks.protos.energycontract_pb2 import Account, Escrow, Payment, Terms

from . import records
from .events import FUNDS_MOVED
from .templates.base import ESCO, Due


def balance(store: RecordStore, owner: str, currency: str) -> int:
    found = store.get(records.account(owner, currency))
    return found.balance if found is not None else 0


def escrowed(store: RecordStore, contract_id: str, party: str) -> int:
    found = store.get(records.escrow(contract_id, party))
    return found.balance if found is not None else 0


def _set_balance(store: RecordStore, owner: str, currency: str, amount: int) -> None:
    ref = records.account(owner, currency)
    if amount:
        what = f"balance of {short_key(owner)} in {currency}"
        store.put(ref, Account(owner=owner, currency=currency, balance=check_uint64(what, amount)))
    elif store.get(ref) is not None:
        store.delete(ref)


def _set_escrow(
    store: RecordStore, contract_id: str, party: str, currency: str, amount: int
) -> None:
    ref = records.escrow(contract_id, party)
    if amount:
        store.put(
            ref, Escrow(contract_id=contract_id, party=party, currency=currency, balance=amount)
        )
    elif store.get(ref) is not None:
        store.delete(ref)


def moved(
    store: RecordStore, currency: str, source: str, target: str, amount: int, reason: str
) -> None:
    store.emit(
        FUNDS_MOVED,
        [
            ("currency", currency),
            ("from", source),
            ("to", target),
            ("amount", str(amount)),
            ("reason", reason),
        ],
    )


def credit(store: RecordStore, owner: str, currency: str, amount: int) -> None:
    _set_balance(store, owner, currency, balance(store, owner, currency) + amount)


def debit(store: RecordStore, owner: str, currency: str, amount: int, doing: str) -> None:
    """Take `amount` from an account; InvalidTransaction (nothing written) when it holds less."""
    held = balance(store, owner, currency)
    if amount > held:
        raise InvalidTransaction(
            f"{doing}: account of {short_key(owner)} holds {held} micro-{currency}, less than "
            f"the {amount} needed"
        )
    _set_balance(store, owner, currency, held - amount)


def lock(
    store: RecordStore, contract_id: str, party: str, currency: str, amount: int, doing: str
) -> None:
    """Move `amount` from the party's account into its escrow in the contract."""
    if not amount:
        return
    debit(store, party, currency, amount, doing)
    held = escrowed(store, contract_id, party)
    _set_escrow(store, contract_id, party, currency, held + amount)
    moved(store, currency, party, f"escrow:{contract_id}", amount, "deposit")


def release(store: RecordStore, contract_id: str, party: str, currency: str) -> int:
    """Return everything the party holds in the contract's escrow to its account."""
    held = escrowed(store, contract_id, party)
    if held:
        _set_escrow(store, contract_id, party, currency, 0)
        credit(store, party, currency, held)
        moved(store, currency, f"escrow:{contract_id}", party, held, "release")
    return held


def move(
    store: RecordStore, currency: str, payer: str, payee: str, amount: int, reason: str, doing: str
) -> None:
    """Move `amount` from one account to another; InvalidTransaction (nothing written) when the
    payer holds less."""
    if not amount:
        return
    debit(store, payer, currency, amount, doing)
    credit(store, payee, currency, amount)
    moved(store, currency, payer, payee, amount, reason)


def pay_from_escrow(
    store: RecordStore,
    escrow_id: str,
    party: str,
    payee: str,
    currency: str,
    amount: int,
    reason: str,
    doing: str,
) -> None:
    """Pay `amount` out of `party`'s escrow `escrow_id` (a contract, an offer, a community's
    vault...) into `payee`'s account; InvalidTransaction when the escrow holds less. Paying the
    party itself back is a refund."""
    if not amount:
        return
    held = escrowed(store, escrow_id, party)
    if amount > held:
        raise InvalidTransaction(
            f"{doing}: escrow {escrow_id} of {short_key(party)} holds {held} micro-{currency}, "
            f"less than the {amount} to pay"
        )
    _set_escrow(store, escrow_id, party, currency, held - amount)
    credit(store, payee, currency, amount)
    moved(store, currency, f"escrow:{escrow_id}", payee, amount, reason)


def key_of(terms: Terms, role: str) -> str:
    return terms.esco if role == ESCO else terms.owner


def pay(store: RecordStore, terms: Terms, due: Due) -> Payment:
    """Pay a due as far as the payer's funds go: from its escrow in the contract first, then its
    account. What is left is `unpaid` (the settlement carries it as arrears); never an error,
    so a settlement is never blocked by a party's empty account."""
    payer, payee = key_of(terms, due.payer), key_of(terms, due.payee)
    contract_id, currency = terms.contract_id, terms.currency
    from_escrow = min(due.amount, escrowed(store, contract_id, payer))
    if from_escrow:
        held = escrowed(store, contract_id, payer)
        _set_escrow(store, contract_id, payer, currency, held - from_escrow)
    from_account = min(due.amount - from_escrow, balance(store, payer, currency))
    if from_account:
        _set_balance(store, payer, currency, balance(store, payer, currency) - from_account)
    paid = from_escrow + from_account
    if paid:
        credit(store, payee, currency, paid)
        moved(store, currency, payer, payee, paid, due.reason)
    return Payment(
        reason=due.reason,
        payer=payer,
        payee=payee,
        due=due.amount,
        from_escrow=from_escrow,
        from_account=from_account,
        unpaid=due.amount - paid,
    )
