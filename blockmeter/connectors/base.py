"""What the agent needs from a connector.

A `Reader` serves one meter: `run(emit)` produces (meter, reading time in unix seconds,
base-unit value) samples and awaits `emit(samples)`, which returns once they are durable.
`now()` is how far the reader has got: every reading it will ever take before that time is
already durable, so the agent may close the meter's windows up to there. Polled sources
(Modbus, OPC UA) implement `Source.read()`; `PollingReader` samples them on the grid.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Protocol

from ..units import to_base

Sample = tuple[str, int, int]
Emit = Callable[[list[Sample]], Awaitable[None]]

log = logging.getLogger(__name__)


class Reader(Protocol):
    meter_id: str

    def now(self) -> int: ...

    async def run(self, emit: Emit) -> None: ...


class Source(Protocol):
    async def read(self) -> int: ...

    async def close(self) -> None: ...


class SourceError(Exception):
    """A reading failed (timeout, lost connection, device exception); the kind names it."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def to_base_or_error(raw: int | float, unit: str, scale: Decimal, where: str) -> int:
    """`raw` in base units; a reading that has none (NaN, infinite) is a "value" SourceError."""
    try:
        return to_base(raw, unit, scale)
    except ValueError as exc:
        raise SourceError("value", f"{where}: {exc}") from None


class Clock:
    """Wall-clock time, or time running `speed` times faster from `start` (simulations, tests).
    `sleep_until` converts a span of this clock's seconds into real seconds."""

    def __init__(self, start: float | None = None, speed: float = 1.0):
        self.speed = speed
        self.realtime = start is None and speed == 1.0  # the wall clock itself
        self.start = time.time() if start is None else start
        self._t0 = time.monotonic()

    def time(self) -> float:
        if self.realtime:
            return time.time()
        return self.start + (time.monotonic() - self._t0) * self.speed

    def now(self) -> int:
        return int(self.time())

    async def sleep_until(self, t: float) -> None:
        # asyncio may wake a little early: sleep again rather than act before `t`.
        while (left := t - self.time()) > 0:
            await asyncio.sleep(left / self.speed)


class PollingReader:
    """Reads `source` once per interval slot, just after each slot boundary of `clock`.
    A failed read leaves its slot empty (the window flags it missing), never a guessed value."""

    def __init__(
        self,
        meter_id: str,
        interval_s: int,
        source: Source,
        on_error: Callable[[str, str], None] | None = None,
        clock: Clock | None = None,
    ):
        self.meter_id = meter_id
        self.interval_s = interval_s
        self.source = source
        self.on_error = on_error or (lambda kind, message: None)
        self.clock = clock or Clock()
        self.done_until = 0  # the boundary whose reading attempt has finished

    def now(self) -> int:
        return self.done_until

    async def run(self, emit: Emit) -> None:
        try:
            while True:
                now = self.clock.now()
                slot = now - now % self.interval_s
                try:
                    value = await asyncio.wait_for(
                        self.source.read(), self.interval_s / self.clock.speed
                    )
                except SourceError as exc:
                    self.on_error(exc.kind, str(exc))
                    log.warning("meter %s: read failed (%s): %s", self.meter_id, exc.kind, exc)
                except TimeoutError:
                    self.on_error("timeout", "read took longer than the interval")
                    log.warning("meter %s: read timed out", self.meter_id)
                else:
                    await emit([(self.meter_id, slot, value)])
                # Read or failed, the reading at `slot` is settled: its interval may close.
                self.done_until = slot
                await self.clock.sleep_until(slot + self.interval_s)
        finally:
            await self.source.close()
