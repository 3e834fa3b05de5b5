"""EnergyContract monthly settlements committed on the devnet, end to end: one per contract.

The target (the EnergyContract issue): 10,000 monthly settlements committed in under 60 s on
2 cores. `smartblocks devnet` (with the test suite's file clock for ledger time,
`smartblocks devnet --clock-file`, so a month can end without waiting for the wall clock),
`smartblocks tp blockmeter` and `smartblocks tp energycontract` run as subprocesses.

Set-up (timed on its own, not part of the figure): one site with one energy meter and a
weather station reading hourly, N shared-savings contracts on them (default 10,000,
`--contracts N` to shrink; one ESCO, one owner, one auditor, deposits 0), proposed by the ESCO
and accepted by the owner in batches of 100, the owner funded by the EUR issuer (genesis
setting smartblocks.energycontract.issuers.EUR), a month of readings of both meters, then the
clock moved past the month's end. Measured: every contract's period 0 settled, settle
transactions built and signed before the clock starts, 100 to a batch (one settler key, as a
contract manager would), several batches in flight; time from the first POST to the last
batch COMMITTED. Each settle reads the contract, the meters' 31 day rollups and heads, and
writes the settlement, the contract and the owner's and ESCO's accounts (the shared-savings due
is paid): settlements of one ESCO's contracts all write its account, so the devnet's scheduler
runs them one after another, as it would for a real ESCO's portfolio. With `--distinct-parties`
every contract has its own ESCO and owner instead (set-up then needs a batch per party): how
much of the time that ordering costs.

Then the contract manager's catch-up (the issue "the manager's catch-up over a year of
blocks"): a manager started (in process) with an empty state file and `all = true` after the
settlements are committed; measured: the time until its state's head block is the chain's head
and every contract and settlement is indexed (its start pass reads every contract once, then it
replays every block from genesis, indexing their events). The set-up above makes few blocks
(batches share blocks), so `--year-of-blocks` first commits YEAR_DAYS blocks, one a ledger day
(the clock file stepped a day before each), each with a day of hourly readings of a meter no
contract uses, ending the day before the month's set-up: the manager then catches up over a
year of ledger time (committing them takes ~25 s for 365 blocks, timed on its own).

    python -m bench energycontract_devnet [--quick]          # 10,000 contracts (--quick: 200)
    python -m bench.bench_energycontract_devnet --contracts 2000 [--distinct-parties]
    python -m bench.bench_energycontract_devnet --quick --year-of-blocks

Figures: settlements committed per second, total seconds, p50/p99 batch commit latency (POST to
COMMITTED, with BATCHES_IN_FLIGHT batches in flight), CPU of the devnet and of the
EnergyContract processor per settlement, set-up seconds, and whether the 60 s target (scaled to
N) is met; the chain's length in blocks, the manager's catch-up seconds, its start pass
seconds, blocks/s and contracts/s, and the manager's (this process's) and the devnet's CPU
seconds during the catch-up.

With `--url` (bench/stack.py `Target`): an operator's validator, with BlockMeter and
EnergyContract processors beside it (theirs, or started here with `--start-processors`) and a
metering authority's key (`--authority-key`) to create the site. Ledger time cannot be moved
there: the month measured is the last complete UTC month; the issuers setting for EUR must list
someone (the benchmark cannot fund the owner, so each settlement records its due as arrears).
The manager's catch-up is skipped there (with `all = true` it would settle every due contract
on the network), and so is `--year-of-blocks`.
"""

from __future__ import annotations

import argparse
import asyncio
import calendar
import datetime
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from bench import harness
from bench.bench_blockmeter_devnet import external_authority
from bench.bench_devnet import submit
from bench.stack import DevnetStack, Stack, Target, open_stack
from smartblocks.clients.contracts.manager import serve
from smartblocks.clients.contracts.manager_config import load_config
from smartblocks.ledger.keys import Signer, write_private_file
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import decode_setting, entry_value, setting_address, split_list
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records, txn
from smartblocks.processors.energycontract.terms import terms_hash
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit
from smartblocks.protos.energycontract_pb2 import PeriodKind, SharedSavings, Terms

