"""Build and start the REST API: an aiohttp app in front of one validator connection."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong
from aiohttp.web_protocol import RequestHandler
from aiohttp.web_request import BaseRequest

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
    """Every answer is a JSON envelope: aiohttp's own errors (no such path, method not allowed,
    body too large, a body that breaks HTTP's framing) get codes 90-93, and a bug in a route
    answers 500 code 10, never a stack trace page."""
    answer: web.StreamResponse
    try:
        answer = await handler(request)
    except errors.ApiError as exc:
        answer = exc
    except web.HTTPException as exc:
        answer = _from_aiohttp(exc)
    except (HttpProcessingError, web.RequestPayloadError) as exc:
        # The body breaks HTTP's framing (e.g. its chunked encoding).
        answer = errors.BadRequest(_short(" ".join(str(exc).split())))
    except Exception:
        LOGGER.exception("%s %s failed", request.method, request.path)
        answer = errors.RestApiFault()
    if isinstance(answer, web.HTTPException):
        raise answer
    return answer


def _from_aiohttp(exc: web.HTTPException) -> web.HTTPException:
    if exc.status == 404:
        return errors.RouteNotFound()
    if exc.status == 405:
        allowed = sorted(getattr(exc, "allowed_methods", ()))
        error = errors.MethodNotAllowed(f"It takes {', '.join(allowed)}.")
        error.headers["Allow"] = ",".join(allowed)
        return error
    if exc.status == 413:
        return errors.RequestTooLarge(f"At most {MAX_BODY} bytes.")
    if exc.status < 400:
        return exc  # a redirect or a success raised as an exception: not an error
    error = errors.BadRequest(_short(exc.reason))
    error.set_status(exc.status, exc.reason)
    return error


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


class _JsonErrorRequestHandler(RequestHandler):
    """aiohttp answers a request it cannot parse (a request line or header longer than
    MAX_LINE, a malformed header, bytes that are not HTTP) itself, before any middleware runs:
    plain text, and an ERROR with a traceback in the log (aiohttp issue #3287 asks for a hook;
    there is none). This answers such a request in the JSON envelope, code 94 for a line too
    long and 93 otherwise, and logs one line."""

    __slots__ = ()

    def handle_error(
        self,
        request: BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if request.writer.output_size > 0:  # too late for another answer
            return super().handle_error(request, status, exc, message)
        error: errors.ApiError
        if status >= 500:  # a bug outside the routes (they answer their own): log it in full
            LOGGER.error("%s %s failed", request.method, request.path, exc_info=exc)
            error = errors.RestApiFault()
        else:
            detail = " ".join(str(getattr(exc, "message", None) or message or exc or "").split())
            if isinstance(exc, LineTooLong):
                error = errors.RequestLineTooLong()
            else:
                error = errors.BadRequest(_short(detail))
                error.set_status(status)
            LOGGER.info(
                "bad HTTP request from %s answered %d code %d: %s",
                request.remote,
                error.status,
                error.code,
                _short(detail, 120),
            )
        response = web.Response(
            status=error.status, text=error.text, content_type="application/json"
        )
        response.force_close()  # the rest of what the client sent cannot be parsed
        return response

    def log_exception(self, *args: Any, **kw: Any) -> None:
        """A body that breaks HTTP's framing (e.g. its chunked encoding), found while aiohttp
        drains what a route did not read, is the client's fault: one line, not an ERROR with a
        traceback."""
        exc = kw.get("exc_info")
        if isinstance(exc, web.RequestPayloadError | HttpProcessingError):
            LOGGER.info("bad request body from a client, not read: %s", " ".join(str(exc).split()))
            return
        super().log_exception(*args, **kw)


class _JsonErrorServer(web.Server):
    def __call__(self) -> RequestHandler:
        handler = super().__call__()
        handler.__class__ = _JsonErrorRequestHandler  # same slots; two methods differ
        return handler


class _AppRunner(web.AppRunner):
    """An AppRunner whose connections answer unparsable requests in the JSON envelope."""

    async def _make_server(self) -> web.Server:
        server = await super()._make_server()
        server.__class__ = _JsonErrorServer  # a subclass adding only __call__
        return server


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
    runner = _AppRunner(
        create_app(component_url, **options),
        access_log=None,
        max_line_size=errors.MAX_LINE,
        max_field_size=errors.MAX_LINE,
        # Bodies are read as sent: a Content-Encoding is refused (415 code 95), never decoded.
        # aiohttp's decoding waits forever on a 'deflate' body that does not end its stream.
        auto_decompress=False,
    )
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
