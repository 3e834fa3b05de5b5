"""How resources look in JSON: Sawtooth 1.2's layout, written fast."""

import json

import pytest
from sawtooth_sdk.protobuf.batch_pb2 import Batch, BatchHeader
from sawtooth_sdk.protobuf.block_pb2 import Block, BlockHeader
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from smartblocks.devnet.rest_api import errors, render


def sawtooths_dumps(envelope):
    """What Sawtooth's REST API writes (json.dumps, pretty-printed, sorted keys)."""
    return json.dumps(envelope, indent=2, separators=(",", ": "), sort_keys=True)


def test_bodies_are_laid_out_as_sawtooth_writes_them():
    envelope = {
        "data": [{"b": [], "a": {"z": 1, "y": [True, None, "x"]}, "c": {}}],
        "paging": {"limit": 100, "start": "0x1"},
        "head": "ab" * 64,
    }
    assert render.dumps(envelope) == sawtooths_dumps(envelope)


def test_an_integer_beyond_64_bits_is_still_written():
    envelope = {"paging": {"limit": 10**80}}
    assert render.dumps(envelope) == sawtooths_dumps(envelope)


def test_a_block_renders_with_every_header_decoded_as_message_to_dict_would():
    txn_header = TransactionHeader(family_name="kv", family_version="1.0", inputs=["00" * 35])
    txn = Transaction(header=txn_header.SerializeToString(), header_signature="t", payload=b"\x01")
    batch_header = BatchHeader(signer_public_key="02" + "ab" * 32, transaction_ids=["t"])
    batch = Batch(header=batch_header.SerializeToString(), header_signature="b", transactions=[txn])
    block_header = BlockHeader(block_num=2**40, batch_ids=["b"], consensus=b"Devmode")
    block = Block(header=block_header.SerializeToString(), header_signature="k", batches=[batch])
    rendered = render.block(block)
    assert rendered == {
        "header": {
            "block_num": str(2**40),  # uint64: a string in protobuf's JSON mapping
            "batch_ids": ["b"],
            "consensus": "RGV2bW9kZQ==",
            "previous_block_id": "",
            "signer_public_key": "",
            "state_root_hash": "",
        },
        "header_signature": "k",
        "batches": [
            {
                "header": render.to_dict(batch_header),
                "header_signature": "b",
                "trace": False,
                "transactions": [
                    {
                        "header": render.to_dict(txn_header),
                        "header_signature": "t",
                        "payload": "AQ==",
                    }
                ],
            }
        ],
    }
    assert rendered["batches"][0]["transactions"][0]["header"]["dependencies"] == []


def test_a_header_that_does_not_parse_names_the_resource():
    with pytest.raises(errors.ResourceHeaderInvalid):
        render.transaction(Transaction(header=b"\xff\xff", header_signature="t"))
