"""Site and contract figures (KPIs) from the ledger: energy use intensity, peak demand,
generation share, baseline against actual and savings to date, savings against a guarantee,
and a contract's baseline under a meter's chart. Integers in the ledger's units; every division
is named below and in docs/portal.md ("Charts and KPIs").

Contracts are the EnergyContract family's records in the index (`Contract` with its signed
terms and baseline table, one `Settlement` per settled period); their figures are the ones the
processor wrote, never recomputed here. The baseline under a chart is the contract's signed
table evaluated by the one evaluator (`processors/kit/baseline.py`) at the weather meter's
floor-mean temperature, as settlement does.
"""

from __future__ import annotations

import datetime as dt
import weakref
from typing import Any

from smartblocks.processors.energycontract import records
from smartblocks.processors.energycontract.addressing import RecordType
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import day_number
from smartblocks.protos.baseline_pb2 import Resolution
from smartblocks.protos.blockmeter_pb2 import Unit
from smartblocks.protos.energycontract_pb2 import (
    Contract,
    DisputeRecord,
    GuaranteeBasis,
    Settlement,
)

from .index import ChainIndex
from .meters import (
    BALANCE_TERMS,
    ENERGY_IN,
    GENERATION,
    MeterData,
    last_day,
    peak_demand_mw,
)

YEAR_DAYS = 365
PEAK_DAYS = 30  # peak demand over the last 30 days, as the month zoom


# -- contracts -------------------------------------------------------------------------------


# Decoded contracts per index, kept until the index's head moves: every chart with a baseline
# and every KPI request looks through them, and decoding thousands of contracts (each with its
# baseline table) per request would cost seconds.
_CONTRACTS: weakref.WeakKeyDictionary[ChainIndex, tuple[Any, list[Any]]] = (
    weakref.WeakKeyDictionary()
)


def contracts(index: ChainIndex) -> list[Any]:
    """Every contract record (proposed, active, ended, withdrawn), by contract id."""
    head = index.head()
    cached = _CONTRACTS.get(index)
    if cached is not None and cached[0] == head:
        return cached[1]
    rows = index.current_records(RecordType.CONTRACT.prefix, limit=100_000)
    found = [Contract.FromString(bytes(row["value"])) for row in rows]
    _CONTRACTS[index] = (head, found)
    return found


def _settlement(index: ChainIndex, contract_id: str, period: int) -> Any:
    ref = records.settlement(contract_id, period)
    value = index.current_value(ref.address)
    return None if value is None else Settlement.FromString(value)


def _figure(figures: Any, name: str) -> int | None:
    return next((f.value for f in figures if f.name == name), None)


def contract_savings(index: ChainIndex, contract_id: str) -> dict[str, Any] | None:
    """A contract's settled periods and their running totals: adjusted baseline, actual,
    avoided energy and, for guaranteed savings, the guarantee (the period's prorated figure as
    settled), in the baseline table's unit. A period whose dispute the auditor resolved with
    ADJUST counts with the corrected actual and baseline (and the resolution's figures).
    INSUFFICIENT periods are listed but add nothing (no figure was settled).

    This is what the contract page charts as cumulative avoided energy against the guarantee."""
    value = index.current_value(records.contract(contract_id).address)
    if value is None:
        return None
    contract = Contract.FromString(value)
    terms = contract.terms
    template = terms.WhichOneof("template") or ""
    guaranteed = template == "guaranteed_savings"
    periods = []
    totals = {"adjusted_baseline": 0, "actual": 0, "avoided": 0, "guarantee": 0}
    for period in range(contract.settled_periods):
        settled = _settlement(index, contract_id, period)
        if settled is None:
            continue
        row: dict[str, Any] = {
            "period": period,
            "name": settled.period_name,
            "start": settled.start,
            "end": settled.end,
            "status": Settlement.Status.Name(settled.status),
            "coverage_ppm": settled.coverage_ppm,
            "adjusted": False,
        }
        if settled.status == Settlement.SETTLED:
            actual, base, figures = settled.actual, settled.adjusted_baseline, settled.figures
            if settled.dispute.status == DisputeRecord.ADJUSTED:
                actual = settled.dispute.corrected_actual
                base = settled.dispute.corrected_baseline
                figures = settled.dispute.figures or figures
                row["adjusted"] = True
            guarantee = _figure(figures, "guarantee") if guaranteed else None
            row.update(
                actual=actual, adjusted_baseline=base, avoided=base - actual, guarantee=guarantee
            )
            totals["actual"] += actual
            totals["adjusted_baseline"] += base
            totals["avoided"] += base - actual
            totals["guarantee"] += guarantee or 0
        row["cumulative_avoided"] = totals["avoided"]
        row["cumulative_guarantee"] = totals["guarantee"] if guaranteed else None
        periods.append(row)
    terms_guarantee = None
    if guaranteed:
        gs = terms.guaranteed_savings
        terms_guarantee = {"amount": gs.guarantee, "basis": GuaranteeBasis.Name(gs.basis)}
    return {
        "contract_id": contract_id,
        "title": terms.title,
        "site_id": terms.site_id,
        "meters": list(terms.meters),
        "status": Contract.Status.Name(contract.status),
        "template": template,
        "unit": Unit.Name(terms.baseline.unit),
        "periods_in_term": terms.periods,
        "settled_periods": contract.settled_periods,
        "guarantee": terms_guarantee,
        "periods": periods,
        "to_date": {**totals, "guarantee": totals["guarantee"] if guaranteed else None},
    }


