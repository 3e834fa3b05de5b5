"""The BlockInfo batch injector for the Sawtooth 1.0 validator, SmartBlocks' own.

Sawtooth 1.0's publisher (sawtooth_validator/journal/batch_injector.py) imports
`sawtooth_block_info.injector` when the on-chain setting
`sawtooth.validator.batch_injectors` names `block_info`, makes
`BlockInfoInjector(block_store, state_view_factory, signer)` for every candidate block, and calls
`block_start(previous_block_id)` before the block's first batch: a list of batches to put first
(or None). Sawtooth 1.0 shipped no such module; this one is put on the validator's PYTHONPATH
(tests/interop starts it so; docs/operations.md). It runs inside the 1.0 validator, so it
imports only what that environment has: the validator's own protobuf modules and the signer
it is given.

The batch is what devnet's injector (devnet/injector.py) makes: one `block_info` 1.0
transaction, signed by the validator's key, recording the previous block (the chain head):
block_num, previous_block_id, signer_public_key, header_signature = its id, and this
validator's clock in whole seconds, never before the latest recorded timestamp. Inputs and
outputs are the config address and the block records' prefix; no nonce, no dependencies.
The `block_info` processor beside the validator (`smartblocks tp block_info`) executes it.
"""

import hashlib
import logging
import time

from sawtooth_validator.protobuf.batch_pb2 import Batch, BatchHeader
from sawtooth_validator.protobuf.transaction_pb2 import Transaction, TransactionHeader

from sawtooth_block_info import wire

LOGGER = logging.getLogger(__name__)


class BlockInfoInjector:
    def __init__(self, block_store, state_view_factory, signer, clock=time.time):
        self._block_store = block_store
        self._state_view_factory = state_view_factory
        self._signer = signer
        self._clock = clock

    def block_start(self, previous_block_id):
        previous = self._block_store[previous_block_id]
        header = previous.header
        timestamp = int(self._clock())
        latest = self._latest_timestamp(previous.state_root_hash)
        if latest is not None and latest > timestamp:
            LOGGER.warning(
                "the clock reads %d, before the latest BlockInfo timestamp %d: recording %d again",
                timestamp,
                latest,
                latest,
            )
            timestamp = latest
        payload = wire.block_info_txn(
            header.block_num,
            header.previous_block_id,
            header.signer_public_key,
            previous.header_signature,
            timestamp,
        )
        return [self._batch(payload)]

    def _latest_timestamp(self, state_root):
        view = self._state_view_factory.create_view(state_root)
        try:
            config = view.get(wire.CONFIG_ADDRESS)
            if not config:
                return None
            record = view.get(wire.block_address(wire.latest_block(config)))
            return wire.timestamp_of(record) if record else None
        except (KeyError, ValueError, IndexError):
            return None

    def _batch(self, payload):
        public_key = self._signer.get_public_key().as_hex()
        addresses = [wire.CONFIG_ADDRESS, wire.BLOCK_PREFIX]
        txn_header = TransactionHeader(
            family_name=wire.FAMILY_NAME,
            family_version=wire.FAMILY_VERSION,
            inputs=addresses,
            outputs=addresses,
            signer_public_key=public_key,
            batcher_public_key=public_key,
            payload_sha512=hashlib.sha512(payload).hexdigest(),
        ).SerializeToString()
        txn = Transaction(
            header=txn_header, header_signature=self._signer.sign(txn_header), payload=payload
        )
        batch_header = BatchHeader(
            signer_public_key=public_key, transaction_ids=[txn.header_signature]
        ).SerializeToString()
        return Batch(
            header=batch_header,
            header_signature=self._signer.sign(batch_header),
            transactions=[txn],
        )
