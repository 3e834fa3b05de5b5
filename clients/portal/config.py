"""portal.toml: where the portal listens, which validator it follows, who may log in.

    [portal]
    listen = "127.0.0.1:8080"
    rest_api = "http://127.0.0.1:8008"
    component = "tcp://127.0.0.1:4004"
    data_dir = "data/portal"
    session_hours = 8
    secure_cookies = false      # true behind HTTPS
    origins = []                # the addresses browsers use, e.g. ["https://portal.example.org"]
    trusted_proxies = []        # reverse proxies whose X-Forwarded-For names the client

    [[users]]
    name = "auditor"
    role = "reader"             # reader | admin
    password = "scrypt$16384$8$1$..."   # `smartblocks portal hash-password`

Errors name the file, the line and the key, like the agent's config (the same `Params`).
The [[users]] seed the portal's user store beside the index (`portal_data.UserStore`,
DATA_DIR/portal-users.json); from then on the Admin page manages users there.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from smartblocks.ledger.endpoints import (
    DEFAULT_COMPONENT,
    DEFAULT_REST_API,
    LOCALHOST,
    parse_host_port,
)
from smartblocks.ledger.errors import ConfigError
from smartblocks.ledger.toml_config import ParamError, Params, describe, load_toml

from .auth import MAX_NAME, ROLES, User, check_hash_format

DEFAULT_LISTEN = f"{LOCALHOST}:8080"


@dataclass
class PortalConfig:
    listen: str = DEFAULT_LISTEN
    rest_api: str = DEFAULT_REST_API
    component: str = DEFAULT_COMPONENT
    data_dir: str = "data/portal"
    session_hours: float = 8.0
    secure_cookies: bool = False
    # Origins (scheme://host[:port]) a state-changing request may come from; empty: the
    # portal's own, as the request's Host header names it.
    origins: list[str] = field(default_factory=list)
    # Reverse proxies (addresses or networks) whose X-Forwarded-For header names the client.
    trusted_proxies: list[str] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)

    @property
    def host_port(self) -> tuple[str, int]:
        return parse_listen(self.listen)


def parse_listen(listen: str) -> tuple[str, int]:
    """(host, port) to serve on; an empty host is 127.0.0.1."""
    try:
        return parse_host_port(listen, default_host=LOCALHOST)
    except ValueError:
        raise ConfigError(f"listen address {listen!r} must look like {DEFAULT_LISTEN}") from None


def load_config(path: Path | str) -> PortalConfig:
    return load_toml(path, parse, ConfigError, what="portal config")


def config_from_dict(doc: dict[str, Any], where: str = "portal config") -> PortalConfig:
    """`parse` for a document already read; errors name `where` and the key."""
    try:
        return parse(doc)
    except ParamError as exc:
        raise ConfigError(describe(where, exc)) from None


def parse(doc: dict[str, Any]) -> PortalConfig:
    root = Params(doc)
    table = root.sub("portal")
    defaults = PortalConfig()
    config = PortalConfig(
        listen=table.text("listen", defaults.listen),
        rest_api=table.text("rest_api", defaults.rest_api),
        component=table.text("component", defaults.component),
        data_dir=table.text("data_dir", defaults.data_dir),
        session_hours=_hours(table, "session_hours", defaults.session_hours),
        secure_cookies=table.boolean("secure_cookies", defaults.secure_cookies),
        origins=_list(table, "origins", parse_origin),
        trusted_proxies=_list(table, "trusted_proxies", _network),
    )
    table.done(list_known=True)
    try:
        parse_listen(config.listen)
    except ConfigError as exc:
        raise table.error("listen", str(exc)) from None
    for entry in root.table_list("users"):
        user = _user(entry)
        if user.name in config.users:
            raise entry.error("name", f"user {user.name!r} appears twice")
        config.users[user.name] = user
    root.done()
    return config


def _hours(table: Params, key: str, default: float) -> float:
    value = table.value(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise table.error(key, f"must be a number of hours, got {value!r}")
    return value


def _list(table: Params, key: str, check: Any) -> list[str]:
    """A list of strings (empty by default), each normalised by `check` (ValueError: why not)."""
    value = table.value(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise table.error(key, f"must be a list of strings, got {value!r}")
    try:
        return [check(v) for v in value]
    except ValueError as exc:
        raise table.error(key, str(exc)) from None


def parse_origin(text: str) -> str:
    """`scheme://host[:port]` as browsers send it in an Origin header (default port left out)."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        parts, port = urlsplit(""), None
    scheme, host = parts.scheme.lower(), parts.hostname
    if (
        scheme not in ("http", "https")
        or not host
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise ValueError(f"{text!r} is not an origin like https://portal.example.org[:port]")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        netloc += f":{port}"
    return f"{scheme}://{netloc}"


def _network(text: str) -> str:
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise ValueError(f"{text!r} is not an IP address or network") from None


def _user(entry: Params) -> User:
    """One [[users]] entry; keys other than these three are ignored."""
    name = entry.text("name")
    if len(name) > MAX_NAME:
        raise entry.error("name", f"is longer than {MAX_NAME} characters")
    role = entry.text("role", choices=ROLES)
    password = entry.text("password")
    try:
        check_hash_format(password)
    except ValueError as exc:
        raise entry.error("password", str(exc)) from None
    return User(name, role, password)
