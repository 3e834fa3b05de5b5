"""Ingest at the hardware limit: committed rates, commit latency, and where each transaction's
CPU goes, stage by stage, next to what each stage costs alone on this machine (its floor).

`smartblocks devnet` and `smartblocks tp kv|blockmeter` run as subprocesses (bench/stack.py)
with SMARTBLOCKS_STAGE_TIMES set, so both count CPU time per stage
(smartblocks.ledger.stage_times; thread CPU time, off in normal runs). A run reports:

- kv `set` transactions at 1, 10 and 100 per batch: committed txn/s; p50/p99 submit-to-commit
  latency of 100-txn batches offered at half the 100-txn peak;
- BlockMeter `record readings` at 1, 96, 900 and 3,600 values per transaction: committed
  readings/s (plotted against values per transaction beside the JSON);
- for each run, CPU microseconds per committed transaction per stage (REST decode, signature
  verification, batch checks, scheduling, processor round trips on both sides, payload decode,
  apply, receipts and events, Merkle update, SQLite, event delivery), and what the processes
  spent outside any counted stage (the event loop, HTTP, ZMQ's threads);
- each stage's floor, measured in this run in this process as CPU time: the same work done by
  the fastest means at hand (libsecp256k1 on parsed keys, hashlib's SHA-512, a memory copy,
  pyzmq send + receive, SQLite inserts of as many rows, protobuf's upb decode of the same
  TpProcessRequests, the handler's apply on a dict), and the ratio of the stage to it;
- BlockMeter at 96 and 3,600 values again with a second `smartblocks tp blockmeter` process
  (the processor is the bound: one core, one GIL; Sawtooth shares a family's transactions
  among its processors).

Rates are wall-clock and suffer when other jobs share the machine; CPU per transaction (stage
counters and /proc) much less so. The load average at the start is recorded with the figures.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import secp256k1
import zmq
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest

from bench import harness
from bench.bench_blockmeter_apply import DictContext
from bench.bench_blockmeter_apply import request as process_request
from bench.bench_blockmeter_apply import setup as blockmeter_setup
from bench.bench_blockmeter_devnet import Plan, meter_batches, post_in_order, register_meters
from bench.bench_devnet import latencies, make_batches, throughput, wait_committed, warm_up
from bench.stack import DevnetStack, Stack, Target
from smartblocks.ledger import stage_times
from smartblocks.ledger.keys import Signer, verify
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.blockmeter import payload as blockmeter_payload
from smartblocks.processors.blockmeter import txn as blockmeter_txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.kv import payload as kv_payload
from smartblocks.processors.kv.handler import KvHandler
from tests.integration.processes import Processor, poll

RESULTS_PLOT = harness.RESULTS / "ingest_readings.png"
SETTLE_S = 0.5  # processors dump their counters every 0.2 s
KV_SIZES = (1, 10, 100)
KV_BATCHES = {1: 3000, 10: 600, 100: 200}
KV_BATCHES_QUICK = {100: 20}
# A meter's batches go in order, one in flight (its windows must commit in order), so the
# meters in flight bound a run: enough of them to keep the devnet and processors busy.
METER_PLANS = {
    1: Plan(meters=64, batches_per_meter=5, txns_per_batch=10),
    96: Plan(meters=64, batches_per_meter=5, txns_per_batch=10),
    900: Plan(meters=32, batches_per_meter=4, txns_per_batch=5),
    3600: Plan(meters=32, batches_per_meter=2, txns_per_batch=4),
}
METER_PLANS_QUICK = {
    96: Plan(meters=4, batches_per_meter=2, txns_per_batch=5),
    3600: Plan(meters=4, batches_per_meter=1, txns_per_batch=2),
}
LATENCY_SECONDS = 30
LATENCY_SECONDS_QUICK = 5
COUNTED = " (stage counters on)"


# -- counters ------------------------------------------------------------------------------


def _counters(folder: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Stage counters by role (devnet, tp-kv, ...), summed over the processes of a role."""
    by_role: dict[str, dict[str, dict[str, float]]] = {}
    for stem, stages in stage_times.read_folder(folder).items():
        role = stem.rsplit("-", 1)[0]
        into = by_role.setdefault(role, {})
        for stage, value in stages.items():
            got = into.setdefault(stage, {"seconds": 0.0, "count": 0})
            got["seconds"] += value["seconds"]
            got["count"] += value["count"]
    return by_role


