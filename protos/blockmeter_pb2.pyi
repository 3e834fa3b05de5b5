from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MeterKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KIND_UNSET: _ClassVar[MeterKind]
    ELECTRICITY_IMPORT: _ClassVar[MeterKind]
    ELECTRICITY_EXPORT: _ClassVar[MeterKind]
    GENERATION: _ClassVar[MeterKind]
    GAS: _ClassVar[MeterKind]
    HEAT: _ClassVar[MeterKind]
    COOLING: _ClassVar[MeterKind]
    WATER: _ClassVar[MeterKind]
    TEMPERATURE: _ClassVar[MeterKind]
    WIND_SPEED: _ClassVar[MeterKind]
    SOLAR_IRRADIANCE: _ClassVar[MeterKind]
    RELATIVE_HUMIDITY: _ClassVar[MeterKind]
    STORAGE_CHARGE: _ClassVar[MeterKind]
    STORAGE_DISCHARGE: _ClassVar[MeterKind]

class Unit(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    UNIT_UNSET: _ClassVar[Unit]
    MILLIWATT_HOUR: _ClassVar[Unit]
    MILLILITRE: _ClassVar[Unit]
    MILLIDEGREE_CELSIUS: _ClassVar[Unit]
    MILLIMETRE_PER_SECOND: _ClassVar[Unit]
    MILLIWATT_PER_SQUARE_METRE: _ClassVar[Unit]
    PARTS_PER_MILLION: _ClassVar[Unit]

class ReadingMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MODE_UNSET: _ClassVar[ReadingMode]
    INTERVAL: _ClassVar[ReadingMode]
    CUMULATIVE: _ClassVar[ReadingMode]
KIND_UNSET: MeterKind
ELECTRICITY_IMPORT: MeterKind
ELECTRICITY_EXPORT: MeterKind
GENERATION: MeterKind
GAS: MeterKind
HEAT: MeterKind
COOLING: MeterKind
WATER: MeterKind
TEMPERATURE: MeterKind
WIND_SPEED: MeterKind
SOLAR_IRRADIANCE: MeterKind
RELATIVE_HUMIDITY: MeterKind
STORAGE_CHARGE: MeterKind
STORAGE_DISCHARGE: MeterKind
UNIT_UNSET: Unit
MILLIWATT_HOUR: Unit
MILLILITRE: Unit
MILLIDEGREE_CELSIUS: Unit
MILLIMETRE_PER_SECOND: Unit
MILLIWATT_PER_SQUARE_METRE: Unit
PARTS_PER_MILLION: Unit
MODE_UNSET: ReadingMode
INTERVAL: ReadingMode
CUMULATIVE: ReadingMode

class BlockMeterPayload(_message.Message):
    __slots__ = ("action", "set_authorities", "create_site", "register_meter", "bind_key", "revoke_key", "retire_meter", "record_readings", "update_meter", "repair_head")
    class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        ACTION_UNSET: _ClassVar[BlockMeterPayload.Action]
        SET_AUTHORITIES: _ClassVar[BlockMeterPayload.Action]
        CREATE_SITE: _ClassVar[BlockMeterPayload.Action]
        REGISTER_METER: _ClassVar[BlockMeterPayload.Action]
        BIND_KEY: _ClassVar[BlockMeterPayload.Action]
        REVOKE_KEY: _ClassVar[BlockMeterPayload.Action]
        RETIRE_METER: _ClassVar[BlockMeterPayload.Action]
        RECORD_READINGS: _ClassVar[BlockMeterPayload.Action]
        UPDATE_METER: _ClassVar[BlockMeterPayload.Action]
        REPAIR_HEAD: _ClassVar[BlockMeterPayload.Action]
    ACTION_UNSET: BlockMeterPayload.Action
    SET_AUTHORITIES: BlockMeterPayload.Action
    CREATE_SITE: BlockMeterPayload.Action
    REGISTER_METER: BlockMeterPayload.Action
    BIND_KEY: BlockMeterPayload.Action
    REVOKE_KEY: BlockMeterPayload.Action
    RETIRE_METER: BlockMeterPayload.Action
    RECORD_READINGS: BlockMeterPayload.Action
    UPDATE_METER: BlockMeterPayload.Action
    REPAIR_HEAD: BlockMeterPayload.Action
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SET_AUTHORITIES_FIELD_NUMBER: _ClassVar[int]
    CREATE_SITE_FIELD_NUMBER: _ClassVar[int]
    REGISTER_METER_FIELD_NUMBER: _ClassVar[int]
    BIND_KEY_FIELD_NUMBER: _ClassVar[int]
    REVOKE_KEY_FIELD_NUMBER: _ClassVar[int]
    RETIRE_METER_FIELD_NUMBER: _ClassVar[int]
    RECORD_READINGS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_METER_FIELD_NUMBER: _ClassVar[int]
    REPAIR_HEAD_FIELD_NUMBER: _ClassVar[int]
    action: BlockMeterPayload.Action
    set_authorities: SetAuthorities
    create_site: CreateSite
    register_meter: RegisterMeter
    bind_key: BindKey
    revoke_key: RevokeKey
    retire_meter: RetireMeter
    record_readings: RecordReadings
    update_meter: UpdateMeter
    repair_head: RepairHead
    def __init__(self, action: _Optional[_Union[BlockMeterPayload.Action, str]] = ..., set_authorities: _Optional[_Union[SetAuthorities, _Mapping]] = ..., create_site: _Optional[_Union[CreateSite, _Mapping]] = ..., register_meter: _Optional[_Union[RegisterMeter, _Mapping]] = ..., bind_key: _Optional[_Union[BindKey, _Mapping]] = ..., revoke_key: _Optional[_Union[RevokeKey, _Mapping]] = ..., retire_meter: _Optional[_Union[RetireMeter, _Mapping]] = ..., record_readings: _Optional[_Union[RecordReadings, _Mapping]] = ..., update_meter: _Optional[_Union[UpdateMeter, _Mapping]] = ..., repair_head: _Optional[_Union[RepairHead, _Mapping]] = ...) -> None: ...

class SetAuthorities(_message.Message):
    __slots__ = ("public_keys",)
    PUBLIC_KEYS_FIELD_NUMBER: _ClassVar[int]
    public_keys: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, public_keys: _Optional[_Iterable[str]] = ...) -> None: ...

