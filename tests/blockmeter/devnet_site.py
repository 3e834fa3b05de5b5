"""The agent's devnet suites share these: sites whose meters are bound to a gateway key
(simulated points, or device meters), a counter whose readings are known exactly, and checks
that the ledger holds exactly the spool's windows, with the simulator's or the device's
values."""

from __future__ import annotations

import asyncio
import base64
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from smartblocks.blockmeter import config
from smartblocks.blockmeter.agent import Agent
from smartblocks.blockmeter.simulator import Building
from smartblocks.blockmeter.spool import Spool, Window
from smartblocks.ledger.keys import Signer, write_key_files
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.units import QUALITY_MISSING
from smartblocks.protos.blockmeter_pb2 import BlockMeterPayload
from tests.integration.blockmeter_fixtures import BlockMeterLedger

START = 1_767_571_200
SEED = 23
ROLLOVER = 10**15
# point -> (kind, unit, mode, plausible min, plausible max)
POINTS = {
    "grid_import": ("ELECTRICITY_IMPORT", "MILLIWATT_HOUR", "CUMULATIVE", 0, 300_000_000),
    "gas_volume": ("GAS", "MILLILITRE", "CUMULATIVE", 0, 50_000_000),
    "outdoor_temperature": ("TEMPERATURE", "MILLIDEGREE_CELSIUS", "INTERVAL", -40_000, 60_000),
}


def new_site(
    ledger: BlockMeterLedger, prefix: str, folder: Path
) -> tuple[str, Signer, Path, Signer]:
    """A new site with its own owner, and a gateway key written to `folder`: (site id, owner,
    gateway key file, gateway)."""
    site_id = ledger.unique(prefix)
    _, _, owner = ledger.key_file(f"{site_id}-owner")
    ledger.submit(
        ledger.authority,
        txn.create_site(
            ledger.authority, site_id=site_id, owner_public_key=owner.public_key, name=site_id
        ),
    )
    gateway_key, _, gateway = write_key_files("gateway", folder)
    return site_id, owner, gateway_key, gateway


def setup_site(ledger: BlockMeterLedger, folder: Path, speed: int) -> tuple[Path, list[str]]:
    """A site with one meter per simulated point, all bound to a new gateway key; the agent's
    config for them."""
    site_id, owner, gateway_key, gateway = new_site(ledger, "agent-site", folder)
    meters = []
    text = f"""
[agent]
site_id = "{site_id}"
key_file = "{gateway_key}"
rest_urls = ["{ledger.url}"]
grace_s = 0

[simulator]
seed = {SEED}
start = {START}
speed = {speed}
"""
    for point, (kind, unit, mode, low, high) in POINTS.items():
        meter_id = f"{site_id}.{point}"
        meters.append(meter_id)
        ledger.submit(
            owner,
            txn.register_meter(
                owner, meter_id=meter_id, site_id=site_id, kind=kind, unit=unit, mode=mode,
                rollover=ROLLOVER if mode == "CUMULATIVE" else 0, nominal_interval_s=60,
                plausible_min=low, plausible_max=high,
            ),
            txn.bind_key(
                owner, meter_id=meter_id, site_id=site_id, public_key=gateway.public_key
            ),
        )  # fmt: skip
        text += f"""
[[meters]]
id = "{meter_id}"
connector = "simulator"
interval_s = 60
window_s = 900
[meters.params]
point = "{point}"
"""
    path = folder / "site.toml"
    path.write_text(text)
    return path, meters


@asynccontextmanager
async def running(agent: Agent) -> AsyncIterator[None]:
    """The agent runs while the block does; then it is stopped and awaited."""
    task = asyncio.create_task(agent.run(install_signals=False))
    try:
        yield
    finally:
        agent.stopping.set()
        await asyncio.wait_for(task, 20)


async def committed_at_least(agent: Agent, count: int, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        rows = await agent.db(agent.spool.status)
        if all(int(r["committed"]) >= count for r in rows):  # type: ignore[call-overload]
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"not {count} windows committed per meter within {timeout} s")


async def payloads(url: str, txn_ids: list[str]) -> dict[str, list[int]]:
    async with RestClient(url) as client:
        out = {}
        for txn_id in txn_ids:
            found = await client.transaction(txn_id)
            body = BlockMeterPayload.FromString(base64.b64decode(found["payload"]))
            out[txn_id] = list(body.record_readings.values)
        return out


def settle(path: Path) -> None:
    """Let only the submitter run until every closed window is committed (no readers: no new
    windows), so the spool and the ledger can be compared exactly."""

    async def drain() -> None:
        agent = Agent(config.load(path), status_wait=0.2)
        try:
            for _ in range(600):
                if not agent.spool.backlog():
                    return
                await agent.submitter.step()
            raise AssertionError("the backlog did not drain")
        finally:
            await agent.submitter.aclose()
            agent.spool.close()

    asyncio.run(drain())


