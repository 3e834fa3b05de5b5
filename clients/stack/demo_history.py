"""The demo's history: the simulated building's readings over [model_start, start).

The baseline year, [model_start, measure), goes in as a site would push it: a BMS export of
15-minute data through the agent's CSV connector, on the BMS's own 15-minute meters
(demo_bms.py). The months since the measure, [measure, start), are the gateway's 1-minute data
on the 1-minute meters, put on the ledger directly as BlockMeter `record_readings`
transactions signed by the gateway key: the agent replays only the last days
(`[demo] days`), and two months of 1-minute windows through it would take minutes. All of it
comes from the SAME model the agent runs (agent.toml's `[simulator]`:
seed, measure, `model_start`), so at `start` the agent continues exactly where it ends: each
meter's slots hold what the agent's reader would have emitted (`Building.reading` at the slot's
end, BlockMeter's convention), in the meter's interval, so CUMULATIVE registers run on without
a jump and the weather series without a seam.

Windows are as long as BlockMeter allows (limits.MAX_VALUES values, at most MAX_WINDOW_S), a
few per batch, a few MiB per POST, two POSTs in flight (under the devnet's per-signer pending
limit). Idempotent: a meter whose head already reaches `start` is skipped, and an interrupted
load resumes after the meter's last recorded window (the windows are deterministic).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.blockmeter.config import Config, MeterConfig
from smartblocks.blockmeter.simulator import POINTS, Building, Truth
from smartblocks.blockmeter.units import to_base
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer, load_signer
from smartblocks.ledger.rest import BatchInvalid, RestClient
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import addressing, limits, txn
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.blockmeter_pb2 import Meter, MeterHead

from .demo_bms import push_export

DAY = 86_400
TXNS_PER_BATCH = 8
POST_BYTES = 4 * 1024 * 1024  # two in flight stay under the devnet's 16 MiB per signer
COMMIT_TIMEOUT_S = 300.0


@dataclass
class MeterHistory:
    meter: MeterConfig
    window_values: int  # values per window
    resume_after: int  # windows ending at or before this are on the ledger already
    pending: list[int] = field(default_factory=list)
    window_start: int = 0


def window_values(interval_s: int) -> int:
    """The most values one window may hold at this interval."""
    return min(limits.MAX_VALUES, limits.MAX_WINDOW_S // interval_s)


def model_start(config: Config) -> int:
    sim = config.simulator
    return sim.start if sim.model_start is None else sim.model_start


class HistoryWriter:
    """Posts batches two POSTs deep: a POST is sent once the one before the previous committed."""

    def __init__(self, client: RestClient, gateway: Signer):
        self.client = client
        self.gateway = gateway
        self.txns: list[Transaction] = []
        self.batches: list[Batch] = []
        self.bytes = 0
        self.in_flight: list[list[str]] = []
        self.values = 0

    async def add(self, transaction: Transaction, values: int) -> None:
        self.txns.append(transaction)
        self.values += values
        self.bytes += transaction.ByteSize()
        if len(self.txns) >= TXNS_PER_BATCH:
            self._seal()
        if self.bytes >= POST_BYTES:
            await self.post()

    def _seal(self) -> None:
        if self.txns:
            self.batches.append(make_batch(self.gateway, self.txns))
            self.txns = []

    async def post(self) -> None:
        self._seal()
        if not self.batches:
            return
        await self.client.submit_batches(self.batches)
        self.in_flight.append([b.header_signature for b in self.batches])
        self.batches, self.bytes = [], 0
        while len(self.in_flight) > 1:
            await self._wait(self.in_flight.pop(0))

    async def finish(self) -> None:
        await self.post()
        while self.in_flight:
            await self._wait(self.in_flight.pop(0))

    async def _wait(self, ids: list[str]) -> None:
        statuses = await self.client.wait_for_batches(ids, COMMIT_TIMEOUT_S)
        bad = [s for s in statuses if s.get("status") != "COMMITTED"]
        if bad:
            raise BatchInvalid(
                self.client.url + "/batches",
                statuses,
                "History batch not committed",
                f"{len(bad)} of {len(ids)} history batches are {bad[0].get('status')}: "
                f"{bad[0].get('invalid_transactions') or ''}",
            )


async def meter_heads(client: RestClient, meters: Sequence[MeterConfig]) -> dict[str, MeterHead]:
    heads: dict[str, MeterHead] = {}
    for meter in meters:
        data = await client.state(addressing.meter_head_address(meter.id))
        if data:
            heads[meter.id] = MeterHead.FromString(data)
    return heads


async def load_history(
    client: RestClient, gateway: Signer, config: Config, out: TextIO, progress_s: float = 2.0
) -> int:
    """Record the BMS meters' year over [model_start, measure) and every simulated meter's
    readings over [measure, start); return how many 1-minute values were written (0 when the
    ledger had them all)."""
    history_start, end = model_start(config), config.simulator.start
    if end <= history_start:
        return 0
    # The baseline year: the BMS export, through the agent's CSV connector, on the BMS meters
    # (demo_bms.py); the 1-minute meters start at the measure.
    measure = config.simulator.measure
    first = min(max(measure.start if measure else history_start, history_start), end)
    heads = await meter_heads(client, config.meters)
    for meter_id, recorded in heads.items():
        if recorded.first_window_start != first:
            raise UserError(
                f"meter {meter_id}: its readings on the ledger start at "
                f"{iso(recorded.first_window_start)}, not at the measure {iso(first)}: a demo "
                "from before the BMS export's meters, or not this demo's history (start over "
                "with --fresh)"
            )
    await push_export(client, gateway, config, history_start, first, out)
    if first == end:
        return 0
    todo: list[MeterHistory] = []
    for meter in config.meters:
        if meter.connector != "simulator" or meter.settings.point not in POINTS:
            raise UserError(f"meter {meter.id}: the demo's history knows simulated meters only")
        if (history_start - history_start % meter.interval_s) != history_start:
            raise UserError(
                f"meter {meter.id}: history start {iso(history_start)} is not on its grid"
            )
        head = heads.get(meter.id)
        done_until = head.last_window_end if head is not None else 0
        if done_until >= end:
            continue
        todo.append(MeterHistory(meter, window_values(meter.interval_s), done_until, [], first))
    if not todo:
        print(f"history {iso(first)} .. {iso(end)} is on the ledger already", file=out)
        return 0
    seeds = {m.meter.settings.seed for m in todo}
    if seeds - {None, config.simulator.seed}:
        raise UserError("the demo's history takes every meter from the [simulator] seed")

    building = Building(config.simulator.seed, history_start, config.simulator.measure)
    fresh = [m.meter for m in todo if m.meter.id not in heads]
    await start_registers(client, config, fresh, building.at(first))
    step = math.gcd(*(m.meter.interval_s for m in todo))
    writer = HistoryWriter(client, gateway)
    days = -(-(end - first) // DAY)
    print(
        f"loading the gateway's 1-minute data since the measure, {iso(first)} .. {iso(end)} "
        f"({days} days) for {len(todo)} meters, as record_readings signed by its key",
        file=out,
        flush=True,
    )
    started = last_report = time.monotonic()
    for day in range(days):
        day_start = first + day * DAY
        day_end = min(day_start + DAY, end)
        for t in range(day_start + step, day_end + step, step):
            truth = building.at(t)
            for m in todo:
                if (t - first) % m.meter.interval_s:
                    continue
                point = m.meter.settings.point
                m.pending.append(to_base(getattr(truth, point), POINTS[point]))
                if len(m.pending) == m.window_values:
                    await _flush(writer, m)
        now = time.monotonic()
        if now - last_report >= progress_s or day == days - 1:
            await writer.post()
            last_report = now
            rate = writer.values / max(now - started, 1e-9)
            print(
                f"history: {day + 1}/{days} days, {writer.values:,} readings "
                f"({rate:,.0f} readings/s)",
                file=out,
                flush=True,
            )
    for m in todo:
        await _flush(writer, m)
    await writer.finish()
    elapsed = time.monotonic() - started
    print(
        f"history loaded: {writer.values:,} readings of {len(todo)} meters in {elapsed:.1f} s",
        file=out,
        flush=True,
    )
    return writer.values


async def start_registers(
    client: RestClient, config: Config, meters: Sequence[MeterConfig], truth: Truth
) -> None:
    """The owner sets each new register meter's initial register to the building's register
    at the meter's first reading (the 1-minute meters start at the measure, a year into the
    building's registers), so that its first reading is not a year's consumption in a minute."""
    owner = load_signer(config.path.parent / "keys" / "owner.priv")
    updates = []
    for meter in meters:
        if meter.mode != "cumulative":
            continue
        record = Meter.FromString(await client.state(addressing.meter_address(meter.id)) or b"")
        point = meter.settings.point
        register = to_base(getattr(truth, point), POINTS[point])
        if record.initial_register != register:
            updates.append(
                txn.update_meter(
                    owner,
                    meter_id=meter.id,
                    site_id=config.site_id,
                    plausible_min=record.plausible_min,
                    plausible_max=record.plausible_max,
                    initial_register=register,
                )
            )
    if updates:
        await client.submit_and_wait([make_batch(owner, updates)], timeout=60)


async def _flush(writer: HistoryWriter, m: MeterHistory) -> None:
    """The meter's pending values as one window (unless the ledger holds it already)."""
    values, start = m.pending, m.window_start
    if not values:
        return
    m.pending, m.window_start = [], start + len(values) * m.meter.interval_s
    end = m.window_start
    if end <= m.resume_after:
        return
    if start < m.resume_after:
        raise UserError(
            f"meter {m.meter.id}: the ledger's readings end at {iso(m.resume_after)}, inside "
            f"the history window {iso(start)} .. {iso(end)}: start over with --fresh"
        )
    transaction = txn.record_readings(
        writer.gateway,
        meter_id=m.meter.id,
        window_start=start,
        interval_s=m.meter.interval_s,
        values=values,
    )
    await writer.add(transaction, len(values))
