"""Meters of the building simulator (`smartblocks.blockmeter.simulator`).

With `speed = 1` simulated time is the wall clock; faster, it starts at the simulator's `start`
and runs `speed` simulated seconds per real second (a month in minutes). `CatchUpClock` does that
until it reaches the wall clock, then follows it (the demo: the last 30 days, then live). Being
deterministic, a restarted accelerated run replays the same values, which the spool recognises
as duplicates.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from smartblocks.ledger.toml_config import Params

from ..simulator import POINTS, Building
from .base import Clock, Emit, Sample

# Readers of one building advance together (each emit waits for the same spool write), so a
# reader lags its fastest sibling by about one chunk: keep a chunk well inside the simulator's
# remembered history (simulator.HISTORY_STEPS).
CHUNK_S = 3600
MAX_INTERVAL_S = CHUNK_S


class CatchUpClock(Clock):
    """Runs `speed` times faster from `start` until it reaches the wall clock, then is the wall
    clock (speed 1). A `start` in the future waits for the wall clock to get there."""

    def __init__(self, start: float, speed: float):
        super().__init__(start, speed)
        if start >= time.time():
            self.realtime, self.speed = True, 1.0

    def time(self) -> float:
        if not self.realtime:
            accelerated = super().time()
            if accelerated < time.time():
                return accelerated
            # Caught up: from here on slots are due at their real time.
            self.realtime, self.speed = True, 1.0
        return time.time()


@dataclass(frozen=True)
class SimulatedSettings:
    point: str
    seed: int | None  # None: the [simulator] seed


def parse_params(p: Params) -> tuple[SimulatedSettings, str]:
    point = p.text("point", choices=tuple(POINTS))
    settings = SimulatedSettings(point=point, seed=p.integer("seed", None))
    p.done()
    return settings, POINTS[point]


class SimulatedReader:
    """Emits every slot up to the simulated now, in order; sleeps a slot's real duration."""

    def __init__(
        self,
        meter_id: str,
        interval_s: int,
        point: str,
        building: Building,
        clock: Clock,
        start: int | None = None,
    ):
        self.meter_id = meter_id
        self.interval_s = interval_s
        self.point = point
        self.building = building
        self.clock = clock
        # Accelerated runs replay from the first interval of the simulation (`start`, default
        # the building's: a later one continues a history taken from the same building); real
        # time starts at the next slot boundary.
        first = max(building.start, start if start is not None else building.start) + interval_s
        if clock.realtime:
            first = max(first, clock.now() + interval_s - 1)
        self.next_slot = first - first % interval_s
        self.done_until = 0  # readings up to here are durable

    def now(self) -> int:
        return self.done_until

    def due(self) -> list[Sample]:
        samples: list[Sample] = []
        now = min(self.clock.now(), self.next_slot + CHUNK_S - self.interval_s)
        while self.next_slot <= now:
            samples.append(
                (self.meter_id, self.next_slot, self.building.reading(self.point, self.next_slot))
            )
            self.next_slot += self.interval_s
        return samples

    async def run(self, emit: Emit) -> None:
        while True:
            samples = self.due()
            if samples:
                await emit(samples)
                self.done_until = samples[-1][1]
            await self.clock.sleep_until(self.next_slot)
