"""Query parameters (head, id, start, limit, reverse, wait, address) and the links in answers.

Sawtooth answers some malformed queries with a 500 (e.g. `head=latest` on /state, a negative
`wait`); here every malformed query is a 400 with a code. Links are built as Sawtooth builds
them: head first, then start, then limit, then the remaining parameters sorted, values
unescaped; `Forwarded`/`X-Forwarded-*` headers are honoured behind a proxy.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from sawtooth_sdk.protobuf.client_list_control_pb2 import ClientPagingControls, ClientSortControls

from . import errors

MAX_LIMIT = 1000
_ID = re.compile(r"[0-9a-f]{128}")
_ADDRESS_PREFIX = re.compile(r"(?:[0-9a-f]{2}){0,35}")
_TRUE = {"", "true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def check_id(resource_id: str) -> str:
    if not _ID.fullmatch(resource_id):
        raise errors.InvalidResourceId(repr(resource_id))
    return resource_id


def check_address(address: str) -> str:
    """A full address or a prefix of whole bytes (the validator's own rule)."""
    if not _ADDRESS_PREFIX.fullmatch(address):
        raise errors.InvalidStateAddress(repr(address))
    return address


def head(request: web.Request) -> str | None:
    value = request.query.get("head")
    return check_id(value) if value else None


def filter_ids(request: web.Request) -> list[str]:
    value = request.query.get("id")
    if not value:
        return []
    return [check_id(i) for i in value.split(",")]


def limit(request: web.Request) -> int | None:
    value = request.query.get("limit")
    if value is None:
        return None
    try:
        number = int(value)
    except ValueError:
        raise errors.CountInvalid(f"Got {value!r}.") from None
    if number <= 0:
        raise errors.CountInvalid(f"Got {value!r}.")
    return number


def paging(request: web.Request) -> ClientPagingControls:
    """The validator caps a page at 1000 entries; so do we, before asking."""
    number = limit(request)
    return ClientPagingControls(
        start=request.query.get("start", ""), limit=min(number, MAX_LIMIT) if number else 0
    )


def sorting(request: web.Request, key: str) -> list[ClientSortControls]:
    """`reverse` (empty or true) reverses the list. Sawtooth takes any other value as sort keys
    and fails; we accept true/false spellings and reject the rest with code 57."""
    value = request.query.get("reverse")
    if value is None or value.lower() in _FALSE:
        return []
    if value.lower() in _TRUE:
        return [ClientSortControls(keys=[key], reverse=True)]
    raise errors.SortInvalid(f"Got {value!r}.")


def wait_seconds(request: web.Request, request_timeout: float) -> int | None:
    """`wait` as Sawtooth reads it: absent or 'false' = no wait; an integer = that many seconds;
    anything else = just under the REST API's own timeout. Never longer than that timeout, so
    the validator answers before we give up on it; zero or negative = no wait."""
    value = request.query.get("wait")
    if value is None or value.lower() == "false":
        return None
    ceiling = max(1, int(request_timeout * 0.95))
    try:
        seconds = int(value)
    except ValueError:
        return ceiling
    return min(seconds, ceiling) if seconds > 0 else None


def _forwarded(request: web.Request, key: str) -> str:
    forwarded = request.headers.get("Forwarded", "")
    match = re.search(rf"(?i)(?:^|[\s,;]){key}=([^\s,;]+)", forwarded)
    if match:
        return match.group(1).strip('"')
    return request.headers.get(f"X-Forwarded-{key.title()}", "")


def build_url(request: web.Request, path: str | None = None, **changes: Any) -> str:
    """This request's URL with some query parameters replaced (None = keep the original)."""
    query: dict[str, Any] = dict(request.query)
    query.update({k: v for k, v in changes.items() if v is not None})
    parts: list[tuple[str, Any]] = []
    for key in ("head", "start", "limit"):
        if key in query:
            parts.append((key, query.pop(key)))
    parts += sorted(query.items())
    query_string = "&".join(f"{k}={v}" if v != "" else k for k, v in parts)
    scheme = _forwarded(request, "proto") or request.url.scheme
    host = _forwarded(request, "host") or request.host
    prefix = _forwarded(request, "path")
    return f"{scheme}://{host}{prefix}{path or request.path}" + (
        f"?{query_string}" if query_string else ""
    )
