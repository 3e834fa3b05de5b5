"""Every BlockPredict rule and its rejection message, over the in-memory ledger serving
BlockMeter and BlockPredict (conftest.py)."""

from __future__ import annotations

import calendar

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockpredict import addressing, limits, txn
from smartblocks.processors.blockpredict.handler import BlockPredictHandler
from smartblocks.protos.blockpredict_pb2 import (
    BlockPredictPayload,
    Forecast,
    Forecasters,
    MonthAccuracy,
    PostForecast,
    Score,
)
from tests.processors.blockpredict.conftest import BEFORE, DAY, T0


def read(world, address, message_type):
    assert address in world.ledger.state, f"no record at {address}"
    return message_type.FromString(world.ledger.state[address])


def rejects(world, transaction_or_call, *fragments):
    before = dict(world.ledger.state)
    with pytest.raises(InvalidTransaction) as info:
        if callable(transaction_or_call):
            transaction_or_call()
        else:
            world.ledger.apply(transaction_or_call)
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)
    assert world.ledger.state == before, "a rejected transaction changed state"
    return str(info.value)


def forecast_address(world, start=T0, meter_id="m-1"):
    return addressing.forecast_address(meter_id, start, world.forecaster.public_key)


def score_address(world, start=T0, meter_id="m-1"):
    return addressing.score_address(meter_id, start, world.forecaster.public_key)


def test_handler_identity():
    handler = BlockPredictHandler()
    assert handler.family_name == "blockpredict"
    assert handler.family_versions == ["1.0"]
    assert handler.namespaces == ["1b7688"] == [addressing.NAMESPACE]


# -- forecasters ------------------------------------------------------------------------------


def test_the_owner_grants_forecasters_kept_sorted(world):
    other = Signer.generate()
    world.ledger.apply(
        txn.grant_forecaster(world.owner, site_id="s-1", public_key=other.public_key)
    )
    record = read(world, addressing.forecasters_address("s-1"), Forecasters)
    assert list(record.public_keys) == sorted([world.forecaster.public_key, other.public_key])


def test_only_the_sites_owner_grants(world):
    stranger = Signer.generate()
    rejects(
        world,
        txn.grant_forecaster(stranger, site_id="s-1", public_key=stranger.public_key),
        "is not the owner of site s-1",
        "grant forecaster",
    )


def test_grant_needs_an_existing_site(world):
    rejects(
        world,
        txn.grant_forecaster(world.owner, site_id="s-9", public_key=world.owner.public_key),
        "site s-9 does not exist",
    )


def test_a_forecaster_is_granted_once(world):
    rejects(
        world,
        txn.grant_forecaster(world.owner, site_id="s-1", public_key=world.forecaster.public_key),
        "already a forecaster of the site",
    )


def test_a_site_has_at_most_the_limit_of_forecasters(world):
    for _ in range(limits.MAX_FORECASTERS - 1):
        key = Signer.generate().public_key
        world.ledger.apply(txn.grant_forecaster(world.owner, site_id="s-1", public_key=key))
    rejects(
        world,
        txn.grant_forecaster(world.owner, site_id="s-1", public_key=Signer.generate().public_key),
        f"already has {limits.MAX_FORECASTERS} forecasters, the limit",
    )


def test_revoking_the_last_forecaster_deletes_the_list_and_stops_posting(world):
    world.ledger.apply(
        txn.revoke_forecaster(world.owner, site_id="s-1", public_key=world.forecaster.public_key)
    )
    assert addressing.forecasters_address("s-1") not in world.ledger.state
    rejects(world, lambda: world.post([1] * 24), "is not a forecaster of site s-1")


def test_revoke_names_a_key_that_is_no_forecaster(world):
    key = Signer.generate().public_key
    rejects(
        world,
        txn.revoke_forecaster(world.owner, site_id="s-1", public_key=key),
        "is not a forecaster of the site",
    )
    rejects(
        world,
        txn.revoke_forecaster(world.forecaster, site_id="s-1", public_key=key),
        "is not the owner of site s-1",
    )


