"""The portal's HTTP side: login, the JSON API, live events and the static front-end.

Every /api route except /api/login needs a session cookie; /api/admin/* needs the admin role.
A state-changing request (any method but GET, HEAD and OPTIONS) from a browser must come from the
portal's own origin. The pages are static files (no build step) that call the JSON API;
docs/portal.md lists it, with the login throttling policy.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo

from smartblocks.ledger.block_info import block_address as block_info_address
from smartblocks.ledger.messages import iso_time

from . import (
    admin,
    contracts,
    market_aggregation,
    market_auction,
    market_p2p,
    market_supplier,
    member_pages,
)
from .auth import (
    MAX_NAME,
    MAX_PASSWORD,
    LoginThrottle,
    PasswordVerifier,
    Session,
    SessionStore,
    VerifierBusy,
)
from .config import PortalConfig, parse_origin
from .decoders import FamilyRegistry, consensus
from .forecasts import forecast_series, month_accuracy
from .index import ChainIndex
from .kpis import baseline_series, contract_savings, site_kpis
from .live import LiveHub
from .meters import COMPARE, MeterData, dashboard, last_day, series, site_series
from .portal_data import Directory, UserStore
from .search import find

STATIC = Path(__file__).resolve().parent / "static"
COOKIE = "sb_session"
MAX_PAGE = 200
MAX_BODY = 16 * 1024  # bytes of a request body; the API's only bodies are login's two strings
INT64_MAX = 2**63 - 1  # SQLite's integers
# The ledger's days: BlockMeter readings start at or after 1970 and end by 9999-12-31.
FIRST_DAY, LAST_DAY = dt.date(1970, 1, 1), dt.date(9999, 12, 31)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Portal:
    """Everything the handlers need; `status` is filled by whoever feeds the index."""

    config: PortalConfig
    index: ChainIndex
    families: FamilyRegistry
    hub: LiveHub
    meters: MeterData | None = None
    sessions: SessionStore = field(default_factory=SessionStore)
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    verifier: PasswordVerifier = field(default_factory=PasswordVerifier)
    status: Callable[[], dict[str, Any]] = lambda: {}
    # Users and display names the admins manage (portal_data.py); PortalService keeps them in
    # files beside the index, a portal built without one holds the config's users in memory.
    users: UserStore | None = None
    directory: Directory = field(default_factory=Directory)

    @property
    def user_store(self) -> UserStore:
        if self.users is None:
            self.users = UserStore(self.config.users)
        return self.users


PORTAL_KEY = web.AppKey("portal", Portal)
SESSION_KEY = web.RequestKey("session", Session)


def make_app(portal: Portal) -> web.Application:
    portal.sessions.ttl_s = portal.config.session_hours * 3600
    app = web.Application(
        middlewares=[_security_headers, _errors, _same_origin, _authorise],
        client_max_size=MAX_BODY,
    )
    app[PORTAL_KEY] = portal
    r = app.router
    r.add_post("/api/login", login)
    r.add_post("/api/logout", logout)
    r.add_get("/api/session", session_info)
    r.add_get("/api/status", status)
    r.add_get("/api/blocks", list_blocks)
    r.add_get("/api/blocks/{block}", get_block)
    r.add_get("/api/batches/{batch_id}", get_batch)
    r.add_get("/api/transactions/{txn_id}", get_transaction)
    r.add_get("/api/families", list_families)
    r.add_get("/api/state", list_state)
    r.add_get("/api/state/{address}", get_address)
    r.add_get("/api/search", search)
    r.add_get("/api/sites", list_sites)
    r.add_get("/api/sites/{site_id}/dashboard", site_dashboard)
    r.add_get("/api/meters", list_meters)
    r.add_get("/api/meters/{meter_id}/series", meter_series)
    r.add_get("/api/meters/{meter_id}/accuracy", meter_accuracy)
    r.add_get("/api/sites/{site_id}/series", site_chart)
    r.add_get("/api/sites/{site_id}/kpis", site_figures)
    r.add_get("/api/contracts/{contract_id}/savings", contract_savings_route)
    r.add_get("/api/live", live)
    r.add_get("/api/admin/status", admin_status)
    admin.add_routes(app, portal)  # users, display names, processors and settings
    member_pages.add_routes(app, portal)  # members, reputation, the front page's overview
    contracts.add_routes(app, portal.config.rest_api)  # bodies up to 1 MiB: contracts.py
    market_supplier.add_routes(app, portal)  # the automated supplier's pages
    market_auction.add_routes(app, portal)  # the local double auction's pages
    market_p2p.add_routes(app, portal)  # the P2P market's pages
    market_aggregation.add_routes(app, portal)  # the aggregator agreements' pages
    r.add_get("/", index_page)
    r.add_static("/static", STATIC)
    app.on_shutdown.append(_close_streams)
    app.on_cleanup.append(_close_verifier)
    return app


async def _close_streams(app: web.Application) -> None:
    app[PORTAL_KEY].hub.close()


async def _close_verifier(app: web.Application) -> None:
    app[PORTAL_KEY].verifier.close()


def _portal(request: web.Request) -> Portal:
    return request.app[PORTAL_KEY]


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": {"status": status, "message": message}}, status=status)


# Pages load only their own scripts and styles, cannot be framed, and send no referrer.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers.update(SECURITY_HEADERS)
        raise
    response.headers.update(SECURITY_HEADERS)
    return response


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if request.path.startswith("/api/") and exc.status == 413:
            return _error(413, f"request bodies are at most {MAX_BODY} bytes")
        if request.path.startswith("/api/") and exc.status >= 400:
            return _error(exc.status, exc.reason)
        raise
    except ValueError as exc:
        return _error(400, str(exc))


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@web.middleware
async def _same_origin(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse state-changing requests that a browser sent from another site (CSRF).

    Browsers name the page's origin in `Origin` on every POST; it must be one of the configured
    `origins`, or else the portal's own (the Host header, http, or https too with secure
    cookies). Without `Origin`, a `Sec-Fetch-Site` other than same-origin or none is refused.
    Clients that send neither (curl, scripts) are not browsers acting for a victim.
    """
    if request.method in SAFE_METHODS:
        return await handler(request)
    origin = request.headers.get("Origin")
    if origin is None:
        site = request.headers.get("Sec-Fetch-Site")
        if site not in (None, "same-origin", "none"):
            return _error(403, f"cross-site request refused (Sec-Fetch-Site: {site[:32]})")
    elif not _own_origin(request, origin):
        return _error(403, f"requests from origin {origin[:100]!r} are refused")
    return await handler(request)


