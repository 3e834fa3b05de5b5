"""Server-sent events: every open page hears about each block the index stores."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import web

HEARTBEAT_S = 15.0


class LiveHub:
    def __init__(self, queue_size: int = 256) -> None:
        self._queues: set[asyncio.Queue[str | None]] = set()
        self._queue_size = queue_size

    @property
    def listeners(self) -> int:
        return len(self._queues)

    def publish(self, event: str, data: dict[str, Any]) -> None:
        frame = f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
        for queue in list(self._queues):
            if queue.full():
                # A reader that fell this far behind reloads rather than stalling everyone.
                self._queues.discard(queue)
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)  # ends the stream; the browser reconnects and resyncs
                continue
            queue.put_nowait(frame)

    def close(self) -> None:
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)
        self._queues.clear()

    async def stream(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[str | None] = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        try:
            await response.write(b"retry: 2000\n: connected\n\n")
            while True:
                try:
                    frame = await asyncio.wait_for(queue.get(), HEARTBEAT_S)
                except TimeoutError:
                    frame = ": heartbeat\n\n"
                if frame is None:
                    break
                await response.write(frame.encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self._queues.discard(queue)
        return response
