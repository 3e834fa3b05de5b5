"""`smartblocks up --demo`: the whole system on one machine, as supervised child processes.

devnet (serving the settings and BlockInfo families itself; genesis settings: the demo's authority
key as smartblocks.blockmeter.authorities, the demo bank's as the EUR issuer) -> tp blockmeter ->
tp energycontract -> tp blockpredict -> set-up (one-shot: site and meters, the forecaster's
grant, a year of baseline history before the building's energy conservation measure, baselines
fitted with OpenDSM, a shared-savings and a guaranteed-savings contract) -> blockmeter agent
(simulated building, from where the history ends) -> contract manager (the ESCO's key: settles
each month once its data is in) -> prediction service (the forecaster's key: posts each next
day's forecasts, scores each day once it is over) -> portal. Once the portal answers, it prints
the URL, the demo login and the admin's, then a progress line.
"""

from __future__ import annotations

import asyncio
import datetime
import re
import shlex
import sys
import time
from pathlib import Path
from typing import TextIO

import aiohttp

from smartblocks.processors.blockmeter import addressing

from . import demo_files
from .checks import http_ready, processor_registered
from .demo_contracts import CONTRACTS as DEMO_CONTRACTS
from .progress import is_live, progress_line, read_progress
from .stackfile import DemoSettings, Ports
from .supervisor import Component, Supervisor, tcp_ready

PY = sys.executable
CLI = [PY, "-m", "smartblocks.clients.cli.main"]
HOST = "127.0.0.1"
QUIET_REPEAT_S = 60.0
SITE_ID = "lab-970"
WATCHED_METER = f"{SITE_ID}.incomer-import"


# A Python log record below WARNING, as our services format them ("2026-… 12:00:00,123 INFO …").
ROUTINE = re.compile(r"\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (INFO|DEBUG) ")
# ... but the contract manager's settlements and the forecasts posted and scored are what the
# demo is about: shown. (Not why the manager waits: during the replay that changes with every
# block.)
SHOWN = re.compile(
    r"smartblocks\.clients\.contracts\.manager: settled "
    r"|smartblocks\.clients\.predict\.service: (posted|scored) the forecast "
)
CONTRACTS = tuple(c.contract_id for c in DEMO_CONTRACTS)


class ConsoleAndLog:
    """The supervisor's output: every line to the log file; the console skips routine log
    records (devnet logs each block), keeping lifecycle lines, warnings, errors and progress."""

    def __init__(self, console: TextIO, log_path: Path):
        self.console = console
        self.log = log_path.open("a", encoding="utf-8")

    def write(self, text: str) -> None:
        self.log.write(text)
        if not ROUTINE.search(text) or SHOWN.search(text):
            self.console.write(text)

    def flush(self) -> None:
        self.log.flush()
        self.console.flush()

    def close(self) -> None:
        self.log.close()


class DemoUrls:
    def __init__(self, ports: Ports):
        self.component = f"tcp://{HOST}:{ports.component}"
        self.rest = f"http://{HOST}:{ports.rest_api}"
        self.portal = f"http://{HOST}:{ports.portal}"
        self.metrics = f"http://{HOST}:{ports.agent_metrics}/metrics"


def components(data_dir: Path, ports: Ports, markets: bool = False) -> list[Component]:
    urls = DemoUrls(ports)
    agent_config = data_dir / "agent.toml"
    markets_component = Component(
        "markets",
        [
            PY,
            "-m",
            "smartblocks.clients.stack.demo_markets",
            "--data-dir",
            str(data_dir),
            "--url",
            urls.rest,
        ],
    )
    return [
        Component(
            "devnet",
            [
                *CLI,
                "devnet",
                "--data-dir",
                str(data_dir / "devnet"),
                "--component",
                urls.component,
                "--rest-api",
                f"{HOST}:{ports.rest_api}",
            ],
            ready=lambda: http_ready(urls.rest + "/status"),
            # The authority key (made by prepare, before this starts) as a genesis setting.
            more_args=lambda: demo_files.devnet_genesis_args(data_dir),
        ),
        Component(
            "tp",
            [*CLI, "tp", "blockmeter", "--connect", urls.component],
            ready=lambda: processor_registered(urls.rest, "blockmeter"),
        ),
        Component(
            "tp-ec",
            [*CLI, "tp", "energycontract", "--connect", urls.component],
            ready=lambda: processor_registered(urls.rest, "energycontract"),
        ),
        Component(
            "tp-bp",
            [*CLI, "tp", "blockpredict", "--connect", urls.component],
            ready=lambda: processor_registered(urls.rest, "blockpredict"),
        ),
        Component(
            "setup",
            [
                PY,
                "-m",
                "smartblocks.clients.stack.demo_setup",
                "--data-dir",
                str(data_dir),
                "--url",
                urls.rest,
            ],
            oneshot=True,
        ),
        Component(
            "agent",
            [
                PY,
                "-m",
                "smartblocks.blockmeter.cli",
                "--log-format",
                "text",
                "run",
                "--config",
                str(agent_config),
            ],
            ready=lambda: tcp_ready(HOST, ports.agent_metrics),
        ),
        Component(
            "manager",
            [*CLI, "contract", "manager", "--config", str(data_dir / "manager.toml")],
        ),
        Component(
            "predict",
            # -v: its INFO records (forecasts posted and scored) to the log and the console.
            [*CLI, "-v", "predict", "--config", str(data_dir / "predict.toml")],
        ),
        Component(
            "portal",
            [*CLI, "portal", "--config", str(data_dir / "portal.toml")],
            ready=lambda: http_ready(urls.portal + "/api/session"),
            # The first start re-indexes nothing, but scrypt and imports take a moment.
            ready_timeout=90.0,
        ),
        *([markets_component] if markets else []),
    ]