def _own_origin(request: web.Request, origin: str) -> bool:
    try:
        origin = parse_origin(origin)
    except ValueError:
        return False  # "null" (sandboxed or opaque) and anything malformed
    config = _portal(request).config
    if config.origins:
        return origin in config.origins
    schemes = {request.scheme, "https"} if config.secure_cookies else {request.scheme}
    own = set()
    for scheme in schemes:
        with contextlib.suppress(ValueError):  # a Host header no browser would send
            own.add(parse_origin(f"{scheme}://{request.host}"))
    return origin in own


def client_address(request: web.Request) -> str:
    """Who is asking, for throttling: the peer's IP address, or the last address in
    X-Forwarded-For that is not a trusted proxy's when the peer is one. IPv6 clients count by
    their /64 network, since one host usually holds the whole of it."""
    trusted = [ipaddress.ip_network(n) for n in _portal(request).config.trusted_proxies]
    address = _ip(request.remote)
    if address is not None and trusted:
        hops = ",".join(request.headers.getall("X-Forwarded-For", [])).split(",")
        for hop in reversed([h.strip() for h in hops if h.strip()]):
            if not any(address in net for net in trusted):
                break
            forwarded = _ip(hop)
            if forwarded is None:
                break  # a garbled header: count the request against the proxy
            address = forwarded
    if address is None:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _ip(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").split("%")[0])
    except ValueError:
        return None


@web.middleware
async def _authorise(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/api/") or request.path == "/api/login":
        return await handler(request)
    session = _portal(request).sessions.get(request.cookies.get(COOKIE))
    if session is None:
        return _error(401, "log in first")
    if request.path.startswith("/api/admin/") and session.role != "admin":
        return _error(403, f"user {session.user} has role {session.role}; this needs admin")
    request[SESSION_KEY] = session
    return await handler(request)


# -- session ------------------------------------------------------------------------------------


async def login(request: web.Request) -> web.Response:
    """Check a password: throttled per client (LoginThrottle), hashed off the event loop with
    bounded concurrency (PasswordVerifier); docs/portal.md has the policy."""
    portal = _portal(request)
    if request.content_type != "application/json":
        return _error(
            415, 'send Content-Type: application/json with {"user": ..., "password": ...}'
        )
    try:
        body = await request.json()
        name, password = body["user"], body["password"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError):
        return _error(400, 'send JSON {"user": ..., "password": ...}')
    if not isinstance(name, str) or not isinstance(password, str):
        return _error(400, "user and password must be strings")
    if not 0 < len(name) <= MAX_NAME or len(password) > MAX_PASSWORD:
        return _error(
            400, f"user names have 1 to {MAX_NAME} characters, passwords at most {MAX_PASSWORD}"
        )
    client = client_address(request)
    wait = portal.login_throttle.retry_after(client, name)
    if wait > 0:
        return _too_many(429, "too many failed logins from this address; try again later", wait)
    user = portal.user_store.get(name)
    # Hash even for unknown users so timing does not reveal which names exist.
    stored = user.password_hash if user else _DUMMY_HASH
    try:
        correct = await portal.verifier.verify(client, password, stored)
    except VerifierBusy as exc:
        return _too_many(429 if exc.per_client else 503, f"{exc}; try again shortly", 1)
    if not correct or user is None:
        portal.login_throttle.failed(client, name)
        return _error(401, "unknown user or wrong password")
    portal.login_throttle.succeeded(client, name)
    session = portal.sessions.create(user)
    response = web.json_response({"user": user.name, "role": user.role})
    response.set_cookie(
        COOKIE,
        session.token,
        httponly=True,
        samesite="Strict",
        secure=portal.config.secure_cookies,
        path="/",
    )
    return response


def _too_many(status: int, message: str, wait_s: float) -> web.Response:
    response = _error(status, message)
    response.headers["Retry-After"] = str(max(1, math.ceil(wait_s)))
    return response


_DUMMY_HASH = (
    "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)


async def logout(request: web.Request) -> web.Response:
    _portal(request).sessions.delete(request.cookies.get(COOKIE))
    response = web.json_response({"logged_out": True})
    response.del_cookie(COOKIE, path="/")
    return response


async def session_info(request: web.Request) -> web.Response:
    session = request[SESSION_KEY]
    return web.json_response({"user": session.user, "role": session.role})


async def status(request: web.Request) -> web.Response:
    portal = _portal(request)
    return web.json_response({**portal.index.stats(), **portal.status()})


async def admin_status(request: web.Request) -> web.Response:
    portal = _portal(request)
    users = [{"name": u.name, "role": u.role} for u in portal.user_store.all()]
    return web.json_response(
        {
            **portal.index.stats(),
            **portal.status(),
            "sessions": len(portal.sessions),
            "live_listeners": portal.hub.listeners,
            "users": users,
            "index_path": portal.index.path,
            "rest_api": portal.config.rest_api,
            "component": portal.config.component,
        }
    )


async def index_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


async def live(request: web.Request) -> web.StreamResponse:
    return await _portal(request).hub.stream(request)


# -- explorer -----------------------------------------------------------------------------------


def _int_param(request: web.Request, name: str, default: int | None) -> int | None:
    """A query parameter in 0..INT64_MAX (what SQLite stores); ValueError (400) otherwise."""
    value = request.query.get(name)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= 19) or int(value) > INT64_MAX:
        raise ValueError(f"{name} must be an integer from 0 to {INT64_MAX}, not {_shown(value)}")
    return int(value)


def _shown(value: str) -> str:
    """A client's value for an error message, cut short."""
    return repr(value) if len(value) <= 40 else repr(value[:40]) + "..."


async def list_blocks(request: web.Request) -> web.Response:
    portal = _portal(request)
    limit = min(_int_param(request, "limit", 20) or 20, MAX_PAGE)
    before = _int_param(request, "before", None)
    blocks = portal.index.blocks(limit, before)
    head = portal.index.head()
    next_before = blocks[-1]["block_num"] if blocks and blocks[-1]["block_num"] > 0 else None
    return web.json_response(
        {
            "data": blocks,
            "head": head[0] if head else None,
            "paging": {"limit": limit, "before": before, "next_before": next_before},
        }
    )


async def get_block(request: web.Request) -> web.Response:
    portal = _portal(request)
    block = portal.index.block(request.match_info["block"])
    if block is None:
        return _error(404, f"block {request.match_info['block'][:32]} is not in the index")
    block["batches"] = portal.index.batches_of_block(block["block_num"])
    block["next_block_id"] = _block_id(portal, block["block_num"] + 1)
    block["consensus"] = consensus(bytes.fromhex(block["consensus"]))
    block["time"] = _block_time(portal, block)
    return web.json_response({"data": block})


def _block_time(portal: Portal, block: dict[str, Any]) -> dict[str, Any]:
    """When the block was made: the timestamp its BlockInfo record holds (written by the next
    block's BlockInfo transaction, Sawtooth's block-info injector), else when this index stored
    it (`seen_at`, the portal's clock; the same for every block of a catch-up)."""
    info = portal.index.first_value(block_info_address(block["block_num"]))
    if info is not None:
        with contextlib.suppress(DecodeError):
            timestamp = BlockInfo.FromString(info).timestamp
            if timestamp:
                return {
                    "unix": timestamp,
                    "iso": iso_time(timestamp),
                    "source": "block_info",
                    "note": "BlockInfo timestamp (recorded by the next block)",
                }
    return {
        "unix": block["seen_at"],
        "iso": iso_time(block["seen_at"]),
        "source": "seen_at",
        "note": "when this portal indexed the block (no BlockInfo record for it)",
    }


def _block_id(portal: Portal, block_num: int) -> str | None:
    block = portal.index.block(str(block_num))
    return block["block_id"] if block else None


def _transaction_json(portal: Portal, txn: dict[str, Any]) -> dict[str, Any]:
    payload = txn.pop("payload")
    txn["payload"] = portal.families.payload(txn["family"], payload)
    return txn


async def get_batch(request: web.Request) -> web.Response:
    portal = _portal(request)
    batch = portal.index.batch(request.match_info["batch_id"])
    if batch is None:
        return _error(404, "batch is not in the index")
    batch["transactions"] = [
        _transaction_json(portal, t) for t in portal.index.transactions_of_batch(batch["batch_id"])
    ]
    batch["block_id"] = _block_id(portal, batch["block_num"])
    return web.json_response({"data": batch})


async def get_transaction(request: web.Request) -> web.Response:
    portal = _portal(request)
    txn = portal.index.transaction(request.match_info["txn_id"])
    if txn is None:
        return _error(404, "transaction is not in the index")
    txn = _transaction_json(portal, txn)
    txn["block_id"] = _block_id(portal, txn["block_num"])
    txn["labels"] = {
        address: portal.families.label(address, portal.index.current_value(address))
        for address in dict.fromkeys([*txn["inputs"], *txn["outputs"]])
    }
    return web.json_response({"data": txn})


# -- ledger state -------------------------------------------------------------------------------


async def list_families(request: web.Request) -> web.Response:
    portal = _portal(request)
    data = [
        {
            "name": f.name,
            "namespace": f.namespace,
            "record_types": f.record_types,
            "decodes_payloads": f.decode_payload is not None,
        }
        for f in portal.families.families()
    ]
    return web.json_response({"data": data})


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)


STATE_PAGE, MAX_STATE_PAGE = 50, 500
HISTORY_PAGE, MAX_HISTORY_PAGE = 50, 500


async def list_state(request: web.Request) -> web.Response:
    """Current records under a family (and record type) or prefix, sorted by address, a page at
    a time: `limit` records after the address `after` (the previous page's `next_after`)."""
    portal = _portal(request)
    prefix = request.query.get("prefix", "")
    family_name = request.query.get("family")
    kinds: list[dict[str, Any]] = []
    if family_name:
        family = portal.families.get(family_name)
        if family is None:
            return _error(404, f"unknown family {family_name!r}")
        record_type = request.query.get("type", "")
        if record_type and (len(record_type) != 2 or not _is_hex(record_type)):
            raise ValueError(f"type must be a 2-hex record type, not {_shown(record_type)}")
        prefix = family.namespace + record_type
        kinds = [
            {
                "type": infix,
                "label": label,
                "count": portal.index.count_records(family.namespace + infix),
            }
            for infix, label in family.record_types.items()
        ]
    if len(prefix) < 6 or len(prefix) > 70 or not _is_hex(prefix):
        raise ValueError("give family=NAME or prefix=HEX (at least the 6-hex namespace)")
    after = request.query.get("after", "")
    if after and (len(after) > 70 or not _is_hex(after)):
        raise ValueError(f"after must be an address (hex), not {_shown(after)}")
    limit = min(_int_param(request, "limit", STATE_PAGE) or STATE_PAGE, MAX_STATE_PAGE)
    rows = portal.index.current_records(prefix, limit + 1, after)
    more = len(rows) > limit
    rows = rows[:limit]
    data = [
        {
            "address": r["address"],
            "block_num": r["block_num"],
            "txn_id": r["txn_id"],
            **portal.families.state(r["address"], bytes(r["value"])),
            "label": portal.families.label(r["address"], bytes(r["value"])),
        }
        for r in rows
    ]
    return web.json_response(
        {
            "data": data,
            "prefix": prefix,
            "total": portal.index.count_records(prefix),
            "kinds": kinds,
            "paging": {
                "limit": limit,
                "after": after or None,
                "next_after": rows[-1]["address"] if more else None,
            },
        }
    )


async def get_address(request: web.Request) -> web.Response:
    """An address's current record and its changes, newest first, a page at a time: `limit`
    changes older than the change `before` (the previous page's `next_before`)."""
    portal = _portal(request)
    address = request.match_info["address"]
    if len(address) != 70 or not _is_hex(address):
        raise ValueError("an address is 70 lowercase hex characters")
    limit = min(_int_param(request, "limit", HISTORY_PAGE) or HISTORY_PAGE, MAX_HISTORY_PAGE)
    before = _int_param(request, "before", None)
    current = portal.index.current_value(address)
    changes = portal.index.address_history(address, limit + 1, before)
    more = len(changes) > limit
    history = []
    for change in changes[:limit]:
        value = change.pop("value")
        change["deleted"] = value is None
        change["record"] = None if value is None else portal.families.state(address, bytes(value))
        history.append(change)
    return web.json_response(
        {
            "data": {
                "address": address,
                "label": portal.families.label(address, current),
                "current": None if current is None else portal.families.state(address, current),
                "history": history,
                "history_total": portal.index.count_changes(address),
            },
            "paging": {
                "limit": limit,
                "before": before,
                "next_before": history[-1]["id"] if more else None,
            },
        }
    )


async def search(request: web.Request) -> web.Response:
    """`q`: a block number or id, batch id, transaction id, address or address prefix, meter or
    site id. Answers what it found: {query, found: [{type, id, title, href, ...}]}."""
    portal = _portal(request)
    query = request.query.get("q", "").strip()
    if not 0 < len(query) <= 256:
        raise ValueError(
            "q must be 1 to 256 characters: a block, batch, transaction, address or meter"
        )
    return web.json_response({"query": query, "found": find(portal.index, portal.families, query)})


# -- meters -------------------------------------------------------------------------------------


def _meter_data(portal: Portal) -> MeterData:
    if portal.meters is None:
        raise web.HTTPNotFound(reason="meter data is not available (no BlockMeter family)")
    return portal.meters


async def list_sites(request: web.Request) -> web.Response:
    return web.json_response({"data": _meter_data(_portal(request)).sites()})


async def list_meters(request: web.Request) -> web.Response:
    return web.json_response({"data": _meter_data(_portal(request)).meters()})


def _day_param(request: web.Request, name: str) -> dt.date | None:
    """A YYYY-MM-DD query parameter within the ledger's days; ValueError (400) otherwise."""
    value = request.query.get(name)
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"{name} must be a date YYYY-MM-DD from {FIRST_DAY} to {LAST_DAY}, not {_shown(value)}"
        )
    return day


