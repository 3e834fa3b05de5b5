"""The transaction of each contract action, built for the page's key to sign (signing.py): the
portal reads the contract, checks what a person can get wrong (the hash they reviewed, the
period), and names the command line that does the same."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.terms_file import unit_of
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.energycontract import txn
from smartblocks.processors.energycontract.terms import terms_hash
from smartblocks.protos.energycontract_pb2 import Contract, Resolve, Terms

from . import market_actions, signing
from .contract_drafts import draft_terms
from .contract_requests import (
    SUBMIT_WAIT_S,
    DraftError,
    handles_errors,
    read_body,
    read_or_404,
    rest_client,
)

# -- transactions the browser signs -------------------------------------------------------------


def _text(body: dict[str, Any], key: str, *, required: bool = True, limit: int = 1000) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise DraftError(f"{key}: give a text of 1 to {limit} characters", key)
    return value.strip()


def _period(body: dict[str, Any], contract: Contract) -> int:
    period = body.get("period")
    if not isinstance(period, int) or not 0 <= period < contract.settled_periods:
        raise DraftError(
            f"period must be a settled period of contract {contract.contract_id} "
            f"(0..{contract.settled_periods - 1})",
            "period",
        )
    return period


def _energy(body: dict[str, Any], key: str, terms: Terms) -> int:
    try:
        amount, unit = q.parse_energy(body.get(key))
    except ValueError as exc:
        raise DraftError(f"{key}: {exc}", key) from None
    if unit != unit_of(terms):
        raise DraftError(f"{key}: give it in {unit_of(terms)}'s units (kWh, m3, ...)", key)
    return amount


def _require_status(contract: Contract, status: int, doing: str) -> None:
    if contract.status != status:
        raise DraftError(
            f"cannot {doing}: contract {contract.contract_id} is "
            f"{Contract.Status.Name(contract.status)}, not {Contract.Status.Name(status)}"
        )


async def _transaction_for(
    client: RestClient, action: str, body: dict[str, Any]
) -> tuple[Callable[[Any], Any], str, str | None]:
    """(builder of the signer's transaction, what it does, the command line that does the same)"""
    if action in market_actions.NAMES:  # the four markets' actions (market_actions.py)
        return await market_actions.transaction_for(client, action, body)
    cid = body.get("contract_id", "")
    if action == "propose":
        terms = draft_terms(body)
        return (
            lambda s: txn.propose(s, terms=terms),
            f"propose contract {terms.contract_id} (terms hash {terms_hash(terms)})",
            f"smartblocks contract propose {terms.contract_id}.toml --key YOUR.priv",
        )
    if not isinstance(cid, str) or not cid:
        raise DraftError("contract_id: which contract", "contract_id")
    contract = await read_or_404(client, cid)
    terms = contract.terms
    if action == "accept":
        _require_status(contract, Contract.PROPOSED, "accept")
        if body.get("terms_hash") != contract.terms_hash:
            raise DraftError(
                f"the contract's terms hash is {contract.terms_hash}, not the one you reviewed; "
                "reload the page and read the terms again"
            )
        return (
            lambda s: txn.accept(s, terms=terms, terms_hash=contract.terms_hash),
            f"accept contract {cid} with terms hash {contract.terms_hash}",
            f"smartblocks contract accept {cid} --terms-hash {contract.terms_hash} --key YOUR.priv",
        )
    if action == "withdraw":
        _require_status(contract, Contract.PROPOSED, "withdraw")
        return (
            lambda s: txn.withdraw(s, terms=terms),
            f"withdraw the proposal of contract {cid}",
            f"smartblocks contract withdraw {cid} --key YOUR.priv",
        )
    if action == "settle":
        _require_status(contract, Contract.ACTIVE, "settle")
        period = contract.settled_periods
        return (
            lambda s: txn.settle(s, terms=terms, period=period),
            f"settle period {period} of contract {cid}",
            f"smartblocks contract settle {cid} --key YOUR.priv",
        )
    if action == "amend":
        _require_status(contract, Contract.ACTIVE, "amend")
        new_terms = draft_terms(body)
        reason = _text(body, "reason")
        if new_terms.contract_id != cid:
            raise DraftError(f"an amendment keeps the contract id {cid}", "contract_id")
        return (
            lambda s: txn.propose_amendment(s, terms=new_terms, reason=reason),
            f"propose new terms for contract {cid} (hash {terms_hash(new_terms)})",
            f'smartblocks contract amend {cid} new-terms.toml --reason "..." --key YOUR.priv',
        )
    if action == "accept_amendment":
        if body.get("terms_hash") != contract.pending_amendment_hash or not body.get("terms_hash"):
            raise DraftError(
                f"the pending amendment's hash is {contract.pending_amendment_hash or 'none'}, "
                "not the one you reviewed"
            )
        digest = contract.pending_amendment_hash
        return (
            lambda s: txn.accept_amendment(s, contract_id=cid, terms_hash=digest),
            f"accept the amendment of contract {cid} (hash {digest})",
            f"smartblocks contract accept-amendment {cid} --terms-hash {digest} --key YOUR.priv",
        )
    if action == "dispute":
        period = _period(body, contract)
        reason = _text(body, "reason")
        evidence = body.get("evidence", [])
        if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
            raise DraftError("evidence: a list of texts", "evidence")
        return (
            lambda s: txn.dispute(
                s, contract_id=cid, period=period, reason=reason, evidence=evidence
            ),
            f"dispute the settlement of period {period} of contract {cid}",
            f'smartblocks contract dispute {cid} {period} --reason "..." --key YOUR.priv',
        )
    if action == "resolve":
        period = _period(body, contract)
        note = _text(body, "note")
        decision = body.get("decision")
        if decision not in ("UPHOLD", "ADJUST"):
            raise DraftError("decision: UPHOLD or ADJUST", "decision")
        actual = corrected = 0
        if decision == "ADJUST":
            actual = _energy(body, "corrected_actual", terms)
            corrected = _energy(body, "corrected_baseline", terms)
        flag = "--uphold" if decision == "UPHOLD" else "--adjust --actual ... --baseline ..."
        return (
            lambda s: txn.resolve(
                s,
                terms=terms,
                period=period,
                decision=Resolve.Decision.Value(str(decision)),
                note=note,
                corrected_actual=actual,
                corrected_baseline=corrected,
            ),
            f"{str(decision).lower()} the settlement of period {period} of contract {cid}",
            f'smartblocks contract resolve {cid} {period} {flag} --note "..." --key YOUR.priv',
        )
    if action == "terminate":
        _require_status(contract, Contract.ACTIVE, "terminate")
        reason = _text(body, "reason")
        return (
            lambda s: txn.terminate(s, terms=terms, reason=reason),
            f"ask to end contract {cid} early",
            f'smartblocks contract terminate {cid} --reason "..." --key YOUR.priv',
        )
    raise DraftError(
        f"unknown action {str(action)[:40]!r}: propose, accept, withdraw, settle, amend, "
        "accept_amendment, dispute, resolve or terminate",
        "action",
    )


@handles_errors
async def build_unsigned(request: web.Request) -> web.Response:
    """Step 1: the transaction for `action`, unsigned, for `public_key` to sign."""
    body = await read_body(request)
    public_key = body.get("public_key")
    signing.PublicKeyOnly(public_key)  # type: ignore[arg-type]  # checks what the page sent
    async with rest_client(request) as client:
        build, what, command = await _transaction_for(client, str(body.get("action")), body)
    # The answer is also the file the page offers as "Download unsigned request", which
    # `smartblocks sign REQUEST.json --key KEY.priv` signs and submits (clients/cli/sign.py).
    return web.json_response(
        {
            "format": signing.REQUEST_FORMAT,
            "action": body.get("action"),
            "what": what,
            "command": command,
            "public_key": public_key,
            "transactions": [signing.unsigned(str(public_key), build)],
        }
    )


@handles_errors
async def build_batch(request: web.Request) -> web.Response:
    """Step 2: the signed transactions checked; the BatchHeader for the same key to sign."""
    checked = signing.check_transactions((await read_body(request)).get("transactions"))
    return web.json_response(
        {
            "batch_header": signing.batch_header(checked).hex(),
            "transaction_ids": signing.transaction_ids(checked.transactions),
        }
    )


@handles_errors
async def submit(request: web.Request) -> web.Response:
    """Step 3: the signed batch to the validator; answers once it is committed (or why not)."""
    body = await read_body(request)
    checked = signing.check_transactions(body.get("transactions"))
    batch = signing.signed_batch(checked, body.get("batch_header"), body.get("batch_signature"))
    async with rest_client(request) as client:
        statuses = await client.submit_and_wait([batch], timeout=SUBMIT_WAIT_S)
    return web.json_response(
        {
            "batch_id": batch.header_signature,
            "transaction_ids": signing.transaction_ids(checked.transactions),
            "statuses": statuses,
        }
    )
