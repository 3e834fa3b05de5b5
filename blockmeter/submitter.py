"""Closed windows -> signed batches -> REST API -> followed until committed or invalid.

The rules that make every window reach the ledger exactly once:
- A batch holds consecutive windows of one meter (a batch is atomic: one meter's rejected
  window never holds back another meter's), and a meter has at most one batch in flight.
- The batch's bytes and its windows' transaction ids are stored *before* the POST. Whatever
  happens next (crash, timeout, validator restart), the same bytes are resent: transaction ids
  derive from (meter, window), so the validator recognises a resubmission.
- COMMITTED marks the windows done. INVALID quarantines the window the validator named, with
  its message; the batch's other windows go back to be resent (in a new batch, with a new batch
  id: a validator ignores a batch id it has seen); the meter's later windows wait for
  `blockmeter requeue` (or `blockmeter quarantine discard`). PENDING is polled again; UNKNOWN
  (the validator lost it) is resent.
- A window whose transaction is already on the chain (sent in an earlier batch the spool no
  longer knows) is done. Validators say so differently: the devnet answers INVALID ("already in
  block"), a Sawtooth 1.2 validator drops such a batch silently and reports it PENDING for good.
  So before quarantining an INVALID batch, and before resending one PENDING for too long, the
  submitter asks the REST API for each of its transactions (GET /transactions/{id}): those on
  the chain mark their windows committed, and the others go out again in a new batch.
- 429, 5xx and network errors back off exponentially with full jitter and fail over to the
  next URL. Every round serves every meter that has windows ready, so a long backlog drains in
  large batches without starving meters that only have live windows.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from typing import Any, Protocol, TypeVar

import aiohttp
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter.txn import record_readings

from .metrics import Metrics
from .spool import InFlight, Spool, Window, window_id

log = logging.getLogger(__name__)
T = TypeVar("T")
STATUS_CHUNK = 100


class LedgerClient(Protocol):
    async def submit_batches(self, batches: Sequence[Batch]) -> str: ...

    async def batch_statuses(
        self, ids: Sequence[str], wait: float | None = None
    ) -> list[dict[str, Any]]: ...

    async def transaction_committed(self, transaction_id: str) -> bool: ...


ClientFactory = Callable[[str], Any]  # url -> async context manager yielding a LedgerClient
Builder = Callable[[Signer, Window], Transaction]


def default_client_factory(url: str) -> Any:
    return RestClient(url)


def build_record_readings(signer: Signer, window: Window) -> Transaction:
    return record_readings(
        signer,
        meter_id=window.meter,
        window_start=window.start,
        interval_s=window.interval_s,
        values=window.values,
        quality=window.quality if any(window.quality) else None,
    )


def error_kind(exc: BaseException) -> str | None:
    """`network`, `throttled`, `server` (retried with failover) or `rejected` (the request
    itself was refused: 400 bad batch, 413 too large); None: not an error of the ledger API."""
    if isinstance(exc, aiohttp.ClientError | OSError | asyncio.TimeoutError):
        return "network"
    status = getattr(exc, "status", None)
    if not isinstance(status, int):
        return None
    if status == 0:  # RestError: no HTTP answer at all
        return "network"
    if status == 429:
        return "throttled"
    if status in (400, 413):
        return "rejected"
    return "server"  # 5xx, or a proxy/URL answering something else: try the next URL


class Rejected(Exception):
    """The REST API refused the request itself (4xx other than 429)."""


def default_backoff() -> Backoff:
    """0.5 s doubling to 30 s, with full jitter: it keeps many gateways from retrying in step."""
    return Backoff(0.5, 30.0, jitter=True)


class Submitter:
    def __init__(
        self,
        spool: Spool,
        signer: Signer,
        urls: Sequence[str],
        *,
        metrics: Metrics | None = None,
        client_factory: ClientFactory = default_client_factory,
        builder: Builder = build_record_readings,
        run_db: Callable[..., Awaitable[Any]] | None = None,
        max_windows_per_batch: int = 24,
        max_batches_per_post: int = 50,
        max_in_flight: int = 500,
        status_wait: float = 1.0,
        resend_pending_after: float = 60.0,
        backoff: Backoff | None = None,
    ):
        self.spool = spool
        self.signer = signer
        self.urls = list(urls)
        self.url_index = 0
        self.metrics = metrics or Metrics()
        self.client_factory = client_factory
        self.builder = builder
        self.run_db = run_db or _run_inline
        self.max_windows_per_batch = max_windows_per_batch
        self.max_batches_per_post = max_batches_per_post
        self.max_in_flight = max_in_flight
        self.status_wait = status_wait
        self.resend_pending_after = resend_pending_after
        self.backoff = backoff or default_backoff()
        self.wake = asyncio.Event()
        self._clients: dict[str, LedgerClient] = {}
        self._stack = AsyncExitStack()
        self._turn = 0  # rotates which meter goes first, for fairness under max_in_flight
        self._unknown: set[str] = set()  # batches the validator does not know: resend

    async def aclose(self) -> None:
        await self._stack.aclose()
        self._clients.clear()

    # -- one round ------------------------------------------------------------------------

    async def step(self) -> bool:
        """Follow batches in flight, then send new ones; True when anything moved."""
        moved = await self._follow()
        new = await self.run_db(self._prepare_batches)
        in_flight = await self.run_db(self.spool.in_flight)
        self.metrics.set("blockmeter_backlog_windows", await self.run_db(self.spool.backlog))
        unknown, self._unknown = self._unknown, set()
        to_send = [
            b
            for b in in_flight
            if b.batch_id in new or b.batch_id in unknown or self._needs_resend(b)
        ]
        # A batch PENDING for too long may hold windows already on the chain (a Sawtooth
        # validator drops such a batch without a word): those are done, the others go out anew.
        for batch in [b for b in to_send if b.attempts > 0 and b.batch_id not in unknown]:
            if await self._settle_on_chain(batch):
                to_send.remove(batch)
                moved = True
        if to_send:
            await self._send(to_send)
            moved = True
        return moved

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        while not stop.is_set():
            self.wake.clear()  # set again by whoever closes windows meanwhile
            try:
                moved = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception:
                self.metrics.inc("blockmeter_errors_total", kind="submitter")
                log.exception("submitter round failed; retrying")
                moved = False
                await self.backoff.sleep()
            if not moved:
                waiters = [
                    asyncio.ensure_future(self.wake.wait()),
                    asyncio.ensure_future(stop.wait()),
                ]
                _, pending = await asyncio.wait(
                    waiters, timeout=self.status_wait, return_when=asyncio.FIRST_COMPLETED
                )
                for waiter in pending:
                    waiter.cancel()

    # -- following ------------------------------------------------------------------------

    async def _follow(self) -> bool:
        in_flight = await self.run_db(self.spool.in_flight)
        sent = [b for b in in_flight if b.attempts > 0]
        if not sent:
            return False
        moved = False
        statuses: dict[str, dict[str, Any]] = {}
        for i in range(0, len(sent), STATUS_CHUNK):
            ids = [b.batch_id for b in sent[i : i + STATUS_CHUNK]]
            wait = self.status_wait if i == 0 else None
            for status in await self._call(self._statuses_request(ids, wait)):
                statuses[status["id"]] = status
        for batch in sent:
            status = statuses.get(batch.batch_id, {"status": "UNKNOWN"})
            if status["status"] == "COMMITTED":
                windows = await self.run_db(self.spool.mark_committed, batch.batch_id)
                self.metrics.inc("blockmeter_windows_committed_total", len(windows))
                self.metrics.inc(
                    "blockmeter_readings_committed_total",
                    sum(len(w.values) - w.missing for w in windows),
                )
                self.metrics.observe(
                    "blockmeter_submit_latency_seconds", time.time() - batch.submitted_at
                )
                moved = True
            elif status["status"] == "INVALID":
                messages = {
                    t.get("id", ""): t.get("message", "")
                    for t in status.get("invalid_transactions", [])
                }
                # The same transaction id already on the chain is this very window: done.
                on_chain = await self._on_chain(batch)
                for txn_id in on_chain:
                    messages.pop(txn_id, None)
                await self._quarantine(
                    batch, messages, "the validator rejected the batch", on_chain
                )
                moved = True
            elif status["status"] == "UNKNOWN":
                self._unknown.add(batch.batch_id)
        return moved

    @staticmethod
    def _statuses_request(
        ids: list[str], wait: float | None
    ) -> Callable[[LedgerClient], Awaitable[list[dict[str, Any]]]]:
        # A function, not a lambda in _follow's loop: it binds this chunk's ids and wait.
        return lambda client: client.batch_statuses(ids, wait)

    async def _on_chain(self, batch: InFlight) -> frozenset[str]:
        """The ids of the batch's transactions that are in a block on the chain."""
        windows = await self.run_db(self.spool.batch_windows, batch.batch_id)
        found = set()
        for txn_id in (w.txn_id for w in windows if w.txn_id):
            if await self._call(self._committed_request(txn_id)):
                found.add(txn_id)
        if found:
            log.info(
                "batch %s: %d of its %d window(s) already on the chain",
                batch.batch_id[:16],
                len(found),
                len(windows),
            )
            self.metrics.inc("blockmeter_windows_committed_total", len(found))
        return frozenset(found)

    @staticmethod
    def _committed_request(txn_id: str) -> Callable[[LedgerClient], Awaitable[bool]]:
        return lambda client: client.transaction_committed(txn_id)

    async def _settle_on_chain(self, batch: InFlight) -> bool:
        """If some of the batch's windows are on the chain: mark them committed, put the others
        back to go out in a new batch, drop the batch; True. Else False (nothing changes)."""
        on_chain = await self._on_chain(batch)
        if not on_chain:
            return False
        await self.run_db(
            self.spool.mark_invalid, batch.batch_id, {}, "already on the chain", on_chain
        )
        return True

    async def _quarantine(
        self,
        batch: InFlight,
        messages: dict[str, str],
        fallback: str,
        already_committed: frozenset[str] = frozenset(),
    ) -> None:
        blamed = await self.run_db(
            self.spool.mark_invalid, batch.batch_id, messages, fallback, already_committed
        )
        for window in blamed:
            self.metrics.inc("blockmeter_windows_invalid_total", meter=window.meter)
            log.error(
                "meter %s: window %d rejected: %s; its later windows wait. Fix the cause, then "
                "run `blockmeter requeue %s` (or give the window up: "
                "`blockmeter quarantine discard %s`)",
                window.meter,
                window.start,
                messages.get(window.txn_id or "", fallback),
                window.meter,
                window_id(window.meter, window.start),
            )

    def _needs_resend(self, batch: InFlight) -> bool:
        # Never sent (prepared before a crash) or PENDING for too long (a validator that
        # restarts loses its pending queue; another may never have seen the batch).
        return batch.attempts == 0 or time.time() - batch.submitted_at > self.resend_pending_after

    # -- preparing ------------------------------------------------------------------------

    def _prepare_batches(self) -> set[str]:
        """Sign batches for meters with windows ready; store them before anything is sent."""
        room = self.max_in_flight - len(self.spool.in_flight())
        meters = self.spool.ready_meters()
        if meters:
            self._turn %= len(meters)
            meters = meters[self._turn :] + meters[: self._turn]
            self._turn += 1
        new: set[str] = set()
        for meter in meters[: max(0, room)]:
            windows = self.spool.closed_windows(meter, self.max_windows_per_batch)
            transactions = [self.builder(self.signer, w) for w in windows]
            # A new batch id every time, even for the same windows after a requeue: a validator
            # ignores a batch id it has seen (make_batch's fresh_id).
            batch = make_batch(self.signer, transactions, fresh_id=True)
            self.spool.mark_submitted(
                batch.header_signature,
                meter,
                batch.SerializeToString(),
                [(w.start, t.header_signature) for w, t in zip(windows, transactions, strict=True)],
            )
            new.add(batch.header_signature)
        return new

    # -- sending --------------------------------------------------------------------------

    async def _send(self, batches: list[InFlight]) -> None:
        for i in range(0, len(batches), self.max_batches_per_post):
            chunk = batches[i : i + self.max_batches_per_post]
            if len(chunk) == 1:
                await self._post_or_quarantine(chunk[0])
                continue
            try:
                await self._post(chunk)
            except Rejected:
                for batch in chunk:  # find the one the API refuses; send the others
                    await self._post_or_quarantine(batch)

    async def _post_or_quarantine(self, batch: InFlight) -> None:
        try:
            await self._post([batch])
        except Rejected as exc:
            await self._quarantine(batch, {}, f"REST API refused the batch: {exc}")

    async def _post(self, batches: list[InFlight]) -> None:
        bodies = await self.run_db(self.spool.batch_bodies, [b.batch_id for b in batches])
        decoded = [Batch.FromString(body) for body in bodies]
        await self._call(lambda c: c.submit_batches(decoded))
        await self.run_db(self.spool.note_sent, [b.batch_id for b in batches])
        self.metrics.inc("blockmeter_batches_sent_total", len(batches))

    async def _client(self, url: str) -> LedgerClient:
        if url not in self._clients:
            self._clients[url] = await self._stack.enter_async_context(self.client_factory(url))
        return self._clients[url]

    async def _call(self, request: Callable[[LedgerClient], Awaitable[T]]) -> T:
        """Run `request` against the current URL; on a retryable error back off and fail over
        to the next URL, until it succeeds (or the task is cancelled)."""
        while True:
            url = self.urls[self.url_index]
            try:
                result = await request(await self._client(url))
            except Exception as exc:
                kind = error_kind(exc)
                if kind is None:
                    raise
                self.metrics.inc("blockmeter_errors_total", kind=kind)
                if kind == "rejected":
                    raise Rejected(str(exc)) from exc
                delay = self.backoff.next()
                self.url_index = (self.url_index + 1) % len(self.urls)
                log.warning(
                    "%s: %s (%s); next try in %.1f s at %s",
                    url,
                    exc or type(exc).__name__,
                    kind,
                    delay,
                    self.urls[self.url_index],
                )
                await asyncio.sleep(delay)
            else:
                self.backoff.reset()
                return result


async def _run_inline(fn: Callable[..., T], *args: Any) -> T:
    return fn(*args)
