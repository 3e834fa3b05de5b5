"""BlockPortal: index catch-up from genesis (in-process and over real sockets), and API latency
over a year of 1-minute data.

The chain: one block per hour; in it one batch per meter carrying that hour's 60 one-minute
readings, and the state changes the BlockMeter processor makes (meter head, day and month
rollups). Full size: 10 meters x 365 days = 8,760 blocks, 87,600 transactions, 5.3 M readings.

Figures:
- index apply rate: REST block JSON parsed + state-delta decoded + stored, blocks/s (no sockets:
  the follower's ZMQ and the REST round trip come on top; the next figure has them), a block per
  SQLite transaction (live) and 100 (a catch-up).
- index catch-up from genesis over ZMQ + REST, blocks/s: `smartblocks devnet` and `smartblocks tp
  kv` as subprocesses hold a chain of one 5-transaction kv batch per block (built untimed); a
  fresh index then follows it as the portal does (IndexFeeder: EventFollower on the component
  endpoint; the contents of runs of up to 100 blocks per GET /blocks?head=ID&limit=N, fetched
  while the run before is stored; ChainIndex storing a run per SQLite transaction), timed from
  the feeder's start until the index head is the chain head; the median of several catch-ups by
  fresh indexes of the same chain. CPU ms per indexed block of the devnet and of this process
  (the portal) during the catch-ups say where the time goes: the catch-up cannot beat
  1 / max(devnet, portal) CPU per block when each has a core of its own.
- API latency p50/p99 over a real HTTP server on 127.0.0.1 for the block list, one transaction
  (decoded), a meter's month chart (day buckets from its month rollup) and day chart (its 1,440
  one-minute readings, decoded from the 24 transactions that wrote that day).
- contract pages' API latency p50/p99 (`contract_figures`): a real portal (PortalService) on a
  devnet holding 100 contracts (--quick: 10) with a year of settled months each: the contract
  list and a contract page's data (read through the validator's REST API when asked) and its
  savings route (from the portal's index, once it has caught up).

With `--url` and `--component` (bench/stack.py `Target`) only the catch-up runs, against the
operator's validator: the kv chain is added to theirs (a kv processor must run beside it, or
`--start-processors`), and each fresh index follows the whole chain from genesis, the
network's earlier blocks included. The validator's CPU is not measured there. Apply rate and API
latency are in-process figures of the portal's machine: run them without `--url`.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChangeList

from bench import harness
from bench.bench_devnet import DEVNET_DEFAULTS, make_batches
from bench.harness import figure
from bench.stack import DevnetStack, Stack, Target, open_stack
from smartblocks.clients.portal.app import Portal, make_app
from smartblocks.clients.portal.auth import User, hash_password
from smartblocks.clients.portal.blocksource import RestBlockSource, parse_block
from smartblocks.clients.portal.config import PortalConfig
from smartblocks.clients.portal.families import default_registry
from smartblocks.clients.portal.feeder import GROUP as CATCH_UP_GROUP
from smartblocks.clients.portal.feeder import IndexFeeder
from smartblocks.clients.portal.index import ChainIndex, Stored
from smartblocks.clients.portal.live import LiveHub
from smartblocks.clients.portal.meters import StateMeterData
from smartblocks.ledger.events import (
    BLOCK_COMMIT,
    NULL_BLOCK_ID,
    STATE_DELTA,
    BlockEvents,
    EventFollower,
)
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.blockmeter import addressing as a
from smartblocks.protos import blockmeter_pb2 as pb

START = 1_735_689_600  # 2025-01-01T00:00:00Z
METERS = 10
SIGNER = "02" + "ab" * 32
KV_TXNS_PER_BLOCK = 5
CATCH_UP_TIMEOUT = 300.0
CONTRACT_YEAR = 1_767_225_600  # 2026-01-01T00:00:00Z: the contract pages' year of settlements


def _id(*parts: object) -> str:
    return hashlib.sha512("/".join(map(str, parts)).encode()).hexdigest()


def _readings(meter: int, hour: int) -> list[int]:
    # Deterministic, daily-shaped load in mWh per minute.
    base = 500_000 + 20_000 * meter
    return [base + 1000 * ((hour % 24) * 13 + m * 7 + meter) % 250_000 for m in range(60)]


class ChainBuilder:
    """Blocks as the REST API and the event stream would deliver them."""

    def __init__(self) -> None:
        self.day: dict[int, pb.Rollup] = {}
        self.month: dict[int, pb.Rollup] = {}
        self.heads = {
            m: pb.MeterHead(meter_id=f"m{m}", first_window_start=START) for m in range(METERS)
        }
        self.previous = NULL_BLOCK_ID

    def setup_block(self, num: int) -> tuple[BlockEvents, dict[str, Any]]:
        site = pb.Site(site_id="hq", name="Head office")
        changes = [(a.site_address("hq"), site.SerializeToString())]
        for m in range(METERS):
            meter = pb.Meter(
                meter_id=f"m{m}",
                site_id="hq",
                kind=pb.ELECTRICITY_IMPORT,
                unit=pb.MILLIWATT_HOUR,
                mode=pb.INTERVAL,
                nominal_interval_s=60,
            )
            changes.append((a.meter_address(f"m{m}"), meter.SerializeToString()))
        return self._block(num, [], changes)

    def hour_block(self, num: int, hour: int) -> tuple[BlockEvents, dict[str, Any]]:
        start = START + hour * 3600
        date = dt.datetime.fromtimestamp(start, dt.UTC).date()
        txns, changes = [], []
        for m in range(METERS):
            values = _readings(m, hour)
            payload = pb.BlockMeterPayload(
                action=pb.BlockMeterPayload.RECORD_READINGS,
                record_readings=pb.RecordReadings(
                    meter_id=f"m{m}", window_start=start, interval_s=60, values=values
                ),
            ).SerializeToString()
            outputs = [
                a.meter_head_address(f"m{m}"),
                a.day_rollup_address(f"m{m}", str(date)),
                a.month_rollup_address(f"m{m}", date.strftime("%Y-%m")),
            ]
            txns.append((m, payload, outputs))
            total = sum(values)
            day = self.day.get(m)
            if day is None or day.period != str(date):
                day = self.day[m] = pb.Rollup(meter_id=f"m{m}", period=str(date))
            day.buckets.append(
                pb.Bucket(index=hour % 24, sum=total, count=60, min=min(values), max=max(values))
            )
            day.min = min(values) if not day.count else min(day.min, min(values))
            day.max = max(day.max, max(values))
            day.sum += total
            day.count += 60
            month = self.month.get(m)
            if month is None or month.period != date.strftime("%Y-%m"):
                month = self.month[m] = pb.Rollup(meter_id=f"m{m}", period=date.strftime("%Y-%m"))
            if not month.buckets or month.buckets[-1].index != date.day:
                month.buckets.append(pb.Bucket(index=date.day))
            month.buckets[-1].sum += total
            month.buckets[-1].count += 60
            month.sum += total
            month.count += 60
            head = self.heads[m]
            head.last_window_end = start + 3600
            head.window_count += 1
            head.value_count += 60
            changes += [
                (outputs[0], head.SerializeToString()),
                (outputs[1], day.SerializeToString()),
                (outputs[2], month.SerializeToString()),
            ]
        return self._block(num, txns, changes)

    def _block(self, num: int, txns: list, changes: list) -> tuple[BlockEvents, dict[str, Any]]:
        block_id = _id("block", num)
        batches = []
        for m, payload, outputs in txns:
            txn_id = _id("txn", num, m)
            batches.append(
                {
                    "header": {"signer_public_key": SIGNER, "transaction_ids": [txn_id]},
                    "header_signature": _id("batch", num, m),
                    "transactions": [
                        {
                            "header": {
                                "family_name": "blockmeter",
                                "family_version": "1.0",
                                "inputs": [a.meter_address(f"m{m}"), *outputs],
                                "outputs": outputs,
                                "signer_public_key": SIGNER,
                                "batcher_public_key": SIGNER,
                                "nonce": f"m{m}-{num}",
                                "dependencies": [],
                                "payload_sha512": hashlib.sha512(payload).hexdigest(),
                            },
                            "header_signature": txn_id,
                            "payload": base64.b64encode(payload).decode(),
                        }
                    ],
                }
            )
        rest = {
            "header": {
                "block_num": str(num),
                "previous_block_id": self.previous,
                "signer_public_key": SIGNER,
                "state_root_hash": _id("root", num),
                "batch_ids": [b["header_signature"] for b in batches],
            },
            "header_signature": block_id,
            "batches": batches,
        }
        delta = StateChangeList()
        for address, value in changes:
            delta.state_changes.add(address=address, value=value, type=1)
        events = (
            Event(event_type=BLOCK_COMMIT),
            Event(event_type=STATE_DELTA, data=delta.SerializeToString()),
        )
        block = BlockEvents(block_id, num, self.previous, _id("root", num), events)
        self.previous = block_id
        return block, rest


def build_index(path: Path, days: int, group: int = 1) -> tuple[ChainIndex, float, int]:
    """Fill an index, `group` blocks per SQLite transaction (1: each block alone, as a live
    portal stores them; a catch-up stores up to 100); returns it, the apply rate (blocks/s)
    and the block count."""
    index = ChainIndex(path)
    builder = ChainBuilder()
    blocks = [builder.setup_block(0)] + [
        builder.hour_block(1 + hour, hour) for hour in range(days * 24)
    ]
    started = time.perf_counter()
    for first in range(0, len(blocks), group):
        index.apply_many(
            [Stored(events, parse_block(rest)) for events, rest in blocks[first : first + group]]
        )
    elapsed = time.perf_counter() - started
    return index, len(blocks) / elapsed, len(blocks)


async def _latencies(
    index: ChainIndex, day: str, requests: int, paths: dict[str, str] | None = None
) -> dict[str, list[float]]:
    password = "bench-password"
    config = PortalConfig(
        users={"bench": User("bench", "reader", hash_password(password, n=2**10))}
    )
    portal = Portal(config, index, default_registry(), LiveHub(), StateMeterData(index))
    runner = web.AppRunner(make_app(portal))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    head = index.head()
    assert head is not None
    txn_id = _id("txn", head[0] // 2, 3)
    paths = paths or {
        "block list": "/api/blocks?limit=20",
        "transaction": f"/api/transactions/{txn_id}",
        "meter month chart": f"/api/meters/m3/series?zoom=month&end={day}",
        "meter day chart (1-minute)": f"/api/meters/m3/series?zoom=day&end={day}",
    }
    timings: dict[str, list[float]] = {name: [] for name in paths}
    jar = aiohttp.CookieJar(unsafe=True)
    try:
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}", cookie_jar=jar) as client:
            login = await client.post("/api/login", json={"user": "bench", "password": password})
            assert login.status == 200
            for name, path in paths.items():
                for _ in range(requests):
                    started = time.perf_counter()
                    async with client.get(path) as response:
                        body = await response.json()
                        assert response.status == 200, (path, response.status)
                        assert body, path
                    timings[name].append((time.perf_counter() - started) * 1000)
    finally:
        await runner.cleanup()
    return timings


async def _build_kv_chain(rest_url: str, blocks: int) -> tuple[int, set[str]]:
    """One kv batch per block, each waited for before the next; the chain head's block_num and
    the kv transaction ids."""
    signer = Signer.generate()
    batches = make_batches(signer, "portal", blocks, KV_TXNS_PER_BLOCK)
    async with RestClient(rest_url, timeout=60) as rest:
        for batch in batches:
            await rest.submit_and_wait([batch])
        head = (await rest.blocks(limit=1))["data"][0]
    ours = {t.header_signature for b in batches for t in b.transactions}
    return int(head["header"]["block_num"]), ours


async def _catch_up(
    stack: Stack, index_path: Path, head_num: int, ours: set[str]
) -> dict[str, float]:
    """A fresh index follows the node from genesis to `head_num`: seconds and CPU seconds (of
    the devnet only if this benchmark started it)."""
    index = ChainIndex(index_path)
    reached = asyncio.Event()

    def on_block(block: dict[str, Any]) -> None:
        if block.get("block_num") == head_num:
            reached.set()

    follower = EventFollower(stack.component, index)
    source = RestBlockSource(stack.rest_url)
    feeder = IndexFeeder(index, follower, source, on_block=on_block)
    pids = {"portal": os.getpid()}
    if "devnet" in stack.pids:
        pids["devnet"] = stack.pids["devnet"]
    cpu_before = {role: harness.cpu_seconds(pid) for role, pid in pids.items()}
    started = time.perf_counter()
    feeding = asyncio.create_task(feeder.run())
    waiting = asyncio.create_task(reached.wait())
    try:
        await asyncio.wait(
            {feeding, waiting}, timeout=CATCH_UP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        elapsed = time.perf_counter() - started
        cpu = {role: harness.cpu_seconds(pid) - cpu_before[role] for role, pid in pids.items()}
        if feeding.done():
            feeding.result()  # the feeder's own error, if it stopped with one
        if not reached.is_set():
            raise RuntimeError(
                f"index head {index.head()} did not reach block {head_num} "
                f"within {CATCH_UP_TIMEOUT:g} s"
            )
        stats = index.stats()
        # Blocks also hold BlockInfo transactions and genesis its settings; an external chain
        # also its own earlier blocks.
        indexed = {row[0] for row in index.db.execute(
            "SELECT txn_id FROM transactions WHERE family = 'kv'"
        )}  # fmt: skip
    finally:
        for task in (feeding, waiting):
            task.cancel()
        await asyncio.gather(feeding, waiting, return_exceptions=True)
        await follower.close()
        await source.close()
        index.close()
    if not ours <= indexed:
        raise RuntimeError(f"indexed {len(ours & indexed)} of the {len(ours)} kv transactions")
    # A devnet started here holds only ours; an external chain may hold other kv transactions.
    if "devnet" in pids and len(indexed) != (stats["blocks"] - 1) * KV_TXNS_PER_BLOCK:
        raise RuntimeError(f"indexed {len(indexed)} kv transactions in {stats['blocks']} blocks")
    return {"seconds": elapsed, "blocks": stats["blocks"], **cpu}


def catch_up_figures(
    folder: Path, blocks: int, runs: int, target: Target | None = None
) -> list[dict[str, Any]]:
    """Index catch-up from genesis against a real devnet (or the target) holding `blocks` kv
    blocks: the median of `runs` catch-ups, each by a fresh index."""
    target = target or Target()
    with open_stack(target, folder / "stack", ["kv"]) as stack:
        head_num, ours = asyncio.run(_build_kv_chain(stack.rest_url, blocks))
        measured = [
            asyncio.run(_catch_up(stack, folder / f"catch-up-{run}.sqlite", head_num, ours))
            for run in range(runs)
        ]
    indexed = int(measured[0]["blocks"])
    rates = [indexed / m["seconds"] for m in measured]
    parameters = {
        "blocks": indexed,
        "txns_per_block": KV_TXNS_PER_BLOCK,
        "batches_per_block": 1,
        "family": "kv",
        "runs": runs,
        "slowest_run_blocks_per_s": round(min(rates), 1),
        "fastest_run_blocks_per_s": round(max(rates), 1),
        **(DEVNET_DEFAULTS if not target.external else {"url": target.url}),
        "target": target.label,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    return [
        figure(
            "index catch-up from genesis over ZMQ + REST",
            statistics.median(rates),
            "blocks/s",
            **parameters,
        ),
        *[
            figure(
                f"CPU per indexed block during catch-up, {role}",
                1000 * sum(m[role] for m in measured) / (indexed * runs),
                "ms",
                blocks=indexed,
                txns_per_block=KV_TXNS_PER_BLOCK,
                runs=runs,
                target=target.label,
            )
            for role in ("devnet", "portal")
            if role in measured[0]
        ],
    ]


def chart_figures(
    index: ChainIndex, day: dt.date, requests: int, days: int, blocks: int
) -> list[dict]:
    """API latency of the chart and KPI routes (#13 parts 2 and 4): a week with the previous
    week, baselines and forecasts beside it; 90 days as a range (day buckets); the site's 10
    meters summed per hour over a week; the site's KPIs (a year of month rollups of 10 meters
    and 30 days of day rollups); a meter's forecast accuracy (24 record look-ups)."""
    start = (day - dt.timedelta(days=89)).isoformat()
    end = day.isoformat()
    paths = {
        "meter week chart + previous, baseline, forecast": (
            f"/api/meters/m3/series?zoom=week&end={end}&compare=previous,baseline,forecast"
        ),
        "meter 90-day range chart": f"/api/meters/m3/series?zoom=range&start={start}&end={end}",
        "site balance chart (week, 10 meters)": f"/api/sites/hq/series?zoom=week&end={end}",
        "site KPIs (year, 10 meters)": f"/api/sites/hq/kpis?day={end}",
        "meter forecast accuracy": f"/api/meters/m3/accuracy?end={end}",
    }
    timings = asyncio.run(_latencies(index, end, requests, paths))
    return [
        figure(
            f"API latency {name} p{q}",
            _percentile(values, q),
            "ms",
            requests=len(values),
            blocks=blocks,
            days=days,
            meters=METERS,
        )
        for name, values in timings.items()
        for q in (50, 99)
    ]


