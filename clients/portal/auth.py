"""Who may read the portal: scrypt password hashes and server-side sessions.

A stored hash reads `scrypt$N$r$p$salt$hash` (salt and hash base64), so the cost can rise later
without invalidating old entries. Sessions live in memory: a restart logs everyone out, which is
the safe direction.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

ROLES = ("reader", "admin")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32)
    encode = base64.b64encode
    return f"scrypt${n}${r}${p}${encode(salt).decode()}${encode(digest).decode()}"


def check_hash_format(stored: str) -> None:
    """Raise ValueError naming what is wrong with a stored hash."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError(
            "expected scrypt$N$r$p$salt$hash (make one with `smartblocks portal hash-password`)"
        )
    try:
        n, r, p = (int(x) for x in parts[1:4])
        base64.b64decode(parts[4], validate=True)
        base64.b64decode(parts[5], validate=True)
    except ValueError as exc:
        raise ValueError(f"malformed scrypt hash: {exc}") from exc
    if n < 2 or n & (n - 1) or r < 1 or p < 1:
        raise ValueError("scrypt N must be a power of two > 1, r and p >= 1")


def verify_password(password: str, stored: str) -> bool:
    try:
        check_hash_format(stored)
    except ValueError:
        return False
    _, n, r, p, salt, expected = stored.split("$")
    want = base64.b64decode(expected)
    digest = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(want),
    )
    return hmac.compare_digest(digest, want)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str


@dataclass
class Session:
    token: str
    user: str
    role: str
    expires_at: float


class SessionStore:
    def __init__(self, ttl_s: float = 8 * 3600) -> None:
        self.ttl_s = ttl_s
        self._sessions: dict[str, Session] = {}

    def create(self, user: User) -> Session:
        self._expire()
        session = Session(
            secrets.token_urlsafe(32), user.name, user.role, time.monotonic() + self.ttl_s
        )
        self._sessions[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        session = self._sessions.get(token)
        if session is None or session.expires_at < time.monotonic():
            self._sessions.pop(token, None)
            return None
        return session

    def delete(self, token: str | None) -> None:
        self._sessions.pop(token or "", None)

    def __len__(self) -> int:
        self._expire()
        return len(self._sessions)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, s in self._sessions.items() if s.expires_at < now]:
            del self._sessions[token]


class LoginLimiter:
    """Refuses a user name for a while after repeated wrong passwords (slows guessing)."""

    def __init__(self, max_failures: int = 5, window_s: float = 300.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, list[float]] = {}

    def _recent(self, name: str) -> list[float]:
        cutoff = time.monotonic() - self.window_s
        recent = [t for t in self._failures.get(name, []) if t > cutoff]
        if recent:
            self._failures[name] = recent
        else:
            self._failures.pop(name, None)
        return recent

    def blocked(self, name: str) -> bool:
        return len(self._recent(name)) >= self.max_failures

    def failed(self, name: str) -> None:
        self._failures.setdefault(name, []).append(time.monotonic())

    def succeeded(self, name: str) -> None:
        self._failures.pop(name, None)