def test_a_bad_forecaster_key_is_refused_by_the_payload_check(world):
    rejects(
        world,
        txn.grant_forecaster(world.owner, site_id="s-1", public_key="02zz"),
        "forecaster key '02zz' is not a compressed secp256k1 public key",
    )


# -- posting ----------------------------------------------------------------------------------


def test_a_forecast_is_posted_with_its_model_and_ledger_time(world):
    world.post(list(range(24)))
    forecast = read(world, forecast_address(world), Forecast)
    assert forecast.site_id == "s-1" and forecast.issuer == world.forecaster.public_key
    assert (forecast.start, forecast.end, forecast.slot_s) == (T0, T0 + DAY, 3600)
    assert list(forecast.values) == list(range(24))
    assert (forecast.model_name, forecast.model_version) == ("naive-week", "1.0")
    assert forecast.posted_at == BEFORE and forecast.revision == 0
    event, attrs = world.ledger.events[-1]
    assert event == "blockpredict/forecast-posted"
    assert attrs["meter_id"] == "m-1" and attrs["start"] == str(T0) and attrs["revision"] == "0"


def test_quarter_hour_forecasts_are_kept_as_hourly_sums(world):
    world.post([1, 2, 3, 4] * 24, resolution_s=900)
    forecast = read(world, forecast_address(world), Forecast)
    assert forecast.resolution_s == 900 and forecast.slot_s == 3600
    assert list(forecast.values) == [10] * 24


def test_daily_forecasts_keep_one_value_per_day(world):
    world.post([100, 200], resolution_s=DAY)
    forecast = read(world, forecast_address(world), Forecast)
    assert forecast.slot_s == DAY and list(forecast.values) == [100, 200]


def test_a_forecast_must_be_committed_strictly_before_its_period(world):
    world.set_time(T0)
    message = rejects(world, lambda: world.post([1] * 24), "must be committed before its period")
    assert "start 2026-03-01T00:00Z is not after ledger time 2026-03-01T00:00Z" in message
    world.set_time(T0 + 60)
    rejects(world, lambda: world.post([1] * 24), "is not after ledger time 2026-03-01T00:01Z")


def test_a_forecast_is_replaced_only_before_its_period_starts(world):
    world.post([1] * 24)
    world.post([2] * 24)
    forecast = read(world, forecast_address(world), Forecast)
    assert list(forecast.values) == [2] * 24 and forecast.revision == 1
    world.set_time(T0 + 1)
    rejects(world, lambda: world.post([3] * 24), "must be committed before its period starts")


def test_other_issuers_post_their_own_forecast_of_the_same_period(world):
    other = Signer.generate()
    world.ledger.apply(
        txn.grant_forecaster(world.owner, site_id="s-1", public_key=other.public_key)
    )
    world.post([1] * 24)
    world.post([5] * 24, signer=other)
    mine = read(world, forecast_address(world), Forecast)
    theirs = read(world, addressing.forecast_address("m-1", T0, other.public_key), Forecast)
    assert list(mine.values) == [1] * 24 and list(theirs.values) == [5] * 24


def test_only_forecasters_of_the_meters_site_post(world):
    stranger = Signer.generate()
    rejects(world, lambda: world.post([1] * 24, signer=stranger), "is not a forecaster of site s-1")
    rejects(world, lambda: world.post([1] * 24, signer=world.owner), "is not a forecaster")


def test_a_forecast_names_an_existing_active_quantity_meter(world):
    rejects(world, lambda: world.post([1] * 24, meter_id="m-9"), "meter m-9 does not exist")
    world.meter(
        "t-1",
        kind="TEMPERATURE",
        unit="MILLIDEGREE_CELSIUS",
        plausible_min=-40_000,
        plausible_max=60_000,
    )
    rejects(
        world,
        lambda: world.post([1] * 24, meter_id="t-1"),
        "meter t-1 measures a rate (MILLIDEGREE_CELSIUS); BlockPredict scores quantities",
    )
    world.ledger.apply(meter_txn.retire_meter(world.owner, meter_id="m-1", site_id="s-1"))
    rejects(world, lambda: world.post([1] * 24), "meter m-1 is retired")


