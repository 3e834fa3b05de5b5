"""`smartblocks up`: run a stack of SmartBlocks services on this machine, supervised.

`--demo` runs the whole system with a simulated building (clients/stack/demo.py); `--config
stack.toml` runs the components listed there (docs/stack.example.toml).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from smartblocks.ledger.errors import UserError

from .help import add_command

if TYPE_CHECKING:
    from smartblocks.clients.stack.stackfile import StackFile
    from smartblocks.clients.stack.supervisor import Supervisor

DEFAULT_DATA_DIR = Path(".smartblocks") / "demo"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "up",
        "run the demo (--demo) or the services of a stack.toml, supervised",
        [
            "smartblocks up --demo",
            "smartblocks up --demo --config stack.toml --fresh",
            "smartblocks up --demo --markets",
            "smartblocks up --config stack.toml",
        ],
        description=(
            "Start services as child processes in order, each after the previous one is ready; "
            "prefix their logs, restart one that crashes, stop all on Ctrl-C. --demo runs "
            "devnet, the BlockMeter processor, the demo set-up, the edge agent on a simulated "
            "building and BlockPortal; --config reads ports ([ports], [demo]) or, without "
            "--demo, the components to run ([[components]], see docs/stack.example.toml)."
        ),
    )
    parser.add_argument("--demo", action="store_true", help="run the whole demo system")
    parser.add_argument("--config", type=Path, help="stack.toml (ports, demo settings, components)")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"the demo's chain, keys, spool and portal index (default ./{DEFAULT_DATA_DIR})",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="delete the demo's data dir first and start over"
    )
    parser.add_argument(
        "--markets",
        action="store_true",
        help="with --demo: also run the four market scenarios (P2P trade, an aggregator's "
        "community, the automated supplier, a double auction) on ledger time (docs/markets.md)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from smartblocks.clients.stack import stackfile

    stack = stackfile.load(args.config) if args.config else stackfile.StackFile()
    if args.demo:
        from smartblocks.clients.stack.demo import start_over_command

        data_dir = (args.data_dir or DEFAULT_DATA_DIR).absolute()
        start_over = start_over_command(args.config, args.data_dir)
        if args.markets:
            stack = dataclasses.replace(stack, demo=dataclasses.replace(stack.demo, markets=True))
        return asyncio.run(_run_demo(stack, data_dir, args.fresh, args.config, start_over))
    if args.fresh or args.markets:
        flag = "--fresh deletes the demo's data dir" if args.fresh else "--markets"
        raise UserError(f"{flag}: use it with --demo")
    if not stack.components:
        where = f"{args.config} has no [[components]]" if args.config else "nothing to run"
        raise UserError(f"{where}: pass --demo, or --config with a stack.toml listing components")
    return asyncio.run(_run_stack(stack))


async def _supervise(sup: Supervisor, side_task: asyncio.Task | None = None) -> int:
    from smartblocks.clients.stack.supervisor import StackError

    sup.install_signal_handlers()
    try:
        await sup.run()
    except StackError as exc:
        raise UserError(str(exc)) from None
    finally:
        if side_task is not None:
            side_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await side_task
    return 0


async def _run_demo(
    stack: StackFile, data_dir: Path, fresh: bool, config: Path | None, start_over: str
) -> int:
    from smartblocks.clients.stack import demo
    from smartblocks.clients.stack.ports import check_ports
    from smartblocks.clients.stack.supervisor import Supervisor

    hint = f"now {config}" if config else "see docs/stack.example.toml"
    check_ports(stack.ports.labelled(), hint)
    demo.prepare(data_dir, stack.ports, stack.demo, fresh, sys.stdout, start_over)
    out = demo.ConsoleAndLog(sys.stdout, data_dir / "up.log")
    sup = Supervisor(demo.components(data_dir, stack.ports, stack.demo.markets), out=out)
    reporter = asyncio.create_task(demo.report(sup, data_dir, stack.ports, stack.demo))
    try:
        return await _supervise(sup, reporter)
    finally:
        out.close()
        print(
            f"stopped. The demo's data stays in {data_dir}: run it again to resume, "
            f"or start over with {start_over}",
            flush=True,
        )


async def _run_stack(stack: StackFile) -> int:
    from smartblocks.clients.stack.checks import ready_check
    from smartblocks.clients.stack.stackfile import resolve_program
    from smartblocks.clients.stack.supervisor import Component, Supervisor

    components = [
        Component(
            spec.name,
            [resolve_program(spec.command[0]), *spec.command[1:]],
            oneshot=spec.oneshot,
            ready=ready_check(spec.ready) if spec.ready else None,
            ready_timeout=spec.ready_timeout_s,
            env=spec.env,
        )
        for spec in stack.components
    ]
    return await _supervise(Supervisor(components))
