"""Decode and check a BlockPredict payload: everything that needs no state.

Anything wrong here is an InvalidTransaction naming the rule, the field and its value; rules
that need state (forecasters, the meter, ledger time, the meter's data) are in actions.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit import payload as kit
from smartblocks.processors.kit.payload import check_id, check_public_key, check_text
from smartblocks.processors.kit.periods import iso
from smartblocks.protos.blockpredict_pb2 import (
    BlockPredictPayload,
    GrantForecaster,
    PostForecast,
    RevokeForecaster,
    ScoreForecast,
)

from . import limits

Action = BlockPredictPayload.Action


def action_name(action: int) -> str:
    return kit.action_name(BlockPredictPayload, action)


def decode(data: bytes) -> tuple[int, Any]:
    """The action and its checked body message."""
    return kit.decode_envelope(
        data, BlockPredictPayload, CHECKS, max_bytes=limits.MAX_PAYLOAD_BYTES
    )


def slot_seconds(resolution_s: int) -> int:
    """What a forecast's record holds one value per: an hour for 900 s and 3600 s forecasts
    (quarter hours summed), a day for 86400 s."""
    return 86_400 if resolution_s == 86_400 else 3_600


def check_forecaster_change(body: GrantForecaster | RevokeForecaster) -> None:
    check_id("site id", body.site_id)
    check_public_key(f"site {body.site_id}: forecaster key", body.public_key)


def check_post_forecast(body: PostForecast) -> None:
    check_id("meter id", body.meter_id)
    what = f"forecast of meter {body.meter_id}"
    resolution, start, end = body.resolution_s, body.start, body.end
    if resolution not in limits.RESOLUTIONS_S:
        raise InvalidTransaction(
            f"{what}: resolution {resolution} s is not one of "
            f"{', '.join(map(str, limits.RESOLUTIONS_S))} s"
        )
    if not (0 <= start <= limits.MAX_TIMESTAMP and 0 <= end <= limits.MAX_TIMESTAMP):
        raise InvalidTransaction(
            f"{what}: period {start}..{end} is not within 1970-01-01..9999-12-31"
        )
    slot = slot_seconds(resolution)
    unit = "day" if slot == 86_400 else "hour"
    for name, moment in (("start", start), ("end", end)):
        if moment % slot:
            raise InvalidTransaction(
                f"{what}: {name} {iso(moment)} is not on a whole {unit} (UTC), as "
                f"{resolution} s forecasts must be"
            )
    if end <= start:
        raise InvalidTransaction(f"{what}: end {iso(end)} is not after start {iso(start)}")
    if end - start > limits.MAX_PERIOD_S:
        raise InvalidTransaction(
            f"{what}: period of {end - start} s is longer than the limit "
            f"{limits.MAX_PERIOD_S} s (31 days)"
        )
    expected = (end - start) // resolution
    if len(body.values) != expected:
        raise InvalidTransaction(
            f"{what}: {len(body.values)} values for {iso(start)}..{iso(end)} at {resolution} s; "
            f"the period needs {expected}"
        )
    for i, value in enumerate(body.values):
        if abs(value) > limits.MAX_ABS_VALUE:
            raise InvalidTransaction(
                f"{what}: value {value} at {iso(start + i * resolution)} is outside "
                f"-{limits.MAX_ABS_VALUE}..{limits.MAX_ABS_VALUE}"
            )
    check_text(
        f"{what}: model name", body.model_name, required=True, max_length=limits.MAX_MODEL_TEXT
    )
    check_text(
        f"{what}: model version",
        body.model_version,
        required=True,
        max_length=limits.MAX_MODEL_TEXT,
    )


def check_score_forecast(body: ScoreForecast) -> None:
    check_id("meter id", body.meter_id)
    check_public_key(f"score of meter {body.meter_id}: issuer key", body.issuer)
    if not 0 <= body.start <= limits.MAX_TIMESTAMP:
        raise InvalidTransaction(
            f"score of meter {body.meter_id}: start {body.start} is not within "
            "1970-01-01..9999-12-31"
        )


CHECKS: dict[int, tuple[str, Callable[[Any], None]]] = {
    Action.GRANT_FORECASTER: ("grant_forecaster", check_forecaster_change),
    Action.REVOKE_FORECASTER: ("revoke_forecaster", check_forecaster_change),
    Action.POST_FORECAST: ("post_forecast", check_post_forecast),
    Action.SCORE_FORECAST: ("score_forecast", check_score_forecast),
}
