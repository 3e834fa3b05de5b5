"""The admin API: the portal's users and roles, the member directory, and what the ledger runs
(processors, on-chain settings, pending settings proposals). Every route is under /api/admin/,
which app.py's middleware keeps to the admin role (403 otherwise) and to the portal's own origin
for changes. docs/portal.md ("Admin") lists the routes.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from smartblocks.ledger.errors import UserError
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import APPROVAL_THRESHOLD, AUTHORIZED_KEYS, split_list
from smartblocks.protos.sawtooth_settings_pb2 import SettingVote

from .auth import User, hash_password
from .ledger_records import read_records
from .portal_data import LastAdmin, check_new_password, check_role, check_user_name

if TYPE_CHECKING:
    from .app import Portal

STATUS_TIMEOUT_S = 3.0  # the validator's /status: the page shows the index's view without it


def add_routes(app: web.Application, portal: Portal) -> None:
    api = AdminApi(portal)
    r = app.router
    r.add_get("/api/admin/users", api.list_users)
    r.add_post("/api/admin/users", api.add_user)
    r.add_patch("/api/admin/users/{name}", api.change_user)
    r.add_delete("/api/admin/users/{name}", api.remove_user)
    r.add_post("/api/admin/directory", api.set_display_name)
    r.add_get("/api/admin/ledger", api.ledger)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": {"status": status, "message": message}}, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(reason="send Content-Type: application/json")
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise ValueError("send a JSON object")
    return body


class AdminApi:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal

    # -- users ----------------------------------------------------------------------------------

    def _users_json(self) -> web.Response:
        users = [{"name": u.name, "role": u.role} for u in self.portal.user_store.all()]
        return web.json_response(
            {"data": users, "persistent": self.portal.user_store.path is not None}
        )

    async def list_users(self, request: web.Request) -> web.Response:
        return self._users_json()

    async def _hash(self, password: str) -> str:
        # scrypt takes tens of milliseconds: off the event loop, as logins are.
        return await asyncio.to_thread(hash_password, password)

    async def add_user(self, request: web.Request) -> web.Response:
        body = await _body(request)
        name = check_user_name(body.get("name"))
        role = check_role(body.get("role"))
        password = check_new_password(body.get("password"))
        if self.portal.user_store.get(name) is not None:
            return _error(409, f"user {name!r} exists already")
        self.portal.user_store.add(User(name, role, await self._hash(password)))
        return self._users_json()

    async def change_user(self, request: web.Request) -> web.Response:
        """{"role": ...} and/or {"password": ...}; the user's open sessions end either way."""
        name = request.match_info["name"]
        body = await _body(request)
        if self.portal.user_store.get(name) is None:
            return _error(404, f"no user {name[:128]!r}")
        role = check_role(body["role"]) if "role" in body else None
        password = check_new_password(body["password"]) if "password" in body else None
        if role is None and password is None:
            raise ValueError('send {"role": ...} or {"password": ...}')
        try:
            if role is not None:
                self.portal.user_store.set_role(name, role)
        except LastAdmin as exc:
            return _error(409, str(exc))
        if password is not None:
            self.portal.user_store.set_password(name, await self._hash(password))
        self.portal.sessions.end_user(name)
        return self._users_json()

    async def remove_user(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        try:
            self.portal.user_store.remove(name)
        except KeyError:
            return _error(404, f"no user {name[:128]!r}")
        except LastAdmin as exc:
            return _error(409, str(exc))
        self.portal.sessions.end_user(name)
        return self._users_json()

    # -- the member directory ------------------------------------------------------------------

    async def set_display_name(self, request: web.Request) -> web.Response:
        """{"key": PUBLIC_KEY, "name": TEXT}: an off-chain label; an empty name removes it."""
        body = await _body(request)
        self.portal.directory.set(body.get("key"), body.get("name"))
        return web.json_response({"key": body["key"], "name": body["name"].strip() or None})

    # -- what the ledger runs ------------------------------------------------------------------

    async def ledger(self, request: web.Request) -> web.Response:
        records = read_records(self.portal.index)
        voters = split_list(records.settings.get(AUTHORIZED_KEYS, ("", ""))[1])
        try:
            threshold = int(records.settings.get(APPROVAL_THRESHOLD, ("", "1"))[1])
        except ValueError:
            threshold = 1
        proposals = [
            {
                "proposal_id": c.proposal_id,
                "setting": c.proposal.setting,
                "value": c.proposal.value,
                "accepts": sum(1 for v in c.votes if v.vote == SettingVote.ACCEPT),
                "rejects": sum(1 for v in c.votes if v.vote == SettingVote.REJECT),
                "votes": [
                    {"public_key": v.public_key, "vote": SettingVote.Vote.Name(v.vote)}
                    for v in c.votes
                ],
            }
            for c in records.proposals.candidates
        ]
        settings = [
            {"key": key, "value": value, "address": address}
            for key, (address, value) in records.settings.items()
        ]
        return web.json_response(
            {
                "processors": await self._processors(),
                "families_seen": self._families_seen(),
                "settings": settings,
                "proposals": {
                    "approval_threshold": threshold,
                    "voters": voters,
                    "data": proposals,
                },
            }
        )

    async def _processors(self) -> dict[str, Any]:
        """The processors registered with the validator, from its /status: the devnet lists them
        there; Sawtooth's own REST API does not (then `data` is null and the page says so)."""
        url = self.portal.config.rest_api
        try:
            async with RestClient(url, timeout=STATUS_TIMEOUT_S) as client:
                status = await client.status()
        except (UserError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            return {"source": url, "data": None, "error": str(exc)[:300]}
        found = status.get("processors")
        if not isinstance(found, list):
            return {
                "source": url,
                "data": None,
                "error": "the validator's /status does not list them",
            }
        data = sorted(
            {(str(p.get("family")), str(p.get("version"))) for p in found if isinstance(p, dict)}
        )
        return {
            "source": url,
            "data": [{"family": f, "version": v} for f, v in data],
            "error": None,
        }

    def _families_seen(self) -> list[dict[str, Any]]:
        """Families and versions of the transactions in the index, and how many of each."""
        rows = self.portal.index.db.execute(
            "SELECT family, version, COUNT(*) AS n FROM transactions"
            " GROUP BY family, version ORDER BY family, version"
        )
        return [{"family": r[0], "version": r[1], "transactions": r[2]} for r in rows]
