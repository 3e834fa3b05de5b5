"""Transactions a browser signs: the portal builds them, the party's key never leaves the page.

1. `unsigned(public_key, build)` runs one of the family's own builders
   (processors/energycontract/txn.py) with a stand-in signer that knows only the public key, and
   keeps the serialized TransactionHeader (signer and batcher: that key) and the payload.
2. The page signs each header (secp256k1 ECDSA over SHA-256 of the bytes, 64-byte compact r||s,
   low S: what sawtooth_signing makes) and sends the signatures back; `batch_header` checks
   every one and builds the BatchHeader over the transaction ids.
3. The page signs the batch header; `signed_batch` checks it and assembles the Batch the portal
   submits to the validator's REST API.

Nothing is kept between the steps: each request carries what it needs and the portal checks it
again, so a page cannot slip in a transaction of another family or another key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from smartblocks.ledger.keys import Signer, is_public_key, verify
from smartblocks.processors.energycontract.addressing import FAMILY_NAME

MAX_TRANSACTIONS = 8  # a portal action is one transaction; a few leave room, never a flood
# Step 1's answer is also a file a party may sign on the command line instead (`smartblocks
# sign`, clients/cli/sign.py): this names its layout.
REQUEST_FORMAT = "smartblocks-unsigned-request/1"
_PLACEHOLDER = "0" * 128


class SigningError(ValueError):
    """What a page sent cannot be signed or submitted; the message says what is wrong."""


class PublicKeyOnly:
    """Stands in for a Signer in the transaction builders: they need the public key and a
    signature; the signature is the page's job, so this one is a placeholder, never sent."""

    def __init__(self, public_key: str) -> None:
        if not isinstance(public_key, str) or not is_public_key(public_key):
            raise SigningError(
                "public_key must be a compressed secp256k1 public key: 66 lower-case hex "
                "characters starting 02 or 03"
            )
        self.public_key = public_key

    def sign(self, message: bytes) -> str:
        return _PLACEHOLDER


def unsigned(public_key: str, build: Callable[[Signer], Transaction]) -> dict[str, str]:
    """{header, payload} (hex) of the transaction `build` makes for `public_key`, and the
    SHA-256 of the header the page will sign (to show and compare)."""
    signer: Any = PublicKeyOnly(public_key)
    txn = build(signer)
    return {
        "header": txn.header.hex(),
        "payload": txn.payload.hex(),
        "header_sha256": hashlib.sha256(txn.header).hexdigest(),
    }


@dataclass(frozen=True)
class Checked:
    transactions: list[Transaction]
    public_key: str


def _hex(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise SigningError(f"{what} must be a hex string")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise SigningError(f"{what} is not hex") from None


def _signature(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) != 128:
        raise SigningError(f"{what} must be 128 hex characters (64-byte compact r||s)")
    _hex(value, what)
    return value.lower()


def check_transactions(items: Any) -> Checked:
    """Signed transactions from a page: each of this family, signed and batched by one key,
    its payload the one its header names, its signature valid for its header."""
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_TRANSACTIONS:
        raise SigningError(f"transactions must be a list of 1 to {MAX_TRANSACTIONS}")
    out: list[Transaction] = []
    keys: set[str] = set()
    for n, item in enumerate(items):
        what = f"transaction {n}"
        if not isinstance(item, dict):
            raise SigningError(f"{what} must be an object {{header, payload, signature}}")
        header_bytes = _hex(item.get("header"), f"{what}: header")
        payload = _hex(item.get("payload"), f"{what}: payload")
        signature = _signature(item.get("signature"), f"{what}: signature")
        try:
            header = TransactionHeader.FromString(header_bytes)
        except DecodeError:
            raise SigningError(f"{what}: header is not a TransactionHeader") from None
        if header.family_name != FAMILY_NAME:
            raise SigningError(
                f"{what} is of family {header.family_name!r}; the portal submits only "
                f"{FAMILY_NAME} transactions"
            )
        if header.payload_sha512 != hashlib.sha512(payload).hexdigest():
            raise SigningError(f"{what}: the payload is not the one its header names")
        if header.batcher_public_key != header.signer_public_key:
            raise SigningError(f"{what}: signer and batcher must be the same key")
        if not verify(signature, header_bytes, header.signer_public_key):
            raise SigningError(
                f"{what}: the signature does not verify for key "
                f"{header.signer_public_key[:10]}.. (signed with another key, or the header "
                "changed)"
            )
        keys.add(header.signer_public_key)
        out.append(Transaction(header=header_bytes, header_signature=signature, payload=payload))
    if len(keys) != 1:
        raise SigningError("every transaction of a batch must be signed by the same key")
    return Checked(out, keys.pop())


def batch_header(checked: Checked) -> bytes:
    return BatchHeader(
        signer_public_key=checked.public_key,
        transaction_ids=[t.header_signature for t in checked.transactions],
    ).SerializeToString()


def signed_batch(checked: Checked, header_hex: Any, signature: Any) -> Batch:
    """The batch around `checked`: its header must be the one `batch_header` builds for them,
    its signature valid for the transactions' key."""
    header = _hex(header_hex, "batch_header")
    if header != batch_header(checked):
        raise SigningError("batch_header is not the header of these transactions")
    signature = _signature(signature, "batch_signature")
    if not verify(signature, header, checked.public_key):
        raise SigningError("batch_signature does not verify for the transactions' key")
    return Batch(header=header, header_signature=signature, transactions=checked.transactions)


def transaction_ids(transactions: Sequence[Transaction]) -> list[str]:
    return [t.header_signature for t in transactions]
