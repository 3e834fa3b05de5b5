"""The BlockPredict transaction family: forecasters per site, forecasts of BlockMeter meters
posted before their period, and their accuracy scored on-chain against the meter's rollups."""

from __future__ import annotations

from smartblocks.processors.kit.family import Family, proto_kind
from smartblocks.protos.blockpredict_pb2 import (
    BlockPredictPayload,
    Forecast,
    Forecasters,
    MonthAccuracy,
    Score,
)

from .addressing import FAMILY_NAME, FAMILY_VERSION, RecordType
from .handler import BlockPredictHandler


def _forecast(forecast: Forecast) -> str:
    return f"forecast {forecast.meter_id}@{forecast.start} by {forecast.issuer[:10]}.."


def _score(score: Score) -> str:
    return f"score {score.meter_id}@{score.start} by {score.issuer[:10]}.."


def _month(record: MonthAccuracy) -> str:
    return f"accuracy {record.meter_id} {record.month} ({record.slot_s} s slots)"


FAMILY = Family(
    name=FAMILY_NAME,
    versions=(FAMILY_VERSION,),
    handler=BlockPredictHandler,
    decode_payload=BlockPredictPayload.FromString,
    records=(
        proto_kind(
            RecordType.FORECASTERS.value,
            "forecasters",
            Forecasters,
            lambda f: f"forecasters of site {f.site_id}",
        ),
        proto_kind(RecordType.FORECAST.value, "forecast", Forecast, _forecast),
        proto_kind(RecordType.SCORE.value, "score", Score, _score),
        proto_kind(RecordType.MONTH_ACCURACY.value, "month_accuracy", MonthAccuracy, _month),
    ),
    time_fields=frozenset({"start", "end", "posted_at"}),
    summary="forecasts of meters, posted before their period and scored on-chain",
)
