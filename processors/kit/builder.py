"""Client-side transactions of a family: its name and version, the serialized payload, and
exactly the addresses the action reads (inputs) and writes (outputs), so the validator's
parallel scheduler can run unrelated transactions side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_transaction


@dataclass(frozen=True)
class Builder:
    family_name: str
    family_version: str

    def transaction(
        self,
        signer: Signer,
        payload: Message | bytes,
        inputs: Sequence[str],
        outputs: Sequence[str],
        *,
        nonce: str | None = None,
        batcher_public_key: str | None = None,
    ) -> Transaction:
        data = payload if isinstance(payload, bytes) else payload.SerializeToString()
        return make_transaction(
            signer,
            self.family_name,
            self.family_version,
            data,
            inputs,
            outputs,
            nonce=nonce,
            batcher_public_key=batcher_public_key,
        )


def enum_value(enum_type: Any, value: int | str) -> Any:
    """An enum given by number or by name (case-insensitive, "-" for "_"), typed as the
    generated enum the field expects."""
    if isinstance(value, int):
        return value
    return enum_type.Value(value.upper().replace("-", "_"))
