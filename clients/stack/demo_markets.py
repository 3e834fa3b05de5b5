"""The four market scenarios beside the demo building (docs/markets.md): `smartblocks up --demo
--markets`, or `markets = true` under `[demo]` in stack.toml.

Each scenario is also a command of its own, to run beside a demo started without them:
`smartblocks offer demo`, `community demo`, `supplier demo`, `auction demo`. Here they run
side by side in one process, on ledger time, so their results appear as the hours pass:

- p2p: a farm barn with PV, wind and a battery sells its hourly export to the building through
  the village aggregator; each trade settles from both meters when its hour is in;
- aggregation: three DERs in the valley aggregator's community, an epoch swept every hour, one
  dispute resolved by the operator;
- supplier: a home and the farm declare their usage before each hour; rewards and penalties
  from their accuracy and H factors;
- auction: the home and the farm bid and ask per hour; clearing, delivery and imbalances.

The operators' keys are listed in the devnet's genesis settings (`genesis_settings`), so no
scenario has to win a settings vote; a chain made without them gets them by proposal from the
devnet's validator key (the p2p and aggregation scenarios do that themselves).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from smartblocks.ledger.settings import AGGREGATORS, MARKETS_OPERATOR
from smartblocks.processors.energycontract.records import issuers_setting

from . import (
    demo_market_aggregation,
    demo_market_auction,
    demo_market_p2p,
    demo_market_supplier,
)
from .demo_market_common import demo_key

# How often the supplier and auction scenarios look for a period or step to declare, clear or
# settle (they are one-shot passes; p2p and aggregation wait for ledger time themselves).
PASS_S = 60.0


def _public_key(key_dir: Path, name: str) -> str:
    return demo_key(key_dir, name).public_key


def genesis_settings(key_dir: Path) -> list[str]:
    """`KEY=VALUE` genesis settings that let the scenarios' operators open their markets (their
    keys are made in `key_dir` when absent)."""
    p2p_aggregator = _public_key(key_dir, "p2p-aggregator")
    return [
        f"{AGGREGATORS}={p2p_aggregator},{_public_key(key_dir, 'agg-aggregator')}",
        f"{issuers_setting(demo_market_p2p.CURRENCY)}={p2p_aggregator}",
        f"{MARKETS_OPERATOR}={_public_key(key_dir, 'agg-operator')}",
        demo_market_supplier.genesis_setting(key_dir),
        demo_market_auction.genesis_setting(key_dir),
    ]


async def _passes(name: str, one_pass: Callable[[], Awaitable[list[str]]]) -> None:
    while True:
        for line in await one_pass():
            print(f"{name}: {line}", flush=True)
        await asyncio.sleep(PASS_S)


async def _guarded(name: str, scenario: Awaitable[object]) -> None:
    """One scenario's failure is reported and leaves the others running."""
    try:
        await scenario
    except Exception as exc:  # reported, never silent
        print(f"{name}: stopped: {exc}", flush=True)


async def run(url: str, key_dir: Path) -> None:
    async def supplier() -> list[str]:
        return (await demo_market_supplier.run_async(url, key_dir)).lines()

    async def auction() -> list[str]:
        return (await demo_market_auction.run_async(url, key_dir)).lines()

    await asyncio.gather(
        # These two print their own "p2p: " / "aggregation: " lines.
        _guarded("p2p", demo_market_p2p.run(url, key_dir, hours=24)),
        _guarded("aggregation", demo_market_aggregation.run(url, key_dir, epochs=24)),
        _guarded("supplier", _passes("supplier", supplier)),
        _guarded("auction", _passes("auction", auction)),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the demo's data dir")
    parser.add_argument("--url", required=True, help="the devnet's REST API")
    args = parser.parse_args(argv)
    asyncio.run(run(args.url, args.data_dir / "keys"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
