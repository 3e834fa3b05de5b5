"""Async client for Sawtooth 1.2's REST API: the devnet's or a real validator's.

Every failure is a RestError (a UserError: the CLI prints it without a traceback) that says
which request failed and why, in the server's own words when it gave any. Sync code calls
`run(coro)`:

    batches = [make_batch(signer, [txn])]
    statuses = run(submit_and_wait(url, batches))
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
import os
from collections.abc import AsyncIterator, Coroutine, Sequence
from typing import Any, TypeVar

import aiohttp
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from yarl import URL

from .endpoints import DEFAULT_REST_API
from .errors import UserError
from .transactions import batch_list_bytes

DEFAULT_URL = DEFAULT_REST_API
URL_ENV = "SMARTBLOCKS_URL"
# Up to this many ids go in a GET query; more go in a POST body (Sawtooth's advice: 15).
MAX_IDS_IN_QUERY = 15
PAGE_SIZE = 1000

T = TypeVar("T")


def default_url() -> str:
    """$SMARTBLOCKS_URL, else the local devnet's REST API (DEFAULT_REST_API)."""
    return os.environ.get(URL_ENV) or DEFAULT_URL


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion from sync code (e.g. a CLI command)."""
    return asyncio.run(coro)


class RestError(UserError):
    """A REST API request failed: HTTP status, Sawtooth error code, title and message.
    `status` is 0 when no HTTP answer came at all (unreachable, timed out)."""

    def __init__(
        self,
        method: str,
        url: str,
        status: int,
        title: str,
        message: str,
        code: int | None = None,
    ) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.code = code
        self.title = title
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.method} {self.url}"
        if not self.status:
            return f"{where}: {self.message}"
        code = f" (code {self.code})" if self.code is not None else ""
        return f"{where}: {self.status} {self.title}{code}: {self.message}"


class BatchNotCommitted(RestError):
    """Submitted batches that did not all commit; `statuses` holds every batch's status."""

    def __init__(self, url: str, statuses: list[dict[str, Any]], title: str, message: str):
        self.statuses = statuses
        super().__init__("POST", url, 0, title, message)


class BatchInvalid(BatchNotCommitted):
    """A batch is INVALID: the message names each invalid transaction and the processor's
    reason."""


class BatchTimeout(BatchNotCommitted):
    """Batches still PENDING when the wait ran out."""


def _short(identifier: str) -> str:
    return identifier[:16] + "…"


def _invalid_reasons(statuses: list[dict[str, Any]]) -> str:
    reasons = []
    for status in statuses:
        if status.get("status") != "INVALID":
            continue
        txns = status.get("invalid_transactions") or [{}]
        for txn in txns:
            reason = txn.get("message") or "no reason given"
            reasons.append(
                f"batch {_short(status['id'])} is INVALID: transaction "
                f"{_short(txn.get('id', '?'))} was rejected: {reason}"
            )
    return "; ".join(reasons)


