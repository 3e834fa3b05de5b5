"""Reading contracts, accounts and a period's meter data over the REST API, and previewing a
period's settlement with the processor's own functions (measure.measure, settlement.compute):
what a preview shows is what `settle` would write, given the same data.

Readers take any `client` with the RestClient's `state(address)` and `list_state(prefix)`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig

from smartblocks.ledger.block_info import CONFIG_ADDRESS, block_address
from smartblocks.ledger.rest import RestClient, run
from smartblocks.processors.blockmeter import addressing as meters
from smartblocks.processors.energycontract import addressing, inputs, measure, schedule, settlement
from smartblocks.processors.energycontract.inputs import DayValues
from smartblocks.processors.energycontract.schedule import PeriodInfo
from smartblocks.processors.energycontract.templates.base import State
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.blockmeter_pb2 import Meter, MeterHead, Rollup
from smartblocks.protos.energycontract_pb2 import (
    Account,
    Contract,
    Escrow,
    Settlement,
    TemplateState,
    Terms,
)

CONCURRENT_READS = 32
T = TypeVar("T")


class StateReader(Protocol):
    async def state(self, address: str, head: str | None = None) -> bytes | None: ...

    def list_state(
        self, prefix: str = "", head: str | None = None
    ) -> AsyncIterator[tuple[str, bytes]]: ...


def read_with(url: str | None, work: Callable[[StateReader], Awaitable[T]]) -> T:
    """Run `work(client)` against the REST API at `url`, from sync code (the CLI)."""

    async def go() -> T:
        async with RestClient(url) as client:
            return await work(client)

    return run(go())


async def read_many(client: StateReader, addresses: Sequence[str]) -> list[bytes | None]:
    """Values at `addresses`, in order, CONCURRENT_READS requests at a time."""
    out: list[bytes | None] = []
    for first in range(0, len(addresses), CONCURRENT_READS):
        chunk = addresses[first : first + CONCURRENT_READS]
        out += await asyncio.gather(*(client.state(a) for a in chunk))
    return out


async def ledger_time(client: StateReader) -> int | None:
    """The newest BlockInfo timestamp: "now" as the processor sees it; None without BlockInfo."""
    data = await client.state(CONFIG_ADDRESS)
    if not data:
        return None
    info = await client.state(block_address(BlockInfoConfig.FromString(data).latest_block))
    return BlockInfo.FromString(info).timestamp if info else None


# -- contracts and money ------------------------------------------------------------------------


async def read_contract(client: StateReader, contract_id: str) -> Contract | None:
    data = await client.state(addressing.contract_address(contract_id))
    return Contract.FromString(data) if data else None


async def list_contracts(client: StateReader) -> list[Contract]:
    found = [
        Contract.FromString(data)
        async for _, data in client.list_state(addressing.RecordType.CONTRACT.prefix)
    ]
    return sorted(found, key=lambda c: c.contract_id)


async def read_settlements(client: StateReader, contract: Contract) -> list[Settlement]:
    """The contract's settlements, period 0 first (every period up to the next unsettled)."""
    count = min(contract.settled_periods, contract.terms.periods)
    addresses = [addressing.settlement_address(contract.contract_id, p) for p in range(count)]
    return [Settlement.FromString(d) for d in await read_many(client, addresses) if d]


async def read_balance(client: StateReader, owner: str, currency: str) -> int:
    data = await client.state(addressing.account_address(owner, currency))
    return Account.FromString(data).balance if data else 0


async def read_escrows(client: StateReader, contract: Contract) -> dict[str, int]:
    """Balance locked by each party: {"esco": ..., "owner": ...}."""
    terms = contract.terms
    roles = {"esco": terms.esco, "owner": terms.owner}
    addresses = [addressing.escrow_address(contract.contract_id, k) for k in roles.values()]
    data = await read_many(client, addresses)
    return {
        role: Escrow.FromString(d).balance if d else 0 for role, d in zip(roles, data, strict=True)
    }


# -- a period's data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodInputs:
    """What settling one period reads from BlockMeter (inputs.py names the rollups)."""

    days: list[int]  # the period's UTC day numbers
    intervals: dict[str, int]  # energy meter -> nominal interval (s)
    data_until: dict[str, int | None]  # every meter (weather too) -> head's last_window_end
    energy: dict[str, list[DayValues | None]]  # energy meter -> values per day, in `days` order
    weather: list[DayValues | None]
    missing_meters: list[str]  # meters with no Meter record


