"""The Admin page's ledger facts from a real devnet: the processors registered with it (its REST
API's /status), over real ZMQ and HTTP, with the kv processor in a subprocess."""

from __future__ import annotations

import aiohttp

from smartblocks.clients.portal.auth import User, hash_password
from smartblocks.clients.portal.config import PortalConfig
from smartblocks.clients.portal.server import PortalService
from tests.devnet.conftest import devnet, kv  # noqa: F401  (fixtures)
from tests.devnet.rest_api.conftest import devnet_rest  # noqa: F401  (fixture)


async def test_processors_registered_with_the_devnet(tmp_path, devnet, kv, devnet_rest):  # noqa: F811
    config = PortalConfig(
        listen="127.0.0.1:0",
        rest_api=devnet_rest,
        component=devnet.url,
        data_dir=str(tmp_path / "portal"),
        users={"admin": User("admin", "admin", hash_password("admin-pass-1", n=2**10))},
    )
    service = PortalService(config)
    await service.start()
    client = aiohttp.ClientSession(service.url, cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        async with client.post(
            "/api/login", json={"user": "admin", "password": "admin-pass-1"}
        ) as r:
            assert r.status == 200
        async with client.get("/api/admin/ledger") as r:
            ledger = await r.json()
            assert r.status == 200, ledger
        processors = ledger["processors"]
        assert processors["error"] is None and processors["source"] == devnet_rest
        assert {"family": "kv", "version": "1.0"} in processors["data"]
    finally:
        await client.close()
        await service.stop()
