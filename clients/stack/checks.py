"""Readiness checks for the supervisor: a TCP port, an HTTP URL, a registered processor."""

from __future__ import annotations

import aiohttp

from smartblocks.ledger.endpoints import parse_component_url

from .supervisor import ReadyCheck, tcp_ready

TIMEOUT = aiohttp.ClientTimeout(total=2)


async def http_ready(url: str) -> bool:
    """Anything below 500 counts: a login page's 401 means the server is up."""
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.get(url) as response,
        ):
            return response.status < 500
    except (TimeoutError, aiohttp.ClientError):
        return False


async def processor_registered(rest_url: str, family: str) -> bool:
    """The validator's /status lists a processor of `family` (devnet's status extras)."""
    try:
        async with (
            aiohttp.ClientSession(timeout=TIMEOUT) as session,
            session.get(rest_url + "/status") as response,
        ):
            if response.status != 200:
                return False
            body = await response.json()
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return False
    return any(p.get("family") == family for p in body.get("data", {}).get("processors", []))


def ready_check(spec: str) -> ReadyCheck:
    """tcp://HOST:PORT or an http(s) URL, as written in stack.toml."""
    if spec.startswith("tcp://"):
        host, port = parse_component_url(spec)
        return lambda: tcp_ready(host, port)
    return lambda: http_ready(spec)
