"""The admin API: users and roles kept beside the index (the last admin stays), admin-only
routes, same-origin changes, and what the ledger runs (processors, settings, proposals)."""

from __future__ import annotations

import json
import stat

import aiohttp
import pytest

from smartblocks.clients.portal.auth import User, hash_password
from smartblocks.clients.portal.portal_data import Directory, LastAdmin, UserStore
from smartblocks.ledger.errors import ConfigError

from .conftest import DAYS
from .test_members import contract_ledger

PASSWORDS = {"auditor": "auditor-pass-1", "admin": "admin-pass-1"}


def client_of(portal) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(portal.url, cookie_jar=aiohttp.CookieJar(unsafe=True))


async def log_in(client, user: str, password: str) -> int:
    async with client.post("/api/login", json={"user": user, "password": password}) as r:
        return r.status


async def logged_in(portal, user: str, password: str | None = None) -> aiohttp.ClientSession:
    client = client_of(portal)
    assert await log_in(client, user, password or PASSWORDS[user]) == 200
    return client


async def call(client, method: str, path: str, body=None, status: int = 200, **kw) -> dict:
    async with client.request(method, path, json=body, **kw) as r:
        answer = await r.json()
        assert r.status == status, answer
        return answer


async def test_admin_routes_are_for_admins_only(portal):
    reader = await logged_in(portal, "auditor")
    anonymous = client_of(portal)
    try:
        for method, path, body in [
            ("GET", "/api/admin/users", None),
            ("POST", "/api/admin/users", {"name": "x", "role": "reader", "password": "p" * 8}),
            ("PATCH", "/api/admin/users/admin", {"role": "reader"}),
            ("DELETE", "/api/admin/users/admin", None),
            ("POST", "/api/admin/directory", {"key": "02" + "a" * 64, "name": "x"}),
            ("GET", "/api/admin/ledger", None),
        ]:
            answer = await call(reader, method, path, body, status=403)
            assert "needs admin" in answer["error"]["message"]
            await call(anonymous, method, path, body, status=401)
        assert len(portal.service.portal.user_store) == 2  # nothing changed
    finally:
        await reader.close()
        await anonymous.close()


async def test_add_change_reset_and_remove_users(portal):
    admin = await logged_in(portal, "admin")
    try:
        users = await call(
            admin,
            "POST",
            "/api/admin/users",
            {"name": "eve", "role": "reader", "password": "eve-pass-1"},
        )
        assert {"name": "eve", "role": "reader"} in users["data"] and users["persistent"]
        await call(
            admin,
            "POST",
            "/api/admin/users",
            {"name": "eve", "role": "reader", "password": "eve-pass-1"},
            status=409,
        )
        for bad, why in [
            ({"name": "bob", "role": "root", "password": "bob-pass-1"}, "role must be one of"),
            ({"name": "bob", "role": "reader", "password": "short"}, "8 to 1024"),
            ({"name": " bob", "role": "reader", "password": "bob-pass-1"}, "spaces"),
            ({"name": "", "role": "reader", "password": "bob-pass-1"}, "1 to 128"),
        ]:
            answer = await call(admin, "POST", "/api/admin/users", bad, status=400)
            assert why in answer["error"]["message"], answer
        async with admin.post("/api/admin/users", data="name=x") as r:
            assert r.status == 415

        eve = await logged_in(portal, "eve", "eve-pass-1")
        assert (await call(eve, "GET", "/api/session"))["role"] == "reader"
        await call(eve, "GET", "/api/admin/users", status=403)

        # A new role takes effect at the next login: the old session ends at once.
        await call(admin, "PATCH", "/api/admin/users/eve", {"role": "admin"})
        await call(eve, "GET", "/api/session", status=401)
        assert await log_in(eve, "eve", "eve-pass-1") == 200
        await call(eve, "GET", "/api/admin/users")

        await call(admin, "PATCH", "/api/admin/users/eve", {"password": "eve-pass-2"})
        await call(eve, "GET", "/api/session", status=401)
        assert await log_in(eve, "eve", "eve-pass-1") == 401
        assert await log_in(eve, "eve", "eve-pass-2") == 200
        stored = portal.service.portal.user_store.get("eve").password_hash
        assert stored.startswith("scrypt$16384$8$1$")  # hashed as auth.py hashes

        await call(admin, "PATCH", "/api/admin/users/nobody", {"role": "reader"}, status=404)
        await call(admin, "PATCH", "/api/admin/users/eve", {}, status=400)
        users = await call(admin, "DELETE", "/api/admin/users/eve")
        assert "eve" not in [u["name"] for u in users["data"]]
        await call(eve, "GET", "/api/session", status=401)
        assert await log_in(eve, "eve", "eve-pass-2") == 401
        await call(admin, "DELETE", "/api/admin/users/eve", status=404)
        await eve.close()
    finally:
        await admin.close()