def _meter(data: MeterData, meter_id: str) -> dict[str, Any]:
    meter = next((m for m in data.meters() if m["meter_id"] == meter_id), None)
    if meter is None:
        raise web.HTTPNotFound(reason=f"no meter {meter_id!r} on the ledger")
    return meter


def _compare_param(request: web.Request) -> list[str]:
    """compare=previous,baseline,forecast (any of them, comma-separated)."""
    wanted = [c for c in request.query.get("compare", "").split(",") if c]
    unknown = [c for c in wanted if c not in COMPARE]
    if unknown:
        raise ValueError(f"compare takes {', '.join(COMPARE)}, not {_shown(unknown[0])}")
    return wanted


async def meter_series(request: web.Request) -> web.Response:
    """?zoom=day|week|month&end=DAY, or zoom=range&start=DAY&end=DAY; compare=... adds the
    previous period, the baselines of the meter's contracts, BlockPredict's forecasts."""
    portal = _portal(request)
    data = _meter_data(portal)
    meter = _meter(data, request.match_info["meter_id"])
    zoom = request.query.get("zoom", "day")
    end = _day_param(request, "end") or last_day(meter)
    compare = _compare_param(request)
    chart = series(data, meter, zoom, end, _day_param(request, "start"), compare)
    if "baseline" in compare:
        chart["baselines"] = baseline_series(
            portal.index, data, meter, chart["start"], chart["end"], chart["bucket_s"]
        )
    if "forecast" in compare:
        chart["forecast"] = forecast_series(
            portal.index, meter, chart["start"], chart["end"], chart["bucket_s"]
        )
    return web.json_response(chart)


