"""The REST client against the REST API in front of a fake validator."""

from tests.support.fake_validator import http, rest_url, validator

__all__ = ["http", "rest_url", "validator"]
