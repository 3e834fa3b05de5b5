"""The builders' exact inputs and outputs, and the same state from the same transactions
whatever the interpreter's hash seed (no dict or set order reaches state)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import addressing as bm
from smartblocks.processors.blockpredict import addressing, txn
from smartblocks.processors.kit.ledger_time import BLOCK_INFO_NAMESPACE
from tests.processors.blockpredict.conftest import DAY, T0

REPO = Path(__file__).resolve().parents[3]


def header_of(transaction):
    return TransactionHeader.FromString(transaction.header)


def test_forecaster_changes_read_the_site_and_write_the_list():
    owner = Signer.generate()
    for build in (txn.grant_forecaster, txn.revoke_forecaster):
        header = header_of(build(owner, site_id="s-1", public_key=owner.public_key))
        assert list(header.inputs) == [
            bm.site_address("s-1"),
            addressing.forecasters_address("s-1"),
        ]
        assert list(header.outputs) == [addressing.forecasters_address("s-1")]


def test_a_post_reads_meter_forecasters_forecast_and_ledger_time():
    signer = Signer.generate()
    header = header_of(
        txn.post_forecast(
            signer,
            meter_id="m-1",
            site_id="s-1",
            start=T0,
            end=T0 + DAY,
            resolution_s=3600,
            values=[1] * 24,
            model_name="m",
            model_version="1",
        )
    )
    forecast = addressing.forecast_address("m-1", T0, signer.public_key)
    assert list(header.inputs) == [
        bm.meter_address("m-1"),
        addressing.forecasters_address("s-1"),
        forecast,
        BLOCK_INFO_NAMESPACE,
    ]
    assert list(header.outputs) == [forecast]


def test_a_score_of_a_period_outside_the_limits_lists_no_rollups():
    inputs, outputs = txn.score_addresses("m-1", T0, T0 + 40 * DAY, "02" + "a" * 64, 3600)
    assert len(inputs) == 4 and len(outputs) == 1


SCENARIO = """
import hashlib, itertools
from smartblocks.ledger.keys import Signer
keys = (Signer.from_hex(hashlib.sha256(bytes([i])).hexdigest()) for i in itertools.count(1))
Signer.generate = staticmethod(lambda: next(keys))
from tests.processors.blockpredict.conftest import World, T0, DAY
world = World()
world.post([(7 * i) % 5000 for i in range(96)], resolution_s=900)
world.post([3000], start=T0 + DAY, resolution_s=DAY)
world.record(T0, [(13 * i) % 1200 for i in range(96 * 2 - 5)])
world.record(T0 + (96 * 2 - 3) * 900, [100, 200, 300])
world.score()
world.score(start=T0 + DAY, end=T0 + 2 * DAY, resolution_s=DAY)
digest = hashlib.sha256()
for address, data in sorted(world.ledger.state.items()):
    digest.update(address.encode() + data)
print(digest.hexdigest())
"""


def test_the_same_transactions_give_the_same_state_under_any_hash_seed():
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        result = subprocess.run(
            [sys.executable, "-c", SCENARIO], cwd=REPO, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr[-2000:]
        digests.add(result.stdout.strip())
    assert len(digests) == 1
