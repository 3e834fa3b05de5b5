"""The prediction service: follows the ledger's blocks (ledger/events.py, like the portal's
index) and, as ledger time moves, posts each configured meter's day-ahead forecast and scores
the days whose data is in.

Ledger time ("now") is the newest BlockInfo timestamp in the blocks the follower has seen (the
state-delta events of the BlockInfo records), never the service's clock. On each block:

1. post: for the next UTC day (day of now + 1), every meter without a forecast from this key
   for that day gets one: the service checks its state file, then the ledger (a forecast
   already there is recorded, not posted again), then builds and posts it. The ledger refuses
   a post once the day has started, so a service that catches up late records the day as
   missed instead of posting it.
2. score: every posted day that has ended by ledger time is scored once the meter's head
   (BlockMeter) has data up to the day's end; a score already on the ledger is recorded.

State (SQLite, `[service] state`): the blocks followed (ledger/block_log.py: to resume from the
last one and rewind on forks: a block that does not extend the head drops what was recorded at
and above it) and one row per (meter, day): posted, found, missed, scored or failed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig
from sawtooth_sdk.protobuf.events_pb2 import EventFilter

from smartblocks.ledger.block_info import BLOCK_PREFIX, CONFIG_ADDRESS, block_address
from smartblocks.ledger.block_log import BlockLog, block_ledger_time
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.events import STATE_DELTA, EventFollower, subscription
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import addressing as meter_addr
from smartblocks.processors.blockpredict import addressing as predict_addr
from smartblocks.processors.blockpredict import txn
from smartblocks.processors.kit import baseline
from smartblocks.protos.baseline_pb2 import BaselineTable
from smartblocks.protos.blockmeter_pb2 import Meter, MeterHead, Rollup, Unit

from .config import MeterConfig, PredictConfig
from .forecasts import (
    COMBINATION_WINDOW_DAYS,
    DAY,
    HOURS,
    PROFILE_WINDOW_DAYS,
    ForecastError,
    PowerCurve,
    combined_demand_forecast,
    library_power_curve,
    wind_forecast,
)
from .weather import CsvFolder, SimulatedForecast, WeatherError, WeatherSource, day_name

LOG = logging.getLogger(__name__)

MODELS = {"demand": "baseline-table-day-ahead", "wind": "windpowerlib-power-curve"}
RETRY_BLOCKS = 5  # a failed post or score is tried again this many blocks later

SCHEMA = """
CREATE TABLE IF NOT EXISTS days (
    meter_id TEXT NOT NULL,
    start INTEGER NOT NULL,        -- the day's first second (UTC)
    status TEXT NOT NULL,          -- posted | found | missed | scored | failed
    block_num INTEGER NOT NULL,    -- the block being followed when the status was set
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meter_id, start)
);
"""


class PredictState(BlockLog):
    """The service's SQLite file: followed blocks (BlockLog) and per-(meter, day) status."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(BlockLog.connect(path))
        self.db.executescript(SCHEMA)

    def on_rewind(self, block_num: int) -> None:
        """A day's status set on a dropped block is decided again on the new branch."""
        self.db.execute("DELETE FROM days WHERE block_num >= ?", (block_num,))

    def status(self, meter_id: str, start: int) -> tuple[str, int] | None:
        row = self.db.execute(
            "SELECT status, block_num FROM days WHERE meter_id = ? AND start = ?",
            (meter_id, start),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def set_status(
        self, meter_id: str, start: int, status: str, block_num: int, detail: str = ""
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO days VALUES (?, ?, ?, ?, ?)",
            (meter_id, start, status, block_num, detail),
        )

    def unscored(self, meter_id: str, ended_by: int) -> list[int]:
        rows = self.db.execute(
            "SELECT start FROM days WHERE meter_id = ? AND status IN ('posted', 'found')"
            " AND start + ? <= ? ORDER BY start",
            (meter_id, DAY, ended_by),
        )
        return [r[0] for r in rows]

    def days(self) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT meter_id, start, status, block_num, detail FROM days ORDER BY start, meter_id"
        )
        keys = ("meter_id", "start", "status", "block_num", "detail")
        return [dict(zip(keys, r, strict=True)) for r in rows]


