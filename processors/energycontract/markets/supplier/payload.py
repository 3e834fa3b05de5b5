"""Stateless checks of the automated supplier's payload bodies (rules that need state are in
actions.py)."""

from __future__ import annotations

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.energycontract.terms import check_amount, check_currency
from smartblocks.processors.kit.arithmetic import PPM
from smartblocks.processors.kit.payload import check_id, check_range, check_text
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, SECONDS_PER_HOUR
from smartblocks.protos.market_supplier_pb2 import (
    SupplierJoin,
    SupplierLeave,
    SupplierOpen,
    SupplierSettle,
    UsageDeclare,
)

MAX_PERIODS = 1_000_000  # period numbers are uint32; a cap keeps period starts in int64
MAX_USAGE_MWH = 10**15  # 1 TWh: far above any member's period, far below uint64
MAX_LEAD_S = 30 * SECONDS_PER_DAY
MAX_GRACE_S = 90 * SECONDS_PER_DAY
MAX_PRICE_PER_KWH = 10**9  # 1,000 units a kWh


def check_open(body: SupplierOpen) -> None:
    check_id("supplier_open: supplier id", body.supplier_id)
    check_text("supplier_open: name", body.name, max_length=200)
    check_currency("supplier_open: currency", body.currency)
    if body.start <= 0 or body.start % SECONDS_PER_HOUR:
        raise InvalidTransaction(
            f"supplier_open: start {body.start} is not a whole UTC hour in Unix seconds"
        )
    hours = body.period_s // SECONDS_PER_HOUR
    if body.period_s % SECONDS_PER_HOUR or not hours or SECONDS_PER_DAY % body.period_s:
        raise InvalidTransaction(
            f"supplier_open: period {body.period_s} s is not 1, 2, 3, 4, 6, 8, 12 or 24 hours "
            "(a period must be whole hours within one UTC day)"
        )
    if (body.start % SECONDS_PER_DAY) % body.period_s:
        raise InvalidTransaction(
            f"supplier_open: start {body.start} is not on a {body.period_s} s boundary of its "
            "UTC day, so periods would cross midnight"
        )
    check_range("supplier_open: declare lead", body.declare_lead_s, 0, MAX_LEAD_S, "s")
    check_range("supplier_open: data grace", body.data_grace_s, 0, MAX_GRACE_S, "s")
    check_range(
        "supplier_open: price per kWh", body.price_per_kwh, 0, MAX_PRICE_PER_KWH, "micro-units"
    )
    check_range("supplier_open: tolerance", body.tolerance_ppm, 0, PPM, "ppm")
    check_range("supplier_open: learning rate", body.learning_rate_ppm, 0, PPM, "ppm")
    check_range("supplier_open: initial H", body.initial_h_ppm, 0, PPM, "ppm")
    check_amount("supplier_open: minimum deposit", body.min_deposit)


def check_join(body: SupplierJoin) -> None:
    check_id("supplier_join: supplier id", body.supplier_id)
    check_id("supplier_join: meter id", body.meter_id)
    check_amount("supplier_join: deposit", body.deposit)


def check_declare(body: UsageDeclare) -> None:
    check_id("usage_declare: supplier id", body.supplier_id)
    check_range("usage_declare: period", body.period, 0, MAX_PERIODS)
    check_range("usage_declare: usage", body.usage_mwh, 0, MAX_USAGE_MWH, "mWh")


def check_settle(body: SupplierSettle) -> None:
    check_id("supplier_settle: supplier id", body.supplier_id)
    check_range("supplier_settle: period", body.period, 0, MAX_PERIODS)


def check_leave(body: SupplierLeave) -> None:
    check_id("supplier_leave: supplier id", body.supplier_id)
