"""`smartblocks status [--url URL]`: is the ledger there, how long is it, who are its peers."""

from __future__ import annotations

import argparse
from typing import Any

from smartblocks.ledger.rest import RestClient, RestError, run

from .help import add_command
from .ledger_args import add_ledger_options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = add_command(
        subparsers,
        "status",
        "show the ledger's head block, block count and peers",
        ["smartblocks status", "smartblocks status --url http://validator:8008"],
        description=(
            "Ask a validator's REST API (the devnet's or a real Sawtooth validator's) for its "
            "head block, its number of blocks and its peers."
        ),
    )
    add_ledger_options(parser, signing=False)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds (default 10)")
    parser.set_defaults(func=run_status)


async def _fetch(
    url: str | None, timeout: float
) -> tuple[str, dict[str, Any], dict[str, Any] | None, list[str]]:
    async with RestClient(url, timeout=timeout) as client:
        try:
            page = await client.blocks(limit=1)
        except RestError as exc:
            if exc.code != 15:  # 15: the validator has no genesis block yet
                raise
            page = {"data": []}
        try:
            status = await client.status()
        except RestError as exc:
            if exc.status != 404:
                raise
            # Sawtooth 1.0's REST API has no /status (it came with 1.1): peers from /peers.
            return client.url, page, None, await client.peers()
        peers = [str(p.get("endpoint", "?")) for p in status.get("peers", [])]
        return client.url, page, status, peers


def run_status(args: argparse.Namespace) -> int:
    url, page, status, peers = run(_fetch(args.url, args.timeout))
    print(f"REST API:   {url}")
    if page.get("data"):
        head = page["data"][0]
        number = int(head["header"]["block_num"])
        print(f"head block: {number} {head['header_signature']}")
        print(f"blocks:     {number + 1}")
    else:
        print("head block: none (no genesis block yet)")
        print("blocks:     0")
    if status is None:
        print("endpoint:   unknown (this REST API has no /status: Sawtooth 1.0)")
    elif status.get("endpoint"):
        print(f"endpoint:   {status['endpoint']}")
    print(f"peers:      {', '.join(peers) if peers else 'none'}")
    return 0
