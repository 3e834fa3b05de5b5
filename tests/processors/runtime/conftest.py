"""A validator stub on a free port, and processor runtimes in threads, stopped after each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sawtooth_sdk.processor.handler import TransactionHandler

from smartblocks.processors.runtime import ProcessorRuntime
from tests.support.runtime_handlers import EchoHandler, OpsHandler
from tests.support.runtime_thread import QUICK_TIMEOUTS, RuntimeThread, quick_backoff
from tests.support.validator_stub import ValidatorStub


@pytest.fixture
async def stub() -> AsyncIterator[ValidatorStub]:
    validator = await ValidatorStub.start()
    try:
        yield validator
    finally:
        await validator.close()


StartRuntime = Callable[..., RuntimeThread]


@pytest.fixture
async def start_runtime() -> AsyncIterator[StartRuntime]:
    started: list[RuntimeThread] = []

    def start(endpoint: str, *handlers: TransactionHandler, **options: object) -> RuntimeThread:
        options = {"backoff": quick_backoff(), "timeouts": QUICK_TIMEOUTS, **options}
        runtime = ProcessorRuntime(
            endpoint,
            list(handlers) or [OpsHandler(), EchoHandler()],
            **options,  # type: ignore[arg-type]
        )
        started.append(RuntimeThread(runtime))
        return started[-1]

    try:
        yield start
    finally:
        for running in started:
            await running.stop()