async def _year_of_settled_contracts(
    stack: Stack, parties: Any, contracts: int, clock: Path
) -> str:
    """`contracts` shared-savings contracts on one site, each monthly over YEAR (12 periods),
    proposed, accepted, the year's hourly readings of its meter and weather station on the
    ledger, and all 12 periods settled (clients of the devnet, ledger time from `clock`). The
    first contract's id."""
    from bench.bench_energycontract_devnet import (
        PER_BATCH,
        by_signer,
        chunks,
        month_bounds,
        post_all,
    )
    from smartblocks.ledger.transactions import make_batch
    from smartblocks.processors.energycontract import txn
    from smartblocks.processors.energycontract.terms import terms_hash

    all_terms = [parties.terms(n, CONTRACT_YEAR) for n in range(contracts)]
    async with RestClient(stack.rest_url, timeout=120) as client:
        site, *meters = parties.site_transactions()
        await client.submit_and_wait([make_batch(parties.authority, [site])])
        await client.submit_and_wait([make_batch(parties.owner, meters)])
        funds = txn.issue(parties.bank, currency="EUR", to=parties.owner.public_key, amount=10**12)
        await client.submit_and_wait([make_batch(parties.bank, [funds])])
        await post_all(
            client,
            by_signer([(parties.esco, txn.propose(parties.esco, terms=t)) for t in all_terms]),
        )
        accepts = [
            (parties.owner, txn.accept(parties.owner, terms=t, terms_hash=terms_hash(t)))
            for t in all_terms
        ]
        await post_all(client, by_signer(accepts))
        month = CONTRACT_YEAR
        for _ in range(12):
            start, end = month_bounds(month)
            clock.write_text(str(end + 60))  # readings may not end after ledger time
            await client.submit_and_wait([make_batch(parties.device, parties.readings(start, end))])
            month = end
        for period in range(12):  # a period settles after the one before it
            settles = [txn.settle(parties.settler, terms=t, period=period) for t in all_terms]
            await post_all(client, chunks(settles, parties.settler, PER_BATCH))
    return str(all_terms[0].contract_id)


