"""A ProcessorRuntime in a thread with short waits, as the runtime tests and benchmarks use it."""

from __future__ import annotations

import asyncio
import dataclasses
import threading

from smartblocks.ledger.backoff import Backoff
from smartblocks.processors.runtime import ProcessorRuntime, Timeouts

QUICK_TIMEOUTS = Timeouts(connect=2.0, register=2.0, state=2.0, unregister=2.0, drain=2.0)


def quick_backoff() -> Backoff:
    """Reconnect waits doubling from 0.05 s to 0.2 s; one per runtime (a Backoff counts)."""
    return Backoff(0.05, 0.2)


def quick_timeouts(**changes: float) -> Timeouts:
    return dataclasses.replace(QUICK_TIMEOUTS, **changes)


class RuntimeThread:
    """A ProcessorRuntime serving in its own thread; `error` is what `run()` raised, if anything."""

    def __init__(self, runtime: ProcessorRuntime) -> None:
        self.runtime = runtime
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="runtime", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.runtime.run()
        except BaseException as exc:
            self.error = exc

    async def stop(self) -> None:
        self.runtime.stop()
        # Join off the loop: the stub, on this loop, must answer the unregistration meanwhile.
        await asyncio.to_thread(self.thread.join, 10)
        assert not self.thread.is_alive(), "the runtime did not stop"
