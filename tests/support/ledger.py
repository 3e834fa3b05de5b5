"""An in-memory ledger for family tests: applies transactions the way a validator would.

Each transaction goes to the handler of its family (several families can share one ledger, as
they share global state on a validator); the declared inputs and outputs are enforced, and state
changes are kept only when the transaction is valid.
"""

from __future__ import annotations

from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from tests.support.contexts import StrictContext, process_request


class Ledger:
    """Applies transactions one by one; a rejected transaction leaves state unchanged."""

    def __init__(self, *handlers: TransactionHandler):
        self.handlers = {h.family_name: h for h in handlers}
        self.state: dict[str, bytes] = {}
        self.events: list[tuple[str, dict[str, str]]] = []
        self.transactions: list[Transaction] = []  # the valid ones, in order

    @property
    def handler(self) -> TransactionHandler:
        """The handler, when the ledger serves one family."""
        (only,) = self.handlers.values()
        return only

    def apply(self, transaction: Transaction) -> StrictContext:
        context = self.apply_request(process_request(transaction))
        self.transactions.append(transaction)
        return context

    def apply_payload(
        self, payload: bytes, signer_public_key: str, family: str | None = None
    ) -> StrictContext:
        """Apply any payload bytes, unsigned, with the family's whole namespace declared."""
        handler = self.handlers[family] if family else self.handler
        header = TransactionHeader(
            family_name=handler.family_name,
            family_version=handler.family_versions[0],
            signer_public_key=signer_public_key,
            inputs=list(handler.namespaces),
            outputs=list(handler.namespaces),
        )
        return self.apply_request(TpProcessRequest(header=header, payload=payload))

    def apply_request(self, request: TpProcessRequest) -> StrictContext:
        context = StrictContext(self.state, request.header.inputs, request.header.outputs)
        self.handlers[request.header.family_name].apply(request, context)
        self.state = context.state
        self.events += [(t, dict(attrs)) for t, attrs, _ in context.events]
        return context
