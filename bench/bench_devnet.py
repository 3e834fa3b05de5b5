"""Devnet end to end through its REST API: committed kv transactions/s and commit latency.

`smartblocks devnet` (its defaults: --min-wait 0, --max-wait 0.03, --max-batches-per-block 100)
and `smartblocks tp kv` run as subprocesses, as an operator runs them; this process is the
client. All three share the machine's cores, so the client's own cost is in the figures.

- throughput: pre-signed batches (1 or 100 kv `set`s each, distinct names) POSTed one batch
  per request by several concurrent submitters; time from the first POST to the answer saying
  the last batch is COMMITTED.
- latency: open loop at half the measured 100-txn rate, one 100-txn batch every interval; each
  batch's latency is from just before its POST to the answer of a status request with `wait`,
  which the devnet sends as soon as the batch's block commits.
- CPU per committed transaction of each process, from /proc, during the 100-txn run.
- the 100-txn rate again with `tp --max-occupancy 40`: how much a wider window of transactions
  in flight gains over the default, i.e. how much of the time goes to waiting on round trips.

With `--url` (bench/stack.py `Target`) the same figures for an operator's validator: a kv
processor must run beside it (theirs, or started here with `--start-processors`). CPU figures
cover only the processes this benchmark started (this client; the processor if it started it);
the occupancy figure needs the processor started here.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.batch_pb2 import Batch

from bench import harness
from bench.stack import Stack, Target, open_stack
from smartblocks.clients.cli.main import build_parser
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient, RestError
from smartblocks.ledger.transactions import make_batch, make_transaction
from smartblocks.processors.kv.addressing import FAMILY_NAME, FAMILY_VERSION, value_address
from smartblocks.processors.kv.payload import KvPayload
from smartblocks.processors.runtime import DEFAULT_MAX_OCCUPANCY

SUBMITTERS = 8
QUEUE_FULL = 429
WIDE_OCCUPANCY = 40


def _devnet_defaults() -> dict[str, Any]:
    """The defaults `smartblocks devnet` and `smartblocks tp` run with, read from the CLI itself
    so the recorded parameters cannot drift from what ran."""
    devnet = build_parser().parse_args(["devnet"])
    return {
        "min_wait_s": devnet.min_wait,
        "max_wait_s": devnet.max_wait,
        "max_batches_per_block": devnet.max_batches_per_block,
        "tp_max_occupancy": DEFAULT_MAX_OCCUPANCY,
    }


DEVNET_DEFAULTS = _devnet_defaults()


def make_batches(signer: Signer, prefix: str, batches: int, per_batch: int) -> list[Batch]:
    out = []
    for b in range(batches):
        txns = []
        for t in range(per_batch):
            name = f"{prefix}-{b}-{t}"
            address = value_address(name)
            payload = KvPayload("set", name, b * per_batch + t).encode()
            txns.append(
                make_transaction(signer, FAMILY_NAME, FAMILY_VERSION, payload, [address], [address])
            )
        out.append(make_batch(signer, txns))
    return out


async def submit(rest: RestClient, batch: Batch) -> None:
    """POST one batch; a full queue (429) is retried after a short pause, as a client would."""
    while True:
        try:
            await rest.submit_batches([batch])
            return
        except RestError as exc:
            if exc.status != QUEUE_FULL:
                raise
            await asyncio.sleep(0.05)


async def wait_committed(rest: RestClient, ids: list[str], timeout: float = 300) -> None:
    statuses = await rest.wait_for_batches(ids, timeout)
    bad = [s for s in statuses if s["status"] != "COMMITTED"]
    if bad:
        raise RuntimeError(f"{len(bad)} batches not committed, first: {bad[0]}")


async def throughput(rest: RestClient, batches: list[Batch]) -> float:
    """Committed transactions per second, first POST to last COMMITTED."""
    queue: asyncio.Queue[Batch] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def submitter() -> None:
        while not queue.empty():
            await submit(rest, queue.get_nowait())

    started = time.perf_counter()
    await asyncio.gather(*(submitter() for _ in range(SUBMITTERS)))
    await wait_committed(rest, [b.header_signature for b in batches])
    elapsed = time.perf_counter() - started
    return sum(len(b.transactions) for b in batches) / elapsed


async def latencies(rest: RestClient, batches: list[Batch], interval: float) -> list[float]:
    """Open loop: batch k is POSTed at k * interval whatever happened to the earlier ones."""
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(k: int, batch: Batch) -> float:
        await asyncio.sleep(max(0.0, start + k * interval - loop.time()))
        sent = time.perf_counter()
        await submit(rest, batch)
        await wait_committed(rest, [batch.header_signature], timeout=60)
        return time.perf_counter() - sent

    return list(await asyncio.gather(*(one(k, b) for k, b in enumerate(batches))))


WARM_UP_TIMEOUT = 60.0


async def warm_up(rest: RestClient, signer: Signer) -> None:
    """One batch first: connections, imports and caches on every side. On a validator without a
    kv processor it stays PENDING: say so rather than wait for the measurement's timeout."""
    [batch] = make_batches(signer, "w", 1, 1)
    await submit(rest, batch)
    [status] = await rest.wait_for_batches([batch.header_signature], WARM_UP_TIMEOUT)
    if status["status"] == "PENDING":
        raise RuntimeError(
            f"a kv batch is still PENDING after {WARM_UP_TIMEOUT:g} s: is a `{FAMILY_NAME}` "
            "processor connected to the validator? (start one beside it, or pass "
            "--start-processors --component tcp://HOST:4004)"
        )
    await wait_committed(rest, [batch.header_signature])


