from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BlockPredictPayload(_message.Message):
    __slots__ = ("action", "grant_forecaster", "revoke_forecaster", "post_forecast", "score_forecast")
    class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ACTION_UNSET: _ClassVar[BlockPredictPayload.Action]
        GRANT_FORECASTER: _ClassVar[BlockPredictPayload.Action]
        REVOKE_FORECASTER: _ClassVar[BlockPredictPayload.Action]
        POST_FORECAST: _ClassVar[BlockPredictPayload.Action]
        SCORE_FORECAST: _ClassVar[BlockPredictPayload.Action]
    ACTION_UNSET: BlockPredictPayload.Action
    GRANT_FORECASTER: BlockPredictPayload.Action
    REVOKE_FORECASTER: BlockPredictPayload.Action
    POST_FORECAST: BlockPredictPayload.Action
    SCORE_FORECAST: BlockPredictPayload.Action
    ACTION_FIELD_NUMBER: _ClassVar[int]
    GRANT_FORECASTER_FIELD_NUMBER: _ClassVar[int]
    REVOKE_FORECASTER_FIELD_NUMBER: _ClassVar[int]
    POST_FORECAST_FIELD_NUMBER: _ClassVar[int]
    SCORE_FORECAST_FIELD_NUMBER: _ClassVar[int]
    action: BlockPredictPayload.Action
    grant_forecaster: GrantForecaster
    revoke_forecaster: RevokeForecaster
    post_forecast: PostForecast
    score_forecast: ScoreForecast
    def __init__(self, action: _Optional[_Union[BlockPredictPayload.Action, str]] = ..., grant_forecaster: _Optional[_Union[GrantForecaster, _Mapping]] = ..., revoke_forecaster: _Optional[_Union[RevokeForecaster, _Mapping]] = ..., post_forecast: _Optional[_Union[PostForecast, _Mapping]] = ..., score_forecast: _Optional[_Union[ScoreForecast, _Mapping]] = ...) -> None: ...

class GrantForecaster(_message.Message):
    __slots__ = ("site_id", "public_key")
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    site_id: str
    public_key: str
    def __init__(self, site_id: _Optional[str] = ..., public_key: _Optional[str] = ...) -> None: ...

class RevokeForecaster(_message.Message):
    __slots__ = ("site_id", "public_key")
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    site_id: str
    public_key: str
    def __init__(self, site_id: _Optional[str] = ..., public_key: _Optional[str] = ...) -> None: ...

class PostForecast(_message.Message):
    __slots__ = ("meter_id", "start", "end", "resolution_s", "values", "model_name", "model_version")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_S_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    start: int
    end: int
    resolution_s: int
    values: _containers.RepeatedScalarFieldContainer[int]
    model_name: str
    model_version: str
    def __init__(self, meter_id: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., resolution_s: _Optional[int] = ..., values: _Optional[_Iterable[int]] = ..., model_name: _Optional[str] = ..., model_version: _Optional[str] = ...) -> None: ...

class ScoreForecast(_message.Message):
    __slots__ = ("meter_id", "start", "issuer")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    start: int
    issuer: str
    def __init__(self, meter_id: _Optional[str] = ..., start: _Optional[int] = ..., issuer: _Optional[str] = ...) -> None: ...

class Forecasters(_message.Message):
    __slots__ = ("site_id", "public_keys")
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEYS_FIELD_NUMBER: _ClassVar[int]
    site_id: str
    public_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, site_id: _Optional[str] = ..., public_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class Forecast(_message.Message):
    __slots__ = ("meter_id", "site_id", "issuer", "start", "end", "resolution_s", "slot_s", "values", "model_name", "model_version", "posted_at", "revision")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_S_FIELD_NUMBER: _ClassVar[int]
    SLOT_S_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    MODEL_NAME_FIELD_NUMBER: _ClassVar[int]
    MODEL_VERSION_FIELD_NUMBER: _ClassVar[int]
    POSTED_AT_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    site_id: str
    issuer: str
    start: int
    end: int
    resolution_s: int
    slot_s: int
    values: _containers.RepeatedScalarFieldContainer[int]
    model_name: str
    model_version: str
    posted_at: int
    revision: int
    def __init__(self, meter_id: _Optional[str] = ..., site_id: _Optional[str] = ..., issuer: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., resolution_s: _Optional[int] = ..., slot_s: _Optional[int] = ..., values: _Optional[_Iterable[int]] = ..., model_name: _Optional[str] = ..., model_version: _Optional[str] = ..., posted_at: _Optional[int] = ..., revision: _Optional[int] = ...) -> None: ...

