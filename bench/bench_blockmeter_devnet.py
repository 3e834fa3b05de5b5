"""BlockMeter `record readings` committed on the devnet, end to end.

`smartblocks devnet` and `smartblocks tp blockmeter` run as subprocesses; the benchmark posts
batches to the REST API and waits for their commits. For 1, 96, 900 and 3,600 one-minute values
per transaction: several meters post at once (one batch in flight per meter, since a meter's
windows must commit in order), several transactions per batch. Transactions are built and
signed before the clock starts, so the figures are the ledger's, not the client's (the client's
cost is reported on its own). State bytes written per reading come from the transaction
receipts' state changes. CPU seconds of the devnet and processor processes show where the time
goes.

With `--url` (bench/stack.py `Target`) the same figures for an operator's validator: its
BlockMeter processor (theirs, or started here with `--start-processors`), BlockInfo (ledger time)
and a metering authority's key (`--authority-key`, a key listed in
smartblocks.blockmeter.authorities: it creates one site per meter); without that key nothing
here can be measured and the run says so. Validator CPU is not measured there, processor CPU
only when the benchmark started the processor.
"""

from __future__ import annotations

import asyncio
import base64
import calendar
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.batch_pb2 import Batch

from bench import harness
from bench.stack import Stack, Target, open_stack
from smartblocks.ledger.keys import KeyFileError, Signer, load_signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import decode_setting, entry_value, setting_address, split_list
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING

INTERVAL_S = 60
START = calendar.timegm((2026, 1, 1, 0, 0, 0))
RECEIPTS_PER_REQUEST = 100


@dataclass(frozen=True)
class Plan:
    meters: int
    batches_per_meter: int
    txns_per_batch: int


FULL = {
    1: Plan(meters=16, batches_per_meter=20, txns_per_batch=10),
    96: Plan(meters=16, batches_per_meter=10, txns_per_batch=10),
    900: Plan(meters=16, batches_per_meter=5, txns_per_batch=5),
    3600: Plan(meters=16, batches_per_meter=3, txns_per_batch=4),
}
QUICK = {
    1: Plan(meters=4, batches_per_meter=3, txns_per_batch=5),
    96: Plan(meters=4, batches_per_meter=2, txns_per_batch=5),
    900: Plan(meters=4, batches_per_meter=2, txns_per_batch=2),
    3600: Plan(meters=4, batches_per_meter=1, txns_per_batch=2),
}


async def register_meters(
    client: RestClient, authority: Signer, devices: dict[str, Signer]
) -> None:
    """One site per meter, owned by the authority, each meter bound to its own device key."""
    batches = []
    for meter_id, device in devices.items():
        site = f"site-{meter_id}"
        batches.append(
            make_batch(
                authority,
                [
                    txn.create_site(
                        authority, site_id=site, owner_public_key=authority.public_key, name=site
                    ),
                    txn.register_meter(
                        authority,
                        meter_id=meter_id,
                        site_id=site,
                        kind="ELECTRICITY_IMPORT",
                        unit="MILLIWATT_HOUR",
                        nominal_interval_s=INTERVAL_S,
                        plausible_min=0,
                        plausible_max=10**10,
                    ),
                    txn.bind_key(
                        authority, meter_id=meter_id, site_id=site, public_key=device.public_key
                    ),
                ],
            )
        )
    await client.submit_and_wait(batches, timeout=60)


def meter_batches(
    meter_id: str, device: Signer, size: int, plan: Plan, rng: random.Random
) -> list[Batch]:
    """Consecutive windows of `size` values, `txns_per_batch` to a batch, signed by the
    meter's device key."""
    start, batches = START, []
    for _ in range(plan.batches_per_meter):
        transactions = []
        for _ in range(plan.txns_per_batch):
            values = [rng.randrange(0, 100_000) for _ in range(size)]
            transactions.append(
                txn.record_readings(
                    device,
                    meter_id=meter_id,
                    window_start=start,
                    interval_s=INTERVAL_S,
                    values=values,
                )
            )
            start += INTERVAL_S * size
        batches.append(make_batch(device, transactions))
    return batches


async def post_in_order(client: RestClient, batches: list[Batch], latencies: list[float]) -> None:
    """One meter's batches, each submitted once the one before it committed."""
    for batch in batches:
        began = time.perf_counter()
        await client.submit_batches([batch])
        [status] = await client.wait_for_batches([batch.header_signature], timeout=120)
        if status["status"] != "COMMITTED":
            raise RuntimeError(f"batch {batch.header_signature[:16]}: {status}")
        latencies.append(time.perf_counter() - began)


async def state_bytes_written(client: RestClient, transaction_ids: list[str]) -> tuple[int, int]:
    """(bytes, entries) the transactions set, from their receipts."""
    total = entries = 0
    for i in range(0, len(transaction_ids), RECEIPTS_PER_REQUEST):
        for receipt in await client.receipts(transaction_ids[i : i + RECEIPTS_PER_REQUEST]):
            for change in receipt["state_changes"]:
                if change["type"] == "SET":
                    total += len(base64.b64decode(change["value"]))
                    entries += 1
    return total, entries


