"""How resources look in JSON: Sawtooth 1.2's rendering.

Protobuf messages become dicts with every field present (defaults included), proto field names,
bytes as base64 and 64-bit integers as strings (protobuf's JSON mapping). Blocks, batches and
transactions carry their header decoded into an object next to `header_signature`. Batch
statuses and receipts drop empty strings and name their id field just `id`. Bodies are
pretty-printed with sorted keys, as Sawtooth prints them.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from google.protobuf.json_format import MessageToDict
from google.protobuf.message import DecodeError
from google.protobuf.message import Message as ProtoMessage
from sawtooth_sdk.protobuf.batch_pb2 import BatchHeader
from sawtooth_sdk.protobuf.block_pb2 import BlockHeader
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from . import errors


def to_dict(message: ProtoMessage) -> dict[str, Any]:
    return MessageToDict(
        message, always_print_fields_with_no_presence=True, preserving_proto_field_name=True
    )


def dumps(envelope: dict[str, Any]) -> str:
    return json.dumps(envelope, indent=2, separators=(",", ": "), sort_keys=True)


def _expand_header(resource: dict[str, Any], header_type: type[ProtoMessage]) -> dict[str, Any]:
    header = header_type()
    try:
        header.ParseFromString(base64.b64decode(resource["header"], validate=True))
    except (KeyError, TypeError, ValueError, binascii.Error, DecodeError):
        raise errors.ResourceHeaderInvalid(resource.get("header_signature", "")) from None
    resource["header"] = to_dict(header)
    return resource


def transaction(resource: dict[str, Any]) -> dict[str, Any]:
    return _expand_header(resource, TransactionHeader)


def batch(resource: dict[str, Any]) -> dict[str, Any]:
    _expand_header(resource, BatchHeader)
    resource["transactions"] = [transaction(t) for t in resource.get("transactions", [])]
    return resource


def block(resource: dict[str, Any]) -> dict[str, Any]:
    _expand_header(resource, BlockHeader)
    resource["batches"] = [batch(b) for b in resource.get("batches", [])]
    return resource


def tidy(item: Any) -> Any:
    """Batch statuses and receipts: drop empty strings; `batch_id`/`transaction_id` -> `id`."""
    if isinstance(item, list):
        return [tidy(i) for i in item]
    if isinstance(item, dict):
        return {
            ("id" if key.endswith("id") else key): tidy(value)
            for key, value in item.items()
            if value != ""
        }
    return item
