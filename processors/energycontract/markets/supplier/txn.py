"""Client-side builders of the automated supplier's transactions (CLI, portal, demo, tests).
Each declares exactly the addresses its action reads and writes; builders that act on an
existing supplier take its record (read it first)."""

from __future__ import annotations

from collections.abc import Mapping

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.settings import setting_address
from smartblocks.processors.blockmeter import addressing as blockmeter
from smartblocks.processors.energycontract import addressing as family
from smartblocks.processors.energycontract import records as family_records
from smartblocks.processors.energycontract.txn import BUILDER
from smartblocks.processors.kit.ledger_time import with_ledger_time
from smartblocks.protos.energycontract_pb2 import EnergyContractPayload
from smartblocks.protos.market_supplier_pb2 import (
    Supplier,
    SupplierJoin,
    SupplierLeave,
    SupplierOpen,
    SupplierPeriod,
    SupplierSettle,
    UsageDeclare,
)

from . import addressing as addr
from . import metering, records

Action = EnergyContractPayload.Action
_transaction = BUILDER.transaction


def _funds(supplier: Supplier, member: str) -> list[str]:
    currency = supplier.terms.currency
    return [
        family.account_address(member, currency),
        family.escrow_address(addr.escrow_id(supplier.supplier_id), member),
    ]


def open_supplier(signer: Signer, *, terms: SupplierOpen) -> Transaction:
    """Signed by a key in setting smartblocks.energycontract.suppliers."""
    payload = EnergyContractPayload(action=Action.SUPPLIER_OPEN, supplier_open=terms)
    supplier = addr.supplier_address(terms.supplier_id)
    settings = [
        setting_address(records.OPERATORS_SETTING),
        setting_address(family_records.issuers_setting(terms.currency)),
    ]
    return _transaction(signer, payload, with_ledger_time([supplier, *settings]), [supplier])


def join(
    signer: Signer, *, supplier: Supplier, meter_id: str, site_id: str, deposit: int
) -> Transaction:
    """A site owner joins with its import meter (on site `site_id`) and locks `deposit`."""
    body = SupplierJoin(supplier_id=supplier.supplier_id, meter_id=meter_id, deposit=deposit)
    payload = EnergyContractPayload(action=Action.SUPPLIER_JOIN, supplier_join=body)
    own = [
        addr.supplier_address(supplier.supplier_id),
        addr.member_address(supplier.supplier_id, signer.public_key),
    ]
    meter = [blockmeter.meter_address(meter_id), blockmeter.site_address(site_id)]
    funds = _funds(supplier, signer.public_key)
    return _transaction(signer, payload, with_ledger_time([*own, *meter, *funds]), [*own, *funds])


def declare(signer: Signer, *, supplier: Supplier, period: int, usage_mwh: int) -> Transaction:
    body = UsageDeclare(supplier_id=supplier.supplier_id, period=period, usage_mwh=usage_mwh)
    payload = EnergyContractPayload(action=Action.USAGE_DECLARE, usage_declare=body)
    sid = supplier.supplier_id
    member = addr.member_address(sid, signer.public_key)
    book = addr.period_address(sid, period)
    deposit = family.escrow_address(addr.escrow_id(sid), signer.public_key)
    reads = with_ledger_time([addr.supplier_address(sid), member, book, deposit])
    return _transaction(signer, payload, reads, [member, book])


def settle_addresses(
    supplier: Supplier, book: SupplierPeriod, meters: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of settling `book`'s period; `meters` maps each declaring member to its
    meter (from its member record)."""
    sid, terms = supplier.supplier_id, supplier.terms
    members = [d.member for d in book.declarations]
    writes = [addr.period_address(sid, book.period)]
    writes += [addr.member_address(sid, m) for m in members]
    writes.append(family.account_address(supplier.operator, terms.currency))
    writes += [a for m in members for a in _funds(supplier, m)]
    reads = [addr.supplier_address(sid), *writes]
    for m in members:
        meter_id = meters[m]
        reads += [
            blockmeter.meter_address(meter_id),
            blockmeter.meter_head_address(meter_id),
            metering.rollup_ref(meter_id, terms, book.period).address,
        ]
    unique_writes = list(dict.fromkeys(writes))
    return with_ledger_time(list(dict.fromkeys(reads))), unique_writes


def settle(
    signer: Signer, *, supplier: Supplier, book: SupplierPeriod, meters: Mapping[str, str]
) -> Transaction:
    """Anyone may sign."""
    body = SupplierSettle(supplier_id=supplier.supplier_id, period=book.period)
    payload = EnergyContractPayload(action=Action.SUPPLIER_SETTLE, supplier_settle=body)
    inputs, outputs = settle_addresses(supplier, book, meters)
    return _transaction(signer, payload, inputs, outputs)


def leave(signer: Signer, *, supplier: Supplier) -> Transaction:
    """A member with no unsettled declaration: its deposit comes back."""
    body = SupplierLeave(supplier_id=supplier.supplier_id)
    payload = EnergyContractPayload(action=Action.SUPPLIER_LEAVE, supplier_leave=body)
    sid = supplier.supplier_id
    own = [addr.supplier_address(sid), addr.member_address(sid, signer.public_key)]
    funds = _funds(supplier, signer.public_key)
    return _transaction(signer, payload, with_ledger_time([*own, *funds]), [*own, *funds])
