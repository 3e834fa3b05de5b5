"""CLI fixtures: the REST API in front of a fake validator (`smartblocks status`), and the
in-memory ledger serving BlockMeter (`smartblocks site|meter`)."""

import pytest

from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.settings.handler import SettingsHandler
from tests.support.fake_validator import http, rest_url, validator
from tests.support.ledger import LATER, Ledger

__all__ = ["http", "rest_url", "validator"]


@pytest.fixture
def ledger() -> Ledger:
    return Ledger(BlockMeterHandler(), SettingsHandler(), ledger_time=LATER)
