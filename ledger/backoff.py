"""The one backoff every retry loop uses: how long to wait before the next attempt.

The delay starts at `initial`, is multiplied by `factor` after each failure and never exceeds
`cap`; `reset()` after a success starts again from `initial`. With `jitter`, each delay is drawn
uniformly from 0 to that value ("full jitter", from `rng`, injectable for tests), so many
clients failing together do not retry in step.

    backoff = Backoff(0.5, 30.0)
    while True:
        try:
            return await attempt()
        except Retryable:
            await backoff.sleep()
"""

from __future__ import annotations

import asyncio
import random


class Backoff:
    def __init__(
        self,
        initial: float = 0.5,
        cap: float = 30.0,
        *,
        factor: float = 2.0,
        jitter: bool = False,
        rng: random.Random | None = None,
    ) -> None:
        if initial < 0 or cap < 0:
            raise ValueError(f"backoff delays must not be negative (initial {initial}, cap {cap})")
        if factor < 1:
            raise ValueError(f"backoff factor must be at least 1, not {factor}")
        self.initial = initial
        self.cap = cap
        self.factor = factor
        self.jitter = jitter
        self.rng = rng or random.Random()
        self.failures = 0
        self._delay = min(initial, cap)

    def __repr__(self) -> str:
        jitter = ", jitter=True" if self.jitter else ""
        return f"Backoff({self.initial:g}, {self.cap:g}, factor={self.factor:g}{jitter})"

    def next(self) -> float:
        """Seconds to wait before the next attempt; each call counts one more failure."""
        delay = self._delay
        self._delay = min(self.cap, delay * self.factor)
        self.failures += 1
        return self.rng.uniform(0, delay) if self.jitter else delay

    def reset(self) -> None:
        """After a success: the next failure waits `initial` again."""
        self.failures = 0
        self._delay = min(self.initial, self.cap)

    async def sleep(self) -> float:
        """Wait `next()` seconds; return how long."""
        delay = self.next()
        await asyncio.sleep(delay)
        return delay