DAY = 86_400
HOUR = 3_600
MARCH = calendar.timegm((2027, 3, 1, 0, 0, 0))  # the month settled on the devnet
FULL_CONTRACTS = 10_000
QUICK_CONTRACTS = 200
PER_BATCH = 100
BATCHES_IN_FLIGHT = 8
TARGET_S = 60.0  # for 10,000 settlements (the issue's target, 2 cores)
TARGET_SETTLEMENTS = 10_000
COMMIT_TIMEOUT = 1_200.0
FAMILIES = ["blockmeter", "energycontract"]
ISSUERS = records.issuers_setting("EUR")
YEAR_DAYS = 365  # --year-of-blocks: one block a ledger day before the month settled
CATCH_UP_TIMEOUT = 1_200.0
CATCH_UP_POLL_S = 0.05


def month_bounds(start: int) -> tuple[int, int]:
    date = datetime.datetime.fromtimestamp(start, datetime.UTC).date()
    following = datetime.date(date.year + date.month // 12, date.month % 12 + 1, 1)
    return start, calendar.timegm(following.timetuple())


def last_complete_month(now: float) -> int:
    today = datetime.datetime.fromtimestamp(now, datetime.UTC).date()
    previous = today.replace(day=1) - datetime.timedelta(days=1)
    return calendar.timegm(previous.replace(day=1).timetuple())


def chunks(transactions: Sequence[Transaction], signer: Signer, size: int) -> list[Batch]:
    return [
        make_batch(signer, list(transactions[i : i + size]))
        for i in range(0, len(transactions), size)
    ]


def baseline() -> BaselineTable:
    """240 kWh/day at -10 °C falling to 120 kWh/day at 15 °C and above."""
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="bench heating",
    )
    curve = table.curves.add(day_type=0)
    curve.knots.add(temperature=-10_000, energy=240_000_000)
    curve.knots.add(temperature=15_000, energy=120_000_000)
    return table


class Parties:
    """Who signs what. `distinct`: every contract has its own ESCO and owner (keys made here),
    so no two settlements write the same account; otherwise one ESCO and one owner (the site's)
    are the parties to every contract."""

    def __init__(
        self, authority: Signer, bank: Signer | None, contracts: int, distinct: bool
    ) -> None:
        self.authority, self.bank, self.distinct = authority, bank, distinct
        self.owner, self.esco = Signer.generate(), Signer.generate()
        self.auditor = Signer.generate()
        self.device, self.settler = Signer.generate(), Signer.generate()
        self.pairs = (
            [(Signer.generate(), Signer.generate()) for _ in range(contracts)]
            if distinct
            else [(self.esco, self.owner)] * contracts
        )
        tag = self.owner.public_key[2:8]  # a devnet or a network can serve several runs
        self.site, self.meter, self.weather = f"ecb-{tag}", f"ecb-{tag}-e", f"ecb-{tag}-w"

    def terms(self, n: int, start: int) -> Terms:
        return Terms(
            contract_id=f"{self.site}-{n}",
            title="bench",
            esco=self.pairs[n][0].public_key,
            owner=self.pairs[n][1].public_key,
            auditor=self.auditor.public_key,
            site_id=self.site,
            meters=[self.meter],
            weather_meter=self.weather,
            currency="EUR",
            start=start,
            period=PeriodKind.MONTH,
            periods=12,
            baseline=baseline(),
            min_coverage_ppm=900_000,
            data_grace_s=7 * DAY,
            dispute_window_s=30 * DAY,
            shared_savings=SharedSavings(
                price=250_000, esco_share_ppm=600_000, owner_share_ppm=400_000
            ),
        )

    def site_transactions(self) -> list[Transaction]:
        out = [
            meter_txn.create_site(
                self.authority,
                site_id=self.site,
                owner_public_key=self.owner.public_key,
                name="bench",
            )
        ]
        for meter_id, kind, unit, low, high in (
            (self.meter, "ELECTRICITY_IMPORT", "MILLIWATT_HOUR", 0, 10**12),
            (self.weather, "TEMPERATURE", "MILLIDEGREE_CELSIUS", -60_000, 60_000),
        ):
            out.append(
                meter_txn.register_meter(
                    self.owner,
                    meter_id=meter_id,
                    site_id=self.site,
                    kind=kind,
                    unit=unit,
                    nominal_interval_s=HOUR,
                    plausible_min=low,
                    plausible_max=high,
                )
            )
            out.append(
                meter_txn.bind_key(
                    self.owner,
                    meter_id=meter_id,
                    site_id=self.site,
                    public_key=self.device.public_key,
                )
            )
        return out

    def readings(self, start: int, end: int) -> list[Transaction]:
        hours = (end - start) // HOUR
        return [
            meter_txn.record_readings(
                self.device,
                meter_id=meter_id,
                window_start=start,
                interval_s=HOUR,
                values=[value] * hours,
            )
            for meter_id, value in ((self.meter, 6_250_000), (self.weather, 5_000))  # 150 kWh/d
        ]


