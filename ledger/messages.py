"""Protobuf messages as JSON-ready dicts for people and programs: the CLI, the portal and its API.

Unlike json_format.MessageToDict: 64-bit integers stay numbers, every field is shown (zero is
a real value: hour 0 of a rollup, a balance of 0), enums by name, bytes as hex, and the fields
the caller names as times as ISO 8601 UTC. A oneof shows only its set member.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

_MAX_TIME = 253_402_300_799  # 9999-12-31T23:59:59Z


def iso_time(seconds: int) -> str | int:
    """Unix seconds as "2026-03-01T12:15:00Z"; out-of-range values stay numbers."""
    if not 0 <= seconds <= _MAX_TIME:
        return seconds
    moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _scalar(field: Any, value: Any, as_time: bool) -> Any:
    # `field` is a FieldDescriptor; the stubs type upb's descriptors as a class of their own.
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return None  # handled by the caller
    if field.type == FieldDescriptor.TYPE_ENUM:
        known = field.enum_type.values_by_number.get(value)
        return known.name if known is not None else value
    if field.type == FieldDescriptor.TYPE_BYTES:
        return value.hex()
    if as_time and isinstance(value, int):
        return iso_time(value)
    return value


def to_dict(message: Message, *, time_fields: Collection[str] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        oneof = field.containing_oneof
        if oneof is not None and message.WhichOneof(oneof.name) != field.name:
            continue
        value = getattr(message, field.name)
        as_time = field.name in time_fields
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.is_repeated:
                out[field.name] = [to_dict(v, time_fields=time_fields) for v in value]
            else:
                out[field.name] = to_dict(value, time_fields=time_fields)
        elif field.is_repeated:
            out[field.name] = [_scalar(field, v, as_time) for v in value]
        else:
            out[field.name] = _scalar(field, value, as_time)
    return out
