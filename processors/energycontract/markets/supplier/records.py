"""The automated supplier's records as typed refs for the kit's record store, and the settings
that name its operators."""

from __future__ import annotations

from smartblocks.ledger.settings import SUPPLIER_OPERATORS
from smartblocks.processors.energycontract import records as family
from smartblocks.processors.kit.family import proto_kind
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.store import Ref, proto_ref
from smartblocks.protos.energycontract_pb2 import Escrow
from smartblocks.protos.market_supplier_pb2 import Supplier, SupplierMember, SupplierPeriod

from . import addressing

OPERATORS_SETTING = SUPPLIER_OPERATORS


def supplier(supplier_id: str) -> Ref[Supplier]:
    return proto_ref(addressing.supplier_address(supplier_id), f"supplier {supplier_id}", Supplier)


def member(supplier_id: str, key: str) -> Ref[SupplierMember]:
    return proto_ref(
        addressing.member_address(supplier_id, key),
        f"member {short_key(key)} of supplier {supplier_id}",
        SupplierMember,
    )


def period(supplier_id: str, number: int) -> Ref[SupplierPeriod]:
    return proto_ref(
        addressing.period_address(supplier_id, number),
        f"period {number} of supplier {supplier_id}",
        SupplierPeriod,
    )


def deposit(supplier_id: str, key: str) -> Ref[Escrow]:
    return family.escrow(addressing.escrow_id(supplier_id), key)


KINDS = (
    proto_kind(
        addressing.RecordType.SUPPLIER.value,
        "supplier",
        Supplier,
        lambda r: f"supplier {r.supplier_id} ({r.terms.name or 'unnamed'})",
    ),
    proto_kind(
        addressing.RecordType.MEMBER.value,
        "supplier_member",
        SupplierMember,
        lambda r: f"member {short_key(r.member)} of supplier {r.supplier_id}",
    ),
    proto_kind(
        addressing.RecordType.PERIOD.value,
        "supplier_period",
        SupplierPeriod,
        lambda r: f"period {r.period} of supplier {r.supplier_id}",
    ),
)