def target_parameters(target: Target, occupancy: int = DEFAULT_MAX_OCCUPANCY) -> dict[str, Any]:
    """What is known of the node measured: the devnet's own defaults when it was started here;
    for an external validator its URL, and the processor's window if the benchmark started it."""
    if not target.external:
        return {"target": target.label, **DEVNET_DEFAULTS, "tp_max_occupancy": occupancy}
    known: dict[str, Any] = {"target": target.label, "url": target.url}
    if target.start_processors:
        known["tp_max_occupancy"] = occupancy
    return known


async def measure(stack: Stack, quick: bool, target: Target) -> list[dict[str, Any]]:
    signer = Signer.generate()
    single_count = 600 if quick else 3000
    hundred_count = 30 if quick else 150
    latency_seconds = 8 if quick else 30
    common = {**target_parameters(target), "submitters": SUBMITTERS, "batches_per_post": 1}
    common["load_average_1m"] = round(os.getloadavg()[0], 2)
    async with RestClient(stack.rest_url, timeout=60) as rest:
        await warm_up(rest, signer)
        rate_1 = await throughput(rest, make_batches(signer, "s", single_count, 1))
        hundreds = make_batches(signer, "h", hundred_count, 100)
        before = {name: harness.cpu_seconds(pid) for name, pid in stack.pids.items()}
        rate_100 = await throughput(rest, hundreds)
        txns = hundred_count * 100
        cpu_ms = {
            name: 1000 * (harness.cpu_seconds(pid) - before[name]) / txns
            for name, pid in stack.pids.items()
        }
        half = rate_100 / 2
        interval = 100 / half
        count = max(5, int(latency_seconds / interval))
        timed = await latencies(rest, make_batches(signer, "l", count, 100), interval)
    return [
        harness.figure(
            "committed kv txns/s, 1 txn per batch", rate_1, "txn/s", batches=single_count, **common
        ),
        harness.figure(
            "committed kv txns/s, 100 txns per batch",
            rate_100,
            "txn/s",
            batches=hundred_count,
            **common,
        ),
        *[
            harness.figure(
                f"CPU per committed txn, {name}, 100 txns per batch",
                value,
                "ms",
                batches=hundred_count,
                target=target.label,
            )
            for name, value in cpu_ms.items()
        ],
        *[
            harness.figure(
                f"submit-to-commit latency {name}, 100-txn batches at half the 100-txn rate",
                1000 * harness.percentile(timed, fraction),
                "ms",
                offered_txn_per_s=round(half, 1),
                batches=count,
                **target_parameters(target),
            )
            for name, fraction in (("p50", 0.5), ("p99", 0.99))
        ],
    ]


async def measure_occupancy(
    stack: Stack, quick: bool, occupancy: int, target: Target
) -> dict[str, Any]:
    """The 100-txn rate again with a wider processor window: how much is round-trip bound."""
    signer = Signer.generate()
    count = 30 if quick else 150
    async with RestClient(stack.rest_url, timeout=60) as rest:
        await warm_up(rest, signer)
        rate = await throughput(rest, make_batches(signer, "o", count, 100))
    return harness.figure(
        f"committed kv txns/s, 100 txns per batch, tp --max-occupancy {occupancy}",
        rate,
        "txn/s",
        batches=count,
        submitters=SUBMITTERS,
        load_average_1m=round(os.getloadavg()[0], 2),
        **target_parameters(target, occupancy),
    )


def run(quick: bool, target: Target | None = None) -> list[dict[str, Any]]:
    target = target or Target()
    with tempfile.TemporaryDirectory() as tmp:
        with open_stack(target, Path(tmp) / "defaults", ["kv"]) as stack:
            figures = asyncio.run(measure(stack, quick, target))
        if target.external:
            target.skip("CPU per committed txn, validator", "the benchmark did not start it")
        if target.external and not target.start_processors:
            target.skip("CPU per committed txn, kv", "the benchmark did not start the processor")
            target.skip(
                f"committed kv txns/s, tp --max-occupancy {WIDE_OCCUPANCY}",
                "needs a kv processor started by the benchmark (--start-processors)",
            )
            return figures
        wide = ("--max-occupancy", str(WIDE_OCCUPANCY))
        with open_stack(target, Path(tmp) / "wide", ["kv"], wide) as stack:
            figures.append(asyncio.run(measure_occupancy(stack, quick, WIDE_OCCUPANCY, target)))
    return figures
