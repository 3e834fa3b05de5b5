"""The contracts API: contract pages read from the ledger, and where each route lives.

| module | job |
|---|---|
| `contracts.py` | the routes; contracts, settlements, balances and escrow for the pages |
| `contract_drafts.py` | templates, draft terms from the form, the preview, the baseline fit |
| `contract_actions.py` | each action's transaction, unsigned, for the page's key |
| `signing.py` | checking the page's signatures, the batch header, the signed batch |
| `contract_requests.py` | request bodies, errors naming the form field, the REST client |

Reads go to the validator's REST API (clients/contracts/ledger.py), so a page shows what the
ledger holds now, not what the index has caught up to; but for the cumulative savings, which are
kpis.contract_savings from the index (`/api/contracts/{id}/savings`, one implementation for the
contract and site pages). docs/portal.md ("Contracts") lists the routes.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from aiohttp import web

from smartblocks.clients.contracts import ledger as contract_ledger
from smartblocks.clients.contracts.terms_file import terms_to_toml
from smartblocks.ledger.messages import iso_time
from smartblocks.processors.energycontract import FAMILY, schedule
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.energycontract_pb2 import Contract, Terms

from . import contract_actions as actions
from . import contract_drafts as drafts
from .contract_drafts import as_file, terms_json
from .contract_requests import FIT_LOCK, REST_API, handles_errors, read_or_404, rest_client


def add_routes(app: web.Application, rest_api: str) -> None:
    app[REST_API] = rest_api
    app[FIT_LOCK] = asyncio.Lock()
    r = app.router
    r.add_get("/api/templates", drafts.list_templates)
    r.add_get("/api/contracts", list_contracts)
    r.add_get("/api/contracts/{contract_id}", get_contract)
    r.add_get("/api/contracts/{contract_id}/terms.toml", contract_toml)
    r.add_get("/api/contracts/{contract_id}/baseline.pb", contract_baseline)
    r.add_post("/api/drafts/check", drafts.check_draft)
    r.add_post("/api/drafts/baseline", drafts.fit_baseline)
    r.add_post("/api/drafts/preview", drafts.preview_draft)
    r.add_post("/api/sign/unsigned", actions.build_unsigned)
    r.add_post("/api/sign/batch", actions.build_batch)
    r.add_post("/api/sign/submit", actions.submit)


# -- contracts ------------------------------------------------------------------------------------


def _role(terms: Terms, key: str) -> str | None:
    return next((r for r in ("esco", "owner", "auditor") if getattr(terms, r) == key), None)


def _summary(contract: Contract) -> dict[str, Any]:
    terms = contract.terms
    return {
        "contract_id": contract.contract_id,
        "title": terms.title,
        "template": terms.WhichOneof("template"),
        "status": Contract.Status.Name(contract.status),
        "site_id": terms.site_id,
        "currency": terms.currency,
        "settled_periods": contract.settled_periods,
        "periods": terms.periods,
        "parties": {r: getattr(terms, r) for r in ("esco", "owner", "auditor")},
        "proposer_role": _role(terms, contract.proposer),
        "pending_amendment": bool(contract.pending_amendment_hash),
    }


@handles_errors
async def list_contracts(request: web.Request) -> web.Response:
    async with rest_client(request) as client:
        contracts = await contract_ledger.list_contracts(client)
    return web.json_response({"data": [_summary(c) for c in contracts]})


def _unset_times(record: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """Times not yet reached (0 on the ledger) as null, not 1970-01-01."""
    zero = iso_time(0)
    return {k: None if k in names and v in (0, zero) else v for k, v in record.items()}


def _next_period(contract: Contract, now: int | None) -> dict[str, Any] | None:
    """The next period to settle, and whether it is over by ledger time (settle may then be
    asked; the processor still waits for the meters' data or the grace)."""
    if contract.status != Contract.ACTIVE or contract.settled_periods >= contract.terms.periods:
        return None
    info = schedule.period(contract.terms, contract.settled_periods)
    return {
        "period": info.index,
        "name": info.name,
        "end": iso(info.end),
        "ended": now is not None and info.end <= now,
    }


@handles_errors
async def get_contract(request: web.Request) -> web.Response:
    contract_id = request.match_info["contract_id"]
    async with rest_client(request) as client:
        contract = await read_or_404(client, contract_id)
        terms = contract.terms
        # One round trip's wait instead of five: the reads do not depend on each other.
        settlements, escrows, esco, owner, now = await asyncio.gather(
            contract_ledger.read_settlements(client, contract),
            contract_ledger.read_escrows(client, contract),
            contract_ledger.read_balance(client, terms.esco, terms.currency),
            contract_ledger.read_balance(client, terms.owner, terms.currency),
            contract_ledger.ledger_time(client),
        )
        balances = {"esco": esco, "owner": owner}
    shown = Contract()
    shown.CopyFrom(contract)
    shown.ClearField("terms")
    shown.ClearField("pending_amendment")
    record = _unset_times(dict(FAMILY.show(shown)), ("accepted_at", "ended_at"))
    amendment = None
    if contract.pending_amendment_hash:
        amendment = {
            "terms": terms_json(contract.pending_amendment),
            "terms_hash": contract.pending_amendment_hash,
            "by_role": _role(terms, contract.pending_amendment_by),
            "reason": contract.pending_amendment_reason,
        }
    settled = []
    for s in settlements:
        item = dict(FAMILY.show(s))
        item["dispute"] = (
            _unset_times(item["dispute"], ("resolved_at",)) if s.HasField("dispute") else None
        )
        item["dispute_open_until"] = iso(s.settled_at + terms.dispute_window_s)
        item["disputable"] = (
            now is not None
            and not s.HasField("dispute")
            and now < s.settled_at + terms.dispute_window_s
        )
        settled.append(item)
    draft = None
    if request.query.get("draft"):  # the form of an amendment starts from the current terms
        draft = {
            "terms": as_file(terms),
            "baseline": base64.b64encode(baseline.canonical_bytes(terms.baseline)).decode(),
        }
    return web.json_response(
        {
            "draft": draft,
            "contract": record,
            "terms": terms_json(terms),
            "terms_hash": contract.terms_hash,
            "proposer_role": _role(terms, contract.proposer),
            "termination_requested_by_role": _role(terms, contract.termination_requested_by),
            "pending_amendment": amendment,
            "settlements": settled,
            "escrows": escrows,
            "balances": balances,
            "currency": terms.currency,
            "ledger_time": iso(now) if now is not None else None,
            "next_period": _next_period(contract, now),
        }
    )


@handles_errors
async def contract_toml(request: web.Request) -> web.Response:
    """The contract's terms as a terms file (baseline saved beside it as baseline.pb)."""
    async with rest_client(request) as client:
        contract = await read_or_404(client, request.match_info["contract_id"])
    return web.Response(
        text=terms_to_toml(contract.terms),
        content_type="application/toml",
        headers={"Content-Disposition": f'attachment; filename="{contract.contract_id}.toml"'},
    )


@handles_errors
async def contract_baseline(request: web.Request) -> web.Response:
    async with rest_client(request) as client:
        contract = await read_or_404(client, request.match_info["contract_id"])
    return web.Response(
        body=baseline.canonical_bytes(contract.terms.baseline),
        content_type="application/octet-stream",
        headers={"Content-Disposition": 'attachment; filename="baseline.pb"'},
    )
