"""One function per action: `(body, signer, store) -> None`. Each checks every rule before it
writes anything. BlockMeter's site, meter, head and day rollups are read in the same
transaction through its refs (read-only views: the store refuses writes there)."""

from __future__ import annotations

from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.blockmeter import units
from smartblocks.processors.kit.handler import Action as ActionFn
from smartblocks.processors.kit.ledger_time import ledger_time
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, iso, month_name
from smartblocks.processors.kit.store import RecordStore, Ref
from smartblocks.protos.blockpredict_pb2 import (
    BlockPredictPayload,
    Forecast,
    Forecasters,
    GrantForecaster,
    MonthAccuracy,
    PostForecast,
    RevokeForecaster,
    Score,
    ScoreForecast,
)

from . import limits, records, scoring
from .events import FORECAST_POSTED, FORECAST_SCORED
from .payload import slot_seconds
from .periods import period_days

Action = BlockPredictPayload.Action


def _owned_forecasters(site_id: str, signer: str, store: RecordStore, doing: str) -> Forecasters:
    site = store.get(blockmeter.site(site_id))
    if site is None:
        raise InvalidTransaction(f"{doing}: site {site_id} does not exist")
    if signer != site.owner_public_key:
        raise InvalidTransaction(
            f"{doing}: signer {short_key(signer)} is not the owner of site {site_id} "
            f"({short_key(site.owner_public_key)})"
        )
    found = store.get(records.forecasters(site_id))
    return found if found is not None else Forecasters(site_id=site_id)


def grant_forecaster(body: GrantForecaster, signer: str, store: RecordStore) -> None:
    doing = f"grant forecaster {short_key(body.public_key)} at site {body.site_id}"
    forecasters = _owned_forecasters(body.site_id, signer, store, doing)
    keys = list(forecasters.public_keys)
    if body.public_key in keys:
        raise InvalidTransaction(f"{doing}: the key is already a forecaster of the site")
    if len(keys) >= limits.MAX_FORECASTERS:
        raise InvalidTransaction(
            f"{doing}: the site already has {len(keys)} forecasters, the limit"
        )
    forecasters.public_keys[:] = sorted([*keys, body.public_key])
    store.put(records.forecasters(body.site_id), forecasters)


def revoke_forecaster(body: RevokeForecaster, signer: str, store: RecordStore) -> None:
    doing = f"revoke forecaster {short_key(body.public_key)} at site {body.site_id}"
    forecasters = _owned_forecasters(body.site_id, signer, store, doing)
    if body.public_key not in forecasters.public_keys:
        raise InvalidTransaction(f"{doing}: the key is not a forecaster of the site")
    remaining = [k for k in forecasters.public_keys if k != body.public_key]
    if remaining:
        forecasters.public_keys[:] = remaining
        store.put(records.forecasters(body.site_id), forecasters)
    else:
        store.delete(records.forecasters(body.site_id))


def post_forecast(body: PostForecast, signer: str, store: RecordStore) -> None:
    meter_id, start, end = body.meter_id, body.start, body.end
    doing = f"post forecast of meter {meter_id} for {iso(start)}..{iso(end)}"
    meter = store.get(blockmeter.meter(meter_id))
    if meter is None:
        raise InvalidTransaction(f"{doing}: meter {meter_id} does not exist")
    if meter.retired:
        raise InvalidTransaction(f"{doing}: meter {meter_id} is retired")
    if not units.is_quantity(meter.unit):
        raise InvalidTransaction(
            f"{doing}: meter {meter_id} measures a rate ({units.unit_name(meter.unit)}); "
            "BlockPredict scores quantities (mWh, mL) only"
        )
    forecasters = store.get(records.forecasters(meter.site_id))
    if forecasters is None or signer not in forecasters.public_keys:
        raise InvalidTransaction(
            f"{doing}: signer {short_key(signer)} is not a forecaster of site {meter.site_id} "
            "(the site's owner grants forecasters)"
        )
    now = ledger_time(store)
    if start <= now:
        raise InvalidTransaction(
            f"{doing}: a forecast must be committed before its period starts: start "
            f"{iso(start)} is not after ledger time {iso(now)}"
        )
    ref = records.forecast(meter_id, start, signer)
    previous = store.get(ref)
    slot = slot_seconds(body.resolution_s)
    forecast = Forecast(
        meter_id=meter_id,
        site_id=meter.site_id,
        issuer=signer,
        start=start,
        end=end,
        resolution_s=body.resolution_s,
        slot_s=slot,
        values=scoring.slot_values(list(body.values), body.resolution_s, slot),
        model_name=body.model_name,
        model_version=body.model_version,
        posted_at=now,
        revision=previous.revision + 1 if previous is not None else 0,
    )
    store.put(ref, forecast)
    store.emit(
        FORECAST_POSTED,
        [
            ("meter_id", meter_id),
            ("site_id", meter.site_id),
            ("issuer", signer),
            ("start", str(start)),
            ("end", str(end)),
            ("revision", str(forecast.revision)),
        ],
    )


