"""The default endpoints, HOST:PORT and tcp://HOST:PORT."""

from __future__ import annotations

import pytest

from smartblocks.ledger import rest
from smartblocks.ledger.endpoints import (
    DEFAULT_COMPONENT,
    DEFAULT_REST_API,
    DEFAULT_REST_LISTEN,
    check_component_url,
    parse_component_url,
    parse_host_port,
)


def test_defaults_are_sawtooths_ports_on_this_machine():
    assert DEFAULT_COMPONENT == "tcp://127.0.0.1:4004"
    assert DEFAULT_REST_API == "http://127.0.0.1:8008" == rest.DEFAULT_URL
    assert DEFAULT_REST_LISTEN == "127.0.0.1:8008"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("validator-0:8008", ("validator-0", 8008)),
        ("0.0.0.0:0", ("0.0.0.0", 0)),
        ("[::1]:9464", ("::1", 9464)),
        ("host:65535", ("host", 65535)),
    ],
)
def test_host_port(text, expected):
    assert parse_host_port(text) == expected


def test_defaults_fill_in_only_when_the_caller_gives_them():
    assert parse_host_port("ledger", default_port=8008) == ("ledger", 8008)
    assert parse_host_port("[::1]", default_port=8008) == ("::1", 8008)
    assert parse_host_port(":8080", default_host="127.0.0.1") == ("127.0.0.1", 8080)
    with pytest.raises(ValueError, match=r"'ledger' is not HOST:PORT"):
        parse_host_port("ledger")
    with pytest.raises(ValueError, match=r"':8080' names no host"):
        parse_host_port(":8080")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nowhere", r"'nowhere' is not HOST:PORT"),
        ("host:http", r"'host:http': the port must be a number from 0 to 65535"),
        ("host:70000", r"'host:70000': the port must be"),
        ("host:-1", r"'host:-1': the port must be"),
        ("host:", r"'host:': the port must be"),
        ("::1:80", r"'::1:80': write an IPv6 address in brackets"),
        ("[::1]x", r"'\[::1\]x' is not HOST:PORT"),
        ("a b:80", r"'a b:80': 'a b' is not a host name"),
        ("http://h:80", r"'http://h:80': 'http://h' is not a host name"),
    ],
)
def test_bad_host_port_names_the_text(text, message):
    with pytest.raises(ValueError, match=message):
        parse_host_port(text)


@pytest.mark.parametrize(
    ("endpoint", "host", "port"),
    [
        ("tcp://127.0.0.1:4004", "127.0.0.1", 4004),
        ("tcp://validator:4004", "validator", 4004),
        ("tcp://[::1]:1", "::1", 1),
    ],
)
def test_endpoints_accepted(endpoint, host, port):
    assert check_component_url(endpoint) == endpoint
    assert parse_component_url(endpoint) == (host, port)


@pytest.mark.parametrize(
    "endpoint", ["127.0.0.1:4004", "tcp://host", "tcp://host:0", "tcp://host:70000", "http://h:1"]
)
def test_endpoints_refused(endpoint):
    with pytest.raises(ValueError, match="validator endpoint"):
        check_component_url(endpoint)


def test_a_refused_endpoint_says_what_is_expected():
    with pytest.raises(ValueError, match=r"not of the form tcp://HOST:PORT \(e\.g\. tcp://127"):
        check_component_url("127.0.0.1:4004")
    with pytest.raises(ValueError, match=r"port must be 1\.\.65535"):
        check_component_url("tcp://host:0")