def _difference(after: dict, before: dict) -> dict[str, dict[str, dict[str, float]]]:
    out: dict[str, dict[str, dict[str, float]]] = {}
    for role, stages in after.items():
        for stage, value in stages.items():
            old = before.get(role, {}).get(stage, {"seconds": 0.0, "count": 0})
            out.setdefault(role, {})[stage] = {
                "seconds": value["seconds"] - old["seconds"],
                "count": value["count"] - old["count"],
            }
    return out


class Meter:
    """Stage counters and process CPU over one measured run."""

    def __init__(self, stack: Stack, folder: Path) -> None:
        self.stack, self.folder = stack, folder
        # Named as the counters name them: devnet, tp-FAMILY.
        self.pids = {
            role if role == "devnet" else f"tp-{role}": pid
            for role, pid in stack.pids.items()
            if role != "client"
        }
        self.extra: list[tuple[str, int]] = []

    def add(self, role: str, pid: int) -> None:
        """Another process whose CPU counts under `role` (a second processor of a family)."""
        self.extra.append((role, pid))

    def _cpu(self) -> dict[str, float]:
        cpu = {role: harness.cpu_seconds(pid) for role, pid in self.pids.items()}
        for role, pid in self.extra:
            cpu[role] = cpu.get(role, 0.0) + harness.cpu_seconds(pid)
        return cpu

    @contextlib.contextmanager
    def run(self) -> Iterator[dict[str, Any]]:
        time.sleep(SETTLE_S)
        counters = _counters(self.folder)
        cpu = self._cpu()
        result: dict[str, Any] = {}
        began = time.perf_counter()
        yield result
        result["elapsed"] = time.perf_counter() - began
        time.sleep(SETTLE_S)
        result["cpu"] = {role: seconds - cpu[role] for role, seconds in self._cpu().items()}
        result["stages"] = _difference(_counters(self.folder), counters)


# -- floors --------------------------------------------------------------------------------


def _per_call(
    call: Callable[[], object], seconds: float = 0.3, clock: Callable[[], float] = time.thread_time
) -> float:
    """CPU seconds per call of `call` (this thread's, so other jobs on the machine do not
    count), best of three rounds of about `seconds` / 3 each."""
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds / 6:
        call()
        count += 1
    best = float("inf")
    for _ in range(3):
        began = clock()
        for _ in range(count):
            call()
        best = min(best, (clock() - began) / count)
    return best


def measure_floors(quick: bool) -> dict[str, float]:
    """Seconds per unit of each elementary operation, on this machine, in this process."""
    seconds = 0.15 if quick else 0.4
    signer = Signer.generate()
    message = os.urandom(300)
    signature = signer.sign(message)
    public = secp256k1.PublicKey(bytes.fromhex(signer.public_key), raw=True)
    raw_signature = public.ecdsa_deserialize_compact(bytes.fromhex(signature))
    big = os.urandom(1 << 20)
    node = os.urandom(120)
    txn = blockmeter_txn.create_site(
        signer, site_id="s", owner_public_key=signer.public_key, name="s"
    )
    from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

    floors = {
        "secp256k1 verify, parsed key (libsecp256k1)": _per_call(
            lambda: public.ecdsa_verify(message, raw_signature), seconds
        ),
        "secp256k1 verify, as the devnet calls it": _per_call(
            lambda: verify(signature, message, signer.public_key), seconds
        ),
        "SHA-512 per byte": _per_call(lambda: hashlib.sha512(big).digest(), seconds) / len(big),
        "SHA-512 of a 120-byte node": _per_call(lambda: hashlib.sha512(node).digest(), seconds),
        "memory copy per byte": _per_call(lambda: bytearray(big), seconds) / len(big),
        "TransactionHeader decode (protobuf upb)": _per_call(
            lambda: TransactionHeader.FromString(txn.header), seconds
        ),
        "dict write and read": _per_call(_dict_write_read(), seconds),
        "ZMQ message, send + receive (DEALER to ROUTER, tcp)": _zmq_message(seconds),
        "SQLite row insert (WAL, in one transaction)": _sqlite_row(quick),
    }
    return floors


