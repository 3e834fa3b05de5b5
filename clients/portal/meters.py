"""Meter charts and site dashboards from the BlockMeter family's state (rollup records).

`MeterData` is the seam: anything that can list sites and meters and hand over a day rollup
(hour buckets) or a month rollup (day buckets) feeds the charts. `StateMeterData` reads them from
the index's current state, decoding with blockmeter.proto; tests may pass their own.

JSON shapes (docs/portal.md):
  series:    {meter, zoom, start, end, bucket_s, resolution, unit, aggregate, latest_day,
              points: [{t, value, count, min, max[, demand_mw]}],
              rollups: {total, count, min, max, mean, flagged_count, gap_count, peak_demand_mw}
              [, previous: {start, end, shift_s, points, rollups}]}
  dashboard: {site, as_of, month_label, month_days, previous_month_label,
              meters: [{..., aggregate, today, month, previous_month}],
              generation_meters: [name], figures: {today, month, previous_month}}
All values are integers in the meter's unit (mWh for energy); `t` is Unix seconds UTC.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import Any, Protocol

from google.protobuf.message import Message

from smartblocks.ledger.messages import to_dict
from smartblocks.processors.blockmeter import records
from smartblocks.processors.blockmeter.addressing import RecordType, day_rollup_address
from smartblocks.processors.kit.store import Ref
from smartblocks.protos.blockmeter_pb2 import BlockMeterPayload, Meter, Site

from .index import ChainIndex

# (days, bucket seconds). "month" is a rolling 30 days, not the calendar month: on the 1st a
# calendar month would be one bar; 30 days always show a month's worth (docs/portal.md).
ZOOMS = {"day": (1, 3600), "week": (7, 3600), "month": (30, 86400)}
# zoom=range: any days from `start` to `end`; hourly buckets up to two weeks, then daily (a
# year of hours is 8,760 points, more than a chart is wide).
RANGE_MAX_DAYS = 366
RANGE_HOURLY_DAYS = 14
# What a chart may be compared with (compare=...): the same span just before, the baseline of a
# contract on the meter, BlockPredict's forecasts.
COMPARE = ("previous", "baseline", "forecast")

# The electricity balance's terms, by meter kind: consumption = import - export + generation
# + storage discharge - storage charge (a battery is neither generation nor import).
ENERGY_IN = {"ELECTRICITY_IMPORT"}
GENERATION = {"GENERATION"}
EXPORT = {"ELECTRICITY_EXPORT"}
STORAGE_CHARGE = {"STORAGE_CHARGE"}
STORAGE_DISCHARGE = {"STORAGE_DISCHARGE"}
# Energy and volume add up over time; temperatures, speeds and other rates do not: a day of
# outdoor temperature is its mean, never its sum.
SUMMABLE_UNITS = {"MILLIWATT_HOUR", "MILLILITRE"}


def aggregate(meter: dict[str, Any]) -> str:
    """How a meter's readings combine over a period: "total" or "mean"."""
    return "total" if meter.get("unit") in SUMMABLE_UNITS else "mean"


def period_value(rollup: dict[str, Any] | None, how: str) -> int | None:
    """A rollup's figure: its sum, or its mean (floor division, as on-chain); None if empty."""
    if not rollup or not rollup.get("count"):
        return None if how == "mean" else 0
    return rollup.get("sum", 0) if how == "total" else rollup.get("sum", 0) // rollup["count"]


class MeterData(Protocol):
    def sites(self) -> list[dict[str, Any]]: ...
    def meters(self) -> list[dict[str, Any]]: ...
    def day_rollup(self, meter_id: str, day: str) -> dict[str, Any] | None: ...
    def month_rollup(self, meter_id: str, month: str) -> dict[str, Any] | None: ...

    def intervals(self, meter: dict[str, Any], day: dt.date) -> list[tuple[int, int]] | None:
        """The day's readings as (interval start, value), or None to chart hourly buckets."""
        ...


