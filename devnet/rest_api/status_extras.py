"""Extra validator facts in /status, carried inside Sawtooth's ClientStatusGetResponse.

Sawtooth's status answer has only `endpoint` and `peers`. The devnet also reports facts such as
the families it waits for. It appends them to the serialized response as protobuf field
EXTRAS_FIELD (length-delimited, a UTF-8 JSON object). Sawtooth's own REST API and protobuf
parsers skip unknown fields, so the message stays a valid ClientStatusGetResponse; our REST API
merges the object's keys into /status `data` (never replacing `endpoint` or `peers`).
"""

from __future__ import annotations

import json
from typing import Any

from ..wire import length_delimited

EXTRAS_FIELD = 1000


def encode(response: bytes, extras: dict[str, Any]) -> bytes:
    """`response` (a serialized ClientStatusGetResponse) with `extras` appended."""
    payload = json.dumps(extras, sort_keys=True, separators=(",", ":")).encode()
    return response + length_delimited(EXTRAS_FIELD, payload)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos


def decode(response: bytes) -> dict[str, Any]:
    """The extras object in a serialized status response; {} when there is none or it is bad."""
    pos = 0
    try:
        while pos < len(response):
            key, pos = _read_varint(response, pos)
            field, wire_type = key >> 3, key & 7
            if wire_type == 0:
                _, pos = _read_varint(response, pos)
            elif wire_type == 1:
                pos += 8
            elif wire_type == 5:
                pos += 4
            elif wire_type == 2:
                length, pos = _read_varint(response, pos)
                if field == EXTRAS_FIELD:
                    extras = json.loads(response[pos : pos + length])
                    return extras if isinstance(extras, dict) else {}
                pos += length
            else:
                return {}
    except (ValueError, UnicodeDecodeError):
        return {}
    return {}
