"""The running agent: readers -> spool writer -> window closer -> submitter, plus metrics.

All spool calls run on one dedicated thread, so SQLite's fsyncs never stall the event loop and
the connection is never shared between threads. Samples from every meter are written in one
transaction per loop turn: a reader's `emit` returns once its samples are on disk.

Shutdown (SIGTERM, SIGINT): readers stop first, samples already taken are written, the
submitter stops between requests. Open windows stay open and batches in flight stay recorded:
the next start carries on from exactly there. Nothing is forced out early.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer, load_signer

from . import connectors
from .config import Config, MeterConfig
from .connectors.base import Clock, PollingReader, Reader, Sample
from .metrics import Metrics, serve
from .simulator import Building
from .spool import Spool, describe_conflict
from .submitter import Submitter

log = logging.getLogger(__name__)
T = TypeVar("T")
CLOSE_EVERY_S = 0.2


class Agent:
    def __init__(self, config: Config, signer: Signer | None = None, **submitter_options: Any):
        self.config = config
        self.signer = signer or load_signer(config.key_file)
        self.metrics = Metrics()
        self._db_thread = ThreadPoolExecutor(1, thread_name_prefix="spool")
        self.spool = Spool(config.spool)
        self.readers: dict[str, Reader] = {}
        self._buildings: dict[int, Building] = {}
        self._sim_clock: Any = None
        self._interval_s = {meter.id: meter.interval_s for meter in config.meters}
        self._window_s = {meter.id: meter.window_s for meter in config.meters}
        self._close_after: dict[str, int] = {}  # meter -> when its next window can close
        for meter in config.meters:
            self.spool.register_meter(meter.id, meter.interval_s, meter.window_s, meter.fill)
            self.readers[meter.id] = self._reader(meter)
        self.submitter = Submitter(
            self.spool,
            self.signer,
            config.rest_urls,
            metrics=self.metrics,
            run_db=self.db,
            max_windows_per_batch=config.max_windows_per_batch,
            max_batches_per_post=config.max_batches_per_post,
            **submitter_options,
        )
        self._pending: list[tuple[list[Sample], asyncio.Future[None]]] = []
        self._has_pending = asyncio.Event()
        self.stopping = asyncio.Event()
        self.metrics_port: int | None = None

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db_thread, fn, *args)

    # -- readers --------------------------------------------------------------------------

    def _on_error(self, meter_id: str) -> Callable[[str, str], None]:
        def record(kind: str, message: str) -> None:
            self.metrics.inc("blockmeter_errors_total", kind=kind)
            log.warning("meter %s: %s: %s", meter_id, kind, message)

        return record

    def _reader(self, meter: MeterConfig) -> Reader:
        module = connectors.module(meter.connector)
        on_error = self._on_error(meter.id)
        if meter.connector in ("modbus", "opcua"):
            source_type = module.ModbusSource if meter.connector == "modbus" else module.OpcUaSource
            source = source_type(meter.settings, meter.unit, meter.scale)
            return PollingReader(meter.id, meter.interval_s, source, on_error)
        if meter.connector == "csv_folder":
            return module.CsvFolderReader(  # type: ignore[no-any-return]
                meter.id,
                meter.settings,
                meter.unit,
                meter.scale,
                base=self.config.path.resolve().parent,
                on_error=on_error,
            )
        sim = self.config.simulator
        if self._sim_clock is None:
            # Real time follows the wall clock; accelerated runs from the configured start.
            if sim.clock == "catch-up":
                self._sim_clock = module.CatchUpClock(sim.start, sim.speed)
            else:
                self._sim_clock = Clock(None if sim.clock == "wall" else sim.start, sim.speed)
        seed = meter.settings.seed if meter.settings.seed is not None else sim.seed
        if seed not in self._buildings:
            model_start = sim.start if sim.model_start is None else sim.model_start
            self._buildings[seed] = Building(seed, model_start, sim.measure)
        return module.SimulatedReader(  # type: ignore[no-any-return]
            meter.id,
            meter.interval_s,
            meter.settings.point,
            self._buildings[seed],
            self._sim_clock,
            start=sim.start,
        )

    async def emit(self, samples: list[Sample]) -> None:
        """Hand samples to the writer; return once they are durable."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((samples, future))
        self._has_pending.set()
        await future

    async def _writer(self) -> None:
        while True:
            await self._has_pending.wait()
            try:
                await self._write_pending()
            except Exception:
                # Disk full, I/O error: the readers were told (their emit raised) and retry.
                self.metrics.inc("blockmeter_errors_total", kind="spool")
                log.exception("writing samples to the spool failed")
                await asyncio.sleep(1.0)

    async def _write_pending(self) -> None:
        self._has_pending.clear()
        work, self._pending = self._pending, []
        if not work:
            return
        samples = [s for chunk, _ in work for s in chunk]
        try:
            result = await self.db(self.spool.add_samples, samples)
        except Exception as exc:
            for _, future in work:
                if not future.done():
                    future.set_exception(exc)
            raise
        self._note_early_samples(samples)
        self.metrics.inc("blockmeter_readings_sampled_total", len(samples))
        self.metrics.inc("blockmeter_readings_spooled_total", result.added)
        if result.duplicate:
            self.metrics.inc(
                "blockmeter_readings_dropped_total", result.duplicate, reason="duplicate"
            )
        if result.late:
            self.metrics.inc("blockmeter_readings_dropped_total", result.late, reason="late")
            log.warning("%d late samples dropped: their windows were already closed", result.late)
        for conflict in result.conflicts:
            self.metrics.inc(
                "blockmeter_readings_conflicts_total",
                meter=conflict.meter,
                outcome=conflict.outcome,
            )
            log.warning("meter %s: %s", conflict.meter, describe_conflict(conflict))
        for _, future in work:
            if not future.done():
                future.set_result(None)

    async def _supervise(self, meter_id: str, reader: Reader) -> None:
        """Keep a reader running; a crash is logged and the reader restarted after a pause."""
        backoff = Backoff(1.0, 60.0)
        while True:
            try:
                await reader.run(self.emit)
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                self.metrics.inc("blockmeter_errors_total", kind="reader_crash")
                delay = backoff.next()
                log.exception("meter %s: reader failed; restarting in %.0f s", meter_id, delay)
                await asyncio.sleep(delay)

    # -- windows --------------------------------------------------------------------------

    async def close_windows(self) -> int:
        """Close the windows that ended for each meter's reader. A meter is asked only once
        its reader passes the next window end after the last time it was asked (or after a
        sample landed before that end): with 1,000 meters, asking every meter every turn was
        5,000 spool transactions a second, most of the agent's CPU."""
        due = [
            (meter_id, upto)
            for meter_id, reader in self.readers.items()
            if (upto := reader.now() - self.config.grace_s) >= self._close_after.get(meter_id, 0)
        ]
        if not due:
            return 0
        closed = 0
        for (meter_id, upto), starts in zip(due, await self.db(self._close_due, due), strict=True):
            window_s = self._window_s[meter_id]
            self._close_after[meter_id] = upto - upto % window_s + window_s
            if starts:
                closed += len(starts)
                self.metrics.inc("blockmeter_windows_closed_total", len(starts))
        if closed:
            self.submitter.wake.set()
        return closed

    def _close_due(self, due: list[tuple[str, int]]) -> list[list[int]]:
        """On the spool thread: close each meter's windows up to its time."""
        return [self.spool.close_windows(meter_id, upto) for meter_id, upto in due]

    def _note_early_samples(self, samples: list[Sample]) -> None:
        """A sample in a window that ends before a meter's next check (a meter's first
        readings, a backfill) makes the closer look at that meter again at once."""
        for meter_id, taken, _ in samples:
            after = self._close_after.get(meter_id, 0)
            if after:
                interval_s, window_s = self._interval_s[meter_id], self._window_s[meter_id]
                slot = taken - taken % interval_s - interval_s  # as the spool files it
                if slot - slot % window_s + window_s < after:
                    self._close_after[meter_id] = 0

    async def _closer(self) -> None:
        while True:
            try:
                await self.close_windows()
            except Exception:
                self.metrics.inc("blockmeter_errors_total", kind="closer")
                log.exception("closing windows failed; trying again")
            await asyncio.sleep(CLOSE_EVERY_S)

    # -- lifecycle ------------------------------------------------------------------------

    async def run(self, install_signals: bool = True) -> None:
        # Two agents on one spool would each send its windows; `requeue --scale-by` must not
        # change values under a running agent.
        try:
            await self.db(self.spool.lock)
        except UserError:
            await self.db(self.spool.close)
            self._db_thread.shutdown()
            raise
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT) if install_signals else ()
        for sig in signals:
            loop.add_signal_handler(sig, self.stopping.set)
        runner = None
        if self.config.metrics is not None:
            runner = await serve(self.metrics, *self.config.metrics)
            self.metrics_port = runner.addresses[0][1]
        log.info(
            "blockmeter started: site %s, %d meters, spool %s, ledger %s",
            self.config.site_id,
            len(self.readers),
            self.config.spool,
            ", ".join(self.config.rest_urls),
        )
        writer = asyncio.create_task(self._writer(), name="writer")
        readers = [
            asyncio.create_task(self._supervise(m, r), name=f"reader {m}")
            for m, r in self.readers.items()
        ]
        background = [
            asyncio.create_task(self._closer(), name="closer"),
            asyncio.create_task(self.submitter.run(self.stopping), name="submitter"),
        ]
        try:
            await self.stopping.wait()
        finally:
            log.info("blockmeter stopping: readers first, then the spool writer")
            for task in readers:
                task.cancel()
            await asyncio.gather(*readers, return_exceptions=True)
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
            await self._write_pending()  # samples taken before the stop are kept
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            await self.submitter.aclose()
            if runner is not None:
                await runner.cleanup()
            await self.db(self.spool.close)
            self._db_thread.shutdown()
            for sig in signals:
                loop.remove_signal_handler(sig)
            log.info("blockmeter stopped")