async def _contract_latencies(
    stack: Stack, folder: Path, contract_id: str, requests: int
) -> tuple[dict[str, list[float]], int]:
    """A real PortalService on the devnet: once its index has caught up with the chain, the
    latency of the contract list, a contract page's data (both read through the validator's
    REST API when asked) and the savings route (from the index); and the chain's length."""
    from smartblocks.clients.portal.server import PortalService

    password = "bench-password"
    config = PortalConfig(
        listen="127.0.0.1:0",
        rest_api=stack.rest_url,
        component=stack.component,
        data_dir=str(folder / "portal"),
        users={"bench": User("bench", "reader", hash_password(password, n=2**10))},
    )
    async with RestClient(stack.rest_url) as rest:
        head = int((await rest.blocks(limit=1))["data"][0]["header"]["block_num"])
    service = PortalService(config)
    await service.start()
    paths = {
        "contract list": "/api/contracts",
        "contract page data": f"/api/contracts/{contract_id}",
        "contract savings": f"/api/contracts/{contract_id}/savings",
    }
    timings: dict[str, list[float]] = {name: [] for name in paths}
    try:
        deadline = time.monotonic() + CATCH_UP_TIMEOUT
        while (service.index.head() or (-1,))[0] < head:  # the savings route reads the index
            if time.monotonic() > deadline:
                raise RuntimeError(f"the portal's index did not reach block {head}")
            await asyncio.sleep(0.1)
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(service.url, cookie_jar=jar) as client:
            login = await client.post("/api/login", json={"user": "bench", "password": password})
            assert login.status == 200
            for name, path in paths.items():
                for _ in range(requests):
                    started = time.perf_counter()
                    async with client.get(path) as response:
                        body = await response.json()
                        assert response.status == 200, (path, response.status, body)
                    timings[name].append((time.perf_counter() - started) * 1000)
            assert len(body["periods"]) == 12 and body["to_date"]["avoided"] > 0, body
    finally:
        await service.stop()
    return timings, head


