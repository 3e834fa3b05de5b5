"""What every contracts route shares: the REST API the reads and submissions go to, request
bodies up to MAX_BODY, and errors a person can fix as 400s naming the form field."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from smartblocks.clients.contracts import ledger as contract_ledger
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.rest import BatchNotCommitted, RestClient, RestError
from smartblocks.protos.energycontract_pb2 import Contract

from . import signing

REST_API = web.AppKey("contracts_rest_api", str)
FIT_LOCK = web.AppKey("contracts_fit_lock", asyncio.Lock)
# Draft terms carry a baseline table (at most 256 KiB, an hourly table) as base64.
MAX_BODY = 1024 * 1024
SUBMIT_WAIT_S = 30.0


def error(status: int, message: str, field: str | None = None) -> web.Response:
    shown: dict[str, Any] = {"status": status, "message": message}
    if field:
        shown["field"] = field
    return web.json_response({"error": shown}, status=status)


class DraftError(ValueError):
    """Draft terms are wrong: `field` is the terms-file key (dotted) the message is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def rest_client(request: web.Request) -> RestClient:
    return RestClient(request.app[REST_API], timeout=SUBMIT_WAIT_S + 10)


async def read_body(request: web.Request) -> dict[str, Any]:
    """The JSON object a POST carries, up to MAX_BODY bytes (the portal's other routes take
    16 KiB; draft terms carry a baseline table)."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(reason="send Content-Type: application/json")
    try:
        raw = await request.clone(client_max_size=MAX_BODY).read()
    except web.HTTPRequestEntityTooLarge:
        raise DraftError(f"request bodies here are at most {MAX_BODY} bytes") from None
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise DraftError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise DraftError("the body must be a JSON object")
    return body


def handles_errors(
    handler: Callable[[web.Request], Any],
) -> Callable[[web.Request], Any]:
    """Turn the errors a person can fix into 400s naming what to fix (and the form field)."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await handler(request)  # type: ignore[no-any-return]
        except DraftError as exc:
            return error(400, str(exc), exc.field)
        except BatchNotCommitted as exc:
            return web.json_response(
                {"error": {"status": 400, "message": exc.message}, "statuses": exc.statuses},
                status=400,
            )
        except RestError as exc:
            return error(502, f"the validator's REST API: {exc}")
        except (signing.SigningError, UserError) as exc:
            return error(400, str(exc))

    return wrapped


async def read_or_404(client: RestClient, contract_id: str) -> Contract:
    contract = await contract_ledger.read_contract(client, contract_id)
    if contract is None:
        raise web.HTTPNotFound(reason=f"no contract {contract_id[:64]!r} on the ledger")
    return contract
