"""`smartblocks contract manager --config manager.toml`: the contract manager
(clients/contracts/manager.py), a subcommand of the `contract` group (clients/cli/contract.py
calls `add_manager_command`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
from typing import TYPE_CHECKING

from smartblocks.ledger.keys import load_signer

if TYPE_CHECKING:
    from smartblocks.clients.contracts.manager_config import ManagerConfig
    from smartblocks.ledger.keys import Signer

EXAMPLE = """\
example:
  smartblocks contract manager --config manager.toml
  smartblocks contract manager --config manager.toml --status   # the contracts index as JSON

manager.toml (clients/contracts/manager.example.toml has every key):
  [service]
  rest_api = "http://127.0.0.1:8008"
  component = "tcp://127.0.0.1:4004"
  key = "keys/manager.priv"       # signs `settle`; anyone may settle
  state = "data/manager.sqlite"
  log_level = "info"

  [settle]                        # at most one; none: contracts where the key is a party
  # contracts = ["hq-2027"]
  # parties = ["02ab..."]
  # all = true
"""


def add_manager_command(commands: argparse._SubParsersAction) -> None:
    """Add `manager` to the `contract` group's subcommands."""
    parser = commands.add_parser(
        "manager",
        help="the contract manager: settle each period as soon as the ledger accepts it",
        description=(
            "Follow the ledger and settle every managed contract's next period once it has "
            "ended by ledger time and its meters' data is in (or the data grace is over): "
            "log the expected figures, post `settle`, wait for the commit and log the "
            "settlement. Reports INSUFFICIENT settlements and disputes. Resumes from the last "
            "block in its state file; a period someone else settled first is fine."
        ),
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", required=True, metavar="FILE", help="manager.toml")
    parser.add_argument(
        "--status", action="store_true", help="print the contracts index as JSON and exit"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from smartblocks.clients.contracts.manager_config import load_config

    config = load_config(args.config)
    if args.status:
        from smartblocks.clients.contracts.manager import ManagerState

        if not config.state.exists():
            print(json.dumps({"head": None, "contracts": [], "settlements": []}, indent=2))
            return 0
        state = ManagerState(config.state)
        try:
            print(json.dumps(state.dump(), indent=2))
        finally:
            state.close()
        return 0
    signer = load_signer(config.key)
    _log_level(config.log_level)
    return asyncio.run(_serve(config, signer))


def _log_level(name: str) -> None:
    """The config's level for SmartBlocks' own loggers (`-v` can only lower it)."""
    level = getattr(logging, name.upper())
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    logging.getLogger("smartblocks").setLevel(min(level, root.getEffectiveLevel()))


async def _serve(config: ManagerConfig, signer: Signer) -> int:
    from smartblocks.clients.contracts.manager import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await serve(config, signer, stop=stop)
    return 0