def _dict_write_read() -> Callable[[], object]:
    table: dict[str, int] = {}
    key = "a" * 70

    def call() -> object:
        table[key] = 1
        return table[key]

    return call


def _zmq_message(seconds: float) -> float:
    context = zmq.Context()
    router, dealer = context.socket(zmq.ROUTER), context.socket(zmq.DEALER)
    try:
        port = router.bind_to_random_port("tcp://127.0.0.1")
        dealer.connect(f"tcp://127.0.0.1:{port}")
        frame = os.urandom(200)
        burst = 100

        def many() -> None:
            for _ in range(burst):
                dealer.send(frame)
            for _ in range(burst):
                router.recv_multipart()

        # CPU of the whole process (ZMQ's I/O thread included), not the wait for it.
        return _per_call(many, seconds, time.process_time) / burst
    finally:
        dealer.close(linger=0)
        router.close(linger=0)
        context.term()


def _sqlite_row(quick: bool) -> float:
    """Per row: INSERT OR IGNORE (TEXT key, ~150-byte BLOB), many per transaction, in WAL."""
    rows = 5_000 if quick else 20_000
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(str(Path(tmp) / "floor.db"), isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB NOT NULL)")
        data = [(hashlib.sha512(str(i).encode()).hexdigest(), os.urandom(150)) for i in range(rows)]
        began = time.thread_time()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT OR IGNORE INTO t VALUES (?, ?)", data)
        conn.execute("COMMIT")
        elapsed = time.thread_time() - began
        conn.close()
    return elapsed / rows


def request_decode_floor(requests: list[TpProcessRequest]) -> float:
    """CPU seconds per protobuf (upb) decode of these TpProcessRequests, each as the processor
    receives it (with a transaction signature and a context id)."""
    encoded = [
        TpProcessRequest(
            header=r.header, payload=r.payload, signature="0" * 128, context_id="0" * 32
        ).SerializeToString()
        for r in requests
    ]
    return _per_call(lambda: [TpProcessRequest.FromString(e) for e in encoded]) / len(encoded)


def apply_floor_kv(count: int) -> tuple[float, float, float]:
    """(apply, payload decode, TpProcessRequest decode) CPU seconds per kv `set`, in process on
    a dict."""
    from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

    signer = Signer.generate()
    [batch] = make_batches(signer, "f", 1, count)
    requests = [
        TpProcessRequest(header=TransactionHeader.FromString(t.header), payload=t.payload)
        for t in batch.transactions
    ]
    handler, context = KvHandler(), DictContext()
    began = time.thread_time()
    for req in requests:
        handler.apply(req, context)  # type: ignore[arg-type]
    applied = (time.thread_time() - began) / count
    began = time.thread_time()
    for req in requests:
        kv_payload.decode(req.payload)
    decoded = (time.thread_time() - began) / count
    return applied, decoded, request_decode_floor(requests)


def apply_floor_blockmeter(size: int, count: int) -> tuple[float, float, float]:
    """(apply, payload decode, TpProcessRequest decode) CPU seconds per `record readings` of
    `size` values, in process."""
    handler, context, device = blockmeter_setup("floor")
    start, requests = 1_767_225_600, []
    for n in range(count):
        values = [(n * 7 + i) % 5000 for i in range(size)]
        transaction = blockmeter_txn.record_readings(
            device, meter_id="floor", window_start=start, interval_s=60, values=values
        )
        requests.append(process_request(transaction))
        start += 60 * size
    began = time.thread_time()
    for req in requests:
        handler.apply(req, context)  # type: ignore[arg-type]
    applied = (time.thread_time() - began) / count
    began = time.thread_time()
    for req in requests:
        blockmeter_payload.decode(req.payload)
    decoded = (time.thread_time() - began) / count
    return applied, decoded, request_decode_floor(requests)


# -- the stage table -----------------------------------------------------------------------

UNATTRIBUTED = "outside counted stages (event loop, HTTP server, ZMQ threads, GC)"