def contract_figures(folder: Path, contracts: int, requests: int) -> list[dict]:
    """API latency of the contract pages (#13 "Tests"): on a devnet (with the BlockMeter and
    EnergyContract processors, ledger time from a file) holding `contracts` contracts with a
    year of settled months each, a real portal's contract list and contract page data (read
    through the validator's REST API: every contract; one contract, its 12 settlements, escrow
    and balances) and its savings route (the index's settlement records)."""
    from bench.bench_energycontract_devnet import FAMILIES, ISSUERS, Parties
    from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING

    authority, bank = Signer.generate(), Signer.generate()
    folder.mkdir(parents=True, exist_ok=True)
    clock = folder / "clock"
    clock.write_text(str(CONTRACT_YEAR - 86_400))  # proposed the day before the year starts
    settings = [f"{AUTHORITIES_SETTING}={authority.public_key}", f"{ISSUERS}={bank.public_key}"]
    stack = DevnetStack(
        folder / "stack", FAMILIES, settings=settings, devnet_args=["--clock-file", str(clock)]
    )
    parties = Parties(authority, bank, contracts, distinct=False)
    with stack as node:
        began = time.perf_counter()
        contract_id = asyncio.run(_year_of_settled_contracts(node, parties, contracts, clock))
        setup_s = time.perf_counter() - began
        timings, blocks = asyncio.run(_contract_latencies(node, folder, contract_id, requests))
    parameters = {
        "contracts": contracts,
        "settled_periods": contracts * 12,
        "period": "month",
        "blocks": blocks,
        "set_up_s": round(setup_s, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    return [
        figure(
            f"API latency {name} p{q}",
            _percentile(values, q),
            "ms",
            requests=len(values),
            **parameters,
        )
        for name, values in timings.items()
        for q in (50, 99)
    ]


def _percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run(quick: bool, target: Target | None = None) -> list[dict]:
    target = target or Target()
    if target.external:
        if not target.component:
            target.skip("index catch-up", "needs --component (the index follows its events)")
            return []
        for what in ("index apply rate from genesis", "API latency"):
            target.skip(what, "in process, no validator: run `python -m bench portal` for it")
        target.skip("CPU per indexed block, devnet", "the benchmark did not start the validator")
        with tempfile.TemporaryDirectory() as tmp:
            return catch_up_figures(Path(tmp), 100 if quick else 400, 3 if quick else 5, target)
    days = 14 if quick else 365
    requests = 50 if quick else 300
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        grouped_index, grouped, _ = build_index(Path(tmp) / "grouped.sqlite", days, CATCH_UP_GROUP)
        grouped_index.close()
        index, rate, blocks = build_index(Path(tmp) / "index.sqlite", days)
        for value, group in ((rate, 1), (grouped, CATCH_UP_GROUP)):
            figures.append(
                figure(
                    "index apply rate from genesis"
                    + ("" if group == 1 else f", {group} blocks per SQLite transaction"),
                    value,
                    "blocks/s",
                    blocks=blocks,
                    meters=METERS,
                    readings_per_block=METERS * 60,
                    blocks_per_transaction=group,
                )
            )
        middle = dt.datetime.fromtimestamp(START, dt.UTC) + dt.timedelta(days=days // 2)
        timings = asyncio.run(_latencies(index, middle.date().isoformat(), requests))
        for name, values in timings.items():
            for q in (50, 99):
                figures.append(
                    figure(
                        f"API latency {name} p{q}",
                        _percentile(values, q),
                        "ms",
                        requests=len(values),
                        blocks=blocks,
                        days=days,
                        meters=METERS,
                    )
                )
        figures += chart_figures(index, middle.date(), requests, days, blocks)
        index.close()
        figures += contract_figures(Path(tmp) / "contracts", 10 if quick else 100, requests)
        figures += catch_up_figures(Path(tmp), 100 if quick else 400, runs=3 if quick else 5)
    return figures
