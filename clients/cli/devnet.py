"""`smartblocks devnet`: run the single-node, Sawtooth-compatible dev validator."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import time
from pathlib import Path

from smartblocks.devnet.limits import MIB, PendingLimits
from smartblocks.ledger.endpoints import DEFAULT_COMPONENT, DEFAULT_REST_LISTEN, parse_host_port
from smartblocks.ledger.errors import UserError

from . import devnet_genesis
from .help import add_command

DEFAULT_DATA_DIR = Path.home() / ".smartblocks" / "devnet"
LOGGER = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "devnet",
        "run a single-node Sawtooth-compatible validator with its REST API",
        description=(
            "Run devnet: one process that speaks Sawtooth 1.2's component endpoint (processors, "
            "client requests, events) and REST API, publishing dev-mode blocks. The first start "
            "creates the validator key and genesis block in the data dir, with the genesis "
            "settings (as sawset genesis and sawadm genesis do); later starts resume the chain. "
            "It serves Sawtooth's system families itself "
            f"({', '.join(devnet_genesis.SYSTEM_FAMILIES)}, those this build has). Stops cleanly "
            "on SIGINT/SIGTERM. Run your processors beside it with "
            "`smartblocks tp FAMILY --connect COMPONENT`."
        ),
        epilog=(
            "examples:\n"
            "  smartblocks devnet\n"
            "  smartblocks devnet --data-dir .devnet \\\n"
            "      --setting smartblocks.blockmeter.authorities=$(cat ~/.sawtooth/keys/me.pub)\n"
            "  smartblocks devnet --settings genesis.toml   # [smartblocks.blockmeter]\n"
            '                                               # authorities = ["02ab..."]'
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
        help="least seconds from one block to the next (default 0); as Sawtooth's devmode "
        "engine, a random time between --min-wait and --max-wait is drawn for each block",
    )  # fmt: skip
    parser.add_argument(
        "--max-wait", type=float, default=0.03, metavar="S",
        help="most seconds from one block to the next (default 0.1): batches arriving "
        "meanwhile join the block; one arriving later goes into a block at once",
    )  # fmt: skip
    parser.add_argument(
        "--max-batches-per-block", type=int, default=100, metavar="N",
        help="batches per block at most (default 100)",
    )  # fmt: skip
    parser.add_argument(
        "--clock-file", type=Path, default=None, metavar="PATH",
        help="stamp blocks with the Unix seconds PATH holds instead of the clock (ledger time "
        "for demos and tests: write the file to let a day pass; never in production)",
    )  # fmt: skip
    _add_pending_limits(parser)
    genesis = parser.add_argument_group(
        "genesis settings (a new chain only; an existing chain changes them with "
        "`smartblocks settings propose`)"
    )
    genesis.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an on-chain setting in block 0 (repeatable); sawtooth.validator.batch_injectors="
        "block_info unless given",
    )
    genesis.add_argument(
        "--settings",
        type=Path,
        action="append",
        default=[],
        metavar="FILE.toml",
        help="settings from a TOML file, tables naming them ([smartblocks.blockmeter] "
        "authorities = [...]); --setting flags come after it",
    )
    parser.set_defaults(func=run)


# The limits on pending batches: (option, PendingLimits field, help). Sizes are given in MiB.
_PENDING_OPTIONS = [
    ("--max-pending", "max_batches", "pending batches at most"),
    ("--max-pending-mb", "max_bytes",
     "their serialized size at most, MiB (memory use is 2 to 3 times this)"),
    ("--max-pending-per-signer", "max_per_signer", "pending batches of one batch signer at most"),
    ("--max-pending-mb-per-signer", "max_bytes_per_signer", "their size at most, MiB"),
    ("--max-pending-per-family", "max_per_family",
     "pending batches holding transactions of one family (name and version) at most"),
    ("--max-waiting", "max_waiting",
     "pending batches waiting for a processor or a dependency at most"),
    ("--pending-timeout", "wait_timeout",
     "seconds after its arrival a batch still waiting for a processor or a dependency becomes "
     "INVALID"),
]  # fmt: skip


def _add_pending_limits(parser: argparse.ArgumentParser) -> None:
    defaults = PendingLimits()
    group = parser.add_argument_group(
        "pending batches (a submission beyond a limit is refused: QUEUE_FULL, REST 429)"
    )
    for flag, name, text in _PENDING_OPTIONS:
        default = getattr(defaults, name)
        in_mib = "_bytes" in name
        group.add_argument(
            flag,
            dest=f"pending_{name}",
            type=float if in_mib or name == "wait_timeout" else int,
            default=default / MIB if in_mib else default,
            metavar="S" if name == "wait_timeout" else "MB" if in_mib else "N",
            help=f"{text} (default %(default)g)",
        )


def _pending_limits(args: argparse.Namespace) -> PendingLimits:
    values = {}
    for flag, name, _ in _PENDING_OPTIONS:
        value = getattr(args, f"pending_{name}")
        if value <= 0:
            raise UserError(f"{flag} must be above 0, got {value:g}")
        values[name] = int(value * MIB) if "_bytes" in name else value
    return PendingLimits(**values)


def _rest_address(text: str) -> tuple[str, int] | None:
    if text == "off":
        return None
    try:
        return parse_host_port(text)
    except ValueError:
        raise UserError(f"--rest-api must be HOST:PORT or 'off', got {text!r}") from None


def run(args: argparse.Namespace) -> int:
    from smartblocks.devnet.collector import space_out_collections
    from smartblocks.devnet.injector import FileClock
    from smartblocks.devnet.node import Devnet, DevnetConfig
    from smartblocks.devnet.publisher import PublishingRules

    if args.min_wait < 0 or args.max_wait < args.min_wait:
        raise UserError("need 0 <= --min-wait <= --max-wait")
    if args.max_batches_per_block < 1:
        raise UserError("--max-batches-per-block must be at least 1")
    rest = _rest_address(args.rest_api)
    data_dir = args.data_dir.expanduser()
    families = devnet_genesis.system_families()
    batches = _genesis(data_dir, args, families)
    config = DevnetConfig(
        data_dir=data_dir,
        component=args.component,
        rules=PublishingRules(args.min_wait, args.max_wait, args.max_batches_per_block),
        pending=_pending_limits(args),
        genesis_batches=batches,
        clock=FileClock(args.clock_file) if args.clock_file else time.time,
    )
    logging.getLogger("smartblocks").setLevel(
        min(logging.getLogger().getEffectiveLevel(), logging.INFO)
    )
    space_out_collections()
    return asyncio.run(_serve(Devnet(config), rest, families))


def _genesis(data_dir: Path, args: argparse.Namespace, families: list[str]) -> list[bytes]:
    """The genesis batches of a new chain (none for an existing one), signed by the devnet's
    validator key, made here first as `sawadm keygen` makes it before `sawset genesis`."""
    from smartblocks.devnet.genesis import load_or_create_key
    from smartblocks.devnet.node import chain_exists

    given = devnet_genesis.given_settings(args.settings, args.setting)
    if chain_exists(data_dir):
        if given:
            raise devnet_genesis.refuse_on_existing_chain(data_dir)
        return []
    if devnet_genesis.SETTINGS_FAMILY not in families:
        if given:
            raise UserError("this build has no settings family to apply genesis settings")
        return []
    settings = devnet_genesis.with_defaults(given)
    signer = load_or_create_key(data_dir)
    for key, value in settings:
        print(f"genesis setting: {key}={value}", flush=True)
    return devnet_genesis.genesis_batches(signer, settings)


async def _serve(devnet, rest: tuple[str, int] | None, families: list[str]) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    system = None
    try:
        url = await devnet.bind()
        if families:
            # Before genesis: the genesis batches need the settings family's processor.
            system = devnet_genesis.SystemProcessors(url, families)
            system.start()
        await devnet.start()
    except OSError as exc:
        await _stop_system(system)
        raise UserError(str(exc)) from None
    except BaseException:
        await _stop_system(system)
        raise
    runner = None
    try:
        print(f"devnet data dir: {devnet.config.data_dir}", flush=True)
        print(f"component endpoint: {devnet.url}", flush=True)
        if families:
            print(f"system families (in this process): {', '.join(families)}", flush=True)
        if rest is not None:
            runner = await _start_rest(devnet.url, *rest)
        head = devnet.ledger.head
        print(f"chain head: block {head.num} {head.id[:16]}", flush=True)
        print("ready", flush=True)
        await stop.wait()
    finally:
        if runner is not None:
            await runner.cleanup()
        await _stop_system(system)
        await devnet.stop()
    print("devnet stopped", flush=True)
    return 0


async def _stop_system(system: devnet_genesis.SystemProcessors | None) -> None:
    # Off the loop: the devnet, on this loop, answers the processor's unregistration meanwhile.
    if system is not None:
        await asyncio.to_thread(system.stop)


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
