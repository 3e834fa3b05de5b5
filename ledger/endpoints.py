"""Where a validator's parts listen, and the one parser of HOST:PORT and tcp://HOST:PORT.

A Sawtooth validator (and the devnet) serves its component endpoint (ZMQ: processors, clients,
events) on port 4004 and its REST API on port 8008; the defaults below are those ports on this
machine.
"""

from __future__ import annotations

import re
import string

LOCALHOST = "127.0.0.1"
COMPONENT_PORT = 4004
REST_API_PORT = 8008
DEFAULT_COMPONENT = f"tcp://{LOCALHOST}:{COMPONENT_PORT}"  # what processors and clients connect to
DEFAULT_REST_API = f"http://{LOCALHOST}:{REST_API_PORT}"  # what REST clients talk to
DEFAULT_REST_LISTEN = f"{LOCALHOST}:{REST_API_PORT}"  # where the devnet's REST API listens

_COMPONENT_URL = re.compile(r"tcp://(?P<host>[^\s:/\[\]]+|\[[0-9A-Fa-f:.]+\]):(?P<port>\d{1,5})")


def parse_host_port(
    text: str, default_port: int | None = None, *, default_host: str | None = None
) -> tuple[str, int]:
    """(host, port) of "HOST:PORT" ("[::1]:8080" for IPv6; port 0 means any free port).

    Without ":PORT" the port is `default_port`, and an empty HOST is `default_host`, when the
    caller gives them; otherwise, and for a port outside 0..65535, a ValueError naming `text`.
    """
    host, port_text = text, None
    bracketed = text.startswith("[") and "]" in text
    if bracketed:
        close = text.index("]")
        host, rest = text[1:close], text[close + 1 :]
        if rest and not rest.startswith(":"):
            raise ValueError(f"{text!r} is not HOST:PORT (e.g. [::1]:8080)")
        port_text = rest[1:] if rest else None
    elif ":" in text:
        host, _, port_text = text.rpartition(":")
        if ":" in host and all(c in string.hexdigits + ":." for c in host):
            raise ValueError(f"{text!r}: write an IPv6 address in brackets, e.g. [::1]:8080")
    if port_text is None:
        if default_port is None:
            raise ValueError(f"{text!r} is not HOST:PORT (e.g. {DEFAULT_REST_LISTEN})")
        port = default_port
    elif port_text.isascii() and port_text.isdigit() and int(port_text) <= 65535:
        port = int(port_text)
    else:
        raise ValueError(f"{text!r}: the port must be a number from 0 to 65535")
    if not host:
        if default_host is None:
            raise ValueError(f"{text!r} names no host (e.g. {DEFAULT_REST_LISTEN})")
        host = default_host
    if any(c.isspace() or c in "/[]" or (c == ":" and not bracketed) for c in host):
        raise ValueError(f"{text!r}: {host!r} is not a host name or address")
    return host, port


def parse_component_url(url: str) -> tuple[str, int]:
    """(host, port) of a component endpoint tcp://HOST:PORT, else a ValueError saying why."""
    match = _COMPONENT_URL.fullmatch(url)
    if not match:
        raise ValueError(
            f"validator endpoint {url!r} is not of the form tcp://HOST:PORT "
            f"(e.g. {DEFAULT_COMPONENT})"
        )
    port = int(match["port"])
    if not 1 <= port <= 65535:
        raise ValueError(f"validator endpoint {url!r}: port must be 1..65535")
    return match["host"].strip("[]"), port


def check_component_url(url: str) -> str:
    """`url` unchanged if it reads tcp://HOST:PORT, else a ValueError saying why."""
    parse_component_url(url)
    return url