class CreateSite(_message.Message):
    __slots__ = ("site_id", "owner_public_key", "name", "floor_area_m2", "timezone", "location")
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FLOOR_AREA_M2_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    site_id: str
    owner_public_key: str
    name: str
    floor_area_m2: int
    timezone: str
    location: str
    def __init__(self, site_id: _Optional[str] = ..., owner_public_key: _Optional[str] = ..., name: _Optional[str] = ..., floor_area_m2: _Optional[int] = ..., timezone: _Optional[str] = ..., location: _Optional[str] = ...) -> None: ...

class RegisterMeter(_message.Message):
    __slots__ = ("meter_id", "site_id", "kind", "unit", "mode", "rollover", "initial_register", "nominal_interval_s", "plausible_min", "plausible_max", "name", "bms_tag")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    ROLLOVER_FIELD_NUMBER: _ClassVar[int]
    INITIAL_REGISTER_FIELD_NUMBER: _ClassVar[int]
    NOMINAL_INTERVAL_S_FIELD_NUMBER: _ClassVar[int]
    PLAUSIBLE_MIN_FIELD_NUMBER: _ClassVar[int]
    PLAUSIBLE_MAX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BMS_TAG_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    site_id: str
    kind: MeterKind
    unit: Unit
    mode: ReadingMode
    rollover: int
    initial_register: int
    nominal_interval_s: int
    plausible_min: int
    plausible_max: int
    name: str
    bms_tag: str
    def __init__(self, meter_id: _Optional[str] = ..., site_id: _Optional[str] = ..., kind: _Optional[_Union[MeterKind, str]] = ..., unit: _Optional[_Union[Unit, str]] = ..., mode: _Optional[_Union[ReadingMode, str]] = ..., rollover: _Optional[int] = ..., initial_register: _Optional[int] = ..., nominal_interval_s: _Optional[int] = ..., plausible_min: _Optional[int] = ..., plausible_max: _Optional[int] = ..., name: _Optional[str] = ..., bms_tag: _Optional[str] = ...) -> None: ...

