"""Who may read the portal: scrypt password hashes, server-side sessions, and what keeps
password guessing slow without locking anyone out (`LoginThrottle`, `PasswordVerifier`).

A stored hash reads `scrypt$N$r$p$salt$hash` (salt and hash base64), so the cost can rise later
without invalidating old entries. Sessions live in memory: a restart logs everyone out, which is
the safe direction.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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

    def end_user(self, name: str) -> int:
        """Log `name` out everywhere: a session keeps the role it was opened with, so an admin's
        change of role or password, or a removal, must not leave old sessions behind."""
        tokens = [t for t, s in self._sessions.items() if s.user == name]
        for token in tokens:
            del self._sessions[token]
        return len(tokens)

    def __len__(self) -> int:
        self._expire()
        return len(self._sessions)

    def _expire(self) -> None:
        now = time.monotonic()
        for token in [t for t, s in self._sessions.items() if s.expires_at < now]:
            del self._sessions[token]


# -- slowing down password guessing -------------------------------------------------------------

MAX_NAME = 128  # characters of a user name; longer ones are refused before anything is stored
MAX_PASSWORD = 1024


@dataclass(frozen=True)
class DelaySchedule:
    """`free` failures cost nothing; each further one doubles the wait, from `first_s` up to
    `max_s`."""

    free: int
    first_s: float
    max_s: float

    def delay(self, failures: int) -> float:
        if failures <= self.free:
            return 0.0
        return min(self.max_s, self.first_s * 2.0 ** min(failures - self.free - 1, 30))


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    until: float = 0.0  # refused before this time


class LoginThrottle:
    """Slows password guessing per client, never per user name alone.

    Failed logins are counted per (client, user name) and per client. Past a few free failures
    each further one makes that client wait twice as long before its next try (`DelaySchedule`). A
    stranger can therefore only slow down themselves: the real user, from their own address,
    still logs in. A correct password clears its (client, name) count, not the client's.

    State is bounded: counts are forgotten `forget_s` after their last failure, and at most
    `max_entries` are kept, dropping the ones whose last failure is oldest. Callers keep user
    names short (`MAX_NAME`) before calling, so an entry's size is bounded too.
    """

    def __init__(
        self,
        *,
        per_name: DelaySchedule = DelaySchedule(free=3, first_s=1.0, max_s=300.0),
        per_client: DelaySchedule = DelaySchedule(free=20, first_s=1.0, max_s=900.0),
        forget_s: float = 3600.0,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if forget_s < max(per_name.max_s, per_client.max_s):
            raise ValueError("forget_s must be at least the longest delay")
        self.per_name = per_name
        self.per_client = per_client
        self.forget_s = forget_s
        self.max_entries = max_entries
        self.clock = clock
        # In order of last failure (oldest first): expiry and eviction both pop from the front.
        self._entries: OrderedDict[tuple[str, ...], _Failures] = OrderedDict()

    def __len__(self) -> int:
        self._expire(self.clock())
        return len(self._entries)

    def _keys(self, client: str, name: str) -> tuple[tuple[tuple[str, ...], DelaySchedule], ...]:
        return ((("client", client), self.per_client), (("name", client, name), self.per_name))

    def retry_after(self, client: str, name: str) -> float:
        """Seconds before `client` may try `name` again; 0 means now."""
        now = self.clock()
        self._expire(now)
        entries = [self._entries.get(key) for key, _ in self._keys(client, name)]
        return max([0.0, *(e.until - now for e in entries if e is not None)])

    def failed(self, client: str, name: str) -> None:
        now = self.clock()
        self._expire(now)
        for key, backoff in self._keys(client, name):
            entry = self._entries.pop(key, None) or _Failures()
            entry.count += 1
            entry.last = now
            entry.until = now + backoff.delay(entry.count)
            self._entries[key] = entry  # to the end: the newest failure
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def succeeded(self, client: str, name: str) -> None:
        self._entries.pop(("name", client, name), None)

    def _expire(self, now: float) -> None:
        while self._entries:
            entry = next(iter(self._entries.values()))
            if entry.last + self.forget_s > now:
                break
            self._entries.popitem(last=False)


class VerifierBusy(Exception):
    """Too many password checks are running or waiting (for everyone, or for one client)."""

    def __init__(self, message: str, *, per_client: bool) -> None:
        super().__init__(message)
        self.per_client = per_client


class PasswordVerifier:
    """`verify_password` on worker threads, so scrypt never stalls the event loop.

    hashlib.scrypt releases the GIL, so `workers` threads hash in parallel with the loop. At most
    `max_pending` checks run or wait in all, and at most `per_client` for one client; beyond
    that `verify` raises `VerifierBusy` at once instead of queueing without bound.
    """

    def __init__(self, workers: int = 2, max_pending: int = 8, per_client: int = 2) -> None:
        self.workers = workers
        self.max_pending = max_pending
        self.per_client = per_client
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="portal-scrypt")
        self._slots = asyncio.Semaphore(workers)
        self._pending = 0
        self._by_client: dict[str, int] = {}

    @property
    def pending(self) -> int:
        return self._pending

    async def verify(self, client: str, password: str, stored: str) -> bool:
        if self._pending >= self.max_pending:
            raise VerifierBusy("the portal is busy checking passwords", per_client=False)
        if self._by_client.get(client, 0) >= self.per_client:
            raise VerifierBusy("this client already has logins in progress", per_client=True)
        self._pending += 1
        self._by_client[client] = self._by_client.get(client, 0) + 1
        submitted = False
        try:
            await self._slots.acquire()
            try:
                future = asyncio.get_running_loop().run_in_executor(
                    self._executor, verify_password, password, stored
                )
            except BaseException:
                self._slots.release()
                raise
            submitted = True
            # The slot is held until the hash is done, even if this request goes away meanwhile.
            future.add_done_callback(lambda f: self._done(client, finished=f))
            return await asyncio.shield(future)
        finally:
            if not submitted:
                self._done(client)

    def _done(self, client: str, finished: asyncio.Future[bool] | None = None) -> None:
        if finished is not None:
            self._slots.release()
            if not finished.cancelled():
                finished.exception()  # retrieved: a request that went away re-raises nothing
        self._pending -= 1
        left = self._by_client.get(client, 1) - 1
        if left > 0:
            self._by_client[client] = left
        else:
            self._by_client.pop(client, None)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
