"""`smartblocks predict --config predict.toml`: the prediction service (clients/predict/)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
from typing import TYPE_CHECKING

from smartblocks.ledger.keys import load_signer

from .help import add_command

if TYPE_CHECKING:
    from smartblocks.clients.predict.config import PredictConfig
    from smartblocks.ledger.keys import Signer

EXAMPLE = """\
example:
  smartblocks predict --config predict.toml
  smartblocks predict --config predict.toml --status     # what was posted and scored

predict.toml (clients/predict/predict.example.toml has every key):
  [service]
  rest_api = "http://127.0.0.1:8008"
  component = "tcp://127.0.0.1:4004"
  key = "keys/forecaster.priv"
  state = "data/predict.sqlite"

  [weather]
  kind = "csv"                  # or "simulator"
  folder = "forecasts"          # forecasts/YYYY-MM-DD.csv: time,temperature_c,wind_speed_m_s

  [[meters]]
  meter_id = "main"
  kind = "demand"
  baseline = "baseline.pb"      # smartblocks mv fit ... --out baseline.pb

  [[meters]]
  meter_id = "turbine"
  kind = "wind"
  turbine_type = "E-82/2000"    # windpowerlib's turbine library (or power_curve = [[m/s, W], ...])
  hub_height = 98.0
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "predict",
        "the prediction service: post day-ahead forecasts and score them",
        description=(
            "Follow the ledger and, for each configured meter, post the next UTC day's hourly "
            "forecast before the day starts by ledger time (demand: baseline table at a "
            "temperature forecast; wind: a turbine's power curve at a wind-speed forecast), "
            "and score each posted day once the meter's data covers it. Resumes from the last "
            "block in its state file; never posts a day twice."
        ),
        epilog=EXAMPLE,
    )
    parser.add_argument("--config", required=True, metavar="FILE", help="predict.toml")
    parser.add_argument(
        "--status", action="store_true", help="print the state file's days as JSON and exit"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from smartblocks.clients.predict.config import load_config

    config = load_config(args.config)
    if args.status:
        from smartblocks.clients.predict.service import PredictState

        state = PredictState(config.state)
        try:
            print(json.dumps({"head": state.head(), "days": state.days()}, indent=2))
        finally:
            state.close()
        return 0
    signer = load_signer(config.key)
    return asyncio.run(_serve(config, signer))


async def _serve(config: PredictConfig, signer: Signer) -> int:
    from smartblocks.clients.predict.service import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve(config, signer, stop=stop)
    return 0
