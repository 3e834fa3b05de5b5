"""Fixtures for the agent's tests; they live in helpers.py, which tests import directly."""

from tests.blockmeter.helpers import fake_ledger, signer, spool

__all__ = ["fake_ledger", "signer", "spool"]