def check_ledger(ledger: BlockMeterLedger, spool_path: Path, meters: list[str]) -> int:
    """Every window the spool holds as committed is on the ledger, with the simulator's values,
    once, in an unbroken series; returns how many windows were checked."""
    spool = Spool(spool_path)
    checked = 0
    try:
        for meter in meters:
            windows = spool.windows(meter)
            assert all(w.state == "committed" for w in windows), [w.state for w in windows]
            head = ledger.head(meter)
            assert head.window_count == len(windows)
            assert head.gap_count == 0 and head.flagged_count == 0
            assert head.last_window_end == windows[-1].start + 900
            point = meter.rsplit(".", 1)[1]
            building = Building(SEED, START)  # it steps forward only: one per meter
            values = asyncio.run(payloads(ledger.url, [str(w.txn_id) for w in windows]))
            for window in windows:
                truth = [building.reading(point, window.start + 60 * (i + 1)) for i in range(15)]
                assert values[str(window.txn_id)] == truth, (meter, window.start)
                checked += 1
    finally:
        spool.close()
    return checked


def device_meters(
    ledger: BlockMeterLedger, folder: Path, count: int, **register: object
) -> tuple[str, list[str], Path]:
    """A new site with `count` cumulative electricity meters bound to a new gateway key (written
    to `folder`): (site id, meter ids, gateway key file). `register` overrides register_meter's
    fields (nominal_interval_s, plausible_max, initial_register, ...)."""
    site_id, owner, gateway_key, gateway = new_site(ledger, "device-site", folder)
    fields: dict[str, object] = dict(
        kind="ELECTRICITY_IMPORT", unit="MILLIWATT_HOUR", mode="CUMULATIVE", rollover=ROLLOVER,
        nominal_interval_s=1, plausible_min=0, plausible_max=10**10,
    )  # fmt: skip
    fields.update(register)
    meters = [f"{site_id}.m{i}" for i in range(count)]
    for meter_id in meters:
        ledger.submit(
            owner,
            txn.register_meter(owner, meter_id=meter_id, site_id=site_id, **fields),  # type: ignore[arg-type]
            txn.bind_key(owner, meter_id=meter_id, site_id=site_id, public_key=gateway.public_key),
        )
    return site_id, meters, gateway_key


def agent_header(site_id: str, gateway_key: Path, url: str, **extra: object) -> str:
    """The `[agent]` table of a test config (grace 0: windows close as soon as they end)."""
    lines = [
        "[agent]",
        f'site_id = "{site_id}"',
        f'key_file = "{gateway_key}"',
        f'rest_urls = ["{url}"]',
        "grace_s = 0",
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    return "\n".join(lines) + "\n"


def ledger_matches_spool(ledger: BlockMeterLedger, spool_path: Path, meter_id: str) -> list[Window]:
    """The meter's windows on the ledger are exactly the spool's committed ones, all of them,
    once; returns the spool's windows."""
    spool = Spool(spool_path)
    try:
        windows = [w for w in spool.windows(meter_id) if w.state != "empty"]
    finally:
        spool.close()
    assert [w.state for w in windows] == ["committed"] * len(windows), meter_id
    head = ledger.head(meter_id)
    assert head.window_count == len(windows), (meter_id, head.window_count, len(windows))
    assert head.last_window_end == windows[-1].start + windows[-1].interval_s * len(
        windows[-1].values
    )
    values = asyncio.run(payloads(ledger.url, [str(w.txn_id) for w in windows]))
    for window in windows:
        assert values[str(window.txn_id)] == window.values, (meter_id, window.start)
    return windows


class Counter:
    """An energy register (Wh) that steps by `step_wh` at every half second, so at a whole
    second T it holds `wh(T)` for whoever reads it within half a second of T: the readings an
    agent takes on its one-second grid are known exactly."""

    def __init__(self, base_wh: int, step_wh: int) -> None:
        self.base_wh, self.step_wh = base_wh, step_wh
        self.t0 = math.floor(time.time())
        self.pauses: list[tuple[int, int]] = []  # [from, until) seconds that add nothing

    def pause(self, seconds: int) -> None:
        """Stand still from this second on for `seconds` more, while no agent reads: its first
        reading after it (re)connects may come a second late, and a register that does not move
        reads the same anyway."""
        now = math.floor(time.time())
        self.pauses.append((now, now + 1 + seconds))

    def wh(self, t: int) -> int:
        counted = sum(
            1 for k in range(self.t0 + 1, t) if not any(a <= k < b for a, b in self.pauses)
        )
        return self.base_wh + self.step_wh * counted

    async def run(self, write: Callable[[int], Awaitable[None]]) -> None:
        """Write the register's value to a device at every half second, until cancelled."""
        while True:
            now = time.time()
            await write(self.wh(math.floor(now + 0.5)))
            await asyncio.sleep(math.floor(now + 0.5) + 0.5 - now)

    def check(self, windows: list[Window]) -> int:
        """Every sampled value of `windows` (mWh) is the register at its interval's end; how
        many were checked."""
        checked = 0
        for window in windows:
            for i, value in enumerate(window.values):
                if not window.quality[i] & QUALITY_MISSING:
                    end = window.start + window.interval_s * (i + 1)
                    assert value == 1000 * self.wh(end), (window.meter, end, value)
                    checked += 1
        return checked
