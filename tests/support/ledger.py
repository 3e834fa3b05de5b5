"""An in-memory ledger for family tests: applies transactions the way a validator would.

Each transaction goes to the handler of its family (several families can share one ledger, as
they share global state on a validator); the declared inputs and outputs are enforced, and state
changes are kept only when the transaction is valid.
"""

from __future__ import annotations

from sawtooth_sdk.processor.handler import TransactionHandler
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig
from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.setting_pb2 import Setting
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from smartblocks.ledger.block_info import CONFIG_ADDRESS, block_address
from smartblocks.ledger.settings import setting_address
from tests.support.contexts import StrictContext, process_request

SHARED_READS = ("00b10c", "000000")
# 2030-01-01T00:00Z: a ledger time after every window family tests record (they use 2026).
LATER = 1_893_456_000  # BlockInfo (ledger time), Sawtooth settings


class Ledger:
    """Applies transactions one by one; a rejected transaction leaves state unchanged."""

    def __init__(self, *handlers: TransactionHandler, ledger_time: int | None = None):
        self.handlers = {h.family_name: h for h in handlers}
        self.state: dict[str, bytes] = {}
        if ledger_time is not None:
            self.set_ledger_time(ledger_time)
        self.events: list[tuple[str, dict[str, str]]] = []
        self.transactions: list[Transaction] = []  # the valid ones, in order

    def set_ledger_time(self, timestamp: int) -> None:
        """Ledger time for the next transactions, as the BlockInfo injector leaves it in state
        at the start of a block (one more BlockInfo record, the config pointing at it)."""
        data = self.state.get(CONFIG_ADDRESS)
        config = BlockInfoConfig.FromString(data) if data else None
        num = config.latest_block + 1 if config else 0
        self.state[block_address(num)] = BlockInfo(
            block_num=num, timestamp=timestamp
        ).SerializeToString()
        self.state[CONFIG_ADDRESS] = BlockInfoConfig(
            latest_block=num,
            oldest_block=config.oldest_block if config else 0,
            target_count=256,  # Sawtooth's defaults (and never an empty record)
            sync_tolerance=300,
        ).SerializeToString()

    def set_setting(self, key: str, value: str) -> None:
        """An on-chain setting, as genesis or an accepted settings proposal leaves it."""
        entry = Setting.Entry(key=key, value=value)
        self.state[setting_address(key)] = Setting(entries=[entry]).SerializeToString()

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
        """Apply any payload bytes, unsigned, with the family's whole namespace declared, and
        the namespaces every family may read: ledger time (BlockInfo) and the settings."""
        handler = self.handlers[family] if family else self.handler
        header = TransactionHeader(
            family_name=handler.family_name,
            family_version=handler.family_versions[0],
            signer_public_key=signer_public_key,
            inputs=[*handler.namespaces, *SHARED_READS],
            outputs=list(handler.namespaces),
        )
        return self.apply_request(TpProcessRequest(header=header, payload=payload))

    def apply_request(self, request: TpProcessRequest) -> StrictContext:
        context = StrictContext(self.state, request.header.inputs, request.header.outputs)
        self.handlers[request.header.family_name].apply(request, context)
        self.state = context.state
        self.events += [(t, dict(attrs)) for t, attrs, _ in context.events]
        return context
