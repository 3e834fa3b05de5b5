"""Fast readers for the messages devnet receives most, built on wire.fields().

Each returns plain Python values and raises ValueError for bytes that are not the message.
Strings are decoded as UTF-8 like protobuf does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .wire import fields


def _text(value: int | bytes) -> str:
    if not isinstance(value, bytes):
        raise ValueError("expected a string field")
    return value.decode()


def _data(value: int | bytes) -> bytes:
    if not isinstance(value, bytes):
        raise ValueError("expected a bytes field")
    return value


@dataclass(slots=True)
class TxnHeader:
    """TransactionHeader."""

    batcher_public_key: str = ""
    dependencies: list[str] = field(default_factory=list)
    family_name: str = ""
    family_version: str = ""
    inputs: list[str] = field(default_factory=list)
    nonce: str = ""
    outputs: list[str] = field(default_factory=list)
    payload_sha512: str = ""
    signer_public_key: str = ""


_HEADER_STRINGS = {
    1: "batcher_public_key",
    3: "family_name",
    4: "family_version",
    6: "nonce",
    9: "payload_sha512",
    10: "signer_public_key",
}
_HEADER_LISTS = {2: "dependencies", 5: "inputs", 7: "outputs"}


def txn_header(data: bytes) -> TxnHeader:
    header = TxnHeader()
    for number, value in fields(data):
        if number in _HEADER_STRINGS:
            setattr(header, _HEADER_STRINGS[number], _text(value))
        elif number in _HEADER_LISTS:
            getattr(header, _HEADER_LISTS[number]).append(_text(value))
    return header


@dataclass(slots=True)
class RawTxn:
    header: bytes = b""
    header_signature: str = ""
    payload: bytes = b""


@dataclass(slots=True)
class RawBatch:
    header: bytes = b""
    header_signature: str = ""
    transactions: list[RawTxn] = field(default_factory=list)


def transaction(data: bytes) -> RawTxn:
    txn = RawTxn()
    for number, value in fields(data):
        if number == 1:
            txn.header = _data(value)
        elif number == 2:
            txn.header_signature = _text(value)
        elif number == 3:
            txn.payload = _data(value)
    return txn


def batch(data: bytes) -> RawBatch:
    out = RawBatch()
    for number, value in fields(data):
        if number == 1:
            out.header = _data(value)
        elif number == 2:
            out.header_signature = _text(value)
        elif number == 3:
            out.transactions.append(transaction(_data(value)))
    return out


def batch_header(data: bytes) -> tuple[str, list[str]]:
    """BatchHeader: (signer_public_key, transaction_ids)."""
    signer, ids = "", []
    for number, value in fields(data):
        if number == 1:
            signer = _text(value)
        elif number == 2:
            ids.append(_text(value))
    return signer, ids


class Frame(NamedTuple):
    """One validator_pb2.Message as received."""

    message_type: int
    correlation_id: str
    content: bytes


def message(data: bytes) -> Frame:
    message_type, correlation_id, content = 0, "", b""
    for number, value in fields(data):
        if number == 1 and isinstance(value, int):
            message_type = value
        elif number == 2:
            correlation_id = _text(value)
        elif number == 3:
            content = _data(value)
    return Frame(message_type, correlation_id, content)


def state_get_request(data: bytes) -> tuple[str, list[str]]:
    """TpStateGetRequest / TpStateDeleteRequest: (context_id, addresses)."""
    context_id, addresses = "", []
    for number, value in fields(data):
        if number == 1:
            context_id = _text(value)
        elif number == 2:
            addresses.append(_text(value))
    return context_id, addresses


def state_set_request(data: bytes) -> tuple[str, list[tuple[str, bytes]]]:
    """TpStateSetRequest: (context_id, [(address, data)])."""
    context_id, entries = "", []
    for number, value in fields(data):
        if number == 1:
            context_id = _text(value)
        elif number == 2:
            address, payload = "", b""
            for inner, item in fields(_data(value)):
                if inner == 1:
                    address = _text(item)
                elif inner == 2:
                    payload = _data(item)
            entries.append((address, payload))
    return context_id, entries


def process_response(data: bytes) -> tuple[int, str, bytes]:
    """TpProcessResponse: (status, message, extended_data)."""
    status, text, extended = 0, "", b""
    for number, value in fields(data):
        if number == 1 and isinstance(value, int):
            status = value
        elif number == 2:
            text = _text(value)
        elif number == 3:
            extended = _data(value)
    return status, text, extended