def test_the_builder_must_name_the_meters_site(world):
    rejects(
        world,
        lambda: world.post([1] * 24, site_id="s-2"),
        "transaction must list forecasters of site s-1",
    )


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        (dict(resolution_s=1800), "resolution 1800 s is not one of 900, 3600, 86400 s"),
        (dict(start=T0 + 900, resolution_s=900), "start 2026-03-01T00:15Z is not on a whole hour"),
        (dict(end=T0 + DAY + 1), "end 2026-03-02T00:00:01Z is not on a whole hour"),
        (dict(start=T0 + 3600, resolution_s=DAY), "is not on a whole day (UTC)"),
        (dict(end=T0), "end 2026-03-01T00:00Z is not after start 2026-03-01T00:00Z"),
        (dict(end=T0 + 32 * DAY), "longer than the limit 2678400 s (31 days)"),
        (dict(values=[1] * 23), "23 values for 2026-03-01T00:00Z..2026-03-02T00:00Z at 3600 s"),
        (dict(values=[1] * 23 + [10**15 + 1]), "value 1000000000000001 at 2026-03-01T23:00Z"),
        (dict(model_name=""), "model name is empty"),
        (dict(model_version="v" * 65), "model version is 65 characters; the limit is 64"),
        (dict(start=-3600, end=0), "is not within 1970-01-01..9999-12-31"),
    ],
)
def test_payload_checks_name_the_rule_and_the_value(world, fields, fragment):
    body = dict(
        meter_id="m-1",
        site_id="s-1",
        start=T0,
        end=T0 + DAY,
        resolution_s=3600,
        values=[1] * 24,
        model_name="m",
        model_version="1",
    )
    body.update(fields)
    rejects(world, txn.post_forecast(world.forecaster, **body), fragment)


def test_an_oversized_payload_is_refused_before_it_is_parsed(world):
    payload = BlockPredictPayload(
        action=BlockPredictPayload.POST_FORECAST,
        post_forecast=PostForecast(meter_id="m-1", model_name="x" * limits.MAX_PAYLOAD_BYTES),
    )
    with pytest.raises(InvalidTransaction, match="bytes; the limit is 65536"):
        world.ledger.apply_payload(
            payload.SerializeToString(), world.forecaster.public_key, "blockpredict"
        )


def test_a_month_of_quarter_hours_fits_the_limits(world):
    start = calendar.timegm((2026, 4, 1, 0, 0, 0))
    world.post([10**6] * limits.MAX_VALUES, start=start, resolution_s=900)
    forecast = read(world, forecast_address(world, start), Forecast)
    assert len(forecast.values) == 31 * 24


# -- scoring ----------------------------------------------------------------------------------


