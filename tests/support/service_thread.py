"""A follower service (`serve(config, signer, stop=event)`: the prediction service, the
contract manager) in a thread with its own event loop, as its CLI runs it; `stop()` ends it as
SIGTERM would and raises what stopped it, if anything."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from smartblocks.ledger.keys import load_signer


class ServiceThread:
    def __init__(
        self, serve: Callable[..., Awaitable[Any]], config: Any, name: str = "the service"
    ) -> None:
        self.config = config
        self.name = name
        self._serve = serve
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def go() -> None:
            self.stop_event = asyncio.Event()
            await self._serve(self.config, load_signer(self.config.key), stop=self.stop_event)

        try:
            self.loop.run_until_complete(go())
        except BaseException as exc:  # reported by the test
            self.error = exc

    def stop(self) -> None:
        if self.stop_event is not None:
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(30)
        assert not self.thread.is_alive()
        if self.error:
            raise self.error

    def wait_for(self, what: str, check: Callable[[], object], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            if not self.thread.is_alive():
                self.stop()  # raises what stopped it
                raise AssertionError(f"{self.name} stopped before {what}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.2)
