"""Fixtures: a devnet in the test's event loop, kv processors in subprocesses, a client."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest

from smartblocks.devnet.node import Devnet, DevnetConfig
from smartblocks.devnet.publisher import PublishingRules
from smartblocks.ledger.keys import Signer
from tests.devnet.helpers import ZmqClient, start_processor, stop_process

FAST_RULES = PublishingRules(min_wait=0.0, max_wait=0.02, max_batches_per_block=100)


async def until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Await a condition of the in-process devnet (a readiness check, not a fixed sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.fixture
async def devnet(tmp_path) -> AsyncIterator[Devnet]:
    node = Devnet(DevnetConfig(tmp_path / "devnet", "tcp://127.0.0.1:0", FAST_RULES))
    await node.start()
    try:
        yield node
    finally:
        await node.stop()


@pytest.fixture
async def client(devnet: Devnet) -> AsyncIterator[ZmqClient]:
    zmq_client = ZmqClient(devnet.url)
    try:
        yield zmq_client
    finally:
        await zmq_client.close()


@contextlib.asynccontextmanager
async def serving(devnet: Devnet, spec: str, family: str) -> AsyncIterator[None]:
    """`spec` served by the real runtime in a subprocess, once `family` 1.0 is registered."""
    process = start_processor(devnet.url, spec)
    try:
        await until(lambda: devnet.registry.has((family, "1.0")))
        yield
    finally:
        await asyncio.to_thread(stop_process, process)


@pytest.fixture
async def kv(devnet: Devnet) -> AsyncIterator[None]:
    """The kv family served by the real runtime in a subprocess."""
    async with serving(devnet, "kv", "kv"):
        yield


@pytest.fixture
def signer() -> Signer:
    return Signer.generate()


OPS_HANDLER = "tests.support.runtime_handlers:OpsHandler"


@pytest.fixture
async def ops(devnet: Devnet) -> AsyncIterator[None]:
    """The runtime tests' `testops` family, served by the real runtime in a subprocess."""
    async with serving(devnet, OPS_HANDLER, "testops"):
        yield