async def meter_accuracy(request: web.Request) -> web.Response:
    """BlockPredict's month accuracy records of the meter: 12 months to `end`'s month."""
    portal = _portal(request)
    meter = _meter(_meter_data(portal), request.match_info["meter_id"])
    end = _day_param(request, "end") or last_day(meter)
    rows = month_accuracy(portal.index, meter["meter_id"], end.strftime("%Y-%m"))
    return web.json_response({"meter_id": meter["meter_id"], "unit": meter["unit"], "data": rows})


async def site_chart(request: web.Request) -> web.Response:
    """The site's import, export, generation and storage per bucket, and consumption."""
    data = _meter_data(_portal(request))
    zoom = request.query.get("zoom", "week")
    chart = site_series(
        data,
        request.match_info["site_id"],
        zoom,
        _day_param(request, "end"),
        _day_param(request, "start"),
    )
    if chart is None:
        return _error(404, f"no site {request.match_info['site_id']!r} on the ledger")
    return web.json_response(chart)


async def site_figures(request: web.Request) -> web.Response:
    portal = _portal(request)
    data = _meter_data(portal)
    figures = site_kpis(
        portal.index, data, request.match_info["site_id"], _day_param(request, "day")
    )
    if figures is None:
        return _error(404, f"no site {request.match_info['site_id']!r} on the ledger")
    return web.json_response(figures)


async def contract_savings_route(request: web.Request) -> web.Response:
    """A contract's settled periods, cumulative avoided energy and guarantee (kpis.py)."""
    contract_id = request.match_info["contract_id"]
    savings = contract_savings(_portal(request).index, contract_id)
    if savings is None:
        return _error(404, f"no contract {contract_id[:64]!r} on the ledger")
    return web.json_response(savings)


async def site_dashboard(request: web.Request) -> web.Response:
    data = _meter_data(_portal(request))
    board = dashboard(data, request.match_info["site_id"], _day_param(request, "day"))
    if board is None:
        return _error(404, f"no site {request.match_info['site_id']!r} on the ledger")
    return web.json_response(board)