async def test_the_last_admin_stays(portal):
    admin = await logged_in(portal, "admin")
    try:
        answer = await call(admin, "DELETE", "/api/admin/users/admin", status=409)
        assert "last admin" in answer["error"]["message"]
        answer = await call(
            admin, "PATCH", "/api/admin/users/admin", {"role": "reader"}, status=409
        )
        assert "make another user admin first" in answer["error"]["message"]
        # With a second admin, the first may go (and its own session ends).
        await call(admin, "PATCH", "/api/admin/users/auditor", {"role": "admin"})
        await call(admin, "DELETE", "/api/admin/users/admin")
        await call(admin, "GET", "/api/session", status=401)
    finally:
        await admin.close()


async def test_changes_from_another_origin_are_refused(portal):
    admin = await logged_in(portal, "admin")
    try:
        body = {"name": "mallory", "role": "admin", "password": "mallory-pass"}
        for headers in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            await call(admin, "POST", "/api/admin/users", body, status=403, headers=headers)
            await call(admin, "DELETE", "/api/admin/users/auditor", status=403, headers=headers)
        assert portal.service.portal.user_store.get("mallory") is None
        await call(admin, "POST", "/api/admin/users", body, headers={"Origin": portal.url})
    finally:
        await admin.close()


async def test_ledger_page_shows_settings_proposals_and_families(portal, chain, building):
    parties = contract_ledger(chain)
    await portal.indexed()
    admin = await logged_in(portal, "admin")
    try:
        ledger = await call(admin, "GET", "/api/admin/ledger")
        settings = {s["key"]: s["value"] for s in ledger["settings"]}
        assert settings["sawtooth.settings.vote.authorized_keys"] == parties.voter
        assert settings["smartblocks.energycontract.issuers.EUR"] == parties.issuer
        assert "sawtooth.settings.vote.proposals" not in settings  # shown as proposals instead
        proposals = ledger["proposals"]
        assert proposals["approval_threshold"] == 2 and proposals["voters"] == [parties.voter]
        (pending,) = proposals["data"]
        assert pending["setting"] == "smartblocks.markets.operator"
        assert (pending["accepts"], pending["rejects"]) == (1, 0)
        # conftest's building: create site, register 2 meters, 2 meters' readings a day
        seen = {"family": "blockmeter", "version": "1.0", "transactions": 1 + 2 + 2 * DAYS}
        assert ledger["families_seen"] == [seen]
        # The fake REST API has no /status: the page says where it looked and why it has none.
        assert ledger["processors"]["data"] is None and ledger["processors"]["error"]
    finally:
        await admin.close()


# -- the store beside the index -----------------------------------------------------------------


def _user(name: str, role: str = "reader") -> User:
    return User(name, role, hash_password(f"{name}-pass", n=2**4))


def test_users_are_seeded_once_and_kept_as_the_admins_left_them(tmp_path):
    path = tmp_path / "portal-users.json"
    seed = {"admin": _user("admin", "admin"), "demo": _user("demo")}
    store = UserStore.open(path, seed)
    assert [u.name for u in store.all()] == ["admin", "demo"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # hashes are secrets
    store.remove("demo")
    store.add(_user("eve"))
    store.set_role("eve", "admin")

    # Restart with the same config plus a new [[users]] entry: the removal stays, eve stays
    # an admin, the new entry appears.
    again = UserStore.open(path, {**seed, "new": _user("new")})
    assert {(u.name, u.role) for u in again.all()} == {
        ("admin", "admin"),
        ("eve", "admin"),
        ("new", "reader"),
    }
    assert json.loads(path.read_text())["seeded"] == ["admin", "demo", "new"]
    with pytest.raises(LastAdmin):
        UserStore({"a": _user("a", "admin")}).remove("a")


def test_a_broken_users_file_names_itself(tmp_path):
    path = tmp_path / "portal-users.json"
    path.write_text('{"version": 1, "users": [{"name": "x", "role": "root", "password": "p"}]}')
    with pytest.raises(ConfigError, match=r"portal-users\.json: user entry"):
        UserStore.open(path, {})
    path.write_text("not json")
    with pytest.raises(ConfigError, match="fix or delete it"):
        UserStore.open(path, {})


def test_display_names_are_kept_beside_the_index(tmp_path):
    path = tmp_path / "portal-directory.json"
    key = "02" + "ab" * 32
    directory = Directory.open(path)  # no file yet: empty
    directory.set(key, "  Bright ESCO Ltd ")
    assert Directory.open(path).names == {key: "Bright ESCO Ltd"}
    with pytest.raises(ValueError, match="at most 80"):
        directory.set(key, "x" * 81)
    directory.set(key, "")
    assert Directory.open(path).names == {}
