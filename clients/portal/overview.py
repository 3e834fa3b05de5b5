"""The front page's story at a glance, from ledger records: the sites and their meters, the
measure (a contract's start) and the baseline data before it, forecasts scored, contracts and
their last settlement, and the money moved (docs/portal.md "Overview").

Every item carries the address of the record it comes from, for a link; an empty ledger gives
empty lists and zeros, which the page shows as "nothing yet". The energy balance comes from the
site dashboard (meters.py), which the page asks for itself.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from smartblocks.ledger.messages import iso_time
from smartblocks.protos import blockmeter_pb2 as bm
from smartblocks.protos import energycontract_pb2 as ec

from .ledger_records import LedgerRecords


def overview(records: LedgerRecords) -> dict[str, Any]:
    heads = {h.record.meter_id: h.record for h in records.heads}
    return {
        "sites": _sites(records, heads),
        "measures": _measures(records, heads),
        "forecasts": _forecasts(records),
        "contracts": _contracts(records),
        "money": _money(records),
    }


def _sites(records: LedgerRecords, heads: dict[str, bm.MeterHead]) -> list[dict[str, Any]]:
    by_site: dict[str, list[bm.Meter]] = defaultdict(list)
    for meter in records.meters:
        by_site[meter.record.site_id].append(meter.record)
    sites = []
    for found in sorted(records.sites, key=lambda s: s.record.site_id):
        site = found.record
        meters = by_site.get(site.site_id, [])
        ends = [heads[m.meter_id].last_window_end for m in meters if m.meter_id in heads]
        sites.append(
            {
                "site_id": site.site_id,
                "name": site.name,
                "floor_area_m2": site.floor_area_m2,
                "address": found.address,
                "meters": len(meters),
                "retired_meters": sum(1 for m in meters if m.retired),
                "kinds": sorted({bm.MeterKind.Name(m.kind) for m in meters}),
                "readings": sum(
                    heads[m.meter_id].value_count for m in meters if m.meter_id in heads
                ),
                "data_until": iso_time(max(ends)) if ends else None,
            }
        )
    return sites


def _measures(records: LedgerRecords, heads: dict[str, bm.MeterHead]) -> list[dict[str, Any]]:
    """Per contract: the measure's date (the contract's start: savings count from there), what
    the signed baseline table says it was fitted on (`baseline_fit`, None for a table exported
    before tables recorded it) and, for those, the contract meters' readings on the ledger
    before the measure (the meters a baseline is fitted on may be others: the demo fits on
    the BMS's 15-minute meters and settles on the 1-minute ones). The table's `model` names
    how it was fitted."""
    measures = []
    for found in sorted(records.contracts, key=lambda c: c.record.contract_id):
        terms = found.record.terms
        firsts = [
            heads[m].first_window_start
            for m in terms.meters
            if m in heads and heads[m].first_window_start
        ]
        first = min(firsts) if firsts else None
        measures.append(
            {
                "contract_id": terms.contract_id,
                "site_id": terms.site_id,
                "meters": list(terms.meters),
                "measure_date": iso_time(terms.start),
                "baseline_data_from": iso_time(first) if first is not None else None,
                "baseline_data_days": (terms.start - first) // 86400
                if first is not None and first < terms.start
                else 0,
                "baseline_model": terms.baseline.model,
                "baseline_fit": baseline_fit(terms.baseline),
                "address": found.address,
            }
        )
    return measures


def baseline_fit(table: Any) -> dict[str, Any] | None:
    """What a baseline table says it was fitted on (its fit_* fields, protos/baseline.proto):
    the meters (none: fitted on files), the weather meter and the period [from, to); None when
    the table does not say (exported before tables recorded it). The contract page shows it
    too."""
    if not table.fit_end:
        return None
    return {
        "meters": list(table.fit_meters),
        "weather_meter": table.fit_weather_meter,
        "from": iso_time(table.fit_start),
        "to": iso_time(table.fit_end),
        "days": (table.fit_end - table.fit_start) // 86400,
    }


def _forecasts(records: LedgerRecords) -> dict[str, Any]:
    """How many forecasts are posted and scored, and each meter's latest month of accuracy."""
    latest: dict[tuple[str, int], Any] = {}
    for found in records.month_accuracy:
        month = found.record
        key = (month.meter_id, month.slot_s)
        if key not in latest or month.month > latest[key].record.month:
            latest[key] = found
    months = [
        {
            "meter_id": f.record.meter_id,
            "month": f.record.month,
            "slot_s": f.record.slot_s,
            "scores": f.record.scores,
            "slots": f.record.sums.slots,
            "cv_rmse_ppm": f.record.metrics.cv_rmse_ppm,
            "mape_ppm": f.record.metrics.mape_ppm,
            "address": f.address,
        }
        for _, f in sorted(latest.items())
    ]
    return {
        "posted": records.forecasts_posted,
        "scored": records.scores_written,
        "latest_months": months,
    }


def _contracts(records: LedgerRecords) -> list[dict[str, Any]]:
    last: dict[str, Any] = {}
    for settled in records.settlements:
        known = last.get(settled.record.contract_id)
        if known is None or settled.record.period > known.record.period:
            last[settled.record.contract_id] = settled
    contracts = []
    for found in sorted(records.contracts, key=lambda c: c.record.contract_id):
        contract = found.record
        terms = contract.terms
        latest = last.get(contract.contract_id)
        contracts.append(
            {
                "contract_id": contract.contract_id,
                "title": terms.title,
                "template": terms.WhichOneof("template"),
                "status": ec.Contract.Status.Name(contract.status),
                "currency": terms.currency,
                "unit": bm.Unit.Name(terms.baseline.unit),  # of actual, baseline, avoided
                "periods": terms.periods,
                "settled_periods": contract.settled_periods,
                "cumulative_avoided": contract.state.cumulative_avoided,
                "address": found.address,
                "last_settlement": None if latest is None else _settlement(latest),
            }
        )
    return contracts


def _settlement(found: Any) -> dict[str, Any]:
    settlement = found.record
    return {
        "period": settlement.period,
        "period_name": settlement.period_name,
        "status": ec.Settlement.Status.Name(settlement.status),
        "actual": settlement.actual,
        "adjusted_baseline": settlement.adjusted_baseline,
        "avoided": settlement.avoided,
        "coverage_ppm": settlement.coverage_ppm,
        "paid": sum(p.from_escrow + p.from_account for p in settlement.payments),
        "settled_at": iso_time(settlement.settled_at),
        "disputed": settlement.HasField("dispute")
        and settlement.dispute.status != ec.DisputeRecord.STATUS_UNSET,
        "address": found.address,
    }


def _money(records: LedgerRecords) -> list[dict[str, Any]]:
    """Per currency: issued and redeemed (the currency record), paid by settlements and
    dispute resolutions, and held in accounts and escrow now."""
    money: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"issued": 0, "redeemed": 0, "settled": 0, "payments": 0, "accounts": 0,
                 "escrow": 0, "address": None}
    )  # fmt: skip
    for currency_record in records.currencies:
        entry = money[currency_record.record.code]
        entry.update(issued=currency_record.record.issued, redeemed=currency_record.record.redeemed)
        entry["address"] = currency_record.address
    currency_of = {c.record.contract_id: c.record.terms.currency for c in records.contracts}
    for settled in records.settlements:
        settlement = settled.record
        payments = list(settlement.payments)
        if settlement.HasField("dispute"):
            payments += list(settlement.dispute.payments)
        currency = currency_of.get(settlement.contract_id)
        if currency is None:
            continue
        for payment in payments:
            paid = payment.from_escrow + payment.from_account
            if paid:
                money[currency]["settled"] += paid
                money[currency]["payments"] += 1
    for account in records.accounts:
        money[account.record.currency]["accounts"] += account.record.balance
    for escrow in records.escrows:
        money[escrow.record.currency]["escrow"] += escrow.record.balance
    return [{"currency": code, **entry} for code, entry in sorted(money.items())]
