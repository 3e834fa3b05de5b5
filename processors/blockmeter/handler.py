"""BlockMeterHandler: decode the payload, pick the action, apply it, write the result."""

from __future__ import annotations

from typing import Any

from sawtooth_sdk.processor.handler import TransactionHandler

from . import addressing, payload
from .actions import ACTIONS
from .state import BlockMeterState


class BlockMeterHandler(TransactionHandler):
    @property
    def family_name(self) -> str:
        return addressing.FAMILY_NAME

    @property
    def family_versions(self) -> list[str]:
        return [addressing.FAMILY_VERSION]

    @property
    def namespaces(self) -> list[str]:
        return [addressing.NAMESPACE]

    def apply(self, transaction: Any, context: Any) -> None:
        """`transaction` is a TpProcessRequest (header: TransactionHeader, payload: bytes)."""
        header = transaction.header
        action, body = payload.decode(transaction.payload)
        state = BlockMeterState(context, header.inputs, header.outputs)
        ACTIONS[action](body, header.signer_public_key, state)
        state.flush()
