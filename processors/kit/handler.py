"""The handler skeleton every family shares: decode the payload, run its action, flush.

A family subclasses FamilyHandler with three class attributes and its payload decoder:

    class BlockMeterHandler(FamilyHandler):
        family = "blockmeter"
        versions = ("1.0",)
        actions = ACTIONS                  # action -> fn(body, signer, store)

        def decode(self, data: bytes) -> tuple[int, Any]:
            return payload.decode(data)    # (action, checked body) or InvalidTransaction

The SDK handler API stays as it is (family_name, family_versions, namespaces, apply), so the
same class runs in our runtime, in Sawtooth's own SDK processor, and in tests.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from sawtooth_sdk.processor.handler import TransactionHandler

from .addressing import namespace
from .store import RecordStore

# (body, signer public key, store) -> None
Action = Callable[[Any, str, RecordStore], None]


class FamilyHandler(TransactionHandler):
    family: ClassVar[str]
    versions: ClassVar[tuple[str, ...]]
    actions: ClassVar[Mapping[Any, Action]]
    # Sawtooth's own families have fixed namespaces (sawtooth_settings "000000", block_info
    # "00b10c"); ours leave it None and get sha512(family)[:6] (kit/addressing.py).
    fixed_namespace: ClassVar[str | None] = None

    @abc.abstractmethod
    def decode(self, data: bytes) -> tuple[Any, Any]:
        """(action, checked body) from the payload bytes; InvalidTransaction if they are bad."""

    @property
    def family_name(self) -> str:
        return self.family

    @property
    def family_versions(self) -> list[str]:
        return list(self.versions)

    @property
    def namespaces(self) -> list[str]:
        return [self.fixed_namespace or namespace(self.family)]

    def apply(self, transaction: Any, context: Any) -> None:
        """`transaction` is a TpProcessRequest (header: TransactionHeader, payload: bytes)."""
        header = transaction.header
        action, body = self.decode(transaction.payload)
        store = RecordStore(context, header.inputs, header.outputs, self.namespaces)
        self.actions[action](body, header.signer_public_key, store)
        store.flush()
