"""BlockPredict processor apply time per `post forecast` and per `score forecast`, in-process.

The handlers run against an in-memory Context (a dict, bench_blockmeter_apply.DictContext), so
the figures are the processors' own cost: payload decoding, rule checks, reading BlockMeter's
day rollups, the integer scoring and record (de)serialization, without ZMQ or validator time.
Forecasts at 900 s resolution of 1, 7 and 31 days (the longest allowed) follow each other on
one meter; the meter's readings (900 s) cover them before they are scored.
"""

from __future__ import annotations

import calendar
import statistics
import time
from typing import Any

from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from bench import harness
from bench.bench_blockmeter_apply import DictContext, request
from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.blockpredict import txn
from smartblocks.processors.blockpredict.handler import BlockPredictHandler
from tests.support.ledger import Ledger

DAY = 86_400
RESOLUTION_S = 900
START = calendar.timegm((2026, 1, 1, 0, 0, 0))


class Chain:
    """Both families' handlers over one dict of state, with ledger time set as BlockInfo
    leaves it."""

    def __init__(self) -> None:
        self.handlers: dict[str, TransactionHandler] = {
            h.family_name: h for h in (BlockMeterHandler(), BlockPredictHandler())
        }
        self.context = DictContext()
        self.clock = Ledger()

    def set_time(self, timestamp: int) -> None:
        self.clock.set_ledger_time(timestamp)
        self.context.state.update(self.clock.state)

    def apply(self, transaction: Transaction) -> float:
        """Seconds the handler took."""
        req = request(transaction)
        began = time.perf_counter()
        self.handlers[req.header.family_name].apply(req, self.context)
        return time.perf_counter() - began


def setup(chain: Chain, meter_id: str) -> tuple[Signer, Signer]:
    owner, device, forecaster = Signer.generate(), Signer.generate(), Signer.generate()
    chain.clock.set_setting(AUTHORITIES_SETTING, owner.public_key)
    chain.set_time(START - 3_600)
    for transaction in [
        meter_txn.create_site(owner, site_id="s", owner_public_key=owner.public_key, name="b"),
        meter_txn.register_meter(
            owner,
            meter_id=meter_id,
            site_id="s",
            kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=RESOLUTION_S,
            plausible_min=0,
            plausible_max=10**9,
        ),
        meter_txn.bind_key(owner, meter_id=meter_id, site_id="s", public_key=device.public_key),
        txn.grant_forecaster(owner, site_id="s", public_key=forecaster.public_key),
    ]:
        chain.apply(transaction)
    return device, forecaster


def measure(days: int, forecasts: int) -> list[dict[str, Any]]:
    chain, meter_id = Chain(), f"bench-{days}"
    device, forecaster = setup(chain, meter_id)
    count = days * DAY // RESOLUTION_S
    starts = [START + i * days * DAY for i in range(forecasts)]
    post_times = []
    for n, start in enumerate(starts):
        values = [(n * 7 + i) % 5000 for i in range(count)]
        post = txn.post_forecast(
            forecaster,
            meter_id=meter_id,
            site_id="s",
            start=start,
            end=start + days * DAY,
            resolution_s=RESOLUTION_S,
            values=values,
            model_name="bench",
            model_version="1",
        )
        post_times.append(chain.apply(post))
    end = starts[-1] + days * DAY
    chain.set_time(end)
    for start in starts:
        values = [(i * 13) % 4000 for i in range(count)]
        chain.apply(
            meter_txn.record_readings(
                device, meter_id=meter_id, window_start=start, interval_s=900, values=values
            )
        )
    scorer = Signer.generate()
    score_times = [
        chain.apply(
            txn.score_forecast(
                scorer,
                meter_id=meter_id,
                start=start,
                end=start + days * DAY,
                issuer=forecaster.public_key,
                resolution_s=RESOLUTION_S,
            )
        )
        for start in starts
    ]
    params = {"days": days, "resolution_s": RESOLUTION_S, "forecasts": forecasts}
    score_median = statistics.median(score_times)
    return [
        harness.figure(
            "post forecast apply time (median)",
            statistics.median(post_times) * 1000,
            "ms",
            **params,
        ),
        harness.figure("score apply time (median)", score_median * 1000, "ms", **params),
        harness.figure("scores applied per second", 1 / score_median, "scores/s", **params),
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    plan = {1: 30, 7: 10, 31: 5}
    figures: list[dict[str, Any]] = []
    for days, count in plan.items():
        figures += measure(days, 2 if quick else count)
    return figures