def baseline_series(
    index: ChainIndex, data: MeterData, meter: dict[str, Any], start: int, end: int, bucket_s: int
) -> list[dict[str, Any]]:
    """The baseline of every contract whose terms model this meter alone, per bucket of the
    chart (a day; an hour with an hourly table), at the weather meter's floor-mean temperature
    of that day or hour. Buckets without a temperature are left out; a daily table has no
    hourly baseline (zoom out to days), and readings finer than an hour have none."""
    found = []
    for contract in contracts(index):
        terms = contract.terms
        if list(terms.meters) != [meter["meter_id"]] or not terms.baseline.curves:
            continue
        table = terms.baseline
        hourly = table.resolution == Resolution.PER_HOUR
        if bucket_s not in (3600, 86400) or (bucket_s == 3600 and not hourly):
            points: list[dict[str, int]] = []
        else:
            points = _baseline_points(data, table, terms.weather_meter, start, end, bucket_s)
        found.append(
            {
                "contract_id": contract.contract_id,
                "status": Contract.Status.Name(contract.status),
                "reporting_start": terms.start,
                "resolution": Resolution.Name(table.resolution),
                "points": points,
            }
        )
    return found


def _baseline_points(
    data: MeterData, table: Any, weather_meter: str, start: int, end: int, bucket_s: int
) -> list[dict[str, int]]:
    points = []
    for day_start in range(start, end, 86400):
        day = dt.datetime.fromtimestamp(day_start, dt.UTC).date()
        rollup = data.day_rollup(weather_meter, day.isoformat()) or {}
        if table.resolution == Resolution.PER_DAY:
            if rollup.get("count"):
                temperature = rollup["sum"] // rollup["count"]  # floor mean, as settlement
                value = baseline.evaluate_day(table, day_number(day), temperature)
                points.append({"t": day_start, "value": value})
            continue
        hours = {b.get("index", 0): b for b in rollup.get("buckets", []) if b.get("count")}
        values = {
            day_start + 3600 * h: baseline.evaluate_hour(
                table, day_start + 3600 * h, b["sum"] // b["count"]
            )
            for h, b in hours.items()
        }
        if bucket_s == 3600:
            points += [{"t": t, "value": v} for t, v in sorted(values.items())]
        elif len(values) == 24:  # a day's baseline needs all its hours
            points.append({"t": day_start, "value": sum(values.values())})
    return points


# -- a site's figures ------------------------------------------------------------------------


