"""BlockPredict's records as typed refs for the kit's record store."""

from __future__ import annotations

from smartblocks.processors.kit.store import Ref, proto_ref
from smartblocks.protos.blockpredict_pb2 import Forecast, Forecasters, MonthAccuracy, Score

from . import addressing


def forecasters(site_id: str) -> Ref[Forecasters]:
    return proto_ref(
        addressing.forecasters_address(site_id), f"forecasters of site {site_id}", Forecasters
    )


def forecast(meter_id: str, start: int, issuer: str) -> Ref[Forecast]:
    return proto_ref(
        addressing.forecast_address(meter_id, start, issuer),
        f"forecast {meter_id}@{start} by {issuer[:10]}..",
        Forecast,
    )


def score(meter_id: str, start: int, issuer: str) -> Ref[Score]:
    return proto_ref(
        addressing.score_address(meter_id, start, issuer),
        f"score of forecast {meter_id}@{start} by {issuer[:10]}..",
        Score,
    )


def month_accuracy(meter_id: str, month: str, slot_s: int) -> Ref[MonthAccuracy]:
    return proto_ref(
        addressing.month_accuracy_address(meter_id, month, slot_s),
        f"month accuracy {meter_id} {month} ({slot_s} s slots)",
        MonthAccuracy,
    )
