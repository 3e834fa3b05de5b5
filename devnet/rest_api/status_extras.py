"""Extra validator facts in /status, carried inside Sawtooth's ClientStatusGetResponse.

Sawtooth's status answer has only `endpoint` and `peers`. The devnet also reports facts such as
the families it waits for. It appends them to the serialized response as a UTF-8 JSON object in
field 1000 (StatusExtras in protos/devnet_wire.proto). Sawtooth's own REST API and protobuf
parsers skip unknown fields, so the message stays a valid ClientStatusGetResponse; our REST API
merges the object's keys into /status `data` (never replacing `endpoint` or `peers`).
"""

from __future__ import annotations

import json
from typing import Any

from google.protobuf.message import DecodeError

from smartblocks.protos.devnet_wire_pb2 import StatusExtras


def encode(response: bytes, extras: dict[str, Any]) -> bytes:
    """`response` (a serialized ClientStatusGetResponse) with `extras` appended."""
    payload = json.dumps(extras, sort_keys=True, separators=(",", ":")).encode()
    return response + StatusExtras(json=payload).SerializeToString()


def decode(response: bytes) -> dict[str, Any]:
    """The extras object in a serialized status response; {} when there is none or it is bad."""
    try:
        extras = json.loads(StatusExtras.FromString(response).json or b"{}")
    except (DecodeError, ValueError):  # JSON's errors, bad UTF-8 included, are ValueErrors
        return {}
    return extras if isinstance(extras, dict) else {}
