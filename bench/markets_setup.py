"""What the market benchmarks (bench_market_*.py) set up alike: an in-memory ledger with the
market's settings, one transaction applied and timed as a validator would run it, batches of
PER_BATCH, and a devnet whose ledger time the benchmark sets through a clock file."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from bench.stack import DevnetStack
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from tests.support.contexts import StrictContext, process_request
from tests.support.ledger import Ledger

FAMILIES = ["blockmeter", "energycontract"]
PER_BATCH = 100


def market_ledger(
    handler: EnergyContractHandler, settings: Mapping[str, str], ledger_time: int
) -> Ledger:
    """BlockMeter and `handler` on one in-memory state with the market's on-chain settings."""
    ledger = Ledger(BlockMeterHandler(), handler, ledger_time=ledger_time)
    for key, value in settings.items():
        ledger.set_setting(key, value)
    return ledger


def timed_apply(ledger: Ledger, handler: EnergyContractHandler, transaction: Transaction) -> float:
    """Seconds `handler.apply` takes for `transaction` alone: the request decoded and the
    context built before the clock starts; the state it leaves becomes the ledger's."""
    request = process_request(transaction)
    context = StrictContext(ledger.state, request.header.inputs, request.header.outputs)
    began = time.perf_counter()
    handler.apply(request, context)
    elapsed = time.perf_counter() - began
    ledger.state = context.state
    return elapsed


def chunks(signer: Signer, transactions: Sequence[Transaction]) -> list[Batch]:
    return [
        make_batch(signer, list(transactions[i : i + PER_BATCH]))
        for i in range(0, len(transactions), PER_BATCH)
    ]


def clocked_devnet(
    folder: Path, settings: Mapping[str, str], start_time: int
) -> tuple[DevnetStack, Path]:
    """A devnet (not started) with both families and the market's genesis settings, and the
    clock file that sets its ledger time, `start_time` to begin with: the benchmark moves time
    past a market's windows instead of waiting for them."""
    clock = folder / "clock"
    folder.mkdir(parents=True, exist_ok=True)
    clock.write_text(str(start_time))
    stack = DevnetStack(
        folder / "stack",
        FAMILIES,
        settings=[f"{k}={v}" for k, v in settings.items()],
        devnet_args=["--clock-file", str(clock)],
    )
    return stack, clock
