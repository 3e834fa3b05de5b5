"""`smartblocks devnet`: run the single-node, Sawtooth-compatible dev validator."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

from smartblocks.ledger.endpoints import DEFAULT_COMPONENT, DEFAULT_REST_LISTEN, parse_host_port
from smartblocks.ledger.errors import UserError

DEFAULT_DATA_DIR = Path.home() / ".smartblocks" / "devnet"
LOGGER = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "devnet",
        help="run a single-node Sawtooth-compatible validator with its REST API",
        description=(
            "Run devnet: one process that speaks Sawtooth 1.2's component endpoint (processors, "
            "client requests, events) and REST API, publishing dev-mode blocks. The first start "
            "creates the validator key and genesis block in the data dir; later starts resume "
            "the chain. Stops cleanly on SIGINT/SIGTERM. Run processors beside it with "
            "`smartblocks tp FAMILY --connect COMPONENT`."
        ),
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="chain, state and validator key (default %(default)s)",
    )
    parser.add_argument(
        "--component",
        default=DEFAULT_COMPONENT,
        help="component endpoint for processors and clients (default %(default)s)",
    )
    parser.add_argument(
        "--rest-api",
        default=DEFAULT_REST_LISTEN,
        metavar="HOST:PORT",
        help="REST API address, or 'off' (default %(default)s)",
    )
    parser.add_argument(
        "--min-wait", type=float, default=0.0, metavar="S",
        help="least seconds from a batch's arrival to its block (default 0)",
    )  # fmt: skip
    parser.add_argument(
        "--max-wait", type=float, default=0.1, metavar="S",
        help="most seconds from a batch's arrival to its block (default 0.1)",
    )  # fmt: skip
    parser.add_argument(
        "--max-batches-per-block", type=int, default=100, metavar="N",
        help="batches per block at most (default 100)",
    )  # fmt: skip
    parser.set_defaults(func=run)


def _rest_address(text: str) -> tuple[str, int] | None:
    if text == "off":
        return None
    try:
        return parse_host_port(text)
    except ValueError:
        raise UserError(f"--rest-api must be HOST:PORT or 'off', got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from smartblocks.devnet.node import Devnet, DevnetConfig
    from smartblocks.devnet.publisher import PublishingRules

    if args.min_wait < 0 or args.max_wait < args.min_wait:
        raise UserError("need 0 <= --min-wait <= --max-wait")
    if args.max_batches_per_block < 1:
        raise UserError("--max-batches-per-block must be at least 1")
    rest = _rest_address(args.rest_api)
    config = DevnetConfig(
        data_dir=args.data_dir.expanduser(),
        component=args.component,
        rules=PublishingRules(args.min_wait, args.max_wait, args.max_batches_per_block),
    )
    logging.getLogger("smartblocks").setLevel(
        min(logging.getLogger().getEffectiveLevel(), logging.INFO)
    )
    return asyncio.run(_serve(Devnet(config), rest))


async def _serve(devnet, rest: tuple[str, int] | None) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await devnet.start()
    except OSError as exc:
        raise UserError(str(exc)) from None
    runner = None
    try:
        print(f"devnet data dir: {devnet.config.data_dir}", flush=True)
        print(f"component endpoint: {devnet.url}", flush=True)
        if rest is not None:
            runner = await _start_rest(devnet.url, *rest)
        head = devnet.ledger.head
        print(f"chain head: block {head.num} {head.id[:16]}", flush=True)
        print("ready", flush=True)
        await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        await devnet.stop()
    print("devnet stopped", flush=True)
    return 0


async def _start_rest(component_url: str, host: str, port: int):
    try:
        from smartblocks.devnet.rest_api.server import start_rest_api
    except ImportError as exc:
        print(f"REST API not available: {exc}", flush=True)
        return None
    try:
        runner = await start_rest_api(component_url, host, port)
    except OSError as exc:
        raise UserError(f"cannot start the REST API on {host}:{port}: {exc}") from None
    addresses = getattr(runner, "addresses", None) or [(host, port)]
    first = addresses[0]
    print(f"REST API: http://{first[0]}:{first[1]}", flush=True)
    return runner
