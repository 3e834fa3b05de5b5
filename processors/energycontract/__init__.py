"""The EnergyContract transaction family: token accounts, energy performance contracts made from
templates and signed by both parties, their settlement every period from BlockMeter's rollups,
and disputes resolved by the auditor the terms name (docs/energycontract.md)."""

from __future__ import annotations

from smartblocks.processors.kit.family import Family, proto_kind
from smartblocks.processors.kit.payload import short_key
from smartblocks.protos.energycontract_pb2 import (
    Account,
    Contract,
    Currency,
    EnergyContractPayload,
    Escrow,
    Settlement,
)

from . import markets
from .addressing import FAMILY_NAME, FAMILY_VERSION, RecordType
from .handler import EnergyContractHandler


def _contract(contract: Contract) -> str:
    template = contract.terms.WhichOneof("template") or "no template"
    status = Contract.Status.Name(contract.status)
    return f"contract {contract.contract_id} ({template}, {status})"


def _settlement(record: Settlement) -> str:
    status = Settlement.Status.Name(record.status)
    return f"settlement {record.contract_id} {record.period_name} ({status})"


FAMILY = Family(
    name=FAMILY_NAME,
    versions=(FAMILY_VERSION,),
    handler=EnergyContractHandler,
    decode_payload=EnergyContractPayload.FromString,
    records=(
        proto_kind(
            RecordType.ACCOUNT.value,
            "account",
            Account,
            lambda a: f"account of {short_key(a.owner)} in {a.currency}",
        ),
        proto_kind(RecordType.CURRENCY.value, "currency", Currency, lambda c: f"currency {c.code}"),
        proto_kind(RecordType.CONTRACT.value, "contract", Contract, _contract),
        proto_kind(
            RecordType.ESCROW.value,
            "escrow",
            Escrow,
            lambda e: f"escrow of {short_key(e.party)} in contract {e.contract_id}",
        ),
        proto_kind(RecordType.SETTLEMENT.value, "settlement", Settlement, _settlement),
        *markets.RECORDS,
    ),
    time_fields=frozenset(
        {
            "start",
            "end",
            "proposed_at",
            "accepted_at",
            "ended_at",
            "settled_at",
            "raised_at",
            "resolved_at",
        }
    )
    | markets.TIME_FIELDS,
    summary="energy performance contracts from templates, token accounts, settlement, disputes; "
    "markets: P2P trade, aggregator agreements, the automated supplier, a local double auction",
)