def stage_rows(
    run: dict[str, Any],
    txns: int,
    txns_per_batch: int,
    txn_bytes: float,
    in_process: tuple[float, float, float],
    floors: dict[str, float],
    tp_role: str,
) -> list[tuple[str, str, float, float | None, str]]:
    """(process, stage, µs per txn, floor µs per txn or None, what the floor is)."""
    devnet = run["stages"].get("devnet", {})
    tp = run["stages"].get(tp_role, {})

    def us(stages: dict, name: str) -> float:
        return 1e6 * stages.get(name, {}).get("seconds", 0.0) / txns

    def count(stages: dict, name: str) -> float:
        return stages.get(name, {}).get("count", 0) / txns

    from smartblocks.devnet import stages as names
    from smartblocks.processors.runtime import connection as tp_connection
    from smartblocks.processors.runtime import runtime as tp_runtime

    verify_floor = floors["secp256k1 verify, parsed key (libsecp256k1)"]
    messages = count(devnet, names.ENDPOINT_SEND) * 2  # each one answered
    message_floor = floors["ZMQ message, send + receive (DEALER to ROUTER, tcp)"] * messages
    merkle_hashes = count(devnet, names.MERKLE)
    merkle_rows = count(devnet, names.SQLITE)  # written rows, counted by the store
    sqlite_rows = merkle_rows
    copy = floors["memory copy per byte"] * txn_bytes
    apply_s, decode_s, request_decode_s = in_process
    rows: list[tuple[str, str, float, float | None, str]] = [
        ("devnet", names.REST_DECODE, us(devnet, names.REST_DECODE), 1e6 * copy,
         "read the submitted bytes once (memory copy)"),
        ("devnet", names.SIGNATURES, us(devnet, names.SIGNATURES),
         1e6 * verify_floor * (1 + 1 / txns_per_batch),
         "libsecp256k1 verify on a parsed key, 1 + 1/batch-size per txn"),
        ("devnet", names.BATCH_CHECKS, us(devnet, names.BATCH_CHECKS),
         1e6 * floors["SHA-512 per byte"] * txn_bytes,
         "SHA-512 over the transaction's bytes"),
        ("devnet", names.SCHEDULING, us(devnet, names.SCHEDULING),
         1e6 * floors["dict write and read"] * 2,
         "two dict writes and reads per txn"),
        ("devnet", names.EXECUTOR, us(devnet, names.EXECUTOR), None, "part of the round trips"),
        ("devnet", names.STATE_CALLS, us(devnet, names.STATE_CALLS), None,
         "part of the round trips"),
        ("devnet", names.ENDPOINT_RECEIVE, us(devnet, names.ENDPOINT_RECEIVE), None,
         "part of the round trips"),
        ("devnet", names.ENDPOINT_SEND, us(devnet, names.ENDPOINT_SEND), None,
         "part of the round trips"),
        ("processor", tp_connection.MESSAGING, us(tp, tp_connection.MESSAGING), None,
         "part of the round trips"),
        ("both", "processor round trips, all of the above",
         sum(us(devnet, n) for n in (names.EXECUTOR, names.STATE_CALLS, names.ENDPOINT_RECEIVE,
                                     names.ENDPOINT_SEND)) + us(tp, tp_connection.MESSAGING),
         1e6 * message_floor,
         f"pyzmq send + receive of {messages:.1f} messages per txn"),
        ("processor", tp_runtime.REQUEST_DECODE, us(tp, tp_runtime.REQUEST_DECODE),
         1e6 * request_decode_s, "protobuf upb decode of the same TpProcessRequests alone"),
        ("processor", "payload decode (measured alone, same payloads)", 1e6 * decode_s, None,
         "inside apply"),
        ("processor", tp_runtime.APPLY, us(tp, tp_runtime.APPLY), 1e6 * apply_s,
         "the handler's apply on an in-memory dict (no validator)"),
        ("processor", tp_runtime.RESPONSE, us(tp, tp_runtime.RESPONSE), None, "tiny"),
        ("devnet", names.RECEIPTS_EVENTS, us(devnet, names.RECEIPTS_EVENTS), 1e6 * copy,
         "copy the written bytes once"),
        ("devnet", names.MERKLE, us(devnet, names.MERKLE),
         1e6 * floors["SHA-512 of a 120-byte node"] * merkle_hashes,
         f"one SHA-512 per node hashed ({merkle_hashes:.1f} per txn)"),
        ("devnet", names.SQLITE, us(devnet, names.SQLITE),
         1e6 * floors["SQLite row insert (WAL, in one transaction)"] * sqlite_rows,
         f"SQLite inserts of {sqlite_rows:.1f} rows per txn"),
        ("devnet", names.EVENT_DELIVERY, us(devnet, names.EVENT_DELIVERY), None,
         "no subscriber in this run"),
    ]  # fmt: skip
    counted_devnet = sum(v["seconds"] for v in devnet.values())
    counted_tp = sum(v["seconds"] for v in tp.values())
    for process, role, counted in (
        ("devnet", "devnet", counted_devnet),
        ("processor", tp_role, counted_tp),
    ):
        total = run["cpu"].get(role, 0.0)
        rows.append((process, "total CPU (from /proc)", 1e6 * total / txns, None, ""))
        rows.append((process, UNATTRIBUTED, 1e6 * (total - counted) / txns, None, ""))
    return rows