class BindKey(_message.Message):
    __slots__ = ("meter_id", "public_key")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    public_key: str
    def __init__(self, meter_id: _Optional[str] = ..., public_key: _Optional[str] = ...) -> None: ...

class RevokeKey(_message.Message):
    __slots__ = ("meter_id", "public_key")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    public_key: str
    def __init__(self, meter_id: _Optional[str] = ..., public_key: _Optional[str] = ...) -> None: ...

class RetireMeter(_message.Message):
    __slots__ = ("meter_id",)
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    def __init__(self, meter_id: _Optional[str] = ...) -> None: ...

class UpdateMeter(_message.Message):
    __slots__ = ("meter_id", "plausible_min", "plausible_max", "initial_register")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    PLAUSIBLE_MIN_FIELD_NUMBER: _ClassVar[int]
    PLAUSIBLE_MAX_FIELD_NUMBER: _ClassVar[int]
    INITIAL_REGISTER_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    plausible_min: int
    plausible_max: int
    initial_register: int
    def __init__(self, meter_id: _Optional[str] = ..., plausible_min: _Optional[int] = ..., plausible_max: _Optional[int] = ..., initial_register: _Optional[int] = ...) -> None: ...

class RepairHead(_message.Message):
    __slots__ = ("meter_id", "recorded_until", "last_register", "reason")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    LAST_REGISTER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    recorded_until: int
    last_register: int
    reason: str
    def __init__(self, meter_id: _Optional[str] = ..., recorded_until: _Optional[int] = ..., last_register: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class RecordReadings(_message.Message):
    __slots__ = ("meter_id", "window_start", "interval_s", "values", "quality", "raw_digest")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_S_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    RAW_DIGEST_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    window_start: int
    interval_s: int
    values: _containers.RepeatedScalarFieldContainer[int]
    quality: _containers.RepeatedScalarFieldContainer[int]
    raw_digest: bytes
    def __init__(self, meter_id: _Optional[str] = ..., window_start: _Optional[int] = ..., interval_s: _Optional[int] = ..., values: _Optional[_Iterable[int]] = ..., quality: _Optional[_Iterable[int]] = ..., raw_digest: _Optional[bytes] = ...) -> None: ...

class Site(_message.Message):
    __slots__ = ("site_id", "owner_public_key", "name", "floor_area_m2", "timezone", "location", "created_by")
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_PUBLIC_KEY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FLOOR_AREA_M2_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    site_id: str
    owner_public_key: str
    name: str
    floor_area_m2: int
    timezone: str
    location: str
    created_by: str
    def __init__(self, site_id: _Optional[str] = ..., owner_public_key: _Optional[str] = ..., name: _Optional[str] = ..., floor_area_m2: _Optional[int] = ..., timezone: _Optional[str] = ..., location: _Optional[str] = ..., created_by: _Optional[str] = ...) -> None: ...

class Meter(_message.Message):
    __slots__ = ("meter_id", "site_id", "kind", "unit", "mode", "rollover", "initial_register", "nominal_interval_s", "plausible_min", "plausible_max", "name", "bms_tag", "device_keys", "retired", "revision")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    ROLLOVER_FIELD_NUMBER: _ClassVar[int]
    INITIAL_REGISTER_FIELD_NUMBER: _ClassVar[int]
    NOMINAL_INTERVAL_S_FIELD_NUMBER: _ClassVar[int]
    PLAUSIBLE_MIN_FIELD_NUMBER: _ClassVar[int]
    PLAUSIBLE_MAX_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BMS_TAG_FIELD_NUMBER: _ClassVar[int]
    DEVICE_KEYS_FIELD_NUMBER: _ClassVar[int]
    RETIRED_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    site_id: str
    kind: MeterKind
    unit: Unit
    mode: ReadingMode
    rollover: int
    initial_register: int
    nominal_interval_s: int
    plausible_min: int
    plausible_max: int
    name: str
    bms_tag: str
    device_keys: _containers.RepeatedScalarFieldContainer[str]
    retired: bool
    revision: int
    def __init__(self, meter_id: _Optional[str] = ..., site_id: _Optional[str] = ..., kind: _Optional[_Union[MeterKind, str]] = ..., unit: _Optional[_Union[Unit, str]] = ..., mode: _Optional[_Union[ReadingMode, str]] = ..., rollover: _Optional[int] = ..., initial_register: _Optional[int] = ..., nominal_interval_s: _Optional[int] = ..., plausible_min: _Optional[int] = ..., plausible_max: _Optional[int] = ..., name: _Optional[str] = ..., bms_tag: _Optional[str] = ..., device_keys: _Optional[_Iterable[str]] = ..., retired: _Optional[bool] = ..., revision: _Optional[int] = ...) -> None: ...

class MeterHead(_message.Message):
    __slots__ = ("meter_id", "first_window_start", "last_window_end", "last_register", "window_count", "value_count", "gap_count", "gap_seconds", "flagged_count", "rebase_count", "repair_count")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    FIRST_WINDOW_START_FIELD_NUMBER: _ClassVar[int]
    LAST_WINDOW_END_FIELD_NUMBER: _ClassVar[int]
    LAST_REGISTER_FIELD_NUMBER: _ClassVar[int]
    WINDOW_COUNT_FIELD_NUMBER: _ClassVar[int]
    VALUE_COUNT_FIELD_NUMBER: _ClassVar[int]
    GAP_COUNT_FIELD_NUMBER: _ClassVar[int]
    GAP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REBASE_COUNT_FIELD_NUMBER: _ClassVar[int]
    REPAIR_COUNT_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    first_window_start: int
    last_window_end: int
    last_register: int
    window_count: int
    value_count: int
    gap_count: int
    gap_seconds: int
    flagged_count: int
    rebase_count: int
    repair_count: int
    def __init__(self, meter_id: _Optional[str] = ..., first_window_start: _Optional[int] = ..., last_window_end: _Optional[int] = ..., last_register: _Optional[int] = ..., window_count: _Optional[int] = ..., value_count: _Optional[int] = ..., gap_count: _Optional[int] = ..., gap_seconds: _Optional[int] = ..., flagged_count: _Optional[int] = ..., rebase_count: _Optional[int] = ..., repair_count: _Optional[int] = ...) -> None: ...

class Bucket(_message.Message):
    __slots__ = ("index", "sum", "count", "min", "max", "flagged_count")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    SUM_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    index: int
    sum: int
    count: int
    min: int
    max: int
    flagged_count: int
    def __init__(self, index: _Optional[int] = ..., sum: _Optional[int] = ..., count: _Optional[int] = ..., min: _Optional[int] = ..., max: _Optional[int] = ..., flagged_count: _Optional[int] = ...) -> None: ...

class Rollup(_message.Message):
    __slots__ = ("meter_id", "period", "buckets", "sum", "count", "min", "max", "flagged_count", "gap_count", "gap_seconds")
    METER_ID_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    BUCKETS_FIELD_NUMBER: _ClassVar[int]
    SUM_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    GAP_COUNT_FIELD_NUMBER: _ClassVar[int]
    GAP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    meter_id: str
    period: str
    buckets: _containers.RepeatedCompositeFieldContainer[Bucket]
    sum: int
    count: int
    min: int
    max: int
    flagged_count: int
    gap_count: int
    gap_seconds: int
    def __init__(self, meter_id: _Optional[str] = ..., period: _Optional[str] = ..., buckets: _Optional[_Iterable[_Union[Bucket, _Mapping]]] = ..., sum: _Optional[int] = ..., count: _Optional[int] = ..., min: _Optional[int] = ..., max: _Optional[int] = ..., flagged_count: _Optional[int] = ..., gap_count: _Optional[int] = ..., gap_seconds: _Optional[int] = ...) -> None: ...
