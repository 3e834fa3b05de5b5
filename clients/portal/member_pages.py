"""The members and overview API: who is who with each party's reputation (members.py,
reputation.py) and the front page's story (overview.py), all read from the index's current state
(ledger_records.py). docs/portal.md ("Members", "Overview") lists the routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from smartblocks.ledger.keys import is_public_key

from .ledger_records import DecodedCache, read_records
from .members import members, summary
from .overview import overview
from .reputation import FORMULAS, reputations

if TYPE_CHECKING:
    from .app import Portal

DIRECTORY_NOTE = (
    "Display names come from this portal's own directory: labels its admins keep, off the "
    "ledger. Keys, roles and reputation come from ledger records only."
)


def add_routes(app: web.Application, portal: Portal) -> None:
    api = MemberApi(portal)
    app.router.add_get("/api/overview", api.overview)
    app.router.add_get("/api/members", api.list_members)
    app.router.add_get("/api/members/{key}", api.member)


class MemberApi:
    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self.cache = DecodedCache()

    def _members(self) -> list[dict]:
        records = read_records(self.portal.index, self.cache)
        return members(records, self.portal.directory.names, reputations(records))

    async def list_members(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "data": [summary(m) for m in self._members()],
                "directory_note": DIRECTORY_NOTE,
                "formulas": FORMULAS,
            }
        )

    async def member(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        if not is_public_key(key):
            raise ValueError("a member is named by its public key: 66 hex characters")
        found = next((m for m in self._members() if m["key"] == key), None)
        if found is None:
            return web.json_response(
                {"error": {"status": 404, "message": f"no ledger record names key {key}"}},
                status=404,
            )
        return web.json_response(
            {"data": found, "directory_note": DIRECTORY_NOTE, "formulas": FORMULAS}
        )

    async def overview(self, request: web.Request) -> web.Response:
        story = overview(read_records(self.portal.index, self.cache))
        head = self.portal.index.head()
        story["head"] = head[0] if head else None
        return web.json_response(story)
