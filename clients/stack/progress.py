"""The demo's progress line: chain height and how far one meter's readings reach from the REST
API, the agent's counters from its metrics endpoint. Either may be down for a moment (starting,
restarting): then it says so."""

from __future__ import annotations

import base64
import re
import time
from dataclasses import dataclass

import aiohttp

from smartblocks.protos.blockmeter_pb2 import MeterHead

METRIC = re.compile(r"^(blockmeter_[a-z_]+)(?:\{[^}]*\})? ([0-9.eE+-]+)$", re.MULTILINE)


@dataclass(frozen=True)
class Progress:
    block: int | None  # chain head's block number
    readings_committed: int | None  # by this agent process (its counter restarts with it)
    backlog_windows: int | None
    ledger_until: int | None = None  # end of the watched meter's last window on the ledger


LIVE_WITHIN_S = 1800  # readings this close to now: the replay is over


async def read_progress(
    session: aiohttp.ClientSession,
    rest_url: str,
    metrics_url: str,
    meter_head_address: str | None = None,
) -> Progress:
    block = readings = backlog = until = None
    try:
        async with session.get(rest_url + "/blocks?limit=1") as response:
            if response.status == 200:
                body = await response.json()
                block = int(body["data"][0]["header"]["block_num"])
    except (TimeoutError, aiohttp.ClientError, KeyError, IndexError, ValueError):
        pass
    if meter_head_address is not None:
        try:
            async with session.get(f"{rest_url}/state/{meter_head_address}") as response:
                if response.status == 200:
                    data = base64.b64decode((await response.json())["data"])
                    until = MeterHead.FromString(data).last_window_end or None
        except (TimeoutError, aiohttp.ClientError, KeyError, ValueError):
            pass
    try:
        async with session.get(metrics_url) as response:
            if response.status == 200:
                metrics = parse_metrics(await response.text())
                readings = int(metrics.get("blockmeter_readings_committed_total", 0))
                backlog = int(metrics.get("blockmeter_backlog_windows", 0))
    except (TimeoutError, aiohttp.ClientError):
        pass
    return Progress(block, readings, backlog, until)


def parse_metrics(text: str) -> dict[str, float]:
    """Prometheus text: each metric summed over its labels."""
    totals: dict[str, float] = {}
    for name, value in METRIC.findall(text):
        totals[name] = totals.get(name, 0.0) + float(value)
    return totals


def is_live(progress: Progress, now: float | None = None) -> bool:
    """The watched meter's readings on the ledger reach close to now: the replay is over."""
    if progress.ledger_until is None:
        return False
    return (time.time() if now is None else now) - progress.ledger_until < LIVE_WITHIN_S


def progress_line(progress: Progress, now: float | None = None) -> str:
    block = "?" if progress.block is None else f"{progress.block:,}"
    if progress.ledger_until is not None:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime(progress.ledger_until))
        state = "live" if is_live(progress, now) else "replaying"
        block += f", readings up to {stamp} UTC ({state})"
    if progress.readings_committed is None:
        agent = "agent metrics not answering yet"
    else:
        agent = (
            f"agent: {progress.readings_committed:,} readings committed since it started, "
            f"backlog {progress.backlog_windows:,} windows"
        )
    return f"block {block}; {agent}"
