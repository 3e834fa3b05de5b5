"""Reading the agreements' records off-chain (CLI, portal, demo, bench) from anything with the
REST client's two reads: `await state(address)` and `async for address, data in
list_state(prefix)`. It decodes; it imports no client code, so every client shares it."""

from __future__ import annotations

from typing import Any

from smartblocks.processors.blockmeter import addressing as blockmeter
from smartblocks.processors.kit.periods import day_name
from smartblocks.protos.blockmeter_pb2 import Meter, MeterHead, Rollup
from smartblocks.protos.energycontract_pb2 import Account, Escrow
from smartblocks.protos.market_aggregation_pb2 import Community, Dispute, Epoch, Member

from ... import addressing as ec
from . import addressing as addr
from . import rules


async def community(client: Any, community_id: str) -> Community | None:
    data = await client.state(addr.community_address(community_id))
    return Community.FromString(data) if data else None


async def communities(client: Any) -> list[Community]:
    found = [
        Community.FromString(data)
        async for _, data in client.list_state(addr.RecordType.COMMUNITY.prefix)
    ]
    return sorted(found, key=lambda c: c.community_id)


async def members(client: Any, community_id: str) -> list[Member]:
    """Every member the community ever had (LEFT included), by public key."""
    found = [
        Member.FromString(data)
        async for _, data in client.list_state(addr.RecordType.MEMBER.prefix)
    ]
    return sorted((m for m in found if m.community_id == community_id), key=lambda m: m.der)


async def current_members(client: Any, found: Community) -> list[Member]:
    """The records of the keys in community.members (what a sweep reads)."""
    out = []
    for der in found.members:
        data = await client.state(addr.member_address(found.community_id, der))
        if data:
            out.append(Member.FromString(data))
    return out


async def epochs(client: Any, found: Community) -> list[Epoch]:
    out = []
    for n in range(found.swept_epochs):
        data = await client.state(addr.epoch_address(found.community_id, n))
        if data:
            out.append(Epoch.FromString(data))
    return out


async def epoch(client: Any, community_id: str, number: int) -> Epoch | None:
    data = await client.state(addr.epoch_address(community_id, number))
    return Epoch.FromString(data) if data else None


async def disputes(client: Any, community_id: str) -> list[Dispute]:
    found = [
        Dispute.FromString(data)
        async for _, data in client.list_state(addr.RecordType.DISPUTE.prefix)
    ]
    return sorted(
        (d for d in found if d.community_id == community_id), key=lambda d: (d.epoch, d.der)
    )


async def vault(client: Any, community_id: str, der: str) -> int:
    data = await client.state(addr.vault_address(community_id, der))
    return Escrow.FromString(data).balance if data else 0


async def balance(client: Any, owner: str, currency: str) -> int:
    data = await client.state(ec.account_address(owner, currency))
    return Account.FromString(data).balance if data else 0


async def meter(client: Any, meter_id: str) -> Meter | None:
    data = await client.state(blockmeter.meter_address(meter_id))
    return Meter.FromString(data) if data else None


async def head(client: Any, meter_id: str) -> MeterHead | None:
    data = await client.state(blockmeter.meter_head_address(meter_id))
    return MeterHead.FromString(data) if data else None


async def hours(client: Any, meter_id: str, start: int, end: int) -> list[rules.Hour]:
    """The meter's hours in [start, end) from its day rollups, as a sweep reads them."""
    by_day: dict[int, dict[int, tuple[int, int]]] = {}
    for day in rules.days_of(start, end):
        data = await client.state(blockmeter.day_rollup_address(meter_id, day_name(day)))
        rollup = Rollup.FromString(data) if data else None
        by_day[day] = {} if rollup is None else {b.index: (b.sum, b.count) for b in rollup.buckets}
    return rules.hours_from_buckets(start, end, lambda day: by_day[day])
