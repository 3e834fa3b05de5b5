"""The chain on disk: one SQLite file (WAL) holding blocks, their batches, the transaction and
batch index, receipts, events, statuses of invalid batches, and the Merkle nodes.

A block and everything it changes are written in ONE SQLite transaction, so after a crash at any
moment the newest block on disk is complete and its state root is in the node table.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.block_pb2 import Block, BlockHeader
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.devnet.state.merkle import MerkleDatabase
from smartblocks.ledger.wal_checkpoints import Checkpointer, turn_off_automatic_checkpoints

from .stages import MERKLE, SQLITE, STAGES

SCHEMA = """
CREATE TABLE IF NOT EXISTS blocks (
    block_num INTEGER PRIMARY KEY,
    block_id TEXT NOT NULL UNIQUE,
    header BLOB NOT NULL,
    state_root TEXT NOT NULL,
    events BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT PRIMARY KEY,
    block_num INTEGER NOT NULL,
    position INTEGER NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS batches_in_order ON batches (block_num, position);
CREATE TABLE IF NOT EXISTS transactions (
    txn_id TEXT PRIMARY KEY,
    batch_id TEXT NOT NULL,
    block_num INTEGER NOT NULL,
    position INTEGER NOT NULL,
    batch_index INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_in_order ON transactions (block_num, position);
CREATE TABLE IF NOT EXISTS receipts (txn_id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS invalid_batches (batch_id TEXT PRIMARY KEY, data BLOB NOT NULL);
"""
# A batch's INVALID status; a later verdict on the same batch id replaces an earlier one.
_RECORD_INVALID = "INSERT OR REPLACE INTO invalid_batches (batch_id, data) VALUES (?, ?)"


@dataclass(frozen=True, slots=True)
class BlockRecord:
    num: int
    id: str
    header_bytes: bytes
    state_root: str

    @property
    def header(self) -> BlockHeader:
        return BlockHeader.FromString(self.header_bytes)

    @property
    def previous_id(self) -> str:
        return self.header.previous_block_id


@dataclass(frozen=True, slots=True)
class NewBatch:
    id: str
    data: bytes
    txn_ids: Sequence[str]


class ChainStore:
    def __init__(self, path: Path | str) -> None:
        # Autocommit mode: this class opens and closes every transaction itself.
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a process crash (SIGKILL); only an OS crash may lose the
        # last commits, never consistency.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        # A block's Merkle nodes land on random pages, so nearly every commit would pass SQLite's
        # automatic checkpoint limit and copy the WAL back inside the commit: a thread does it
        # instead (ledger/wal_checkpoints.py).
        turn_off_automatic_checkpoints(self.conn)
        self.conn.executescript(SCHEMA)
        self.merkle = MerkleDatabase(self.conn)
        self._checkpoints = Checkpointer(path, name="devnet-checkpoints")

    def close(self) -> None:
        self.conn.close()
        self._checkpoints.stop()

    # -- blocks ------------------------------------------------------------------------------

    def _record(self, row: tuple | None) -> BlockRecord | None:
        if row is None:
            return None
        return BlockRecord(num=row[0], id=row[1], header_bytes=row[2], state_root=row[3])

    _BLOCK_COLUMNS = "SELECT block_num, block_id, header, state_root FROM blocks"

    def head(self) -> BlockRecord | None:
        return self._record(
            self.conn.execute(self._BLOCK_COLUMNS + " ORDER BY block_num DESC LIMIT 1").fetchone()
        )

    def block_by_id(self, block_id: str) -> BlockRecord | None:
        return self._record(
            self.conn.execute(self._BLOCK_COLUMNS + " WHERE block_id = ?", (block_id,)).fetchone()
        )

    def block_by_num(self, num: int) -> BlockRecord | None:
        if num < 0 or num >= 2**63:
            return None
        return self._record(
            self.conn.execute(self._BLOCK_COLUMNS + " WHERE block_num = ?", (num,)).fetchone()
        )

    def blocks_from(self, num: int, descending: bool, limit: int) -> list[BlockRecord]:
        order, cmp = ("DESC", "<=") if descending else ("ASC", ">=")
        rows = self.conn.execute(
            f"{self._BLOCK_COLUMNS} WHERE block_num {cmp} ? ORDER BY block_num {order} LIMIT ?",
            (num, limit),
        ).fetchall()
        return [r for r in map(self._record, rows) if r is not None]

    def block(self, record: BlockRecord) -> Block:
        """The Block, from its header and stored batches."""
        block = Block(header=record.header_bytes, header_signature=record.id)
        for (data,) in self.conn.execute(
            "SELECT data FROM batches WHERE block_num = ? ORDER BY position", (record.num,)
        ):
            block.batches.add().MergeFromString(data)  # decoded in place, not copied again
        return block

    def block_events(self, num: int) -> bytes:
        return self._value("SELECT events FROM blocks WHERE block_num = ?", num) or b""

    # -- batches and transactions ------------------------------------------------------------

    def batch_block_num(self, batch_id: str) -> int | None:
        return self._value("SELECT block_num FROM batches WHERE batch_id = ?", batch_id)

    def batch_bytes(self, batch_id: str) -> bytes | None:
        return self._value("SELECT data FROM batches WHERE batch_id = ?", batch_id)

    def txn_block_num(self, txn_id: str) -> int | None:
        return self._value("SELECT block_num FROM transactions WHERE txn_id = ?", txn_id)

    def committed_txns(self, txn_ids: Iterable[str]) -> set[str]:
        ids = list(txn_ids)
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT txn_id FROM transactions WHERE txn_id IN ({marks})", chunk
                )
            )
        return found

    def transaction(self, txn_id: str) -> Transaction | None:
        row = self.conn.execute(
            "SELECT b.data, t.batch_index FROM transactions t JOIN batches b "
            "ON b.batch_id = t.batch_id WHERE t.txn_id = ?",
            (txn_id,),
        ).fetchone()
        if row is None:
            return None
        return Batch.FromString(row[0]).transactions[row[1]]

    def id_page(
        self, kind: str, head_num: int, reverse: bool, start: str, limit: int
    ) -> list[str] | None:
        """Up to `limit` batch or transaction ids (kind "batches" or "transactions") in Sawtooth's
        list order: newest block first, each block's items in order; `reverse` flips it all.
        The page begins at `start` (an id) or the first item; None when `start` is not listed."""
        table, column = ("batches", "batch_id") if kind == "batches" else ("transactions", "txn_id")
        order = "block_num ASC, position DESC" if reverse else "block_num DESC, position ASC"
        if not start:
            rows = self.conn.execute(
                f"SELECT {column} FROM {table} WHERE block_num <= ? ORDER BY {order} LIMIT ?",
                (head_num, limit),
            ).fetchall()
            return [row[0] for row in rows]
        found = self.conn.execute(
            f"SELECT block_num, position FROM {table} WHERE {column} = ?", (start,)
        ).fetchone()
        if found is None or found[0] > head_num:
            return None
        num, position = found
        after = (
            "(block_num > ? OR (block_num = ? AND position <= ?))"
            if reverse
            else "(block_num < ? OR (block_num = ? AND position >= ?))"
        )
        rows = self.conn.execute(
            f"SELECT {column} FROM {table} WHERE block_num <= ? AND {after} "
            f"ORDER BY {order} LIMIT ?",
            (head_num, num, num, position, limit),
        ).fetchall()
        return [row[0] for row in rows]

    # -- receipts and statuses ---------------------------------------------------------------

    def receipt(self, txn_id: str) -> bytes | None:
        return self._value("SELECT data FROM receipts WHERE txn_id = ?", txn_id)

    def invalid_status(self, batch_id: str) -> bytes | None:
        return self._value("SELECT data FROM invalid_batches WHERE batch_id = ?", batch_id)

    def record_invalid(self, statuses: Sequence[tuple[str, bytes]]) -> None:
        if not statuses:
            return
        with self._transaction():
            self.conn.executemany(_RECORD_INVALID, statuses)

    # -- commit ------------------------------------------------------------------------------

    def commit_block(
        self,
        num: int,
        parent_root: str,
        sets: dict[str, bytes],
        deletes: Sequence[str],
        seal: Callable[[str], tuple[bytes, str]],
        batches: Sequence[NewBatch],
        receipts: Sequence[tuple[str, bytes]],
        make_events: Callable[[BlockRecord], bytes],
        invalid: Sequence[tuple[str, bytes]] = (),
    ) -> BlockRecord:
        """Write the state change, then the block sealed over the new root, in one transaction.

        `seal(state_root)` returns (header bytes, block id); `make_events(record)` the block's
        serialized EventList.
        """
        conn = self.conn
        clock = STAGES.start()
        with self._transaction():
            clock = STAGES.stop(SQLITE, clock, 0)
            root, node_rows, hashes = self.merkle.update_counted(parent_root, sets, deletes)
            clock = STAGES.stop(MERKLE, clock, hashes)
            header_bytes, block_id = seal(root)
            record = BlockRecord(num=num, id=block_id, header_bytes=header_bytes, state_root=root)
            events = make_events(record)
            clock = STAGES.start()  # make_events counts itself
            conn.execute(
                "INSERT INTO blocks (block_num, block_id, header, state_root, events) "
                "VALUES (?, ?, ?, ?, ?)",
                (num, block_id, header_bytes, root, events),
            )
            conn.executemany(
                "INSERT INTO batches (batch_id, block_num, position, data) VALUES (?, ?, ?, ?)",
                [(b.id, num, i, b.data) for i, b in enumerate(batches)],
            )
            txn_rows = []
            position = 0
            for batch in batches:
                for index, txn_id in enumerate(batch.txn_ids):
                    txn_rows.append((txn_id, batch.id, num, position, index))
                    position += 1
            conn.executemany(
                "INSERT INTO transactions (txn_id, batch_id, block_num, position, batch_index) "
                "VALUES (?, ?, ?, ?, ?)",
                txn_rows,
            )
            conn.executemany("INSERT INTO receipts (txn_id, data) VALUES (?, ?)", receipts)
            if invalid:
                conn.executemany(_RECORD_INVALID, invalid)
        rows = node_rows + 1 + len(batches) + len(txn_rows) + len(receipts) + len(invalid)
        STAGES.stop(SQLITE, clock, rows)
        return record

    # -- helpers -----------------------------------------------------------------------------

    def _value(self, sql: str, key: str | int) -> Any:
        """The first column of the one row `sql` finds for `key`, None if none."""
        row = self.conn.execute(sql, (key,)).fetchone()
        return None if row is None else row[0]

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One SQLite write transaction: committed if the body returns, else rolled back."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        self._checkpoints.committed()
