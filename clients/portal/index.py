"""The portal's SQLite index of the chain: blocks, batches, transactions and state changes.

Fed block by block (events from the follower, contents from the REST API). It keeps exactly one
chain: a block whose predecessor is not the current head first rewinds every row from that
height on (a fork). `known_block_ids` lets the follower resume from what is stored here.

A state-delta event gives each changed address's final value in the block but not which
transaction wrote it; the index attributes the change to the last transaction of the block whose
declared outputs cover the address (the one whose write survives), or to none.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, StateChangeList

from smartblocks.ledger.events import STATE_DELTA, BlockEvents

from .blocksource import BlockContents

SCHEMA = """
CREATE TABLE IF NOT EXISTS blocks (
    block_num INTEGER PRIMARY KEY,
    block_id TEXT NOT NULL UNIQUE,
    previous_block_id TEXT NOT NULL,
    signer TEXT NOT NULL,
    state_root TEXT NOT NULL,
    batch_ids TEXT NOT NULL,          -- JSON list, in block order
    batch_count INTEGER NOT NULL,
    txn_count INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,         -- when this index stored it (Unix s); not ledger data
    consensus BLOB NOT NULL DEFAULT x''  -- the header's consensus field
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    block_num INTEGER NOT NULL,
    position INTEGER NOT NULL,
    signer TEXT NOT NULL,
    txn_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_block ON batches (block_num, position);
CREATE TABLE IF NOT EXISTS transactions (
    txn_id TEXT PRIMARY KEY,
    batch_id TEXT NOT NULL,
    block_num INTEGER NOT NULL,
    position INTEGER NOT NULL,
    signer TEXT NOT NULL,
    family TEXT NOT NULL,
    version TEXT NOT NULL,
    inputs TEXT NOT NULL,             -- JSON list
    outputs TEXT NOT NULL,            -- JSON list
    dependencies TEXT NOT NULL,       -- JSON list
    nonce TEXT NOT NULL,
    payload BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_batch ON transactions (batch_id, position);
CREATE INDEX IF NOT EXISTS transactions_block ON transactions (block_num);
CREATE TABLE IF NOT EXISTS txn_outputs (   -- each transaction's declared outputs, searchable
    address TEXT NOT NULL,
    block_num INTEGER NOT NULL,
    txn_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS txn_outputs_address ON txn_outputs (address, block_num);
CREATE INDEX IF NOT EXISTS txn_outputs_block ON txn_outputs (block_num);
CREATE TABLE IF NOT EXISTS state_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    block_num INTEGER NOT NULL,
    address TEXT NOT NULL,
    value BLOB,                       -- NULL: deleted
    txn_id TEXT
);
CREATE INDEX IF NOT EXISTS state_changes_address ON state_changes (address, block_num);
CREATE INDEX IF NOT EXISTS state_changes_block ON state_changes (block_num);
CREATE TABLE IF NOT EXISTS current_state (
    address TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    block_num INTEGER NOT NULL,
    txn_id TEXT
);
"""


@dataclass(frozen=True)
class Stored:
    """A block to store: its events, its contents and, for a genesis block whose state delta is
    empty, the whole state at it."""

    block: BlockEvents
    contents: BlockContents
    state: Sequence[tuple[str, bytes]] | None = None


@dataclass(frozen=True)
class Applied:
    """What one `apply` did: the block stored and how many blocks a fork rewound first."""

    block_num: int
    block_id: str
    rewound: int
    txn_count: int


class ChainIndex:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(blocks)")}
        if "consensus" not in columns:  # an index made before blocks kept their consensus
            self.db.execute("ALTER TABLE blocks ADD COLUMN consensus BLOB NOT NULL DEFAULT x''")

    def close(self) -> None:
        self.db.close()

    # -- feeding ------------------------------------------------------------------------------

    def known_block_ids(self, skip: int, limit: int) -> Sequence[str]:
        rows = self.db.execute(
            "SELECT block_id FROM blocks ORDER BY block_num DESC LIMIT ? OFFSET ?", (limit, skip)
        )
        return [r[0] for r in rows]

    def head(self) -> tuple[int, str] | None:
        row = self.db.execute(
            "SELECT block_num, block_id FROM blocks ORDER BY block_num DESC LIMIT 1"
        ).fetchone()
        return (row[0], row[1]) if row else None

    def apply(
        self,
        block: BlockEvents,
        contents: BlockContents,
        state: Sequence[tuple[str, bytes]] | None = None,
    ) -> Applied:
        """Store one committed block, rewinding first when it does not extend the head.

        The block's state changes come from its state-delta events, or are `state` when given
        (a genesis block whose state delta is empty: the whole state at it, from REST). A block
        already stored (a replay after a resubscription) is left as it is."""
        applied = self.apply_many([Stored(block, contents, state)])
        txn_count = sum(len(b.transactions) for b in contents.batches)
        return applied[0] if applied else Applied(block.block_num, block.block_id, 0, txn_count)

    def apply_many(self, blocks: Sequence[Stored]) -> list[Applied]:
        """`apply` each block in order, all in one SQLite transaction and one insert per table
        (a catch-up stores a group of blocks per commit); returns what was stored, without the
        blocks skipped because they were already there."""
        for one in blocks:
            if one.contents.block_id != one.block.block_id:
                raise ValueError(
                    f"contents of {one.contents.block_id[:16]} for {one.block.block_id[:16]}"
                )
        applied: list[Applied] = []
        if not blocks:
            return applied
        with self._transaction():
            head = self.head()
            rows = _Rows()
            for one in blocks:
                block = one.block
                extends = head is not None and (
                    block.block_num == head[0] + 1 and block.previous_block_id == head[1]
                )
                rewound = 0
                if head is not None and not extends:
                    rows.write(self.db)  # a rewind reads what the blocks before it wrote
                    if self._has_block(block.block_id):
                        continue  # a replay after a resubscription: stored already
                    rewound = self.rewind(block.block_num)
                txn_count = rows.add(one)
                applied.append(Applied(block.block_num, block.block_id, rewound, txn_count))
                head = (block.block_num, block.block_id)
            rows.write(self.db)
        return applied

    def _has_block(self, block_id: str) -> bool:
        found = self.db.execute("SELECT 1 FROM blocks WHERE block_id = ?", (block_id,))
        return found.fetchone() is not None

    def rewind(self, from_num: int) -> int:
        """Forget blocks `from_num` and above; returns how many were removed."""
        count = self.db.execute(
            "SELECT COUNT(*) FROM blocks WHERE block_num >= ?", (from_num,)
        ).fetchone()[0]
        if not count:
            return 0
        touched = [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT address FROM state_changes WHERE block_num >= ?", (from_num,)
            )
        ]
        for table in ("blocks", "batches", "transactions", "txn_outputs", "state_changes"):
            self.db.execute(f"DELETE FROM {table} WHERE block_num >= ?", (from_num,))
        for address in touched:
            row = self.db.execute(
                "SELECT value, block_num, txn_id FROM state_changes WHERE address = ?"
                " ORDER BY id DESC LIMIT 1",
                (address,),
            ).fetchone()
            if row is None:
                self.db.execute("DELETE FROM current_state WHERE address = ?", (address,))
            else:
                self._set_current(address, row[0], row[1], row[2])
        return int(count)

    def _set_current(
        self, address: str, value: bytes | None, block_num: int, txn_id: str | None
    ) -> None:
        if value is None:
            self.db.execute("DELETE FROM current_state WHERE address = ?", (address,))
        else:
            self.db.execute(
                "INSERT OR REPLACE INTO current_state VALUES (?, ?, ?, ?)",
                (address, value, block_num, txn_id),
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self.db)

    # -- reading ------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        head = self.head()
        counts = {
            table: self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("blocks", "batches", "transactions", "current_state")
        }
        return {
            "head_block_num": head[0] if head else None,
            "head_block_id": head[1] if head else None,
            "blocks": counts["blocks"],
            "batches": counts["batches"],
            "transactions": counts["transactions"],
            "addresses": counts["current_state"],
        }

    def blocks(self, limit: int, before: int | None = None) -> list[dict[str, Any]]:
        """Newest first; `before` is an exclusive upper bound on block_num (paging)."""
        if before is None:
            rows = self.db.execute("SELECT * FROM blocks ORDER BY block_num DESC LIMIT ?", (limit,))
        else:
            rows = self.db.execute(
                "SELECT * FROM blocks WHERE block_num < ? ORDER BY block_num DESC LIMIT ?",
                (before, limit),
            )
        return [_block_row(r) for r in rows]

    def block(self, block_id_or_num: str) -> dict[str, Any] | None:
        """By block id, or by number (ASCII digits; numbers past SQLite's integers match none)."""
        if block_id_or_num.isascii() and block_id_or_num.isdigit() and len(block_id_or_num) < 20:
            num = int(block_id_or_num)
            if num >= 2**63:
                return None
            row = self.db.execute("SELECT * FROM blocks WHERE block_num = ?", (num,)).fetchone()
        else:
            row = self.db.execute(
                "SELECT * FROM blocks WHERE block_id = ?", (block_id_or_num,)
            ).fetchone()
        return _block_row(row) if row else None

    def batches_of_block(self, block_num: int) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT * FROM batches WHERE block_num = ? ORDER BY position", (block_num,)
        )
        return [dict(r) for r in rows]

    def batch(self, batch_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM batches WHERE batch_id = ?", (batch_id,)).fetchone()
        return dict(row) if row else None

    def transactions_of_batch(self, batch_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT * FROM transactions WHERE batch_id = ? ORDER BY position", (batch_id,)
        )
        return [_txn_row(r) for r in rows]

    def transaction(self, txn_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM transactions WHERE txn_id = ?", (txn_id,)).fetchone()
        return _txn_row(row) if row else None

    def current_records(
        self, prefix: str, limit: int = 1000, after: str = ""
    ) -> list[dict[str, Any]]:
        """Current state under an address prefix (a namespace, or namespace + record type),
        sorted by address; `after` (an address) is an exclusive lower bound, for paging."""
        rows = self.db.execute(
            "SELECT * FROM current_state WHERE address >= ? AND address > ? AND address < ?"
            " ORDER BY address LIMIT ?",
            (prefix, after, prefix + "g", limit),  # "g" sorts after every hex digit
        )
        return [dict(r) for r in rows]

    def count_records(self, prefix: str) -> int:
        """How many current records lie under an address prefix."""
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM current_state WHERE address >= ? AND address < ?",
                (prefix, prefix + "g"),
            ).fetchone()[0]
        )

    def current_value(self, address: str) -> bytes | None:
        row = self.db.execute(
            "SELECT value FROM current_state WHERE address = ?", (address,)
        ).fetchone()
        return bytes(row[0]) if row else None

    def address_history(
        self, address: str, limit: int = 100, before: int | None = None
    ) -> list[dict[str, Any]]:
        """Changes of an address, newest first, with the transaction credited for each. `id`
        orders them; `before` (an id) is an exclusive upper bound, for paging to older ones."""
        rows = self.db.execute(
            "SELECT s.id, s.block_num, s.value, s.txn_id, t.family, t.signer, b.block_id"
            " FROM state_changes s"
            " JOIN blocks b ON b.block_num = s.block_num"
            " LEFT JOIN transactions t ON t.txn_id = s.txn_id"
            " WHERE s.address = ? AND s.id < ? ORDER BY s.id DESC LIMIT ?",
            (address, 2**63 - 1 if before is None else before, limit),
        )
        return [dict(r) for r in rows]

    def count_changes(self, address: str) -> int:
        return int(
            self.db.execute(
                "SELECT COUNT(*) FROM state_changes WHERE address = ?", (address,)
            ).fetchone()[0]
        )

    def first_value(self, address: str) -> bytes | None:
        """The first value ever written at an address (e.g. a block's BlockInfo record, which
        later blocks may delete)."""
        row = self.db.execute(
            "SELECT value FROM state_changes WHERE address = ? AND value IS NOT NULL"
            " ORDER BY id LIMIT 1",
            (address,),
        ).fetchone()
        return bytes(row[0]) if row else None

    def addresses_with_prefix(self, prefix: str, limit: int = 20) -> list[str]:
        """Addresses ever changed under a prefix (current or deleted), sorted."""
        rows = self.db.execute(
            "SELECT DISTINCT address FROM state_changes WHERE address >= ? AND address < ?"
            " ORDER BY address LIMIT ?",
            (prefix, prefix + "g", limit),
        )
        return [r[0] for r in rows]

    def transactions_writing(self, address: str, limit: int = 1000) -> list[dict[str, Any]]:
        """Transactions that declared `address` itself as an output, oldest first."""
        rows = self.db.execute(
            "SELECT t.* FROM txn_outputs o JOIN transactions t ON t.txn_id = o.txn_id"
            " WHERE o.address = ? ORDER BY o.block_num, t.batch_id, t.position LIMIT ?",
            (address, limit),
        )
        return [_txn_row(r) for r in rows]


class _Rows:
    """The rows of consecutive blocks, written with one executemany per table."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.blocks: list[tuple[Any, ...]] = []
        self.batches: list[tuple[Any, ...]] = []
        self.transactions: list[tuple[Any, ...]] = []
        self.outputs: list[tuple[Any, ...]] = []
        self.changes: list[tuple[Any, ...]] = []
        # address -> (value or None when deleted, block_num, txn_id): the last change wins
        self.current: dict[str, tuple[bytes | None, int, str | None]] = {}

    def add(self, one: Stored) -> int:
        """Add a block's rows; returns its transaction count."""
        block, contents = one.block, one.contents
        changes: list[tuple[str, bytes | None]] = (
            state_changes(block) if one.state is None else [(a, v) for a, v in one.state]
        )
        writers = _last_writers(contents, [address for address, _ in changes])
        num = block.block_num
        txn_count = sum(len(b.transactions) for b in contents.batches)
        self.blocks.append(
            (
                num,
                block.block_id,
                block.previous_block_id,
                contents.signer,
                block.state_root,
                json.dumps([b.batch_id for b in contents.batches]),
                len(contents.batches),
                txn_count,
                int(time.time()),
                contents.consensus,
            )
        )
        for position, batch in enumerate(contents.batches):
            self.batches.append(
                (batch.batch_id, num, position, batch.signer, len(batch.transactions))
            )
            for txn_position, txn in enumerate(batch.transactions):
                self.transactions.append(
                    (
                        txn.txn_id,
                        batch.batch_id,
                        num,
                        txn_position,
                        txn.signer,
                        txn.family,
                        txn.version,
                        json.dumps(txn.inputs),
                        json.dumps(txn.outputs),
                        json.dumps(txn.dependencies),
                        txn.nonce,
                        txn.payload,
                    )
                )
                self.outputs += [(output, num, txn.txn_id) for output in txn.outputs]
        for address, value in changes:
            txn_id = writers.get(address)
            self.changes.append((num, address, value, txn_id))
            self.current[address] = (value, num, txn_id)
        return txn_count

    def write(self, db: sqlite3.Connection) -> None:
        if not self.blocks:
            return
        db.executemany(
            "INSERT INTO blocks (block_num, block_id, previous_block_id, signer, state_root,"
            " batch_ids, batch_count, txn_count, seen_at, consensus)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.blocks,
        )
        db.executemany("INSERT OR REPLACE INTO batches VALUES (?, ?, ?, ?, ?)", self.batches)
        db.executemany(
            "INSERT OR REPLACE INTO transactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.transactions,
        )
        db.executemany("INSERT INTO txn_outputs VALUES (?, ?, ?)", self.outputs)
        db.executemany(
            "INSERT INTO state_changes (block_num, address, value, txn_id) VALUES (?, ?, ?, ?)",
            self.changes,
        )
        db.executemany(
            "INSERT OR REPLACE INTO current_state VALUES (?, ?, ?, ?)",
            [(a, v, n, t) for a, (v, n, t) in self.current.items() if v is not None],
        )
        db.executemany(
            "DELETE FROM current_state WHERE address = ?",
            [(a,) for a, (v, _, _) in self.current.items() if v is None],
        )
        self.clear()


class _Transaction:
    """BEGIN IMMEDIATE .. COMMIT, rolled back on any exception (so a block is all or nothing)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def state_changes(block: BlockEvents) -> list[tuple[str, bytes | None]]:
    changes: list[tuple[str, bytes | None]] = []
    for event in block.of_type(STATE_DELTA):
        change_list = StateChangeList()
        change_list.ParseFromString(event.data)
        for change in change_list.state_changes:
            value = None if change.type == StateChange.DELETE else bytes(change.value)
            changes.append((change.address, value))
    return changes


def _last_writers(contents: BlockContents, addresses: list[str]) -> dict[str, str]:
    # Outputs may be prefixes: index them by string, then try each prefix length per address.
    by_output: dict[str, tuple[int, str]] = {}
    order = 0
    for batch in contents.batches:
        for txn in batch.transactions:
            order += 1
            for output in txn.outputs:
                by_output[output] = (order, txn.txn_id)
    lengths = sorted({len(output) for output in by_output})
    writers: dict[str, str] = {}
    for address in addresses:
        hits = [by_output.get(address[:length]) for length in lengths]
        found = [hit for hit in hits if hit is not None]
        if found:
            writers[address] = max(found)[1]
    return writers


def _block_row(row: sqlite3.Row) -> dict[str, Any]:
    block = dict(row)
    block["batch_ids"] = json.loads(block["batch_ids"])
    block["consensus"] = bytes(block["consensus"] or b"").hex()
    return block


def _txn_row(row: sqlite3.Row) -> dict[str, Any]:
    txn = dict(row)
    for key in ("inputs", "outputs", "dependencies"):
        txn[key] = json.loads(txn[key])
    txn["payload"] = bytes(txn["payload"])
    return txn