async def measure(
    node: Stack, authority: Signer, size: int, plan: Plan, target: Target
) -> list[dict[str, Any]]:
    rng = random.Random(size)
    signers = [Signer.generate() for _ in range(plan.meters)]
    # Named after their keys, so a devnet can serve several runs without clashes; short, like
    # real meter ids, since each state record repeats the id (bytes per reading).
    devices = {f"m{size}-{s.public_key[2:8]}": s for s in signers}
    async with RestClient(node.rest_url, timeout=120) as client:
        await register_meters(client, authority, devices)
        built = time.perf_counter()
        work = {m: meter_batches(m, device, size, plan, rng) for m, device in devices.items()}
        build_s = time.perf_counter() - built
        transactions = plan.meters * plan.batches_per_meter * plan.txns_per_batch
        pids = {role: pid for role, pid in node.pids.items() if role != "client"}
        cpu_before = {name: harness.cpu_seconds(pid) for name, pid in pids.items()}
        latencies: list[float] = []
        began = time.perf_counter()
        await asyncio.gather(
            *(post_in_order(client, batches, latencies) for batches in work.values())
        )
        elapsed = time.perf_counter() - began
        cpu = {name: harness.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        ids = [
            t.header_signature for batches in work.values() for b in batches for t in b.transactions
        ]
        written, entries = await state_bytes_written(client, ids)
    params = {
        "values_per_txn": size,
        "interval_s": INTERVAL_S,
        "meters": plan.meters,
        "txns_per_batch": plan.txns_per_batch,
        "batches_in_flight": plan.meters,
        "transactions": transactions,
        "target": target.label,
    }
    readings = transactions * size
    figures = [
        harness.figure("transactions committed per second", transactions / elapsed, "txn/s",
                       **params),
        harness.figure("readings committed per second", readings / elapsed, "readings/s",
                       **params),
        harness.figure("batch commit latency (median)", statistics.median(latencies) * 1000,
                       "ms", **params),
        harness.figure("state bytes written per reading", written / readings, "bytes/reading",
                       **params),
        harness.figure("state entries written per transaction", entries / transactions,
                       "entries/txn", **params),
        harness.figure("client build and sign per transaction", build_s / transactions * 1000,
                       "ms/txn", **params),
    ]  # fmt: skip
    # CPU only of the processes this benchmark started.
    if "devnet" in cpu:
        figures.append(
            harness.figure(
                "devnet CPU per transaction",
                cpu["devnet"] / transactions * 1000,
                "ms/txn",
                **params,
            )
        )
    if "blockmeter" in cpu:
        figures.append(
            harness.figure(
                "processor CPU per transaction",
                cpu["blockmeter"] / transactions * 1000,
                "ms/txn",
                **params,
            )
        )
    if "devnet" in cpu and "blockmeter" in cpu:
        figures.append(
            harness.figure(
                "devnet + processor CPU busy share",
                sum(cpu.values()) / elapsed * 100,
                "% of one core",
                **params,
            )
        )
    return figures  # fmt: skip


async def external_authority(target: Target) -> Signer | None:
    """The metering authority's key for an external target, checked against the network's
    setting; None (and the reason recorded) when there is none that can act."""
    everything = "every BlockMeter figure (sites and meters need the metering authority)"
    if target.authority_key is None:
        target.skip(everything, f"no --authority-key (a key listed in {AUTHORITIES_SETTING})")
        return None
    try:
        authority = load_signer(target.authority_key)
    except (OSError, KeyFileError) as exc:
        target.skip(everything, f"--authority-key: {exc}")
        return None
    assert target.url is not None
    async with RestClient(target.url, timeout=30) as client:
        data = await client.state(setting_address(AUTHORITIES_SETTING))
    value = entry_value(decode_setting(data), AUTHORITIES_SETTING) if data else None
    if authority.public_key not in split_list(value):
        target.skip(
            everything,
            f"the key in {target.authority_key} ({authority.public_key[:16]}...) is not listed "
            f"in {AUTHORITIES_SETTING} on {target.url} (it holds {value or 'nothing'!r})",
        )
        return None
    return authority


async def run_all(quick: bool, data_dir: Path, target: Target) -> list[dict[str, Any]]:
    if target.external:
        found = await external_authority(target)
        if found is None:
            return []
        authority = found
    else:
        authority = Signer.generate()
    figures: list[dict[str, Any]] = []
    settings = [f"{AUTHORITIES_SETTING}={authority.public_key}"]
    with open_stack(target, data_dir, ["blockmeter"], settings=settings) as node:
        for size, plan in (QUICK if quick else FULL).items():
            figures += await measure(node, authority, size, plan, target)
    if target.external:
        for what in ("devnet CPU per transaction", "devnet + processor CPU busy share"):
            target.skip(what, "the benchmark did not start the validator")
        if not target.start_processors:
            target.skip("processor CPU per transaction", "the benchmark did not start it")
    return figures


def run(quick: bool, target: Target | None = None) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="bench-blockmeter-devnet-") as tmp:
        return asyncio.run(run_all(quick, Path(tmp) / "devnet", target or Target()))