class StateMeterData:
    """BlockMeter sites, meters (with heads) and rollups from the index's current state."""

    def __init__(self, index: ChainIndex) -> None:
        self.index = index

    def _records(self, record_type: RecordType, message_class: type[Message]) -> list[Any]:
        rows = self.index.current_records(record_type.prefix, limit=100_000)
        return [to_dict(message_class.FromString(bytes(row["value"]))) for row in rows]

    def _record(self, ref: Ref[Any]) -> dict[str, Any] | None:
        value = self.index.current_value(ref.address)
        return None if value is None else to_dict(ref.codec.decode(value))

    def sites(self) -> list[dict[str, Any]]:
        return sorted(self._records(RecordType.SITE, Site), key=lambda s: s["site_id"])

    def meters(self) -> list[dict[str, Any]]:
        meters = self._records(RecordType.METER, Meter)
        for meter in meters:
            meter["head"] = self._record(records.head(meter["meter_id"]))
        return sorted(meters, key=lambda m: m["meter_id"])

    def day_rollup(self, meter_id: str, day: str) -> dict[str, Any] | None:
        return self._record(records.day_rollup(meter_id, day))

    def month_rollup(self, meter_id: str, month: str) -> dict[str, Any] | None:
        return self._record(records.month_rollup(meter_id, month))

    def intervals(self, meter: dict[str, Any], day: dt.date) -> list[tuple[int, int]] | None:
        """An INTERVAL meter's readings of one UTC day, from the payloads of the transactions
        that wrote its day rollup (the readings live in payloads, not in state)."""
        if meter.get("mode") != "INTERVAL":
            return None  # registers: the rollups already hold the differences
        address = day_rollup_address(meter["meter_id"], day.isoformat())
        start = _epoch(day)
        readings: dict[int, int] = {}
        for txn in self.index.transactions_writing(address, limit=100_000):
            payload = BlockMeterPayload.FromString(txn["payload"])
            body = payload.record_readings
            if payload.WhichOneof("body") != "record_readings" or body.interval_s <= 0:
                continue
            for i, value in enumerate(body.values):
                t = body.window_start + i * body.interval_s
                if start <= t < start + 86400:
                    readings[t] = value
        return sorted(readings.items())


# -- series --------------------------------------------------------------------------------------


