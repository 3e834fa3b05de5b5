"""Client-side builders of BlockPredict transactions, for the CLI, the prediction service and
tests. Each declares exactly the addresses its action reads (inputs) and writes (outputs)."""

from __future__ import annotations

from collections.abc import Sequence

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import addressing as blockmeter
from smartblocks.processors.kit.builder import Builder
from smartblocks.processors.kit.ledger_time import with_ledger_time
from smartblocks.protos.blockpredict_pb2 import (
    BlockPredictPayload,
    GrantForecaster,
    PostForecast,
    RevokeForecaster,
    ScoreForecast,
)

from . import addressing as addr
from . import limits
from .payload import slot_seconds
from .periods import period_days, period_months

Action = BlockPredictPayload.Action

BUILDER = Builder(addr.FAMILY_NAME, addr.FAMILY_VERSION)
_transaction = BUILDER.transaction


def _forecaster_change(signer: Signer, payload: BlockPredictPayload, site_id: str) -> Transaction:
    # The owner check reads BlockMeter's site; only the site's forecaster list is written.
    forecasters = addr.forecasters_address(site_id)
    return _transaction(
        signer, payload, [blockmeter.site_address(site_id), forecasters], [forecasters]
    )


def grant_forecaster(signer: Signer, *, site_id: str, public_key: str) -> Transaction:
    payload = BlockPredictPayload(
        action=Action.GRANT_FORECASTER,
        grant_forecaster=GrantForecaster(site_id=site_id, public_key=public_key),
    )
    return _forecaster_change(signer, payload, site_id)


def revoke_forecaster(signer: Signer, *, site_id: str, public_key: str) -> Transaction:
    payload = BlockPredictPayload(
        action=Action.REVOKE_FORECASTER,
        revoke_forecaster=RevokeForecaster(site_id=site_id, public_key=public_key),
    )
    return _forecaster_change(signer, payload, site_id)


def post_forecast(
    signer: Signer,
    *,
    meter_id: str,
    site_id: str,
    start: int,
    end: int,
    resolution_s: int,
    values: Sequence[int],
    model_name: str,
    model_version: str,
) -> Transaction:
    """Reads the meter, the site's forecasters, the forecast it may replace and ledger time;
    writes the forecast (one per meter, start and issuer: the signer)."""
    payload = BlockPredictPayload(
        action=Action.POST_FORECAST,
        post_forecast=PostForecast(
            meter_id=meter_id,
            start=start,
            end=end,
            resolution_s=resolution_s,
            values=list(values),
            model_name=model_name,
            model_version=model_version,
        ),
    )
    forecast = addr.forecast_address(meter_id, start, signer.public_key)
    inputs = [blockmeter.meter_address(meter_id), addr.forecasters_address(site_id), forecast]
    return _transaction(signer, payload, with_ledger_time(inputs), [forecast])


def score_addresses(
    meter_id: str, start: int, end: int, issuer: str, resolution_s: int
) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of scoring a forecast: the forecast, its score, the meter (its
    interval), its head, each day rollup of the period, and the month accuracy records the
    period's slots fall in."""
    forecast = addr.forecast_address(meter_id, start, issuer)
    score = addr.score_address(meter_id, start, issuer)
    days: list[str] = []
    months: list[str] = []
    # A period outside the limits lists nothing more: the processor refuses it by the forecast.
    if 0 <= start < end and end - start <= limits.MAX_PERIOD_S:
        days = [blockmeter.day_rollup_address(meter_id, d) for d in period_days(start, end)]
        slot = slot_seconds(resolution_s)
        months = [addr.month_accuracy_address(meter_id, m, slot) for m in period_months(start, end)]
    meter, head = blockmeter.meter_address(meter_id), blockmeter.meter_head_address(meter_id)
    inputs = [forecast, score, meter, head, *days, *months]
    return inputs, [score, *months]


def score_forecast(
    signer: Signer,
    *,
    meter_id: str,
    start: int,
    end: int,
    issuer: str,
    resolution_s: int,
) -> Transaction:
    """Anyone may sign. `end` and `resolution_s` are the forecast's (read it first): they say
    which day rollups and month records the transaction lists."""
    payload = BlockPredictPayload(
        action=Action.SCORE_FORECAST,
        score_forecast=ScoreForecast(meter_id=meter_id, start=start, issuer=issuer),
    )
    inputs, outputs = score_addresses(meter_id, start, end, issuer, resolution_s)
    return _transaction(signer, payload, inputs, outputs)