class ErrorSums(_message.Message):
    __slots__ = ("slots", "sum_abs_error", "sum_error", "sum_squared_error", "sum_actual", "sum_forecast", "ape_sum_ppm", "ape_slots")
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    SUM_ABS_ERROR_FIELD_NUMBER: _ClassVar[int]
    SUM_ERROR_FIELD_NUMBER: _ClassVar[int]
    SUM_SQUARED_ERROR_FIELD_NUMBER: _ClassVar[int]
    SUM_ACTUAL_FIELD_NUMBER: _ClassVar[int]
    SUM_FORECAST_FIELD_NUMBER: _ClassVar[int]
    APE_SUM_PPM_FIELD_NUMBER: _ClassVar[int]
    APE_SLOTS_FIELD_NUMBER: _ClassVar[int]
    slots: int
    sum_abs_error: int
    sum_error: int
    sum_squared_error: str
    sum_actual: int
    sum_forecast: int
    ape_sum_ppm: int
    ape_slots: int
    def __init__(self, slots: _Optional[int] = ..., sum_abs_error: _Optional[int] = ..., sum_error: _Optional[int] = ..., sum_squared_error: _Optional[str] = ..., sum_actual: _Optional[int] = ..., sum_forecast: _Optional[int] = ..., ape_sum_ppm: _Optional[int] = ..., ape_slots: _Optional[int] = ...) -> None: ...

class Metrics(_message.Message):
    __slots__ = ("mae", "bias", "mape_ppm", "cv_rmse_ppm")
    MAE_FIELD_NUMBER: _ClassVar[int]
    BIAS_FIELD_NUMBER: _ClassVar[int]
    MAPE_PPM_FIELD_NUMBER: _ClassVar[int]
    CV_RMSE_PPM_FIELD_NUMBER: _ClassVar[int]
    mae: int
    bias: int
    mape_ppm: int
    cv_rmse_ppm: int
    def __init__(self, mae: _Optional[int] = ..., bias: _Optional[int] = ..., mape_ppm: _Optional[int] = ..., cv_rmse_ppm: _Optional[int] = ...) -> None: ...

class Score(_message.Message):
    __slots__ = ("meter_id", "site_id", "issuer", "start", "end", "slot_s", "hours_in_period", "hours_with_readings", "coverage_ppm", "sums", "metrics", "scored_by")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    ISSUER_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    SLOT_S_FIELD_NUMBER: _ClassVar[int]
    HOURS_IN_PERIOD_FIELD_NUMBER: _ClassVar[int]
    HOURS_WITH_READINGS_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_PPM_FIELD_NUMBER: _ClassVar[int]
    SUMS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    SCORED_BY_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    site_id: str
    issuer: str
    start: int
    end: int
    slot_s: int
    hours_in_period: int
    hours_with_readings: int
    coverage_ppm: int
    sums: ErrorSums
    metrics: Metrics
    scored_by: str
    def __init__(self, meter_id: _Optional[str] = ..., site_id: _Optional[str] = ..., issuer: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ..., slot_s: _Optional[int] = ..., hours_in_period: _Optional[int] = ..., hours_with_readings: _Optional[int] = ..., coverage_ppm: _Optional[int] = ..., sums: _Optional[_Union[ErrorSums, _Mapping]] = ..., metrics: _Optional[_Union[Metrics, _Mapping]] = ..., scored_by: _Optional[str] = ...) -> None: ...

class MonthAccuracy(_message.Message):
    __slots__ = ("meter_id", "month", "slot_s", "scores", "sums", "metrics")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    SLOT_S_FIELD_NUMBER: _ClassVar[int]
    SCORES_FIELD_NUMBER: _ClassVar[int]
    SUMS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    month: str
    slot_s: int
    scores: int
    sums: ErrorSums
    metrics: Metrics
    def __init__(self, meter_id: _Optional[str] = ..., month: _Optional[str] = ..., slot_s: _Optional[int] = ..., scores: _Optional[int] = ..., sums: _Optional[_Union[ErrorSums, _Mapping]] = ..., metrics: _Optional[_Union[Metrics, _Mapping]] = ...) -> None: ...