async def commit_all(
    client: RestClient, batches: list[Batch], latencies: list[float] | None = None
) -> None:
    """Every batch committed, BATCHES_IN_FLIGHT at a time; each one's POST-to-COMMITTED time
    into `latencies` when given."""
    queue: asyncio.Queue[Batch] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def worker() -> None:
        while not queue.empty():
            batch = queue.get_nowait()
            began = time.perf_counter()
            await submit(client, batch)
            [status] = await client.wait_for_batches([batch.header_signature], COMMIT_TIMEOUT)
            if status["status"] != "COMMITTED":
                raise RuntimeError(f"batch {batch.header_signature[:16]}: {status}")
            if latencies is not None:
                latencies.append(time.perf_counter() - began)

    await asyncio.gather(*(worker() for _ in range(BATCHES_IN_FLIGHT)))


async def post_all(client: RestClient, batches: list[Batch]) -> None:
    """Every batch POSTed by BATCHES_IN_FLIGHT submitters, then all waited for (set-up)."""
    queue: asyncio.Queue[Batch] = asyncio.Queue()
    for batch in batches:
        queue.put_nowait(batch)

    async def submitter() -> None:
        while not queue.empty():
            await submit(client, queue.get_nowait())

    await asyncio.gather(*(submitter() for _ in range(BATCHES_IN_FLIGHT)))
    statuses = await client.wait_for_batches([b.header_signature for b in batches], COMMIT_TIMEOUT)
    bad = [s for s in statuses if s.get("status") != "COMMITTED"]
    if bad:
        raise RuntimeError(f"{len(bad)} set-up batches not committed, first: {bad[0]}")


def by_signer(transactions: list[tuple[Signer, Transaction]]) -> list[Batch]:
    """Batches of PER_BATCH transactions of one signer each (a batch's signer signs its
    transactions)."""
    groups: dict[str, tuple[Signer, list[Transaction]]] = {}
    for signer, transaction in transactions:
        groups.setdefault(signer.public_key, (signer, []))[1].append(transaction)
    return [
        batch for signer, group in groups.values() for batch in chunks(group, signer, PER_BATCH)
    ]


async def issuers_listed(url: str) -> bool:
    async with RestClient(url, timeout=30) as client:
        data = await client.state(setting_address(ISSUERS))
    return bool(split_list(entry_value(decode_setting(data), ISSUERS) if data else None))