async def period_inputs(client: StateReader, terms: Terms, period: int) -> PeriodInputs:
    info = schedule.period(terms, period)
    names = inputs.meters_of(terms)
    refs = inputs.rollup_refs(terms, info)
    addresses = [meters.meter_address(m) for m in names]
    addresses += [meters.meter_head_address(m) for m in names]
    addresses += [ref.address for m in names for ref in refs[m]]
    data = await read_many(client, addresses)
    records, heads, rollups = (
        data[: len(names)],
        data[len(names) : 2 * len(names)],
        data[2 * len(names) :],
    )
    found: dict[str, list[Rollup | None]] = {}
    for m in names:
        found[m] = [Rollup.FromString(r) if r else None for r in rollups[: len(refs[m])]]
        rollups = rollups[len(refs[m]) :]
    values = inputs.by_meter(terms, info, found)
    return PeriodInputs(
        days=list(info.day_numbers()),
        intervals={
            m: Meter.FromString(r).nominal_interval_s if r else 0
            for m, r in zip(names, records, strict=True)
            if m in terms.meters
        },
        data_until={
            m: MeterHead.FromString(h).last_window_end if h else None
            for m, h in zip(names, heads, strict=True)
        },
        energy={m: values[m] for m in terms.meters},
        weather=values[terms.weather_meter],
        missing_meters=[m for m, r in zip(names, records, strict=True) if r is None],
    )


# -- previews -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    period: PeriodInfo
    measured: measure.Measured
    computed: settlement.Computed
    data_until: int | None  # the earliest head among the meters: data covers time before it
    terms: Terms


def preview(terms: Terms, state: TemplateState, period: int, inputs: PeriodInputs) -> Preview:
    """The settlement of `period` on `inputs`, as the settle action computes it (before
    payment: what is due, not what the parties' funds cover)."""
    info = schedule.period(terms, period)
    measured = measure.measure(
        terms.baseline, inputs.days, inputs.energy, inputs.intervals, inputs.weather
    )
    computed = settlement.compute(terms, info, measured, State.of(state))
    heads = list(inputs.data_until.values())
    data_until = None if any(h is None for h in heads) else min(h for h in heads if h is not None)
    return Preview(info, measured, computed, data_until, terms)


def _keys(terms: Terms) -> dict[str, str]:
    return {"esco": terms.esco, "owner": terms.owner}


def preview_dict(p: Preview) -> dict[str, Any]:
    keys = _keys(p.terms)
    outcome = p.computed.outcome
    return {
        "contract_id": p.terms.contract_id,
        "period": p.period.index,
        "period_name": p.period.name,
        "start": iso(p.period.start),
        "end": iso(p.period.end),
        "days": p.measured.days,
        "complete_days": p.measured.complete_days,
        "coverage_ppm": p.measured.coverage_ppm,
        "actual": p.measured.actual,
        "adjusted_baseline": p.measured.baseline,
        "avoided": p.measured.avoided,
        "sufficient": p.computed.sufficient,
        "reason": p.computed.reason,
        "currency": p.terms.currency,
        "dues": [
            {
                "reason": d.reason,
                "payer": d.payer,
                "payer_key": keys[d.payer],
                "payee": d.payee,
                "payee_key": keys[d.payee],
                "amount": d.amount,
            }
            for d in outcome.dues
        ],
        "figures": dict(outcome.figures),
        "state_after": vars(outcome.state),
        "ends": outcome.ends,
        "end_reason": outcome.end_reason,
        "data_until": iso(p.data_until) if p.data_until is not None else None,
    }


def ready(terms: Terms, period: int, now: int, inputs: PeriodInputs) -> tuple[bool, str]:
    """Whether the processor would accept settling `period` at ledger time `now` (timing only:
    the period has ended, and every meter's data reaches its end or the data grace is over)."""
    info = schedule.period(terms, period)
    grace_end = info.end + terms.data_grace_s
    if now < info.end:
        return False, f"period {info.name} ends {iso(info.end)}; ledger time is {iso(now)}"
    if now >= grace_end:
        return True, f"the data grace ended {iso(grace_end)}: settles with the data in"
    for meter, until in inputs.data_until.items():
        if until is None or until < info.end:
            have = "no data" if until is None else f"data until {iso(until)}"
            return False, (
                f"waiting for meter {meter}: {have}, period ends {iso(info.end)}; "
                f"grace ends {iso(grace_end)}"
            )
    return True, "every meter's data covers the period"