def stage_figures(
    label: str, rows: list[tuple[str, str, float, float | None, str]], **params: Any
) -> list[dict[str, Any]]:
    figures = []
    print(f"   {label}: CPU per committed txn by stage (µs), floor, ratio")
    for process, stage, value, floor, what in rows:
        ratio = value / floor if floor else None
        shown = f"{floor:9.1f}  x{ratio:6.1f}" if floor else f"{'-':>9}  {'':7}"
        print(f"     {process:9} {stage[:72]:72} {value:9.1f}  {shown}  {what}")
        figures.append(
            harness.figure(
                f"stage CPU per committed txn, {label}: {process}: {stage}",
                value,
                "µs/txn",
                floor_us_per_txn=round(floor, 3) if floor else None,
                ratio_to_floor=round(ratio, 2) if ratio else None,
                floor_is=what,
                **params,
            )
        )
    return figures


# -- runs ----------------------------------------------------------------------------------


def cpu_figures(
    label: str, run: dict[str, Any], txns: int, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """CPU per committed transaction of each process started (from /proc)."""
    return [
        harness.figure(
            f"CPU per committed txn, {label}: {role}", 1e6 * seconds / txns, "µs/txn", **params
        )
        for role, seconds in run["cpu"].items()
    ]


async def kv_runs(
    stack: Stack,
    meter: Meter,
    quick: bool,
    floors: dict[str, float],
    common: dict[str, Any],
    counting: bool,
) -> list[dict[str, Any]]:
    """Rates and latency (`counting` False), or the stage split (True: rates labelled so)."""
    figures: list[dict[str, Any]] = []
    counted = COUNTED if counting else ""
    signer = Signer.generate()
    peak_100 = 0.0
    async with RestClient(stack.rest_url, timeout=120) as rest:
        await warm_up(rest, signer)
        for size, count in (KV_BATCHES_QUICK if quick else KV_BATCHES).items():
            batches = make_batches(signer, f"k{size}", count, size)
            with meter.run() as run:
                rate = await throughput(rest, batches)
            txns = count * size
            if size == 100:
                peak_100 = rate
            params = {**common, "family": "kv", "txns_per_batch": size, "batches": count}
            figures.append(
                harness.figure(
                    f"kv committed txns/s, {size} txns per batch{counted}", rate, "txn/s", **params
                )
            )
            print(f"   kv {size} txns/batch{counted}: {rate:,.0f} txn/s", flush=True)
            figures += cpu_figures(f"kv {size} txns/batch{counted}", run, txns, params)
            if counting:
                txn_bytes = sum(len(t.SerializeToString()) for t in batches[0].transactions)
                rows = stage_rows(run, txns, size, txn_bytes / size, apply_floor_kv(200), floors,
                                  "tp-kv")  # fmt: skip
                figures += stage_figures(f"kv {size} txns/batch", rows, **params)
        if counting:
            return figures
        seconds = LATENCY_SECONDS_QUICK if quick else LATENCY_SECONDS
        half = peak_100 / 2
        interval = 100 / half
        count = max(5, int(seconds / interval))
        timed = await latencies(rest, make_batches(signer, "lat", count, 100), interval)
    for name, fraction in (("p50", 0.5), ("p99", 0.99)):
        figures.append(harness.figure(
            f"kv submit-to-commit latency {name}, 100-txn batches at half the 100-txn peak",
            1000 * harness.percentile(timed, fraction), "ms",
            offered_txn_per_s=round(half, 1), batches=count, **common))  # fmt: skip
    print(f"   kv latency at {half:,.0f} txn/s: p50 {1000 * statistics.median(timed):.0f} ms, "
          f"p99 {1000 * harness.percentile(timed, 0.99):.0f} ms", flush=True)  # fmt: skip
    return figures


async def meter_runs(
    stack: Stack,
    meter: Meter,
    quick: bool,
    floors: dict[str, float],
    common: dict[str, Any],
    authority: Signer,
    counting: bool,
    processors: int = 1,
) -> tuple[list[dict[str, Any]], dict[int, float]]:
    import random

    figures: list[dict[str, Any]] = []
    counted = COUNTED if counting else ""
    readings_rate: dict[int, float] = {}
    plans = METER_PLANS_QUICK if quick else METER_PLANS
    if processors > 1:  # only the sizes the targets name
        plans = {size: plans[size] for size in plans if size in (96, 3600)}
    async with RestClient(stack.rest_url, timeout=120) as client:
        for size, plan in plans.items():
            rng = random.Random(size)
            devices = {f"i{size}-{processors}-{n}": Signer.generate() for n in range(plan.meters)}
            await register_meters(client, authority, devices)
            work = {m: meter_batches(m, d, size, plan, rng) for m, d in devices.items()}
            txns = plan.meters * plan.batches_per_meter * plan.txns_per_batch
            waits: list[float] = []
            with meter.run() as run:
                await asyncio.gather(*(post_in_order(client, b, waits) for b in work.values()))
            ids = [b.header_signature for batches in work.values() for b in batches]
            await wait_committed(client, ids)
            rate = txns * size / run["elapsed"]
            readings_rate[size] = rate
            params = {**common, "family": "blockmeter", "values_per_txn": size,
                      "meters": plan.meters, "txns_per_batch": plan.txns_per_batch,
                      "transactions": txns, "processors": processors}  # fmt: skip
            with_tps = ("" if processors == 1 else f", {processors} processor processes") + counted
            figures.append(harness.figure(
                f"BlockMeter committed readings/s, {size} values per txn{with_tps}", rate,
                "readings/s", **params))  # fmt: skip
            figures.append(harness.figure(
                f"BlockMeter committed txns/s, {size} values per txn{with_tps}",
                txns / run["elapsed"], "txn/s", **params))  # fmt: skip
            print(f"   BlockMeter {size} values/txn{with_tps}: {rate:,.0f} readings/s", flush=True)
            figures += cpu_figures(f"BlockMeter {size} values/txn{with_tps}", run, txns, params)
            if not counting:
                continue
            first = next(iter(work.values()))[0]
            txn_bytes = sum(len(t.SerializeToString()) for t in first.transactions) / len(
                first.transactions
            )
            floor_count = max(3, 300 // size)
            rows = stage_rows(
                run,
                txns,
                plan.txns_per_batch,
                txn_bytes,
                apply_floor_blockmeter(size, floor_count),
                floors,
                "tp-blockmeter",
            )
            label = f"BlockMeter {size} values/txn" + with_tps.removesuffix(counted)
            figures += stage_figures(label, rows, **params)
    return figures, readings_rate


def plot(readings_rate: dict[int, float], two: dict[int, float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(readings_rate)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(sizes, [readings_rate[s] for s in sizes], marker="o", label="1 processor process")
    if two:
        more = sorted(two)
        ax.plot(more, [two[s] for s in more], marker="s", label="2 processor processes")
        ax.legend()
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("values per transaction")
    ax.set_ylabel("committed readings/s")
    ax.set_title("BlockMeter on the devnet, one 2-core machine")
    ax.grid(True, which="both", alpha=0.3)
    for s in sizes:
        ax.annotate(f"{readings_rate[s]:,.0f}", (s, readings_rate[s]), textcoords="offset points",
                    xytext=(4, -12), fontsize=8)  # fmt: skip
    fig.tight_layout()
    fig.savefig(RESULTS_PLOT, dpi=100)
    plt.close(fig)


def ingest(
    folder: Path,
    counters: Path,
    quick: bool,
    floors: dict[str, float],
    common: dict[str, Any],
    counting: bool,
) -> list[dict[str, Any]]:
    """One pass over kv and BlockMeter; without `counting` also the latency, the runs with a
    second processor process and the plot."""
    figures: list[dict[str, Any]] = []
    with DevnetStack(folder / "kv", ["kv"]) as stack:
        figures += asyncio.run(kv_runs(stack, Meter(stack, counters), quick, floors, common,
                                       counting))  # fmt: skip
    authority = Signer.generate()
    settings = [f"{AUTHORITIES_SETTING}={authority.public_key}"]
    with DevnetStack(folder / "bm", ["blockmeter"], settings=settings) as stack:
        meter = Meter(stack, counters)
        found, one = asyncio.run(meter_runs(stack, meter, quick, floors, common, authority,
                                            counting))  # fmt: skip
        figures += found
        if counting:
            return figures
        # The processor is the bound (one core, Python's GIL): a second process of the
        # family shares its transactions round-robin, as in Sawtooth.
        second = Processor("blockmeter", folder / "tp-blockmeter-2.log")
        second.start(stack.component)
        try:
            poll(lambda: _registered(second), "a second blockmeter processor")
            assert second.process is not None
            meter.add("tp-blockmeter", second.process.pid)
            found, two = asyncio.run(meter_runs(stack, meter, quick, floors, common, authority,
                                                counting, processors=2))  # fmt: skip
            figures += found
        finally:
            second.stop()
    if not quick:  # a smoke run's sizes would replace the committed plot with noise
        plot(one, two)
    return figures


def _registered(processor: Processor) -> bool:
    """The processor logged its registration."""
    return " registered " in processor.log_path.read_text(errors="replace")


def run(quick: bool, target: Target | None = None) -> list[dict[str, Any]]:
    target = target or Target()
    if target.external:
        target.skip("every ingest figure", "stage counters need a devnet started here")
        return []
    floors = measure_floors(quick)
    common = {"load_average_1m": round(os.getloadavg()[0], 2), "quick": quick}
    figures = [
        harness.figure(f"floor: {name}", value * 1e6, "µs", **common)
        for name, value in floors.items()
    ]
    figures.append(harness.figure("floor: secp256k1 verifications/s (libsecp256k1, parsed key)",
                                  1 / floors["secp256k1 verify, parsed key (libsecp256k1)"],
                                  "verify/s", **common))  # fmt: skip
    figures.append(harness.figure("floor: SHA-512 throughput", 1e-6 / floors["SHA-512 per byte"],
                                  "MB/s", **common))  # fmt: skip
    copy_mb_s = 1e-6 / floors["memory copy per byte"]
    figures.append(harness.figure("floor: memory copy throughput", copy_mb_s, "MB/s", **common))
    figures.append(
        harness.figure(
            "floor: TransactionHeader decodes/s (protobuf upb)",
            1 / floors["TransactionHeader decode (protobuf upb)"],
            "decode/s",
            **common,
        )
    )
    for f in figures:
        print(f"   {f['figure']}: {f['value']:,.3f} {f['unit']}")
    previous = os.environ.get(stage_times.ENV)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
            # First the rates with the counters off (they cost CPU), then the stage split.
            for counting in (False, True):
                counters = Path(tmp) / f"stages-{counting}"
                counters.mkdir()
                if counting:
                    os.environ[stage_times.ENV] = str(counters)
                else:
                    os.environ.pop(stage_times.ENV, None)
                figures += ingest(Path(tmp) / f"run-{counting}", counters, quick, floors, common,
                                  counting)  # fmt: skip
    finally:
        if previous is None:
            os.environ.pop(stage_times.ENV, None)
        else:
            os.environ[stage_times.ENV] = previous
    if not quick:
        print(f"   plot -> {RESULTS_PLOT}")
    return figures