def window(
    zoom: str, end_day: dt.date, start_day: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """First and last UTC day shown for a zoom ending on `end_day` (month: the 30 days to it;
    range: `start_day` to `end_day`, at most RANGE_MAX_DAYS)."""
    if zoom == "range":
        if start_day is None:
            raise ValueError("zoom=range needs start=YYYY-MM-DD (and end)")
        days = (end_day - start_day).days + 1
        if not 1 <= days <= RANGE_MAX_DAYS:
            raise ValueError(
                f"a range is 1 to {RANGE_MAX_DAYS} days, start on or before end;"
                f" {start_day} to {end_day} is {days}"
            )
        return start_day, end_day
    if zoom not in ZOOMS:
        raise ValueError(f"zoom must be one of {', '.join([*ZOOMS, 'range'])}, not {zoom!r}")
    days = ZOOMS[zoom][0]
    if end_day.toordinal() < days:
        raise ValueError(f"a {zoom} ending {end_day} starts before the year 1")
    return end_day - dt.timedelta(days=days - 1), end_day


def bucket_of(zoom: str, first: dt.date, last: dt.date) -> int:
    """Bucket seconds: an hour, or a day for a month and for ranges longer than two weeks."""
    if zoom == "range":
        return 3600 if (last - first).days + 1 <= RANGE_HOURLY_DAYS else 86400
    return ZOOMS[zoom][1]


def series(
    data: MeterData,
    meter: dict[str, Any],
    zoom: str,
    end_day: dt.date,
    start_day: dt.date | None = None,
    compare: Iterable[str] = (),
) -> dict[str, Any]:
    first, last = window(zoom, end_day, start_day)
    bucket_s = bucket_of(zoom, first, last)
    # A single day of an INTERVAL meter shows its readings themselves.
    readings = zoom == "day" or (zoom == "range" and first == last)
    found = meter_points(data, meter, first, last, bucket_s, readings)
    result = {
        "meter": _meter_summary(meter),
        "zoom": zoom,
        "start": _epoch(first),
        "end": _epoch(last) + 86400,  # last + 1 day is past date.max for 9999-12-31
        **found,
        "unit": meter.get("unit", "UNIT_UNSET"),
        "aggregate": aggregate(meter),
        "latest_day": last_day(meter).isoformat(),
    }
    if "previous" in compare:
        result["previous"] = previous_period(data, meter, first, last, bucket_s, readings)
    return result


def meter_points(
    data: MeterData,
    meter: dict[str, Any],
    first: dt.date,
    last: dt.date,
    bucket_s: int,
    readings: bool = False,
) -> dict[str, Any]:
    """{bucket_s, resolution, points, rollups} of a meter's days `first`..`last`: one point per
    day (bucket_s 86,400) or hour from the day rollups, or with `readings` (a single day of an
    INTERVAL meter) the readings themselves."""
    how = aggregate(meter)
    points: list[dict[str, Any]] = []
    rollups: list[dict[str, Any]] = []
    days = [dt.date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]
    if readings and first == last and (values := data.intervals(meter, first)):
        rollup = data.day_rollup(meter["meter_id"], first.isoformat())
        rollups = [rollup] if rollup else []
        bucket_s = int(meter.get("nominal_interval_s") or 0) or _smallest_step(values)
        points = [{"t": t, "value": v, "count": 1, "min": v, "max": v} for t, v in values]
        resolution = "interval"
    elif bucket_s == 86400:
        # One bar per day from the day rollups (they carry gap and flag counts, and a rolling
        # window spans two calendar months).
        resolution = "day"
        for day in days:
            rollup = data.day_rollup(meter["meter_id"], day.isoformat())
            if rollup and rollup.get("count"):
                rollups.append(rollup)
                points.append(_point(_epoch(day), rollup, how))
    else:
        resolution = "hour"
        for day in days:
            rollup = data.day_rollup(meter["meter_id"], day.isoformat())
            if rollup:
                rollups.append(rollup)
                for bucket in rollup.get("buckets", []):
                    t = _epoch(day) + 3600 * bucket.get("index", 0)
                    points.append(_point(t, bucket, how))
    if meter.get("unit") == "MILLIWATT_HOUR":
        for point in points:
            point["demand_mw"] = demand_mw(point["value"], bucket_s)
    summary = combine(rollups)
    summary["peak_demand_mw"] = peak_demand_mw(meter, summary["max"])
    return {"bucket_s": bucket_s, "resolution": resolution, "points": points, "rollups": summary}


def demand_mw(energy_mwh: int, seconds: int) -> int:
    """Mean power over an interval: energy / length, in mW (mWh x 3600 / s), floored."""
    return energy_mwh * 3600 // seconds


def peak_demand_mw(meter: dict[str, Any], largest_reading: int | None) -> int | None:
    """Peak demand: the largest single reading's mean power over the meter's nominal interval
    (a 1-minute meter gives 1-minute peaks). None for meters that do not count energy."""
    interval = int(meter.get("nominal_interval_s") or 0)
    if meter.get("unit") != "MILLIWATT_HOUR" or largest_reading is None or interval <= 0:
        return None
    return demand_mw(largest_reading, interval)


def previous_period(
    data: MeterData,
    meter: dict[str, Any],
    first: dt.date,
    last: dt.date,
    bucket_s: int,
    readings: bool,
) -> dict[str, Any]:
    """The same number of days just before `first`, its points' `t` moved forward by the
    shift so they sit under the buckets they compare with."""
    days = (last - first).days + 1
    shift = dt.timedelta(days=days)
    if first.toordinal() <= days:
        return {"start": None, "end": None, "shift_s": days * 86400, "points": [], "rollups": None}
    found = meter_points(data, meter, first - shift, last - shift, bucket_s, readings)
    for point in found["points"]:
        point["t"] += days * 86400
    return {
        "start": _epoch(first - shift),
        "end": _epoch(last - shift) + 86400,
        "shift_s": days * 86400,
        **found,
    }


def _smallest_step(readings: list[tuple[int, int]]) -> int:
    steps = [b[0] - a[0] for a, b in itertools.pairwise(readings)]
    return min(steps, default=3600)


def _point(t: int, bucket: dict[str, Any], how: str) -> dict[str, Any]:
    return {
        "t": t,
        "value": period_value(bucket, how),
        "count": bucket.get("count", 0),
        "min": bucket.get("min", 0),
        "max": bucket.get("max", 0),
    }


def combine(rollups: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Totals over rollups; mean is floor(total / count) (integer division, as on-chain)."""
    total = count = flagged = gaps = 0
    low: int | None = None
    high: int | None = None
    for r in rollups:
        if not r.get("count"):
            continue
        total += r.get("sum", 0)
        count += r["count"]
        flagged += r.get("flagged_count", 0)
        gaps += r.get("gap_count", 0)
        low = r.get("min", 0) if low is None else min(low, r.get("min", 0))
        high = r.get("max", 0) if high is None else max(high, r.get("max", 0))
    return {
        "total": total,
        "count": count,
        "min": low,
        "max": high,
        "mean": total // count if count else None,
        "flagged_count": flagged,
        "gap_count": gaps,
    }


def _epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def _meter_summary(meter: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "meter_id",
        "site_id",
        "name",
        "kind",
        "unit",
        "mode",
        "nominal_interval_s",
        "head",
        "retired",
    )
    return {k: meter.get(k) for k in keys}


def last_day(meter: dict[str, Any]) -> dt.date:
    """The UTC day of a meter's newest reading: where its chart opens (the ledger's 'today')."""
    head = meter.get("head") or {}
    end = head.get("last_window_end")
    if not end:
        return dt.datetime.now(dt.UTC).date()
    return dt.datetime.fromtimestamp(int(end) - 1, dt.UTC).date()


# -- site dashboard ------------------------------------------------------------------------------


def dashboard(data: MeterData, site_id: str, day: dt.date | None = None) -> dict[str, Any] | None:
    site = next((s for s in data.sites() if s.get("site_id") == site_id), None)
    if site is None:
        return None
    meters = [m for m in data.meters() if m.get("site_id") == site_id]
    as_of = day or max((last_day(m) for m in meters), default=dt.datetime.now(dt.UTC).date())
    month = as_of.strftime("%Y-%m")
    # On the 1st the month so far is that one day: the page then shows the previous (whole)
    # month beside it, so there is a month figure worth reading (docs/portal.md).
    previous = (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    rows = []
    for meter in meters:
        how = aggregate(meter)
        rows.append(
            {
                **_meter_summary(meter),
                "aggregate": how,
                "today": period_value(data.day_rollup(meter["meter_id"], as_of.isoformat()), how),
                "month": period_value(
                    month_to(data.month_rollup(meter["meter_id"], month), as_of.day), how
                ),
                "previous_month": period_value(data.month_rollup(meter["meter_id"], previous), how),
            }
        )
    return {
        "site": site,
        "as_of": as_of.isoformat(),
        "month_label": month,
        "month_days": as_of.day,  # days of the month so far, as_of included
        "previous_month_label": previous,
        "meters": rows,
        # What the generation figures are made of: the names of the site's generation meters.
        "generation_meters": [
            r.get("name") or r["meter_id"] for r in rows if r.get("kind") in GENERATION
        ],
        "figures": {
            period: energy_figures(rows, period) for period in ("today", "month", "previous_month")
        },
    }


def month_to(rollup: dict[str, Any] | None, day: int) -> dict[str, Any] | None:
    """A month rollup cut to its days 1..`day` (its day buckets), so a dashboard as of a past
    day shows the month up to that day, not what the ledger holds for the month since."""
    buckets = (rollup or {}).get("buckets")
    if not buckets:
        return rollup
    kept = [b for b in buckets if b.get("index", 0) <= day]
    return {
        "sum": sum(b.get("sum", 0) for b in kept),
        "count": sum(b.get("count", 0) for b in kept),
    }


def energy_figures(rows: list[dict[str, Any]], period: str) -> dict[str, Any]:
    """Electricity balance in mWh, every term a sum of the site's meters of its kinds:

        consumption = import - export + generation + storage discharge - storage charge

    generation_share_ppm = floor(generation * 1e6 / consumption); None when nothing was used.
    Storage is not generation: a battery's discharge gave back what its charge took."""

    def total(kinds: set[str]) -> int:
        return sum(r[period] or 0 for r in rows if r.get("kind") in kinds)

    imported, exported, generated = total(ENERGY_IN), total(EXPORT), total(GENERATION)
    charged, discharged = total(STORAGE_CHARGE), total(STORAGE_DISCHARGE)
    consumption = imported - exported + generated + discharged - charged
    share = generated * 1_000_000 // consumption if consumption > 0 else None
    return {
        "import_mwh": imported,
        "export_mwh": exported,
        "generation_mwh": generated,
        "storage_discharge_mwh": discharged,
        "storage_charge_mwh": charged,
        "consumption_mwh": consumption,
        "generation_share_ppm": share,
    }


# -- a site's electricity, term by term ------------------------------------------------------------

BALANCE_TERMS = {
    "import": ENERGY_IN,
    "export": EXPORT,
    "generation": GENERATION,
    "storage_discharge": STORAGE_DISCHARGE,
    "storage_charge": STORAGE_CHARGE,
}


def site_series(
    data: MeterData,
    site_id: str,
    zoom: str,
    end_day: dt.date | None = None,
    start_day: dt.date | None = None,
) -> dict[str, Any] | None:
    """The balance's terms per bucket (hour or day), each the sum of the site's meters of its
    kind, and consumption = import - export + generation + discharge - charge per bucket, for
    one chart with import, generation and export overlaid. Buckets with no reading of any term
    are left out; a term's meters without readings in a bucket count 0 there."""
    if not any(s.get("site_id") == site_id for s in data.sites()):
        return None
    meters = [m for m in data.meters() if m.get("site_id") == site_id]
    end = end_day or max((last_day(m) for m in meters), default=dt.datetime.now(dt.UTC).date())
    first, last = window(zoom, end, start_day)
    bucket_s = bucket_of(zoom, first, last)
    terms: dict[str, dict[int, int]] = {name: {} for name in BALANCE_TERMS}
    for meter in meters:
        name = next((n for n, kinds in BALANCE_TERMS.items() if meter.get("kind") in kinds), None)
        if name is None:
            continue
        for point in meter_points(data, meter, first, last, bucket_s)["points"]:
            terms[name][point["t"]] = terms[name].get(point["t"], 0) + point["value"]
    times = sorted(set().union(*terms.values()))

    def term(name: str, t: int) -> int:
        return terms[name].get(t, 0)

    return {
        "site_id": site_id,
        "zoom": zoom,
        "start": _epoch(first),
        "end": _epoch(last) + 86400,
        "bucket_s": bucket_s,
        "unit": "MILLIWATT_HOUR",
        "t": times,
        "terms": {name: [term(name, t) for t in times] for name in BALANCE_TERMS},
        "consumption": [
            term("import", t)
            - term("export", t)
            + term("generation", t)
            + term("storage_discharge", t)
            - term("storage_charge", t)
            for t in times
        ],
    }