def hourly_readings(world, hour_values, start=T0):
    """Record each hour's value as four equal quarter hours (values divisible by 4)."""
    world.record(start, [v // 4 for v in hour_values for _ in range(4)])


def test_a_score_compares_hourly_sums_with_the_rollups(world):
    forecast = [1000] * 12 + [2000] * 12
    actual = [800] * 12 + [2400] * 12
    world.post(forecast)
    hourly_readings(world, actual)
    scorer = Signer.generate()
    world.score(signer=scorer)
    score = read(world, score_address(world), Score)
    assert score.scored_by == scorer.public_key and score.slot_s == 3600
    assert (score.hours_in_period, score.hours_with_readings, score.coverage_ppm) == (
        24,
        24,
        1_000_000,
    )
    sums = score.sums
    assert (sums.slots, sums.sum_abs_error, sums.sum_error) == (24, 12 * 200 + 12 * 400, -2400)
    assert sums.sum_squared_error == str(12 * 200**2 + 12 * 400**2)
    assert (sums.sum_actual, sums.sum_forecast) == (12 * 800 + 12 * 2400, 36000)
    m = score.metrics
    assert m.mae == 300 and m.bias == -100
    # APE per slot: 200/800 = 250,000 ppm; 400/2400 = 166,666.67 -> 166,667 (half even);
    # mean 208,333.5 -> 208,334 (half even: the even neighbour)
    assert m.mape_ppm == 208_334
    # CV(RMSE) = sqrt(SSE/n) / mean(actual) = sqrt(100000) / 1600 = 0.197642...
    assert m.cv_rmse_ppm == 197_642
    event, attrs = world.ledger.events[-1]
    assert event == "blockpredict/forecast-scored"
    assert attrs["mae"] == "300" and attrs["coverage_ppm"] == "1000000"


def test_scoring_waits_until_the_meters_data_covers_the_period(world):
    world.post([1000] * 24)
    world.set_time(T0 + DAY)
    rejects(world, world.score, "the meter's data has no readings, before the forecast's end")
    hourly_readings(world, [1000] * 23)
    rejects(
        world,
        world.score,
        "the meter's data ends 2026-03-01T23:00Z, before the forecast's end 2026-03-02T00:00Z",
    )
    world.record(T0 + 23 * 3600, [250] * 4)
    world.score()


def test_a_forecast_is_scored_once(world):
    world.post([1000] * 24)
    hourly_readings(world, [1000] * 24)
    world.score()
    rejects(world, world.score, "the forecast is already scored")


def test_scoring_a_missing_forecast_names_it(world):
    rejects(
        world, world.score, "score forecast of meter m-1 at 2026-03-01T00:00Z", "no such forecast"
    )


def test_hours_without_readings_lower_the_coverage_and_are_not_scored(world):
    world.post([1000] * 24)
    hourly_readings(world, [1000] * 6)
    # A gap of 12 hours, then readings again.
    world.record(T0 + 18 * 3600, [300] * 24)
    world.score()
    score = read(world, score_address(world), Score)
    assert score.hours_with_readings == 12 and score.coverage_ppm == 500_000
    assert score.sums.slots == 12
    assert score.sums.sum_error == 6 * (1000 - 1200)
    assert score.metrics.bias == -100


def test_a_daily_forecast_scores_only_days_with_every_hour(world):
    world.post([24_000, 24_000], resolution_s=DAY)
    hourly_readings(world, [1200] * 24)  # day 1: 28,800
    world.record(T0 + DAY + 3600, [100] * 92)  # day 2 misses its first hour
    world.score(end=T0 + 2 * DAY, resolution_s=DAY)
    score = read(world, score_address(world), Score)
    assert score.slot_s == DAY and score.sums.slots == 1
    assert score.sums.sum_error == 24_000 - 28_800
    assert (score.hours_in_period, score.hours_with_readings) == (48, 47)
    assert score.coverage_ppm == 979_166  # 47/48, floor
    month = read(world, addressing.month_accuracy_address("m-1", "2026-03", DAY), MonthAccuracy)
    assert month.sums.slots == 1 and month.scores == 1


def test_quarter_hour_forecasts_are_scored_as_hourly_sums(world):
    # 900 s forecast: the four quarter hours are summed before scoring.
    world.post([250] * 96, resolution_s=900)
    hourly_readings(world, [1000] * 24)
    world.score(resolution_s=900)
    score = read(world, score_address(world), Score)
    assert score.sums.sum_abs_error == 0 and score.metrics.cv_rmse_ppm == 0


def test_scores_roll_up_per_meter_and_month_exactly(world):
    start = calendar.timegm((2026, 3, 31, 12, 0, 0))
    world.post([1000] * 24, start=start)
    world.post([2000] * 24, start=start + DAY)
    hourly_readings(world, [1200] * 24, start=start)
    hourly_readings(world, [2000] * 24, start=start + DAY)
    world.score(start=start, end=start + DAY)
    world.score(start=start + DAY, end=start + 2 * DAY)
    march = read(world, addressing.month_accuracy_address("m-1", "2026-03", 3600), MonthAccuracy)
    april = read(world, addressing.month_accuracy_address("m-1", "2026-04", 3600), MonthAccuracy)
    assert (march.scores, march.sums.slots, march.sums.sum_error) == (1, 12, -2400)
    assert (april.scores, april.sums.slots) == (2, 36)
    assert april.sums.sum_error == -2400
    assert april.sums.sum_actual == 12 * 1200 + 24 * 2000
    assert april.sums.sum_squared_error == str(12 * 200**2)
    # The month's metrics are recomputed from its sums.
    assert april.metrics.mae == round(2400 / 36) and april.metrics.bias == -67


def test_the_score_transaction_lists_every_day_rollup(world):
    start = calendar.timegm((2026, 3, 30, 0, 0, 0))
    inputs, outputs = txn.score_addresses("m-1", start, start + 3 * DAY, "02" + "a" * 64, 3600)
    from smartblocks.processors.blockmeter import addressing as bm

    for day in ("2026-03-30", "2026-03-31", "2026-04-01"):
        assert bm.day_rollup_address("m-1", day) in inputs
    assert bm.meter_head_address("m-1") in inputs
    months = [addressing.month_accuracy_address("m-1", m, 3600) for m in ("2026-03", "2026-04")]
    assert outputs == [addressing.score_address("m-1", start, "02" + "a" * 64), *months]
    assert not any(o.startswith(bm.NAMESPACE) for o in outputs)


def test_a_score_transaction_without_the_day_rollups_names_what_it_misses(world):
    world.post([1000] * 48)
    hourly_readings(world, [1000] * 48)
    # Listed as if the forecast covered one day: the second day's rollup is not in the inputs.
    short = txn.score_forecast(
        world.owner,
        meter_id="m-1",
        start=T0,
        end=T0 + DAY,
        issuer=world.forecaster.public_key,
        resolution_s=3600,
    )
    rejects(world, short, "transaction must list day rollup m-1 2026-03-02")


def test_the_longest_period_reaches_three_months_and_is_scored_whole(world):
    start = calendar.timegm((2027, 1, 31, 12, 0, 0))
    hours = 31 * 24
    world.set_time(start - 3600)
    world.post([4000] * hours, start=start)
    world.record(start, [1000] * (4 * hours))
    world.score(start=start, end=start + 31 * DAY)
    score = read(world, score_address(world, start), Score)
    assert score.sums.slots == hours and score.metrics.mae == 0
    slots = {}
    for month in ("2027-01", "2027-02", "2027-03"):
        record = read(world, addressing.month_accuracy_address("m-1", month, 3600), MonthAccuracy)
        slots[month] = record.sums.slots
    assert slots == {"2027-01": 12, "2027-02": 28 * 24, "2027-03": 2 * 24 + 12}


def test_a_slot_is_scored_only_when_the_meters_values_span_it(world):
    world.post([1000] * 3)
    # Two quarter hours of hour 0 (readings from 00:30), then hours 1 and 2 whole.
    world.record(T0 + 1800, [100, 100] + [250] * 8)
    world.score(end=T0 + 3 * 3600)
    score = read(world, score_address(world), Score)
    assert (score.hours_with_readings, score.coverage_ppm) == (3, 1_000_000)
    assert score.sums.slots == 2 and score.sums.sum_actual == 2000


def test_a_meter_with_daily_values_is_scored_by_day_only(world):
    world.meter("d-1", nominal_interval_s=DAY, plausible_max=10**9)
    world.post([24_000] * 24, meter_id="d-1")
    world.post([24_000], meter_id="d-1", start=T0 + DAY, resolution_s=DAY)
    world.set_time(T0 + 3 * DAY)
    world.ledger.apply(
        meter_txn.record_readings(
            world.device, meter_id="d-1", window_start=T0, interval_s=DAY, values=[30_000] * 2
        )
    )
    world.score(meter_id="d-1")
    hourly = read(world, score_address(world, meter_id="d-1"), Score)
    assert hourly.sums.slots == 0 and hourly.hours_with_readings == 1
    world.score(meter_id="d-1", start=T0 + DAY, end=T0 + 2 * DAY, resolution_s=DAY)
    daily = read(world, score_address(world, T0 + DAY, "d-1"), Score)
    assert daily.sums.slots == 1 and daily.metrics.bias == -6_000
