"""Build and start the REST API: an aiohttp app in front of one validator connection."""

from __future__ import annotations

import logging

from aiohttp import web

from smartblocks.ledger.validator import ValidatorClient

from . import errors
from .routes import Routes

LOGGER = logging.getLogger(__name__)

# Sawtooth's defaults: how long a request waits for the validator, and the largest body.
DEFAULT_TIMEOUT = 300.0
MAX_BODY = 10 * 1024 * 1024
CONNECTION_KEY = web.AppKey("validator_connection", ValidatorClient)


@web.middleware
async def _json_errors(request: web.Request, handler):  # type: ignore[no-untyped-def]
    """A bug in a route answers 500 code 10 in the JSON envelope, never a stack trace page."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        LOGGER.exception("%s %s failed", request.method, request.path)
        raise errors.RestApiFault() from None


def create_app(
    component_url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    connect_grace: float = 2.0,
) -> web.Application:
    """The REST API app for the validator at `component_url` (e.g. tcp://127.0.0.1:4004).

    `timeout`: seconds to wait for any validator answer (503 code 17 after). `connect_grace`:
    seconds a request waits for the validator to (re)connect before 503 code 18.
    The connection opens when the app starts and closes on cleanup.
    """
    app = web.Application(client_max_size=MAX_BODY, middlewares=[_json_errors])
    connection = ValidatorClient(component_url, name="rest-api", connect_grace=connect_grace)
    app[CONNECTION_KEY] = connection
    Routes(connection, timeout).add_to(app)

    async def open_connection(_app: web.Application) -> None:
        await connection.open()

    async def close_connection(_app: web.Application) -> None:
        await connection.close("the REST API is shutting down")

    app.on_startup.append(open_connection)
    app.on_cleanup.append(close_connection)
    return app


async def start_rest_api(
    component_url: str, host: str, port: int, **options: float
) -> web.AppRunner:
    """Serve the REST API on host:port (port 0 = any free port; see `runner.addresses`).
    The caller stops it with `await runner.cleanup()`."""
    runner = web.AppRunner(create_app(component_url, **options), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        message = f"REST API cannot listen on {host}:{port}: {exc.strerror}"
        raise OSError(exc.errno, message) from exc
    LOGGER.info("REST API on http://%s:%s -> validator %s", host, port, component_url)
    return runner
