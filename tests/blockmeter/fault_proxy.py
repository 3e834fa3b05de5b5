"""A fault-injecting HTTP proxy for the agent's devnet tests: it forwards every request to the
real REST API, except those it is told to spoil. Faults apply, in order, to the next requests:
an HTTP status (429, 503: answered with Sawtooth's error envelope, nothing forwarded), "drop"
(the connection is closed unanswered, nothing forwarded), or "lose" (forwarded, then the
connection is closed before the answer: the batch may be in while the agent cannot know).
`batch_faults` apply the same way to POST /batches only."""

from __future__ import annotations

from collections import Counter

import aiohttp
from aiohttp import web

# Sawtooth REST API error codes for the statuses the proxy fakes.
ERRORS = {429: (31, "Unable to Accept Batches"), 503: (18, "Validator Timed Out")}


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults: list[int | str] = []
        self.batch_faults: list[int | str] = []
        self.injected: Counter[str] = Counter()
        self.forwarded = 0
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> FaultProxy:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        self._session = aiohttp.ClientSession()
        return self

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        posting = request.method == "POST" and request.path == "/batches"
        fault: int | str | None = None
        if posting and self.batch_faults:
            fault = self.batch_faults.pop(0)
            self.injected[f"{fault} POST /batches"] += 1
        elif self.faults:
            fault = self.faults.pop(0)
            self.injected[str(fault)] += 1
        if fault == "drop":
            return self._hang_up(request)
        if isinstance(fault, int):
            code, title = ERRORS.get(fault, (0, "Injected fault"))
            body = {"error": {"code": code, "title": title, "message": f"injected {fault}"}}
            return web.json_response(body, status=fault)
        answer = await self._forward(request)
        if fault == "lose":
            return self._hang_up(request)
        return answer

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() == "content-type"}
        async with self._session.request(
            request.method,
            self.upstream + request.rel_url.path_qs,
            data=await request.read(),
            headers=headers,
        ) as upstream:
            self.forwarded += 1
            return web.Response(
                status=upstream.status,
                body=await upstream.read(),
                content_type=upstream.content_type,
            )

    @staticmethod
    def _hang_up(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()
        return web.Response(status=500)  # never reaches the client: the socket is closed
