"""Content-addressed node storage: one SQLite table plus a bounded cache of decoded rows.

Nodes are never deleted, so every historical root stays readable. The store never begins or
commits a transaction: the caller owns them, so a block and its state commit together. Reads
go through the same connection, so they see nodes written in its uncommitted transaction.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterable

from smartblocks.devnet.state.node import EMPTY_NODE, EMPTY_ROOT
from smartblocks.devnet.state.records import Chain, Record, decode_record

DEFAULT_CACHE_BYTES = 64 * 1024 * 1024

# sqlite3 keeps compiled statements per connection keyed by their text, so reusing these
# constants reuses the prepared statements.
_CREATE = (
    "CREATE TABLE IF NOT EXISTS merkle_node (hash TEXT PRIMARY KEY, node BLOB NOT NULL)"
    " WITHOUT ROWID"
)
_SELECT = "SELECT node FROM merkle_node WHERE hash = ?"
_INSERT = "INSERT OR IGNORE INTO merkle_node (hash, node) VALUES (?, ?)"


class NodeNotFound(KeyError):
    """A root or node hash that the database does not hold."""

    def __str__(self) -> str:
        return f"Merkle node {self.args[0]} not found" if self.args else "Merkle node not found"


class NodeStore:
    def __init__(self, conn: sqlite3.Connection, cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._conn = conn
        self._cache: OrderedDict[str, tuple[Record, int]] = OrderedDict()
        self._cache_bytes = cache_bytes
        self._cached_bytes = 0
        # DDL does not open a transaction in Python's sqlite3, so this leaves the caller's alone.
        conn.execute(_CREATE)

    def get(self, node_hash: str) -> Record:
        cache = self._cache
        hit = cache.get(node_hash)
        if hit is not None:
            cache.move_to_end(node_hash)
            return hit[0]
        if node_hash == EMPTY_ROOT:
            # The empty tree is implied, never written: writing it here would open a transaction.
            return EMPTY_NODE
        row = self._conn.execute(_SELECT, (node_hash,)).fetchone()
        if row is None:
            raise NodeNotFound(node_hash)
        node = decode_record(row[0])
        self._remember(node_hash, node)
        return node

    def contains(self, node_hash: str) -> bool:
        """Asks the database, not the cache, so a rolled-back root reads as absent."""
        if node_hash == EMPTY_ROOT:
            return True
        return self._conn.execute(_SELECT, (node_hash,)).fetchone() is not None

    def put(
        self, rows: list[tuple[str, bytes]], decoded: Iterable[tuple[str, Record]] = ()
    ) -> None:
        """Writes encoded nodes; `decoded` are ones worth caching (likely read again soon)."""
        self._conn.executemany(_INSERT, rows)
        for node_hash, node in decoded:
            self._remember(node_hash, node)

    def _remember(self, node_hash: str, record: Record) -> None:
        cache = self._cache
        if node_hash in cache:
            return
        size = _footprint(record)
        cache[node_hash] = (record, size)
        self._cached_bytes += size
        while self._cached_bytes > self._cache_bytes and cache:
            self._cached_bytes -= cache.popitem(last=False)[1][1]


def _footprint(record: Record) -> int:
    """Rough memory of a decoded record, in bytes."""
    if isinstance(record, Chain):
        return 200 + len(record.suffix) + len(record.value)
    return 100 + len(record.encoded) + len(record.value or b"")