def start_over_command(config: Path | None = None, data_dir: Path | None = None) -> str:
    """The command that starts this demo over: --config and --data-dir as they were given."""
    args = [
        *(["--config", str(config)] if config else []),
        *(["--data-dir", str(data_dir)] if data_dir else []),
        "--fresh",
    ]
    return f"make demo DEMO_ARGS={shlex.quote(shlex.join(args))}"


def prepare(
    data_dir: Path,
    ports: Ports,
    settings: DemoSettings,
    fresh: bool,
    out: TextIO,
    start_over: str | None = None,
) -> None:
    if fresh and data_dir.exists():
        print(f"--fresh: deleting {data_dir} (chain, spool, portal index, keys)", file=out)
    resumed = demo_files.prepare(data_dir, fresh)
    demo_files.ensure_keys(data_dir)
    demo_files.write_agent_config(data_dir, ports, settings)
    demo_files.write_portal_config(data_dir, ports)
    demo_files.write_manager_config(data_dir, ports)
    demo_files.write_predict_config(data_dir, ports)
    if resumed:
        again = start_over or start_over_command()
        print(f"resuming the demo in {data_dir} (to start over: {again})", file=out)
    else:
        print(f"new demo in {data_dir}", file=out)


def banner(data_dir: Path, ports: Ports, now: float | None = None) -> list[str]:
    urls = DemoUrls(ports)
    # Ledger time is the wall clock: a day-ahead forecast is for tomorrow, and is scored once
    # tomorrow is over and its readings are on the ledger.
    today = datetime.datetime.fromtimestamp(
        time.time() if now is None else now, datetime.UTC
    ).date()
    tomorrow, scored = today + datetime.timedelta(days=1), today + datetime.timedelta(days=2)
    forecast_chart = (
        f"{urls.portal}/#/meters/{WATCHED_METER}?zoom=week&end={tomorrow}&show=forecast"
    )
    return [
        f"BlockPortal: {urls.portal}/   log in as {demo_files.DEMO_USER} / "
        f"{demo_files.DEMO_PASSWORD}, or as {demo_files.ADMIN_USER} with the password in "
        f"{data_dir / demo_files.ADMIN_PASSWORD_FILE}",
        f"the building's dashboard: {urls.portal}/#/sites/{SITE_ID}",
        f"REST API: {urls.rest}   agent metrics: {urls.metrics}",
        f"contracts around the building's energy conservation measure: "
        f"{', '.join(CONTRACTS)} (terms in {data_dir / 'contracts'}, baselines in "
        f"{data_dir / 'baselines'}); the contract manager settles each month once its data is "
        f"in",
        f"  smartblocks contract list --url {urls.rest}",
        f"  smartblocks contract show {CONTRACTS[0]} --url {urls.rest}",
        f"BlockPredict: the prediction service posts each next UTC day's hourly forecasts of "
        f"electricity, gas and wind before the day starts (tomorrow's, {tomorrow}, now: a line "
        f"beyond the actuals at {forecast_chart}); a day is scored once it is over and its "
        f"readings are on the ledger, so the first scores come about a minute after "
        f"{scored} 00:00 UTC",
        f"the simulated building replays its last days fast, then runs in real time; full "
        f"logs in {data_dir / 'up.log'}; Ctrl-C stops everything",
    ]


def worth_printing(line: str, last_line: str, live: bool, since_last_s: float) -> bool:
    """A progress line is printed when it differs from the last one. While replaying, an
    unchanged line is repeated once a minute (the replay may be stuck); live, the agent posts a
    window every 15 minutes and the line stays the same in between: repeating it would only
    fill the console."""
    if line != last_line:
        return True
    return not live and since_last_s >= QUIET_REPEAT_S


async def report(sup: Supervisor, data_dir: Path, ports: Ports, settings: DemoSettings) -> None:
    """Once the portal answers: the banner, then a progress line every `progress_s` while
    something changes (see worth_printing)."""
    urls = DemoUrls(ports)
    while not await http_ready(urls.portal + "/api/session"):
        await asyncio.sleep(0.5)
    for line in banner(data_dir, ports):
        sup.emit("up", line)
    # The main incomer shows how far the replay has got.
    watched = addressing.meter_head_address(WATCHED_METER)
    loop = asyncio.get_running_loop()
    last_line, last_time = "", 0.0
    timeout = aiohttp.ClientTimeout(total=max(2.0, settings.progress_s))
    async with aiohttp.ClientSession(timeout=timeout) as session:
        while True:
            progress = await read_progress(session, urls.rest, urls.metrics, watched)
            line = progress_line(progress)
            if worth_printing(line, last_line, is_live(progress), loop.time() - last_time):
                sup.emit("up", line)
                last_line, last_time = line, loop.time()
            await asyncio.sleep(settings.progress_s)
