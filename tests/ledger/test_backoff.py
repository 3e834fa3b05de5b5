"""The one backoff: doubling (or any factor) up to a cap, reset, full jitter from an injected
random source, and sleeping on the event loop."""

from __future__ import annotations

import asyncio
import random

import pytest

from smartblocks.ledger.backoff import Backoff


def delays(backoff: Backoff, n: int) -> list[float]:
    return [backoff.next() for _ in range(n)]


def test_backoff_doubles_up_to_its_cap():
    backoff = Backoff(0.5, 3.0)
    assert delays(backoff, 5) == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert backoff.failures == 5


def test_factor_and_an_initial_delay_above_the_cap():
    assert delays(Backoff(1.0, 100.0, factor=3.0), 5) == [1.0, 3.0, 9.0, 27.0, 81.0]
    assert delays(Backoff(1.0, 1.0, factor=1.0), 3) == [1.0, 1.0, 1.0]
    assert delays(Backoff(5.0, 2.0), 2) == [2.0, 2.0]


def test_reset_starts_again_from_the_initial_delay():
    backoff = Backoff(0.1, 5.0)
    delays(backoff, 4)
    backoff.reset()
    assert backoff.failures == 0
    assert delays(backoff, 2) == [0.1, 0.2]


def test_many_failures_stay_at_the_cap():
    backoff = Backoff(0.5, 30.0)
    assert delays(backoff, 2000)[-1] == 30.0


class Highest(random.Random):
    """A random source that always draws the top of the range."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_full_jitter_draws_from_zero_to_the_delay_with_the_given_random_source():
    assert delays(Backoff(0.5, 3.0, jitter=True, rng=Highest()), 5) == [0.5, 1.0, 2.0, 3.0, 3.0]
    drawn = delays(Backoff(0.5, 3.0, jitter=True, rng=random.Random(7)), 5)
    assert drawn == delays(Backoff(0.5, 3.0, jitter=True, rng=random.Random(7)), 5)
    ceilings = [0.5, 1.0, 2.0, 3.0, 3.0]
    assert all(0 <= d <= c for d, c in zip(drawn, ceilings, strict=True))
    assert drawn != ceilings


async def test_sleep_waits_the_next_delay(monkeypatch: pytest.MonkeyPatch):
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    backoff = Backoff(0.25, 1.0)
    assert [await backoff.sleep() for _ in range(4)] == [0.25, 0.5, 1.0, 1.0]
    assert slept == [0.25, 0.5, 1.0, 1.0]


async def test_sleep_really_sleeps():
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await Backoff(0.02, 1.0).sleep() == 0.02
    assert loop.time() - started >= 0.015


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"initial": -1.0}, "must not be negative"),
        ({"cap": -1.0}, "must not be negative"),
        ({"factor": 0.5}, "factor must be at least 1"),
    ],
)
def test_nonsense_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Backoff(**kwargs)
