"""Reading the automated supplier over the REST API: a supplier, its periods, members and
deposits, and the meters a settlement needs. Used by `smartblocks supplier`, the demo and the
portal (docs/market-supplier.md)."""

from __future__ import annotations

from dataclasses import dataclass

from smartblocks.ledger.errors import UserError
from smartblocks.processors.energycontract import addressing as family
from smartblocks.processors.energycontract.markets.supplier import addressing as addr
from smartblocks.processors.energycontract.markets.supplier.addressing import escrow_id
from smartblocks.protos.energycontract_pb2 import Escrow
from smartblocks.protos.market_supplier_pb2 import Supplier, SupplierMember, SupplierPeriod

from .ledger import StateReader, read_many


@dataclass(frozen=True)
class SupplierView:
    supplier: Supplier
    members: list[SupplierMember]  # sorted by key
    deposits: dict[str, int]  # member -> micro-units held in the supplier's escrow
    periods: list[SupplierPeriod]  # sorted by period


async def read_supplier(client: StateReader, supplier_id: str) -> Supplier | None:
    data = await client.state(addr.supplier_address(supplier_id))
    return Supplier.FromString(data) if data else None


async def read_period(client: StateReader, supplier_id: str, period: int) -> SupplierPeriod | None:
    data = await client.state(addr.period_address(supplier_id, period))
    return SupplierPeriod.FromString(data) if data else None


async def read_view(client: StateReader, supplier_id: str) -> SupplierView | None:
    supplier = await read_supplier(client, supplier_id)
    if supplier is None:
        return None
    members = [
        m
        async for _, data in client.list_state(addr.RecordType.MEMBER.prefix)
        if (m := SupplierMember.FromString(data)).supplier_id == supplier_id
    ]
    members.sort(key=lambda m: m.member)
    periods = [
        p
        async for _, data in client.list_state(addr.RecordType.PERIOD.prefix)
        if (p := SupplierPeriod.FromString(data)).supplier_id == supplier_id
    ]
    periods.sort(key=lambda p: p.period)
    found = await read_many(
        client,
        [family.escrow_address(escrow_id(supplier_id), m.member) for m in members],
    )
    deposits = {
        m.member: Escrow.FromString(data).balance if data else 0
        for m, data in zip(members, found, strict=True)
    }
    return SupplierView(supplier, members, deposits, periods)


async def settle_meters(
    client: StateReader, supplier_id: str, book: SupplierPeriod
) -> dict[str, str]:
    """Each declaring member's meter, from its member record (the settle builder needs them)."""
    found = await read_many(
        client, [addr.member_address(supplier_id, d.member) for d in book.declarations]
    )
    out = {}
    for declaration, data in zip(book.declarations, found, strict=True):
        if not data:
            raise UserError(f"member {declaration.member} of supplier {supplier_id} is missing")
        out[declaration.member] = SupplierMember.FromString(data).meter_id
    return out