def score_forecast(body: ScoreForecast, signer: str, store: RecordStore) -> None:
    meter_id, start, issuer = body.meter_id, body.start, body.issuer
    doing = f"score forecast of meter {meter_id} at {iso(start)} by {short_key(issuer)}"
    forecast = store.get(records.forecast(meter_id, start, issuer))
    if forecast is None:
        raise InvalidTransaction(f"{doing}: there is no such forecast")
    if store.get(records.score(meter_id, start, issuer)) is not None:
        raise InvalidTransaction(f"{doing}: the forecast is already scored")
    end, slot = forecast.end, forecast.slot_s
    meter = store.get(blockmeter.meter(meter_id))
    if meter is None:  # meters are never deleted; a forecast's meter always exists
        raise InvalidTransaction(f"{doing}: meter {meter_id} is missing")
    head = store.get(blockmeter.head(meter_id))
    recorded_until = head.last_window_end if head is not None else None
    if recorded_until is None or recorded_until < end:
        until = "has no readings" if recorded_until is None else f"ends {iso(recorded_until)}"
        raise InvalidTransaction(
            f"{doing}: the meter's data {until}, before the forecast's end {iso(end)}; "
            "score once the meter's data covers the period"
        )
    day_refs: list[Ref[Any]] = [blockmeter.day_rollup(meter_id, d) for d in period_days(start, end)]
    store.load(day_refs)
    hours: dict[int, tuple[int, int]] = {}
    first_hour = start // SECONDS_PER_DAY * 24
    for i, ref in enumerate(day_refs):
        rollup = store.get(ref)
        for bucket in rollup.buckets if rollup is not None else []:
            hours[first_hour + i * 24 + bucket.index] = (bucket.sum, bucket.count)
    actual = scoring.actuals(start, end, slot, meter.nominal_interval_s, hours)
    # The period's scored slots, and each month's share (a slot counts in its start's month).
    total = scoring.Sums()
    by_month: dict[str, scoring.Sums] = {}
    for i, (f, a) in enumerate(zip(forecast.values, actual.slots, strict=True)):
        if a is None:
            continue
        month = month_name((start + i * slot) // SECONDS_PER_DAY)
        by_month.setdefault(month, scoring.Sums()).add(f, a)
        total.add(f, a)
    what = f"score of meter {meter_id} at {iso(start)}"
    score = Score(
        meter_id=meter_id,
        site_id=forecast.site_id,
        issuer=issuer,
        start=start,
        end=end,
        slot_s=slot,
        hours_in_period=actual.hours_in_period,
        hours_with_readings=actual.hours_with_readings,
        coverage_ppm=scoring.coverage_ppm(actual.hours_with_readings, actual.hours_in_period),
        sums=total.record(what),
        metrics=scoring.metrics(total),
        scored_by=signer,
    )
    month_records = []
    for month in sorted(by_month):
        ref_m = records.month_accuracy(meter_id, month, slot)
        record = store.get(ref_m)
        if record is None:
            record = MonthAccuracy(meter_id=meter_id, month=month, slot_s=slot)
        sums = scoring.Sums.of(record.sums)
        sums.merge(by_month[month])
        record.scores += 1
        record.sums.CopyFrom(sums.record(f"month accuracy {meter_id} {month}"))
        record.metrics.CopyFrom(scoring.metrics(sums))
        month_records.append((ref_m, record))
    store.put(records.score(meter_id, start, issuer), score)
    for ref_m, record in month_records:
        store.put(ref_m, record)
    store.emit(
        FORECAST_SCORED,
        [
            ("meter_id", meter_id),
            ("site_id", forecast.site_id),
            ("issuer", issuer),
            ("start", str(start)),
            ("end", str(end)),
            ("coverage_ppm", str(score.coverage_ppm)),
            ("mae", str(score.metrics.mae)),
            ("cv_rmse_ppm", str(score.metrics.cv_rmse_ppm)),
        ],
    )


ACTIONS: dict[int, ActionFn] = {
    Action.GRANT_FORECASTER: grant_forecaster,
    Action.REVOKE_FORECASTER: revoke_forecaster,
    Action.POST_FORECAST: post_forecast,
    Action.SCORE_FORECAST: score_forecast,
}
