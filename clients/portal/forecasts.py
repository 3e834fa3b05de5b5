"""BlockPredict's forecasts of a meter over its chart, and its accuracy per month, from the
index's current state (docs/blockpredict.md has the records and the scoring arithmetic).

A forecast's address hashes (meter, start, issuer), so a meter's forecasts cannot be listed by
prefix: the chart looks up the forecasts *starting at 00:00 UTC* of each day from 31 days
(the longest forecast) before the chart to its end, by each forecaster the site's
`Forecasters` record names. Day-ahead and week-ahead forecasts (the prediction service's
included) start at midnight; a forecast starting at another hour, or by a forecaster whose
grant was revoked, is not charted (its scores still count in the month accuracy).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from smartblocks.processors.blockpredict import records
from smartblocks.processors.kit.store import Ref

from .index import ChainIndex

LONGEST_FORECAST_DAYS = 31
SLOTS = (3600, 86400)  # what MonthAccuracy records are kept per


def _record(index: ChainIndex, ref: Ref[Any]) -> Any:
    value = index.current_value(ref.address)
    return None if value is None else ref.codec.decode(value)


def forecast_series(
    index: ChainIndex, meter: dict[str, Any], start: int, end: int, bucket_s: int
) -> dict[str, Any]:
    """Each forecaster's forecast of `[start, end)` in buckets of `bucket_s` when that is a
    whole number of forecast slots (slots summed; a bucket only when all its slots are
    forecast), else per slot. Where forecasts of one forecaster overlap, the one that started
    last (the shortest lead) counts. {bucket_s, forecasts: [{issuer, model, points: [{t,
    value}]}]}"""
    forecasters = _record(index, records.forecasters(meter.get("site_id", "")))
    issuers = sorted(forecasters.public_keys) if forecasters else []
    first_day = dt.datetime.fromtimestamp(start, dt.UTC).date()
    last_day = dt.datetime.fromtimestamp(end - 1, dt.UTC).date()
    starts = [
        _epoch(dt.date.fromordinal(o))
        for o in range(first_day.toordinal() - LONGEST_FORECAST_DAYS, last_day.toordinal() + 1)
    ]
    found = []
    slot_s = 0
    for issuer in issuers:
        slots: dict[int, int] = {}
        model = ""
        for t0 in starts:  # oldest first: a later start overwrites the slots it shares
            forecast = _record(index, records.forecast(meter["meter_id"], t0, issuer))
            if forecast is None:
                continue
            slot_s = max(slot_s, forecast.slot_s)
            model = f"{forecast.model_name} {forecast.model_version}"
            for i, value in enumerate(forecast.values):
                t = forecast.start + i * forecast.slot_s
                if start <= t < end:
                    slots[t] = value
        if slots:
            found.append({"issuer": issuer, "model": model, "slots": slots})
    out_bucket = bucket_s if slot_s and bucket_s >= slot_s and bucket_s % slot_s == 0 else slot_s
    return {
        "bucket_s": out_bucket or bucket_s,
        "forecasts": [
            {
                "issuer": f["issuer"],
                "model": f["model"],
                "points": _buckets(f["slots"], slot_s, out_bucket),
            }
            for f in found
        ],
    }


def _buckets(slots: dict[int, int], slot_s: int, bucket_s: int) -> list[dict[str, int]]:
    if bucket_s == slot_s:
        return [{"t": t, "value": v} for t, v in sorted(slots.items())]
    per_bucket = bucket_s // slot_s
    sums: dict[int, list[int]] = {}
    for t, value in slots.items():
        sums.setdefault(t - t % bucket_s, []).append(value)
    return [
        {"t": t, "value": sum(values)}
        for t, values in sorted(sums.items())
        if len(values) == per_bucket
    ]


def month_accuracy(
    index: ChainIndex, meter_id: str, last_month: str, months: int = 12
) -> list[dict[str, Any]]:
    """BlockPredict's MonthAccuracy records of the meter for `months` UTC months up to
    `last_month` ("YYYY-MM"), newest first, hourly and daily slots apart: exactly the metrics
    the processor wrote (docs/blockpredict.md "Month accuracy")."""
    year, month = map(int, last_month.split("-"))
    rows = []
    for _ in range(months):
        name = f"{year:04d}-{month:02d}"
        for slot_s in SLOTS:
            record = _record(index, records.month_accuracy(meter_id, name, slot_s))
            if record is not None:
                rows.append(_accuracy_row(record))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return rows


def _accuracy_row(record: Any) -> dict[str, Any]:
    sums, metrics = record.sums, record.metrics
    return {
        "month": record.month,
        "slot_s": record.slot_s,
        "scores": record.scores,
        "slots": sums.slots,
        "sum_actual": sums.sum_actual,
        "sum_forecast": sums.sum_forecast,
        "mae": metrics.mae,
        "bias": metrics.bias,
        "mape_ppm": metrics.mape_ppm,
        "cv_rmse_ppm": metrics.cv_rmse_ppm,
    }


def _epoch(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
