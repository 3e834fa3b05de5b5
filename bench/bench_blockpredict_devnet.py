"""BlockPredict `score forecast` committed on the devnet, end to end.

`smartblocks devnet` (with the test suite's file clock for ledger time,
`smartblocks devnet --clock-file`, so a forecast's period can start and end without waiting
for the wall clock), `smartblocks tp blockmeter` and `smartblocks tp blockpredict` run as
subprocesses. Several meters each get one-day forecasts at 900 s resolution, posted before
their periods, and then the readings of those days; then every forecast is scored. Score
transactions are built and signed before the clock starts, several per batch, one batch in
flight per meter (a meter's scores add to the same month record). Figures: committed scores
per second, batch commit latency, and CPU time of the devnet and of the BlockPredict processor
per score.
"""

from __future__ import annotations

import asyncio
import calendar
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from bench import harness
from bench.bench_blockmeter_devnet import post_in_order
from bench.stack import DevnetStack
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.blockpredict import txn

DAY = 86_400
START = calendar.timegm((2026, 1, 1, 0, 0, 0))
FULL = {"meters": 8, "days": 30, "scores_per_batch": 10}
QUICK = {"meters": 2, "days": 4, "scores_per_batch": 2}


def chunks(transactions: list[Transaction], signer: Signer, size: int) -> list[Batch]:
    return [
        make_batch(signer, transactions[i : i + size]) for i in range(0, len(transactions), size)
    ]


def setup_transactions(owner: Signer, device: Signer, forecaster: Signer, meters: list[str]):
    site = [meter_txn.create_site(owner, site_id="s", owner_public_key=owner.public_key, name="b")]
    for meter_id in meters:
        site += [
            meter_txn.register_meter(
                owner,
                meter_id=meter_id,
                site_id="s",
                kind="ELECTRICITY_IMPORT",
                unit="MILLIWATT_HOUR",
                nominal_interval_s=900,
                plausible_min=0,
                plausible_max=10**10,
            ),
            meter_txn.bind_key(owner, meter_id=meter_id, site_id="s", public_key=device.public_key),
        ]
    return [*site, txn.grant_forecaster(owner, site_id="s", public_key=forecaster.public_key)]


async def measure(node: DevnetStack, clock: Path, owner: Signer, plan: dict[str, int]):
    meters = [f"p{i}" for i in range(plan["meters"])]
    days, per_batch = plan["days"], plan["scores_per_batch"]
    device, forecaster, scorer = Signer.generate(), Signer.generate(), Signer.generate()
    starts = [START + d * DAY for d in range(days)]
    async with RestClient(node.rest_url, timeout=120) as client:
        setup = setup_transactions(owner, device, forecaster, meters)
        await client.submit_and_wait([make_batch(owner, setup)], timeout=60)
        posts = [
            txn.post_forecast(
                forecaster,
                meter_id=m,
                site_id="s",
                start=s,
                end=s + DAY,
                resolution_s=900,
                values=[(s // DAY + i * 7) % 5000 for i in range(96)],
                model_name="bench",
                model_version="1",
            )
            for m in meters
            for s in starts
        ]
        await client.submit_and_wait(chunks(posts, forecaster, 50), timeout=120)
        clock.write_text(str(starts[-1] + DAY))  # ledger time of the next blocks
        recordings = [
            make_batch(
                device,
                [
                    meter_txn.record_readings(
                        device,
                        meter_id=m,
                        window_start=s,
                        interval_s=900,
                        values=[(s // DAY + i * 13) % 4000 for i in range(96)],
                    )
                    for s in starts
                ],
            )
            for m in meters
        ]
        await client.submit_and_wait(recordings, timeout=120)

        work = {
            m: chunks(
                [
                    txn.score_forecast(
                        scorer,
                        meter_id=m,
                        start=s,
                        end=s + DAY,
                        issuer=forecaster.public_key,
                        resolution_s=900,
                    )
                    for s in starts
                ],
                scorer,
                per_batch,
            )
            for m in meters
        }
        pids = {role: pid for role, pid in node.pids.items() if role != "client"}
        cpu_before = {name: harness.cpu_seconds(pid) for name, pid in pids.items()}
        latencies: list[float] = []
        began = time.perf_counter()
        await asyncio.gather(*(post_in_order(client, b, latencies) for b in work.values()))
        elapsed = time.perf_counter() - began
        cpu = {name: harness.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    scores = len(meters) * days
    params = {**plan, "resolution_s": 900, "period_days": 1, "scores": scores}
    return [
        harness.figure("scores committed per second", scores / elapsed, "scores/s", **params),
        harness.figure(
            "batch commit latency (median)", statistics.median(latencies) * 1000, "ms", **params
        ),
        harness.figure("devnet CPU per score", cpu["devnet"] / scores * 1000, "ms", **params),
        harness.figure(
            "blockpredict processor CPU per score",
            cpu["blockpredict"] / scores * 1000,
            "ms",
            **params,
        ),
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    owner = Signer.generate()
    with tempfile.TemporaryDirectory(prefix="bench-blockpredict-devnet-") as tmp:
        folder = Path(tmp)
        clock = folder / "clock"
        clock.write_text(str(START - 3_600))
        stack = DevnetStack(
            folder / "stack",
            ["blockmeter", "blockpredict"],
            settings=[f"{AUTHORITIES_SETTING}={owner.public_key}"],
            devnet_args=["--clock-file", str(clock)],
        )
        with stack as node:
            return asyncio.run(measure(node, clock, owner, QUICK if quick else FULL))
