"""The demo's baseline year as a site would push it: a BMS export through the agent's CSV connector.

The building's BMS logged its points every 15 minutes; the gateway's meters (agent.toml) read
them every minute from the measure on. On the ledger a meter has one nominal interval, so each
point is two meters: `lab-970.bms-POINT`, 15-minute, with the year before the measure, and
`lab-970.POINT`, 1-minute, from the measure on (registered by the set-up, bound to the gateway's
key; the baselines are fitted on the BMS meters, the contracts settle on the 1-minute ones).
A BMS point on a 1-minute meter would be 14 slots flagged missing in every 15 minutes, which the
M&V engine rightly refuses as a baseline.

The set-up writes the 15-minute data over [model_start, measure) as a BMS export holds it
(DIR/bms-export/POINT/YYYY-MM.csv: `timestamp,value`, ISO 8601 UTC, registers in kWh or m3 with
6 decimals, rates in degC or m/s with 3), from the same simulator model the agent runs. Then it
runs a BlockMeter agent on it (DIR/bms-agent.toml: connector `csv_folder`, a day per window,
the gateway's key, its own spool DIR/bms-spool.sqlite) until the ledger holds every BMS meter's
year, printing its progress.

Idempotent: the files are written once (to a temporary name, then renamed); the agent's spool
and the ledger's meter heads say what is already done.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from smartblocks.blockmeter.agent import Agent
from smartblocks.blockmeter.config import Config, MeterConfig
from smartblocks.blockmeter.config import load as load_agent_config
from smartblocks.blockmeter.simulator import POINTS, Building
from smartblocks.blockmeter.units import UNITS, to_base
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.blockmeter import addressing
from smartblocks.processors.kit.periods import iso, month_name
from smartblocks.protos.blockmeter_pb2 import MeterHead

BMS_INTERVAL_S = 900  # what the BMS logged: 15-minute data
EXPORT_DIR, AGENT_FILE, SPOOL_FILE = "bms-export", "bms-agent.toml", "bms-spool.sqlite"
DAY = 86_400
DECIMALS = {"kWh": 6, "m3": 6, "degC": 3, "m/s": 3}  # exact for the base units' integers
COMMIT_TIMEOUT_S = 600.0


def folder_name(meter_id: str, site_id: str) -> str:
    return meter_id.removeprefix(f"{site_id}.")


def bms_meters(config: Config) -> list[MeterConfig]:
    """The BMS's points as 15-minute meters: one per meter of the agent's config."""
    return [
        replace(
            meter,
            id=f"{config.site_id}.bms-{folder_name(meter.id, config.site_id)}",
            interval_s=BMS_INTERVAL_S,
            window_s=DAY,
        )
        for meter in config.meters
    ]


def write_export(config: Config, data_dir: Path, first: int, until: int) -> int:
    """The BMS export files over (first, until]; returns how many rows they hold (written
    now or before)."""
    export = data_dir / EXPORT_DIR
    meters = [m for m in bms_meters(config) if m.settings.point in POINTS]
    building = Building(config.simulator.seed, first, config.simulator.measure)
    rows: dict[str, dict[str, list[str]]] = {m.id: {} for m in meters}
    count = 0
    for t in range(first + BMS_INTERVAL_S, until + 1, BMS_INTERVAL_S):
        truth = building.at(t)
        month = month_name((t - 1) // DAY)  # a reading ends its interval: 00:00 ends a day
        stamp = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for meter in meters:
            point = meter.settings.point
            unit = POINTS[point]
            base = to_base(getattr(truth, point), unit)
            value = Decimal(base) / UNITS[unit][1]
            rows[meter.id].setdefault(month, []).append(f"{stamp},{value:.{DECIMALS[unit]}f}\n")
            count += 1
    for meter in meters:
        folder = export / folder_name(meter.id, config.site_id)
        folder.mkdir(parents=True, exist_ok=True)
        for month, lines in rows[meter.id].items():
            path = folder / f"{month}.csv"
            if path.exists():
                continue
            partial = path.with_suffix(".partial")  # not *.csv: the agent never reads it
            partial.write_text("timestamp,value\n" + "".join(lines))
            partial.rename(path)
    return count


def agent_config(config: Config, data_dir: Path, url: str, until: int) -> Config:
    """DIR/bms-agent.toml: the site's meters on the export's folders, a day per window."""
    # The export is history: its windows close at its newest row, never at the wall clock
    # (`stale_s` past the export's end), and at once (`grace_s` 0).
    stale_s = max(0, int(time.time()) - until) + DAY
    text = f"""# The BMS export's agent (written by the demo set-up; see clients/stack/demo_bms.py)
