"""The REST API in front of a fake validator (tests/support/fake_validator.py)."""

from tests.support.fake_validator import http, rest_url, validator

__all__ = ["http", "rest_url", "validator"]