def weather_source(config: PredictConfig) -> WeatherSource:
    w = config.weather
    if w.kind == "csv":
        assert w.folder is not None
        return CsvFolder(w.folder)
    return SimulatedForecast(w.seed, w.start, w.temperature_error_c, w.wind_error_ms)


@dataclass
class Outcome:
    posted: int = 0
    found: int = 0
    missed: int = 0
    scored: int = 0
    failed: int = 0


class Predictor:
    """Builds and posts forecasts and scores them; `on_block` is the follower's step."""

    def __init__(
        self,
        config: PredictConfig,
        signer: Signer,
        state: PredictState,
        rest: RestClient,
        weather: WeatherSource | None = None,
        *,
        wait_s: float = 30.0,
    ) -> None:
        self.config = config
        self.signer = signer
        self.state = state
        self.rest = rest
        self.weather = weather or weather_source(config)
        self.wait_s = wait_s
        self._tables: dict[str, BaselineTable] = {}
        self._curves: dict[str, PowerCurve] = {}
        self.totals = Outcome()
        self._score_failed: dict[tuple[str, int], int] = {}  # (meter, day start) -> block

    # -- inputs ---------------------------------------------------------------------------

    def table(self, meter: MeterConfig) -> BaselineTable:
        if meter.meter_id not in self._tables:
            assert meter.baseline is not None
            try:
                data = meter.baseline.read_bytes()
            except OSError as exc:
                raise ForecastError(f"{meter.baseline}: cannot read ({exc.strerror})") from None
            try:
                self._tables[meter.meter_id] = baseline.parse(data)
            except baseline.BadTable as exc:
                raise ForecastError(f"{meter.baseline}: {exc}") from None
        return self._tables[meter.meter_id]

    def curve(self, meter: MeterConfig) -> PowerCurve:
        if meter.meter_id not in self._curves:
            if meter.power_curve:
                speeds, powers = zip(*meter.power_curve, strict=True)
                self._curves[meter.meter_id] = PowerCurve(tuple(speeds), tuple(powers))
            else:
                assert meter.turbine_type is not None
                self._curves[meter.meter_id] = library_power_curve(meter.turbine_type)
        return self._curves[meter.meter_id]

    async def read(self, addresses: Sequence[str]) -> list[bytes | None]:
        out: list[bytes | None] = []
        for first in range(0, len(addresses), 32):
            chunk = addresses[first : first + 32]
            out += await asyncio.gather(*(self.rest.state(a) for a in chunk))
        return out

    async def chain_ledger_time(self) -> int | None:
        """Ledger time at the chain's head now (REST), to refuse a post the ledger would."""
        data = await self.rest.state(CONFIG_ADDRESS)
        if not data:
            return None
        info = await self.rest.state(block_address(BlockInfoConfig.FromString(data).latest_block))
        return BlockInfo.FromString(info).timestamp if info else None

    async def hour_history(self, meter_id: str, day: int) -> dict[int, list[int]]:
        """Hourly sums of the meter's complete days in the profile window before `day`."""
        days = list(range(day - PROFILE_WINDOW_DAYS, day))
        data = await self.read([meter_addr.day_rollup_address(meter_id, day_name(d)) for d in days])
        history: dict[int, list[int]] = {}
        for d, raw in zip(days, data, strict=True):
            if not raw:
                continue
            rollup = Rollup.FromString(raw)
            if len(rollup.buckets) == HOURS:
                history[d] = [b.sum for b in sorted(rollup.buckets, key=lambda b: b.index)]
        return history

    async def build(self, meter: MeterConfig, meter_record: Meter, day: int) -> list[int]:
        weather = self.weather.day(day)
        if meter.kind == "wind":
            if meter_record.unit != Unit.MILLIWATT_HOUR:
                raise ForecastError(f"meter {meter.meter_id}: a wind meter must count mWh")
            return wind_forecast(
                self.curve(meter),
                weather.wind_speeds_ms,
                hub_height_m=meter.hub_height,
                measurement_height_m=meter.measurement_height,
            )
        table = self.table(meter)
        if table.unit != meter_record.unit:
            raise ForecastError(
                f"{meter.baseline}: table unit {Unit.Name(table.unit)} is not meter "
                f"{meter.meter_id}'s {Unit.Name(meter_record.unit)}"
            )
        history = await self.hour_history(meter.meter_id, day)
        combination = combined_demand_forecast(
            table, day, weather.temperatures_mc, history, self.past_temperatures(day)
        )
        LOG.debug(
            "%s on %s: model weight %.2f from %d scored days",
            meter.meter_id,
            day_name(day),
            combination.model_weight,
            combination.scored_days,
        )
        return combination.values

    def past_temperatures(self, day: int) -> dict[int, tuple[int, ...]]:
        """The temperature forecasts of the days the combination weights are measured on,
        those the weather source still has (oldest first: the simulator runs forward)."""
        past: dict[int, tuple[int, ...]] = {}
        for d in range(day - COMBINATION_WINDOW_DAYS, day):
            try:
                past[d] = self.weather.day(d).temperatures_mc
            except WeatherError:
                continue
        return past

    # -- one step -------------------------------------------------------------------------

    async def on_block(self, block_num: int) -> Outcome:
        """Post and score what ledger time says is due; returns what this step did."""
        outcome = Outcome()
        now = self.state.ledger_time()
        if now is None:
            return outcome
        await self._post_due(now, block_num, outcome)
        await self._score_due(now, block_num, outcome)
        for name in vars(outcome):
            setattr(self.totals, name, getattr(self.totals, name) + getattr(outcome, name))
        return outcome

    def _due(self, meter_id: str, start: int, block_num: int) -> bool:
        known = self.state.status(meter_id, start)
        if known is None:
            return True
        status, at = known
        return status == "failed" and block_num >= at + RETRY_BLOCKS

    async def _post_due(self, now: int, block_num: int, outcome: Outcome) -> None:
        day = now // DAY + 1
        start = day * DAY
        meters = [m for m in self.config.meters if self._due(m.meter_id, start, block_num)]
        if not meters:
            return
        issuer = self.signer.public_key
        data = await self.read(
            [meter_addr.meter_address(m.meter_id) for m in meters]
            + [predict_addr.forecast_address(m.meter_id, start, issuer) for m in meters]
        )
        chain_now = await self.chain_ledger_time()
        started = chain_now is not None and chain_now >= start
        batches: list[tuple[MeterConfig, Batch]] = []
        for m, meter_data, existing in zip(
            meters, data[: len(meters)], data[len(meters) :], strict=True
        ):
            if existing:  # posted before (e.g. the state file was lost): score it later
                self.state.set_status(m.meter_id, start, "found", block_num)
                outcome.found += 1
                continue
            if started:  # catching up: the day has begun on the ledger
                self.state.set_status(m.meter_id, start, "missed", block_num, "started")
                outcome.missed += 1
                continue
            try:
                if not meter_data:
                    raise ForecastError(f"meter {m.meter_id} does not exist on the ledger")
                meter = Meter.FromString(meter_data)
                if meter.retired:
                    raise ForecastError(f"meter {m.meter_id} is retired")
                values = await self.build(m, meter, day)
            except (ForecastError, WeatherError) as exc:
                LOG.error("no forecast of %s for %s: %s", m.meter_id, day_name(day), exc)
                self.state.set_status(m.meter_id, start, "failed", block_num, str(exc))
                outcome.failed += 1
                continue
            transaction = txn.post_forecast(
                self.signer,
                meter_id=m.meter_id,
                site_id=meter.site_id,
                start=start,
                end=start + DAY,
                resolution_s=3_600,
                values=values,
                model_name=MODELS[m.kind],
                model_version=self.config.model_version,
            )
            batches.append((m, make_batch(self.signer, [transaction])))
        for m, status, detail in await self._submit(batches):
            self.state.set_status(m.meter_id, start, status, block_num, detail)
            if status == "posted":
                outcome.posted += 1
                LOG.info("posted the forecast of %s for %s", m.meter_id, day_name(day))
            else:
                outcome.failed += 1

    async def _score_due(self, now: int, block_num: int, outcome: Outcome) -> None:
        issuer = self.signer.public_key
        due = [
            (m, s)
            for m in self.config.meters
            for s in self.state.unscored(m.meter_id, now)
            if block_num >= self._score_failed.get((m.meter_id, s), -RETRY_BLOCKS) + RETRY_BLOCKS
        ]
        if not due:
            return
        heads = await self.read([meter_addr.meter_head_address(m.meter_id) for m, _ in due])
        scores = await self.read(
            [predict_addr.score_address(m.meter_id, s, issuer) for m, s in due]
        )
        batches: list[tuple[tuple[MeterConfig, int], Batch]] = []
        for (m, start), head_data, score in zip(due, heads, scores, strict=True):
            if score:
                self.state.set_status(m.meter_id, start, "scored", block_num, "found")
                outcome.scored += 1
                continue
            head = MeterHead.FromString(head_data) if head_data else None
            if head is None or head.last_window_end < start + DAY:
                continue  # the meter's data does not cover the day yet
            transaction = txn.score_forecast(
                self.signer,
                meter_id=m.meter_id,
                start=start,
                end=start + DAY,
                issuer=issuer,
                resolution_s=3_600,
            )
            batches.append(((m, start), make_batch(self.signer, [transaction])))
        for (m, start), status, detail in await self._submit(batches):
            if status == "posted":
                self.state.set_status(m.meter_id, start, "scored", block_num)
                outcome.scored += 1
                LOG.info("scored the forecast of %s for %s", m.meter_id, day_name(start // DAY))
            else:
                LOG.error(
                    "scoring %s for %s failed: %s", m.meter_id, day_name(start // DAY), detail
                )

    async def _submit(self, batches: Sequence[tuple[Any, Batch]]) -> list[tuple[Any, str, str]]:
        """Submit one batch per item and wait; (item, "posted" | "failed", detail) each."""
        if not batches:
            return []
        try:
            await self.rest.submit_batches([b for _, b in batches])
            statuses = await self.rest.wait_for_batches(
                [b.header_signature for _, b in batches], self.wait_s
            )
        except UserError as exc:
            return [(item, "failed", str(exc)) for item, _ in batches]
        out: list[tuple[Any, str, str]] = []
        for (item, _), status in zip(batches, statuses, strict=True):
            if status.get("status") == "COMMITTED":
                out.append((item, "posted", ""))
            else:
                reasons = [t.get("message", "") for t in status.get("invalid_transactions", [])]
                out.append((item, "failed", f"{status.get('status')}: {'; '.join(reasons)}"))
        return out


def ledger_time_subscriptions() -> list[Any]:
    """State changes of BlockInfo block records only: ledger time, nothing else."""
    return [subscription(STATE_DELTA, ("address", f"^{BLOCK_PREFIX}", EventFilter.REGEX_ANY))]


async def serve(
    config: PredictConfig,
    signer: Signer,
    *,
    stop: asyncio.Event | None = None,
    weather: WeatherSource | None = None,
) -> Outcome:
    """Follow the ledger until `stop` is set (or forever); returns what was done."""
    config.state.parent.mkdir(parents=True, exist_ok=True)
    state = PredictState(config.state)
    follower = EventFollower(config.component, state, ledger_time_subscriptions())
    async with RestClient(config.rest_api) as rest:
        predictor = Predictor(config, signer, state, rest, weather)

        async def follow() -> None:
            async for block in follower.blocks():
                rewound = state.add_block(block, block_ledger_time(block))
                if rewound:
                    LOG.warning("fork: dropped %d block(s) from #%d", rewound, block.block_num)
                started = time.monotonic()
                try:
                    outcome = await predictor.on_block(block.block_num)
                except UserError as exc:  # the REST API is down or refused: next block retries
                    LOG.warning("block #%d: %s", block.block_num, exc)
                    continue
                if any(vars(outcome).values()):
                    LOG.info(
                        "block #%d: %s (%.2f s)",
                        block.block_num,
                        outcome,
                        time.monotonic() - started,
                    )

        task = asyncio.ensure_future(follow())
        waiter = asyncio.ensure_future(stop.wait() if stop else asyncio.Event().wait())
        try:
            done, _ = await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            if task in done:
                task.result()
        finally:
            for t in (task, waiter):
                t.cancel()
            await follower.close()
            state.close()
        return predictor.totals