async def measure(
    node: Stack, parties: Parties, contracts: int, clock: Path | None, target: Target
) -> list[dict[str, Any]]:
    start = MARCH if clock is not None else last_complete_month(time.time())
    start, end = month_bounds(start)
    all_terms = [parties.terms(n, start) for n in range(contracts)]
    async with RestClient(node.rest_url, timeout=120) as client:
        setup_began = time.perf_counter()
        site, *meters = parties.site_transactions()
        await client.submit_and_wait([make_batch(parties.authority, [site])])
        await client.submit_and_wait([make_batch(parties.owner, meters)])
        if parties.bank is not None:
            owners = sorted({owner.public_key for _, owner in parties.pairs})
            funds = [
                txn.issue(parties.bank, currency="EUR", to=owner, amount=10**12) for owner in owners
            ]
            await post_all(client, chunks(funds, parties.bank, PER_BATCH))
        funded = time.perf_counter()
        pairs = parties.pairs
        await post_all(
            client,
            by_signer(
                [
                    (esco, txn.propose(esco, terms=t))
                    for (esco, _), t in zip(pairs, all_terms, strict=True)
                ]
            ),
        )
        proposed = time.perf_counter()
        accepts = [
            (owner, txn.accept(owner, terms=t, terms_hash=terms_hash(t)))
            for (_, owner), t in zip(pairs, all_terms, strict=True)
        ]
        await post_all(client, by_signer(accepts))
        accepted = time.perf_counter()
        if clock is not None:
            clock.write_text(str(end + 60))  # ledger time of the next blocks: the month is over
        await client.submit_and_wait(
            [make_batch(parties.device, parties.readings(start, end))], timeout=120
        )
        setup_s = time.perf_counter() - setup_began

        built = time.perf_counter()
        settles = chunks(
            [txn.settle(parties.settler, terms=t, period=0) for t in all_terms],
            parties.settler,
            PER_BATCH,
        )
        build_s = time.perf_counter() - built
        pids = {role: pid for role, pid in node.pids.items() if role != "client"}
        cpu_before = {name: harness.cpu_seconds(pid) for name, pid in pids.items()}
        latencies: list[float] = []
        began = time.perf_counter()
        await commit_all(client, settles, latencies)
        elapsed = time.perf_counter() - began
        cpu = {name: harness.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    target_s = TARGET_S * contracts / TARGET_SETTLEMENTS
    params = {
        "contracts": contracts,
        "settlements": contracts,
        "period": "month",
        "days": (end - start) // DAY,
        "energy_meters": 1,
        "weather_meter": 1,
        "interval_s": HOUR,
        "template": "shared_savings",
        "txns_per_batch": PER_BATCH,
        "batches_in_flight": BATCHES_IN_FLIGHT,
        "owner_funded": parties.bank is not None,
        "parties": "distinct per contract" if parties.distinct else "one ESCO, one owner",
        "target": target.label,
    }
    figures = [
        harness.figure(
            "settlements committed per second", contracts / elapsed, "settlements/s", **params
        ),
        harness.figure("settlements total time", elapsed, "s", **params),
        harness.figure(
            "settlements within the target time",
            float(elapsed <= target_s),
            "1 = met, 0 = missed",
            target_s=target_s,
            target_rule="60 s for 10,000 monthly settlements on 2 cores, scaled to N",
            cores=harness.machine()["cpus"],
            **params,
        ),
        harness.figure(
            "batch commit latency p50", harness.percentile(latencies, 0.5) * 1000, "ms", **params
        ),
        harness.figure(
            "batch commit latency p99", harness.percentile(latencies, 0.99) * 1000, "ms", **params
        ),
        harness.figure(
            "client build and sign per settlement", build_s / contracts * 1000, "ms", **params
        ),
        harness.figure(
            "set-up time (not in the figures above)",
            setup_s,
            "s",
            site_and_funding_s=round(funded - setup_began, 1),
            proposals_s=round(proposed - funded, 1),
            accepts_s=round(accepted - proposed, 1),
            **params,
        ),
    ]
    for role, name in (("devnet", "devnet"), ("energycontract", "energycontract processor")):
        if role in cpu:
            figures.append(
                harness.figure(
                    f"{name} CPU per settlement", cpu[role] / contracts * 1000, "ms", **params
                )
            )
    if "devnet" in cpu and "energycontract" in cpu:
        busy = (cpu["devnet"] + cpu["energycontract"]) / elapsed * 100
        figures.append(
            harness.figure("devnet + processor CPU busy share", busy, "% of one core", **params)
        )
    return figures


async def year_of_blocks(node: Stack, parties: Parties, clock: Path) -> list[dict[str, Any]]:
    """`--year-of-blocks`: YEAR_DAYS blocks before the set-up, one a ledger day (the clock file
    stepped a day before each), each holding a day of hourly readings (24 values, one
    transaction) of a meter no contract uses, the last one a day before the month settled, so
    the contract manager's catch-up replays a year of ledger time. Timed on its own."""
    first = MARCH - DAY - (YEAR_DAYS - 1) * DAY  # ledger time of the first of those blocks
    site, meter = f"{parties.site}-y", f"{parties.site}-y-e"
    began = time.perf_counter()
    async with RestClient(node.rest_url, timeout=120) as client:
        create = meter_txn.create_site(
            parties.authority, site_id=site, owner_public_key=parties.owner.public_key, name="y"
        )
        await client.submit_and_wait([make_batch(parties.authority, [create])])
        register = [
            meter_txn.register_meter(
                parties.owner,
                meter_id=meter,
                site_id=site,
                kind="ELECTRICITY_IMPORT",
                unit="MILLIWATT_HOUR",
                nominal_interval_s=HOUR,
                plausible_min=0,
                plausible_max=10**12,
            ),
            meter_txn.bind_key(
                parties.owner, meter_id=meter, site_id=site, public_key=parties.device.public_key
            ),
        ]
        await client.submit_and_wait([make_batch(parties.owner, register)])
        for day in range(YEAR_DAYS):
            now = first + day * DAY
            clock.write_text(str(now))  # this block's ledger time; its window ends there
            reading = meter_txn.record_readings(
                parties.device,
                meter_id=meter,
                window_start=now - DAY,
                interval_s=HOUR,
                values=[6_250_000] * 24,
            )
            await client.submit_and_wait([make_batch(parties.device, [reading])], timeout=120)
    elapsed = time.perf_counter() - began
    return [
        harness.figure(
            "year of blocks set-up time (not in the figures above)",
            elapsed,
            "s",
            blocks=YEAR_DAYS,
            ledger_days_per_block=1,
            readings_per_block=24,
        )
    ]


def manager_progress(path: Path) -> tuple[int, int, int, int | None, int | None]:
    """The manager's state file as it catches up: head block, contracts indexed, settlements
    indexed, first and last ledger time of the blocks followed (-1, 0, 0 before it exists)."""
    if not path.exists():
        return -1, 0, 0, None, None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        head, low, high = db.execute(
            "SELECT MAX(block_num), MIN(ledger_time), MAX(ledger_time) FROM blocks"
        ).fetchone()
        [contracts] = db.execute("SELECT COUNT(*) FROM contracts").fetchone()
        [settled] = db.execute("SELECT COUNT(*) FROM settlements").fetchone()
    except sqlite3.OperationalError:  # its tables are not made yet
        return -1, 0, 0, None, None
    finally:
        db.close()
    return (-1 if head is None else int(head)), int(contracts), int(settled), low, high


async def manager_catch_up(
    node: Stack, contracts: int, folder: Path, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """A contract manager started (in this process, `serve` as `smartblocks contract manager`
    runs it) with an empty state file and `all = true`, after the settlements: the time until
    its state's head block is the chain's head and every contract is indexed (its start pass
    reads every contract, then it replays every block from genesis, indexing their events) and
    every settlement's event is indexed. No block is committed meanwhile; every contract waits
    for period 1, so the manager settles nothing."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / "manager.priv"
    write_private_file(key, Signer.generate().private_hex() + "\n")
    config_path = folder / "manager.toml"
    config_path.write_text(
        f'[service]\nrest_api = "{node.rest_url}"\ncomponent = "{node.component}"\n'
        f'key = "{key}"\nstate = "manager.sqlite"\nlog_level = "warning"\n\n'
        "[settle]\nall = true\n"
    )
    config = load_config(config_path)
    async with RestClient(node.rest_url, timeout=120) as client:
        page = await client.blocks(limit=1)
    chain_head = int(page["data"][0]["header"]["block_num"])
    blocks = chain_head + 1  # genesis is block 0
    pids = {role: pid for role, pid in node.pids.items() if role in ("devnet", "client")}
    cpu_before = {name: harness.cpu_seconds(pid) for name, pid in pids.items()}
    stop = asyncio.Event()
    began = time.perf_counter()
    task = asyncio.ensure_future(serve(config, Signer.generate(), stop=stop))
    indexed_s: float | None = None
    try:
        while True:
            head, indexed, settled, first, last = manager_progress(config.state)
            if indexed_s is None and indexed >= contracts:
                indexed_s = time.perf_counter() - began
            if head >= chain_head and indexed >= contracts and settled >= contracts:
                break  # the last block's events (the settlements) indexed too
            if task.done():
                task.result()
                raise RuntimeError("the contract manager stopped before catching up")
            if time.perf_counter() - began > CATCH_UP_TIMEOUT:
                raise RuntimeError(f"the contract manager at block {head} of {chain_head}")
            await asyncio.sleep(CATCH_UP_POLL_S)
        elapsed = time.perf_counter() - began
        cpu = {name: harness.cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    finally:
        stop.set()
        await task
    days = (last - first) / DAY if first is not None and last is not None else 0.0
    caught = {
        **params,
        "blocks": blocks,
        "contracts_indexed": indexed,
        "settlements_indexed": settled,
        "ledger_days": round(days, 1),
        "selection": "all = true",
        "state": "empty (replays from genesis)",
        "poll_s": CATCH_UP_POLL_S,
    }
    return [
        harness.figure("chain length", blocks, "blocks", head_block=chain_head, **params),
        harness.figure("contract manager catch-up time", elapsed, "s", **caught),
        harness.figure(
            "contract manager start pass (every contract read)",
            indexed_s or elapsed,
            "s",
            **caught,
        ),
        harness.figure(
            "contract manager catch-up blocks per second", blocks / elapsed, "blocks/s", **caught
        ),
        harness.figure(
            "contract manager catch-up contracts per second",
            contracts / elapsed,
            "contracts/s",
            **caught,
        ),
        harness.figure(
            "contract manager CPU during catch-up (this process)",
            cpu.get("client", 0.0),
            "s",
            **caught,
        ),
        harness.figure(
            "devnet CPU during the manager's catch-up", cpu.get("devnet", 0.0), "s", **caught
        ),
    ]


async def run_all(
    contracts: int, distinct: bool, data_dir: Path, target: Target, year: bool = False
) -> list[dict[str, Any]]:
    if target.external:
        authority = await external_authority(target)
        if authority is None:
            return []
        assert target.url is not None
        if not await issuers_listed(target.url):
            target.skip("every EnergyContract figure", f"{ISSUERS} lists nobody on {target.url}")
            return []
        with open_stack(target, data_dir, FAMILIES) as node:
            figures = await measure(
                node, Parties(authority, None, contracts, distinct), contracts, None, target
            )
        target.skip("devnet CPU per settlement", "the benchmark did not start the validator")
        if not target.start_processors:
            target.skip("energycontract processor CPU per settlement", "not started here")
        target.skip(
            "contract manager catch-up",
            "a manager with `all = true` would settle every due contract on the network",
        )
        if year:
            target.skip("--year-of-blocks", "ledger time cannot be moved on an operator's network")
        return figures
    authority, bank = Signer.generate(), Signer.generate()
    clock = data_dir / "clock"
    data_dir.mkdir(parents=True, exist_ok=True)
    clock.write_text(str(MARCH - DAY - (YEAR_DAYS if year else 0) * DAY))
    settings = [f"{AUTHORITIES_SETTING}={authority.public_key}", f"{ISSUERS}={bank.public_key}"]
    stack = DevnetStack(
        data_dir / "stack", FAMILIES, settings=settings, devnet_args=["--clock-file", str(clock)]
    )
    parties = Parties(authority, bank, contracts, distinct)
    with stack as node:
        before = await year_of_blocks(node, parties, clock) if year else []
        figures = await measure(node, parties, contracts, clock, target)
        params = {"contracts": contracts, "year_of_blocks": year, "target": target.label}
        after = await manager_catch_up(node, contracts, data_dir / "manager", params)
    return figures + before + after


def run(
    quick: bool,
    target: Target | None = None,
    contracts: int | None = None,
    distinct_parties: bool = False,
    year_of_blocks: bool = False,
) -> list[dict[str, Any]]:
    count = contracts or (QUICK_CONTRACTS if quick else FULL_CONTRACTS)
    with tempfile.TemporaryDirectory(prefix="bench-energycontract-devnet-") as tmp:
        folder = Path(tmp) / "devnet"
        return asyncio.run(
            run_all(count, distinct_parties, folder, target or Target(), year_of_blocks)
        )


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m bench.bench_energycontract_devnet [--contracts N] [--distinct-parties]
    [--year-of-blocks] [python -m bench's options]`: another number of contracts than 10,000
    (or --quick's 200), each contract with its own ESCO and owner, and a year of blocks before
    the set-up for the manager's catch-up; results where `python -m bench` writes them (one
    file: a run replaces the last)."""
    from bench.__main__ import EXTERNAL_RESULTS, parse_args

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--contracts", type=int, default=None)
    parser.add_argument("--distinct-parties", action="store_true")
    parser.add_argument("--year-of-blocks", action="store_true")
    known, rest = parser.parse_known_args(argv)
    args = parse_args(rest, ["energycontract_devnet"])
    target = Target(args.url, args.component, args.start_processors, args.authority_key)
    figures = run(args.quick, target, known.contracts, known.distinct_parties, known.year_of_blocks)
    for f in figures:
        print(f"   {f['figure']}: {f['value']} {f['unit']}  {f['parameters']}", flush=True)
    folder = args.results_dir or (EXTERNAL_RESULTS if target.external else harness.RESULTS)
    path = harness.write_results(
        "energycontract_devnet", figures, target.describe(), target.skipped, folder
    )
    print(f"   -> {path}", flush=True)


if __name__ == "__main__":
    main()