def site_kpis(
    index: ChainIndex, data: MeterData, site_id: str, day: dt.date | None = None
) -> dict[str, Any] | None:
    """A site's KPIs as of `day` (default: its newest reading's UTC day):

    - year: the 365 days to `as_of` from the month rollups' day buckets: the electricity
      balance's terms and consumption, gas, the days with import readings (`days_covered`);
      energy use intensity = consumption x 365 / (days_covered x floor area), floored, in mWh
      per m² and year (annualised when fewer days have data); gas likewise in mL per m² and
      year; generation share = floor(generation x 10⁶ / consumption);
    - peak demand over the 30 days to `as_of`, per import meter: its largest reading's mean
      power over the meter's nominal interval (meters.peak_demand_mw), with the day;
    - contracts: each signed contract of the site (active or ended) with its savings to date
      (contract_savings)."""
    site = next((s for s in data.sites() if s.get("site_id") == site_id), None)
    if site is None:
        return None
    meters = [m for m in data.meters() if m.get("site_id") == site_id]
    as_of = day or max((last_day(m) for m in meters), default=dt.datetime.now(dt.UTC).date())
    first = as_of - dt.timedelta(days=YEAR_DAYS - 1)
    totals = {name: 0 for name in BALANCE_TERMS}
    gas = 0
    covered: set[dt.date] = set()
    for meter in meters:
        name = next((n for n, kinds in BALANCE_TERMS.items() if meter.get("kind") in kinds), None)
        is_gas = meter.get("kind") == "GAS" and meter.get("unit") == "MILLILITRE"
        if name is None and not is_gas:
            continue
        for date, bucket in _day_buckets(data, meter["meter_id"], first, as_of):
            if name is not None:
                totals[name] += bucket.get("sum", 0)
            else:
                gas += bucket.get("sum", 0)
            if meter.get("kind") in ENERGY_IN and bucket.get("count"):
                covered.add(date)
    consumption = (
        totals["import"]
        - totals["export"]
        + totals["generation"]
        + totals["storage_discharge"]
        - totals["storage_charge"]
    )
    area = int(site.get("floor_area_m2") or 0)
    days = len(covered)

    def intensity(total: int) -> int | None:
        return total * YEAR_DAYS // (days * area) if days and area else None

    return {
        "site_id": site_id,
        "as_of": as_of.isoformat(),
        "floor_area_m2": area or None,
        "year": {
            "start": first.isoformat(),
            "end": as_of.isoformat(),
            "days_covered": days,
            **{f"{name}_mwh": value for name, value in totals.items()},
            "consumption_mwh": consumption,
            "gas_ml": gas,
            "eui_mwh_per_m2": intensity(consumption),
            "gas_ml_per_m2": intensity(gas) if gas else None,
            "generation_share_ppm": (
                totals["generation"] * 1_000_000 // consumption if consumption > 0 else None
            ),
            "generation_meters": [
                m.get("name") or m["meter_id"] for m in meters if m.get("kind") in GENERATION
            ],
        },
        "peak_demand": peak_demand(data, meters, as_of),
        "contracts": [
            savings
            for c in contracts(index)
            if c.terms.site_id == site_id
            and c.status in (Contract.ACTIVE, Contract.ENDED)
            and (savings := contract_savings(index, c.contract_id)) is not None
        ],
    }


def peak_demand(data: MeterData, meters: list[dict[str, Any]], as_of: dt.date) -> dict[str, Any]:
    """Per import meter, its largest reading over the PEAK_DAYS days to `as_of` (the month
    rollups' day buckets keep each day's largest reading) as mean power, with the day."""
    first = as_of - dt.timedelta(days=PEAK_DAYS - 1)
    rows = []
    for meter in meters:
        if meter.get("kind") not in ENERGY_IN:
            continue
        best: tuple[int, dt.date] | None = None
        for date, bucket in _day_buckets(data, meter["meter_id"], first, as_of):
            if bucket.get("count") and (best is None or bucket.get("max", 0) > best[0]):
                best = (bucket.get("max", 0), date)
        rows.append(
            {
                "meter_id": meter["meter_id"],
                "name": meter.get("name") or meter["meter_id"],
                "interval_s": meter.get("nominal_interval_s"),
                "peak_mw": peak_demand_mw(meter, best[0]) if best else None,
                "day": best[1].isoformat() if best else None,
            }
        )
    peaks = [r["peak_mw"] for r in rows if r["peak_mw"] is not None]
    return {
        "start": first.isoformat(),
        "end": as_of.isoformat(),
        "meters": rows,
        "peak_mw": max(peaks) if peaks else None,
    }


def _day_buckets(
    data: MeterData, meter_id: str, first: dt.date, last: dt.date
) -> list[tuple[dt.date, dict[str, Any]]]:
    """The month rollups' day buckets of days `first`..`last` (13 records for a year)."""
    found = []
    month = first.replace(day=1)
    while month <= last:
        rollup = data.month_rollup(meter_id, month.strftime("%Y-%m")) or {}
        for bucket in rollup.get("buckets", []):
            date = month.replace(day=bucket.get("index", 1))
            if first <= date <= last:
                found.append((date, bucket))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return found