class RestClient:
    """One REST API endpoint. Use `async with RestClient(url) as client:` or call close()."""

    def __init__(
        self,
        url: str | None = None,
        *,
        timeout: float = 30.0,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        raw = url or default_url()
        parsed = URL(raw.rstrip("/"))
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise UserError(
                f"not a REST API URL: {raw!r} (expected e.g. {DEFAULT_URL}; "
                f"set it with --url or {URL_ENV})"
            )
        self.url = str(parsed)
        self.timeout = timeout
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> RestClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    # --- transport ---------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: bytes | None = None,
        json_body: Any = None,
        extra_time: float = 0.0,
    ) -> dict[str, Any]:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        url = self.url + path
        headers = {}
        if body is not None:
            headers["Content-Type"] = "application/octet-stream"
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            async with self._session.request(
                method,
                url,
                params=query,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.timeout + extra_time),
            ) as response:
                status = response.status
                text = await response.text(errors="replace")
        except aiohttp.ClientConnectorError as exc:
            raise RestError(
                method,
                url,
                0,
                "Unreachable",
                f"cannot reach the REST API at {self.url} ({exc.os_error.strerror or exc}); "
                f"check that the validator's REST API is running and that the URL "
                f"(--url or {URL_ENV}) is right",
            ) from None
        except TimeoutError:
            raise RestError(
                method,
                url,
                0,
                "Timed Out",
                f"no answer from {self.url} within {self.timeout + extra_time:g} s",
            ) from None
        except aiohttp.ClientError as exc:
            raise RestError(method, url, 0, "Failed", f"{type(exc).__name__}: {exc}") from None
        return self._decode(method, url, status, text)

    def _decode(self, method: str, url: str, status: int, text: str) -> dict[str, Any]:
        try:
            envelope = json.loads(text)
        except ValueError:
            snippet = " ".join(text.split())[:120]
            raise RestError(
                method,
                url,
                status,
                "Not a REST API Answer",
                f"the answer is not JSON ({snippet!r}); is {self.url} a Sawtooth REST API?",
            ) from None
        if not isinstance(envelope, dict):
            raise RestError(method, url, status, "Bad Answer", "the answer is not a JSON object")
        if status >= 400:
            error = envelope.get("error")
            if not isinstance(error, dict):
                raise RestError(method, url, status, "HTTP Error", f"{text[:200]}")
            raise RestError(
                method,
                url,
                status,
                str(error.get("title", "")),
                str(error.get("message", "")),
                code=error.get("code") if isinstance(error.get("code"), int) else None,
            )
        return envelope

    async def _ids_request(
        self, path: str, ids: Sequence[str], params: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        """GET ?id=a,b for a few ids, POST a JSON list for many."""
        if len(ids) <= MAX_IDS_IN_QUERY:
            return await self._request(
                "GET", path, params={"id": ",".join(ids), **(params or {})}, **kw
            )
        return await self._request("POST", path, params=params, json_body=list(ids), **kw)

    # --- batches -----------------------------------------------------------------------

    async def submit_batches(self, batches: Sequence[Batch]) -> str:
        """POST /batches; returns the batch status link."""
        envelope = await self._request("POST", "/batches", body=batch_list_bytes(batches))
        return str(envelope.get("link", ""))

    async def batch_statuses(
        self, ids: Sequence[str], wait: float | None = None
    ) -> list[dict[str, Any]]:
        """Statuses in `ids` order; with `wait`, the server answers once none is PENDING or
        after that many seconds."""
        params: dict[str, Any] = {}
        extra = 0.0
        if wait is not None and wait > 0:
            params["wait"] = max(1, math.ceil(wait))
            extra = params["wait"]
        envelope = await self._ids_request("/batch_statuses", ids, params, extra_time=extra)
        return list(envelope.get("data", []))

    async def wait_for_batches(
        self, ids: Sequence[str], timeout: float = 30
    ) -> list[dict[str, Any]]:
        """Poll (with server-side wait) until no batch is PENDING or `timeout` passes."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            asked = loop.time()
            statuses = await self.batch_statuses(ids, wait=max(1.0, remaining))
            if all(s.get("status") != "PENDING" for s in statuses):
                return statuses
            if loop.time() >= deadline:
                return statuses
            # A server that ignores `wait` answers at once: poll gently, not in a busy loop.
            if loop.time() - asked < 0.1:
                await asyncio.sleep(0.1)

    async def submit_and_wait(
        self, batches: Sequence[Batch], timeout: float = 30
    ) -> list[dict[str, Any]]:
        """Submit, wait for the outcome; raise BatchInvalid/BatchTimeout unless all commit."""
        await self.submit_batches(batches)
        ids = [b.header_signature for b in batches]
        statuses = await self.wait_for_batches(ids, timeout)
        url = self.url + "/batches"
        if any(s.get("status") == "INVALID" for s in statuses):
            raise BatchInvalid(url, statuses, "Batch Invalid", _invalid_reasons(statuses))
        pending = [s["id"] for s in statuses if s.get("status") == "PENDING"]
        if pending:
            raise BatchTimeout(
                url,
                statuses,
                "Still Pending",
                f"{len(pending)} of {len(ids)} batches still PENDING after {timeout:g} s "
                f"(first: {_short(pending[0])}); the validator may lack a transaction "
                f"processor for their family, or be overloaded: check its log for the "
                f"processor's registration (devnet's /status lists its processors)",
            )
        lost = [s["id"] for s in statuses if s.get("status") != "COMMITTED"]
        if lost:
            raise BatchNotCommitted(
                url,
                statuses,
                "Batch Unknown",
                f"the validator does not know batch {_short(lost[0])} (lost, e.g. in a "
                f"restart); submit it again",
            )
        return statuses

    # --- state -------------------------------------------------------------------------

    async def state(self, address: str, head: str | None = None) -> bytes | None:
        """The value at `address`, or None when nothing is stored there."""
        try:
            envelope = await self._request("GET", f"/state/{address}", params={"head": head})
        except RestError as exc:
            if exc.status == 404 and exc.code == 75:
                return None
            raise
        return base64.b64decode(envelope.get("data", ""))

    async def list_state(
        self, prefix: str = "", head: str | None = None
    ) -> AsyncIterator[tuple[str, bytes]]:
        """Every (address, value) under `prefix`, in address order, at one head block."""
        params = {"address": prefix or None}
        async for entry in self._iterate("/state", params, head=head):
            yield entry["address"], base64.b64decode(entry.get("data", ""))

    # --- chain resources ---------------------------------------------------------------

    async def _iterate(
        self,
        path: str,
        params: dict[str, Any],
        *,
        head: str | None = None,
        limit: int | None = None,
        reverse: bool = False,
    ) -> AsyncIterator[dict[str, Any]]:
        """Follow paging.next_position to the end, pinned to the first page's head."""
        start = None
        while True:
            envelope = await self._request(
                "GET", path, params={**params, **_list_params(head, start, limit, reverse)}
            )
            for item in envelope.get("data", []):
                yield item
            start = envelope.get("paging", {}).get("next_position")
            if not start:
                return
            head = envelope.get("head") or head

    async def blocks(
        self,
        limit: int | None = None,
        start: str | None = None,
        reverse: bool = False,
        head: str | None = None,
    ) -> dict[str, Any]:
        """One page of /blocks (newest first unless `reverse`): the raw envelope."""
        return await self._request(
            "GET", "/blocks", params=_list_params(head, start, limit, reverse)
        )

    def iter_blocks(
        self, limit: int | None = PAGE_SIZE, reverse: bool = False, head: str | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every block (newest first unless `reverse`), fetching `limit` per page."""
        return self._iterate("/blocks", {}, head=head, limit=limit, reverse=reverse)

    async def block(self, block_id: str) -> dict[str, Any]:
        return dict((await self._request("GET", f"/blocks/{block_id}"))["data"])

    async def batches(
        self,
        limit: int | None = None,
        start: str | None = None,
        reverse: bool = False,
        head: str | None = None,
    ) -> dict[str, Any]:
        params = _list_params(head, start, limit, reverse)
        return await self._request("GET", "/batches", params=params)

    async def batch(self, batch_id: str) -> dict[str, Any]:
        return dict((await self._request("GET", f"/batches/{batch_id}"))["data"])

    async def transactions(
        self,
        limit: int | None = None,
        start: str | None = None,
        reverse: bool = False,
        head: str | None = None,
    ) -> dict[str, Any]:
        params = _list_params(head, start, limit, reverse)
        return await self._request("GET", "/transactions", params=params)

    async def transaction(self, transaction_id: str) -> dict[str, Any]:
        return dict((await self._request("GET", f"/transactions/{transaction_id}"))["data"])

    async def transaction_committed(self, transaction_id: str) -> bool:
        """Whether the transaction is in a block of the validator's chain: GET
        /transactions/{id} answers it (a 404 means not, or not yet)."""
        try:
            data = await self.transaction(transaction_id)
        except RestError as exc:
            if exc.status == 404:
                return False
            raise
        return data.get("header_signature") == transaction_id

    async def receipts(self, transaction_ids: Sequence[str]) -> list[dict[str, Any]]:
        return list((await self._ids_request("/receipts", transaction_ids))["data"])

    # --- the validator -----------------------------------------------------------------

    async def peers(self) -> list[str]:
        return list((await self._request("GET", "/peers"))["data"])

    async def status(self) -> dict[str, Any]:
        return dict((await self._request("GET", "/status"))["data"])


def _list_params(
    head: str | None, start: str | None, limit: int | None, reverse: bool
) -> dict[str, Any]:
    params: dict[str, Any] = {"head": head, "start": start, "limit": limit}
    if reverse:
        params["reverse"] = ""
    return params


async def submit_and_wait(
    url: str | None, batches: Sequence[Batch], timeout: float = 30
) -> list[dict[str, Any]]:
    """One-shot helper: submit `batches` to the REST API at `url` and wait for commit."""
    async with RestClient(url) as client:
        return await client.submit_and_wait(batches, timeout)


__all__ = [
    "DEFAULT_URL",
    "URL_ENV",
    "BatchInvalid",
    "BatchNotCommitted",
    "BatchTimeout",
    "RestClient",
    "RestError",
    "default_url",
    "run",
    "submit_and_wait",
]
