"""The block scheduler gives the results of serial execution, whatever the completion order."""

from __future__ import annotations

import asyncio
import random

import pytest

from smartblocks.devnet.batches import PendingBatch, Txn
from smartblocks.devnet.executor import TxnOutcome
from smartblocks.devnet.scheduler import BlockScheduler

ADDRESSES = [f"{i:070x}" for i in range(4)]


def make_txn(n: int, reads: str, writes: str, fail: bool, deps=()) -> Txn:
    return Txn(
        id=f"{n:0128x}", header_bytes=b"", payload=f"{n}:{int(fail)}".encode(),
        family="t", version="1", inputs=(reads,), outputs=(writes,), dependencies=tuple(deps),
    )  # fmt: skip


def program(seed: int) -> list[PendingBatch]:
    rng = random.Random(seed)
    batches, n = [], 0
    for b in range(8):
        txns = []
        for _ in range(rng.randint(1, 4)):
            n += 1
            txns.append(
                make_txn(n, rng.choice(ADDRESSES), rng.choice(ADDRESSES), rng.random() < 0.15)
            )
        batches.append(PendingBatch(id=f"{b:0128x}", raw=b"", signer="", txns=txns))
    return batches


def apply(txn: Txn, value: bytes | None) -> TxnOutcome:
    """Write (read value + own number) to the output; fail when told to."""
    n, fail = txn.payload.decode().split(":")
    if fail == "1":
        return TxnOutcome(False, message=f"txn {n} fails")
    total = int(value or b"0") + int(n)
    return TxnOutcome(True, writes={txn.outputs[0]: str(total).encode()})


def serial(batches: list[PendingBatch]) -> tuple[dict, list[str]]:
    state: dict[str, bytes] = {}
    valid = []
    for batch in batches:
        scratch = dict(state)
        ok = True
        for txn in batch.txns:
            outcome = apply(txn, scratch.get(txn.inputs[0]))
            if not outcome.valid:
                ok = False
                break
            scratch.update(outcome.writes)
        if ok:
            state = scratch
            valid.append(batch.id)
    return state, valid


@pytest.mark.parametrize("seed", range(12))
async def test_same_results_as_serial_execution(seed: int) -> None:
    batches = program(seed)
    rng = random.Random(seed * 7 + 1)
    running = 0
    most = 0

    async def execute(txn: Txn, read) -> TxnOutcome:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(rng.random() * 0.003)
        value = read(txn.inputs[0])
        await asyncio.sleep(rng.random() * 0.003)
        running -= 1
        return apply(txn, value)

    outcome = await BlockScheduler(batches, lambda address: None, execute).run()
    state: dict[str, bytes] = {}
    for _txn, result in outcome.outcomes:
        state.update(result.writes)
    expected_state, expected_valid = serial(batches)
    assert [b.id for b in outcome.valid] == expected_valid
    assert state == expected_state
    assert len(outcome.valid) + len(outcome.invalid) == len(batches)


async def test_independent_transactions_run_concurrently() -> None:
    txns = [make_txn(n, f"{n:070x}", f"{n:070x}", False) for n in range(1, 21)]
    batches = [PendingBatch(id="a" * 128, raw=b"", signer="", txns=txns)]
    running = most = 0

    async def execute(txn: Txn, read) -> TxnOutcome:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001)
        running -= 1
        return apply(txn, read(txn.inputs[0]))

    await BlockScheduler(batches, lambda address: None, execute).run()
    assert most == 20


async def test_batch_naming_an_invalid_batch_is_deferred() -> None:
    bad = make_txn(1, ADDRESSES[0], ADDRESSES[0], True)
    dependent = make_txn(2, ADDRESSES[1], ADDRESSES[1], False, deps=[bad.id])
    batches = [
        PendingBatch(id="1" * 128, raw=b"", signer="", txns=[bad]),
        PendingBatch(id="2" * 128, raw=b"", signer="", txns=[dependent]),
    ]

    async def execute(txn: Txn, read) -> TxnOutcome:
        return apply(txn, read(txn.inputs[0]))

    outcome = await BlockScheduler(batches, lambda address: None, execute).run()
    assert [b.id for b, _ in outcome.invalid] == ["1" * 128]
    assert [b.id for b in outcome.deferred] == ["2" * 128]
