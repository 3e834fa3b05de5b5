"""What the portal keeps of its own, beside the index: its users and the member directory.

Both are small JSON files in the data folder, written whole and atomically with mode 0600
(`write_private_file`: a password hash is a secret), so a crash leaves the old file or the new
one. Without a file (a portal built in a test or a benchmark) they live in memory only.

- Users (`portal-users.json`): seeded from the config file's [[users]]. From then on the file
  holds them as the admins left them; a config user whose name the store has never seen is added
  at start (a new [[users]] entry appears), but one an admin removed or changed stays so.
- Directory (`portal-directory.json`): display names for ledger keys. Off-chain labels an admin
  gives, for people to read; nothing on the ledger depends on them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smartblocks.ledger.errors import ConfigError, KeyFileError
from smartblocks.ledger.keys import is_public_key, write_private_file

from .auth import MAX_NAME, MAX_PASSWORD, ROLES, User, check_hash_format

USERS_FILE = "portal-users.json"
DIRECTORY_FILE = "portal-directory.json"
MIN_PASSWORD = 8
MAX_LABEL = 80  # characters of a display name


class LastAdmin(ValueError):
    """The change would leave the portal without an admin."""


def _load(path: Path | None) -> dict[str, Any] | None:
    if path is None or not path.exists():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc}); fix or delete it") from None
    if not isinstance(doc, dict) or doc.get("version") != 1:
        raise ConfigError(f"{path}: not a portal data file of version 1; fix or delete it")
    return doc


def _save(path: Path | None, doc: dict[str, Any]) -> None:
    if path is None:
        return
    try:
        write_private_file(path, json.dumps({"version": 1, **doc}, indent=1, sort_keys=True))
    except KeyFileError as exc:
        raise OSError(str(exc)) from None


def check_user_name(name: Any) -> str:
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
        raise ValueError(f"a user name is a string of 1 to {MAX_NAME} characters")
    if not name.isprintable() or name != name.strip():
        raise ValueError("a user name has no control characters and no spaces at either end")
    return name


def check_role(role: Any) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {str(role)[:40]!r}")
    return str(role)


def check_new_password(password: Any) -> str:
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(f"a password is a string of {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    return password


class UserStore:
    """The portal's users by name. Callers check names, roles and passwords first (check_*)
    and hash passwords off the event loop; every change is saved before it returns."""

    def __init__(self, users: dict[str, User], path: Path | None = None) -> None:
        self.path = path
        self._users = dict(users)
        self._seeded = set(users)

    @classmethod
    def open(cls, path: Path, seed: dict[str, User]) -> UserStore:
        doc = _load(path)
        if doc is None:
            store = cls(seed, path)
            store._save()
            return store
        users: dict[str, User] = {}
        for entry in doc.get("users", []):
            try:
                user = User(entry["name"], entry["role"], entry["password"])
                check_user_name(user.name)
                check_role(user.role)
                check_hash_format(user.password_hash)
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError(f"{path}: user entry {entry!r:.60}: {exc}") from None
            users[user.name] = user
        store = cls(users, path)
        store._seeded = set(doc.get("seeded", []))
        added = [u for name, u in seed.items() if name not in store._seeded]
        for user in added:
            store._users.setdefault(user.name, user)
            store._seeded.add(user.name)
        if added:
            store._save()
        return store

    def _save(self) -> None:
        self._commit(self._users)

    def _commit(self, users: dict[str, User]) -> None:
        """Save `users`, then hold them: a failed write changes nothing."""
        entries = [
            {"name": u.name, "role": u.role, "password": u.password_hash}
            for u in sorted(users.values(), key=lambda u: u.name)
        ]
        _save(self.path, {"users": entries, "seeded": sorted(self._seeded)})
        self._users = dict(users)

    def get(self, name: str) -> User | None:
        return self._users.get(name)

    def all(self) -> list[User]:
        return sorted(self._users.values(), key=lambda u: u.name)

    def __len__(self) -> int:
        return len(self._users)

    def add(self, user: User) -> None:
        if user.name in self._users:
            raise ValueError(f"user {user.name!r} exists already")
        self._commit({**self._users, user.name: user})

    def _existing(self, name: str) -> User:
        user = self._users.get(name)
        if user is None:
            raise KeyError(name)
        return user

    def _admins_left_without(self, name: str) -> int:
        return sum(1 for u in self._users.values() if u.role == "admin" and u.name != name)

    def set_role(self, name: str, role: str) -> None:
        user = self._existing(name)
        if user.role == "admin" and role != "admin" and not self._admins_left_without(name):
            raise LastAdmin(f"{name} is the last admin: make another user admin first")
        self._commit({**self._users, name: User(name, role, user.password_hash)})

    def set_password(self, name: str, password_hash: str) -> None:
        user = self._existing(name)
        self._commit({**self._users, name: User(name, user.role, password_hash)})

    def remove(self, name: str) -> None:
        user = self._existing(name)
        if user.role == "admin" and not self._admins_left_without(name):
            raise LastAdmin(f"{name} is the last admin and cannot be removed")
        self._commit({n: u for n, u in self._users.items() if n != name})


class Directory:
    """Display names of ledger keys, kept by the portal's admins (off-chain labels)."""

    def __init__(self, names: dict[str, str] | None = None, path: Path | None = None) -> None:
        self.path = path
        self.names = dict(names or {})

    @classmethod
    def open(cls, path: Path) -> Directory:
        doc = _load(path) or {}
        names = doc.get("names", {})
        if not isinstance(names, dict):
            raise ConfigError(f"{path}: names must be an object of key: name")
        return cls({str(k): str(v) for k, v in names.items()}, path)

    def set(self, key: Any, name: Any) -> None:
        """Give `key` the display name `name`; an empty name removes it."""
        if not isinstance(key, str) or not is_public_key(key):
            raise ValueError("key must be a public key (66 hex characters)")
        if not isinstance(name, str) or len(name) > MAX_LABEL or not name.isprintable():
            raise ValueError(f"a display name is printable text of at most {MAX_LABEL} characters")
        names = {k: v for k, v in self.names.items() if k != key}
        if name.strip():
            names[key] = name.strip()
        _save(self.path, {"names": dict(sorted(names.items()))})
        self.names = names
