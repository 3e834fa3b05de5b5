from . import blockmeter_pb2 as _blockmeter_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Resolution(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESOLUTION_UNSET: _ClassVar[Resolution]
    PER_DAY: _ClassVar[Resolution]
    PER_HOUR: _ClassVar[Resolution]

class DayTypes(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DAY_TYPES_UNSET: _ClassVar[DayTypes]
    ALL_DAYS: _ClassVar[DayTypes]
    WEEKDAY_WEEKEND: _ClassVar[DayTypes]
    DAYS_OF_WEEK: _ClassVar[DayTypes]
    HOURS_OF_WEEK: _ClassVar[DayTypes]
    MONTHS_WEEKDAY_WEEKEND: _ClassVar[DayTypes]
    MONTHS_HOURS_OF_WEEK: _ClassVar[DayTypes]
RESOLUTION_UNSET: Resolution
PER_DAY: Resolution
PER_HOUR: Resolution
DAY_TYPES_UNSET: DayTypes
ALL_DAYS: DayTypes
WEEKDAY_WEEKEND: DayTypes
DAYS_OF_WEEK: DayTypes
HOURS_OF_WEEK: DayTypes
MONTHS_WEEKDAY_WEEKEND: DayTypes
MONTHS_HOURS_OF_WEEK: DayTypes

class Knot(_message.Message):
    __slots__ = ("temperature", "energy")
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    ENERGY_FIELD_NUMBER: _ClassVar[int]
    temperature: int
    energy: int
    def __init__(self, temperature: _Optional[int] = ..., energy: _Optional[int] = ...) -> None: ...

class Curve(_message.Message):
    __slots__ = ("day_type", "knots")
    DAY_TYPE_FIELD_NUMBER: _ClassVar[int]
    KNOTS_FIELD_NUMBER: _ClassVar[int]
    day_type: int
    knots: _containers.RepeatedCompositeFieldContainer[Knot]
    def __init__(self, day_type: _Optional[int] = ..., knots: _Optional[_Iterable[_Union[Knot, _Mapping]]] = ...) -> None: ...

class BaselineTable(_message.Message):
    __slots__ = ("version", "unit", "resolution", "day_types", "curves", "model", "fit_meters", "fit_start", "fit_end", "fit_weather_meter")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    DAY_TYPES_FIELD_NUMBER: _ClassVar[int]
    CURVES_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FIT_METERS_FIELD_NUMBER: _ClassVar[int]
    FIT_START_FIELD_NUMBER: _ClassVar[int]
    FIT_END_FIELD_NUMBER: _ClassVar[int]
    FIT_WEATHER_METER_FIELD_NUMBER: _ClassVar[int]
    version: int
    unit: _blockmeter_pb2.Unit
    resolution: Resolution
    day_types: DayTypes
    curves: _containers.RepeatedCompositeFieldContainer[Curve]
    model: str
    fit_meters: _containers.RepeatedScalarFieldContainer[str]
    fit_start: int
    fit_end: int
    fit_weather_meter: str
    def __init__(self, version: _Optional[int] = ..., unit: _Optional[_Union[_blockmeter_pb2.Unit, str]] = ..., resolution: _Optional[_Union[Resolution, str]] = ..., day_types: _Optional[_Union[DayTypes, str]] = ..., curves: _Optional[_Iterable[_Union[Curve, _Mapping]]] = ..., model: _Optional[str] = ..., fit_meters: _Optional[_Iterable[str]] = ..., fit_start: _Optional[int] = ..., fit_end: _Optional[int] = ..., fit_weather_meter: _Optional[str] = ...) -> None: ...
