"""Stage counters (smartblocks.ledger.stage_times) and the REST API's undecoded submissions."""

from __future__ import annotations

import json
from pathlib import Path

from sawtooth_sdk.protobuf.batch_pb2 import BatchList

from smartblocks.devnet.rest_api.routes import _batch_ids
from smartblocks.devnet.wire import length_delimited
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.stage_times import StageTimes, read_folder
from tests.devnet.helpers import kv_batch


def test_disabled_counters_count_nothing(tmp_path: Path) -> None:
    stages = StageTimes("devnet", folder="")
    stages.stop("a", stages.start())
    stages.dump()
    assert not stages.enabled and stages.snapshot() == {} and list(tmp_path.iterdir()) == []


def test_counters_chain_and_dump(tmp_path: Path) -> None:
    stages = StageTimes("devnet", folder=str(tmp_path))
    clock = stages.start()
    sum(range(10_000))
    clock = stages.stop("first", clock, 3)
    stages.stop("second", clock)
    stages.stop("first", stages.start(), 2)
    stages.dump()
    [(stem, found)] = read_folder(tmp_path).items()
    assert stem.startswith("devnet-")
    assert found["first"]["count"] == 5 and found["second"]["count"] == 1
    assert found["first"]["seconds"] >= 0.0
    assert json.loads(next(tmp_path.glob("*.json")).read_text()) == found


def test_batch_ids_read_a_batch_list_without_protobuf() -> None:
    signer = Signer.generate()
    batches = [kv_batch(signer, ("set", "a", 1)), kv_batch(signer, ("set", "b", 2))]
    body = BatchList(batches=batches).SerializeToString()
    assert _batch_ids(body) == [b.header_signature for b in batches]


def test_anything_else_is_left_to_protobuf() -> None:
    signer = Signer.generate()
    batch = kv_batch(signer, ("set", "a", 1)).SerializeToString()
    assert _batch_ids(b"") is None
    assert _batch_ids(b"\x0a\x05ab") is None  # truncated
    assert _batch_ids(length_delimited(1, batch) + length_delimited(2, b"x")) is None
    assert _batch_ids(length_delimited(1, b"\x12\x02\xff\xfe")) is None  # not UTF-8