[agent]
site_id = "{config.site_id}"
key_file = "{config.key_file}"
rest_urls = ["{url}"]
spool = "{SPOOL_FILE}"
grace_s = 0
max_windows_per_batch = 100
"""
    for meter in bms_meters(config):
        unit = POINTS[meter.settings.point]
        text += f"""
[[meters]]
id = "{meter.id}"
connector = "csv_folder"
interval_s = {meter.interval_s}
window_s = {DAY}
unit = "{unit}"
mode = "{meter.mode}"
[meters.params]
folder = "{EXPORT_DIR}/{folder_name(meter.id, config.site_id)}"
value_column = "value"
poll_s = 0.5
stale_s = {stale_s}
"""
    path = data_dir / AGENT_FILE
    path.write_text(text)
    return load_agent_config(path)


async def ledger_heads(client: RestClient, config: Config) -> dict[str, MeterHead]:
    """The BMS meters' heads (empty ones for those without readings)."""
    heads = {}
    for meter in bms_meters(config):
        raw = await client.state(addressing.meter_head_address(meter.id))
        heads[meter.id] = MeterHead.FromString(raw or b"")
    return heads


async def push_export(
    client: RestClient,
    gateway: Signer,
    config: Config,
    first: int,
    until: int,
    out: TextIO,
    progress_s: float = 2.0,
) -> int:
    """Write the export over (first, until] and push it through an agent until every BMS
    meter's series on the ledger reaches `until`; returns the BMS rows pushed (0: all there
    already)."""
    heads = await ledger_heads(client, config)
    if until <= first or all(h.last_window_end >= until for h in heads.values()):
        return 0
    data_dir = config.path.parent
    began = time.monotonic()
    rows = await asyncio.to_thread(write_export, config, data_dir, first, until)
    days = math.ceil((until - first) / DAY)
    print(
        f"BMS export: {rows:,} 15-minute readings of {len(config.meters)} points, "
        f"{iso(first)} .. {iso(until)} ({days} days), in {data_dir / EXPORT_DIR} "
        f"({time.monotonic() - began:.1f} s); the agent's CSV connector pushes them "
        f"({data_dir / AGENT_FILE})",
        file=out,
        flush=True,
    )
    agent = Agent(agent_config(config, data_dir, client.url, until), gateway)
    running = asyncio.create_task(agent.run(install_signals=False))
    deadline = time.monotonic() + COMMIT_TIMEOUT_S
    try:
        while True:
            done = asyncio.ensure_future(asyncio.sleep(progress_s))
            await asyncio.wait({running, done}, return_when=asyncio.FIRST_COMPLETED)
            if running.done():
                running.result()  # the agent's own error
                raise RuntimeError("the BMS export's agent stopped before the export was in")
            heads = await ledger_heads(client, config)
            reached = min(h.last_window_end for h in heads.values())
            days_in = sum(
                max(0, min(h.last_window_end, until) - first) // DAY for h in heads.values()
            )
            spooled = agent.metrics.get("blockmeter_readings_spooled_total")
            print(
                f"BMS export: {int(spooled):,} of {rows:,} readings spooled, "
                f"{days_in:,} of {days * len(heads):,} meter-days on the ledger "
                f"({time.monotonic() - began:.0f} s)",
                file=out,
                flush=True,
            )
            if reached >= until:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"the BMS export was not on the ledger after {COMMIT_TIMEOUT_S:.0f} s: "
                    f"see {data_dir / SPOOL_FILE} (`blockmeter status --config "
                    f"{data_dir / AGENT_FILE}`)"
                )
    finally:
        agent.stopping.set()
        await asyncio.gather(running, return_exceptions=True)
    return rows
