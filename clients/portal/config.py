"""portal.toml: where the portal listens, which validator it follows, who may log in.

    [portal]
    listen = "127.0.0.1:8080"
    rest_api = "http://127.0.0.1:8008"
    component = "tcp://127.0.0.1:4004"
    data_dir = "data/portal"
    session_hours = 8
    secure_cookies = false      # true behind HTTPS

    [[users]]
    name = "auditor"
    role = "reader"             # reader | admin
    password = "scrypt$16384$8$1$..."   # `smartblocks portal hash-password`

Errors name the file and the key (and the line, for TOML syntax errors).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smartblocks.clients.ledger.errors import UserError

from .auth import ROLES, User, check_hash_format


class ConfigError(UserError):
    pass


@dataclass
class PortalConfig:
    listen: str = "127.0.0.1:8080"
    rest_api: str = "http://127.0.0.1:8008"
    component: str = "tcp://127.0.0.1:4004"
    data_dir: str = "data/portal"
    session_hours: float = 8.0
    secure_cookies: bool = False
    users: dict[str, User] = field(default_factory=dict)

    @property
    def host_port(self) -> tuple[str, int]:
        return parse_listen(self.listen)


def parse_listen(listen: str) -> tuple[str, int]:
    host, sep, port = listen.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ConfigError(f"listen address {listen!r} must look like 127.0.0.1:8080")
    return host or "127.0.0.1", int(port)


def load_config(path: Path | str) -> PortalConfig:
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return config_from_dict(doc, str(path))


_PORTAL_KEYS: dict[str, type | tuple[type, ...]] = {
    "listen": str,
    "rest_api": str,
    "component": str,
    "data_dir": str,
    "session_hours": (int, float),
    "secure_cookies": bool,
}


def config_from_dict(doc: dict[str, Any], where: str = "portal config") -> PortalConfig:
    config = PortalConfig()
    unknown = set(doc) - {"portal", "users"}
    if unknown:
        raise ConfigError(f"{where}: unknown section(s) {', '.join(sorted(unknown))}")
    for key, value in doc.get("portal", {}).items():
        expected = _PORTAL_KEYS.get(key)
        if expected is None:
            raise ConfigError(
                f"{where}: [portal] {key}: unknown key (known: {', '.join(_PORTAL_KEYS)})"
            )
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise ConfigError(f"{where}: [portal] {key}: wrong type {type(value).__name__}")
        setattr(config, key, value)
    parse_listen(config.listen)
    for position, entry in enumerate(doc.get("users", []), start=1):
        label = f"{where}: [[users]] #{position}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{label}: must be a table")
        for key in ("name", "role", "password"):
            if not isinstance(entry.get(key), str) or not entry[key]:
                raise ConfigError(f"{label}: {key} is missing or not a string")
        if entry["role"] not in ROLES:
            raise ConfigError(f"{label} ({entry['name']}): role must be one of {ROLES}")
        try:
            check_hash_format(entry["password"])
        except ValueError as exc:
            raise ConfigError(f"{label} ({entry['name']}): password: {exc}") from exc
        if entry["name"] in config.users:
            raise ConfigError(f"{label}: user {entry['name']!r} appears twice")
        config.users[entry["name"]] = User(entry["name"], entry["role"], entry["password"])
    return config
