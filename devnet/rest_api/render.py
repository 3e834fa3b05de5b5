"""How resources look in JSON: Sawtooth 1.2's rendering.

Protobuf messages become dicts with every field present (defaults included), proto field names,
bytes as base64 and 64-bit integers as strings (protobuf's JSON mapping). Blocks, batches and
transactions carry their header decoded into an object next to `header_signature`. Batch
statuses and receipts drop empty strings and name their id field just `id`. Bodies are
pretty-printed with sorted keys, as Sawtooth prints them.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import orjson
from google.protobuf.json_format import MessageToDict
from google.protobuf.message import DecodeError
from google.protobuf.message import Message as ProtoMessage
from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader
from sawtooth_sdk.protobuf.block_pb2 import Block, BlockHeader
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from . import errors


def to_dict(message: ProtoMessage) -> dict[str, Any]:
    return MessageToDict(
        message, always_print_fields_with_no_presence=True, preserving_proto_field_name=True
    )


def dumps(envelope: dict[str, Any]) -> str:
    # orjson's INDENT_2 layout is json.dumps(indent=2, separators=(",", ": ")), in C: the
    # standard library's encoder falls back to pure Python whenever it indents. Unlike json.dumps
    # it writes non-ASCII as UTF-8 rather than \u escapes: the same JSON.
    try:
        return orjson.dumps(envelope, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        # An integer beyond 64 bits (a client's own out-of-range paging value, echoed back).
        return json.dumps(envelope, indent=2, separators=(",", ": "), sort_keys=True)


def _with_header(
    message: Transaction | Batch | Block, header_type: type[ProtoMessage]
) -> dict[str, Any]:
    header = header_type()
    try:
        header.ParseFromString(message.header)
    except DecodeError:
        raise errors.ResourceHeaderInvalid(message.header_signature) from None
    return {"header": to_dict(header), "header_signature": message.header_signature}


def transaction(message: Transaction) -> dict[str, Any]:
    resource = _with_header(message, TransactionHeader)
    resource["payload"] = base64.b64encode(message.payload).decode()
    return resource


def batch(message: Batch) -> dict[str, Any]:
    resource = _with_header(message, BatchHeader)
    resource["trace"] = message.trace
    resource["transactions"] = [transaction(t) for t in message.transactions]
    return resource


def block(message: Block) -> dict[str, Any]:
    resource = _with_header(message, BlockHeader)
    resource["batches"] = [batch(b) for b in message.batches]
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
