"""The REST API in front of a fake validator (tests/support/fake_validator.py), and in front of
a real devnet in the test's loop (`devnet_rest`: its URL; `devnet` and `kv` from
tests/devnet/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from smartblocks.devnet.node import Devnet
from smartblocks.devnet.rest_api import start_rest_api
from tests.support.fake_validator import http, rest_url, validator

__all__ = ["devnet_rest", "http", "rest_url", "validator"]


@pytest.fixture
async def devnet_rest(devnet: Devnet) -> AsyncIterator[str]:
    """The REST API on a free port of 127.0.0.1, in front of the in-process devnet."""
    runner = await start_rest_api(devnet.url, "127.0.0.1", 0, timeout=10.0)
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()
