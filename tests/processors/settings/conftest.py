"""Settings fixtures: an in-memory ledger serving sawtooth_settings, and helpers that set it up
the way a genesis batch does."""

from __future__ import annotations

import pytest

from smartblocks.ledger.keys import Signer
from smartblocks.processors.settings import txn
from smartblocks.processors.settings.addressing import APPROVAL_THRESHOLD, AUTHORIZED_KEYS
from smartblocks.processors.settings.handler import SettingsHandler
from tests.support.ledger import Ledger


class Council:
    """A ledger whose authorized keys are `members` (the first bootstraps them) and whose
    approval threshold is `threshold`."""

    def __init__(self, size: int = 1, threshold: int = 1):
        self.ledger = Ledger(SettingsHandler())
        self.members = [Signer.generate() for _ in range(size)]
        first = self.members[0]
        keys = ",".join(m.public_key for m in self.members)
        self.ledger.apply(txn.propose(first, AUTHORIZED_KEYS, keys))
        if threshold > 1:
            self.ledger.apply(txn.propose(first, APPROVAL_THRESHOLD, str(threshold)))
        self.ledger.events.clear()


@pytest.fixture
def ledger() -> Ledger:
    return Ledger(SettingsHandler())


@pytest.fixture
def council_factory():
    return Council
