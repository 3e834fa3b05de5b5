"""The blocks an off-chain service has followed, in its own SQLite file: where it resumes, what
a fork rewinds, and what ledger time ("now") it has seen.

The prediction service (clients/predict) and the contract manager (clients/contracts) each follow
the ledger with an EventFollower (events.py) and keep the chain they followed next to their own
rows; this is that shared part, so the fork rule and the ledger-time rule are written once. A
service's state class is a BlockLog plus its own tables: it overrides `on_rewind` to drop its
rows written at or above a forked height, inside the same transaction as the blocks it drops, so
a crash can never leave rows from a branch the log no longer holds.

The `blocks` table is the one both services already wrote, so their existing state files keep
working. (The portal's index, clients/portal/index.py, keeps a richer blocks table with the
block's contents and restores current state on a fork; it is not this.)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, StateChangeList

from .block_info import block_num_of
from .events import STATE_DELTA, BlockEvents

SCHEMA = """
CREATE TABLE IF NOT EXISTS blocks (
    block_num INTEGER PRIMARY KEY,
    block_id TEXT NOT NULL,
    previous_block_id TEXT NOT NULL,
    ledger_time INTEGER            -- newest BlockInfo timestamp in this block, if any
)
"""


class BlockLog:
    """One followed chain: a block that does not extend the head first drops every block at and
    above its height (a fork, or a replay after a restart). Satisfies events.KnownBlocks.

    `db` must be in autocommit mode (`isolation_level=None`): `add_block` runs its own
    transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.db.execute(SCHEMA)

    @staticmethod
    def connect(path: Path | str) -> sqlite3.Connection:
        """A state file for a follower: autocommit, and WAL so `--status` reads while the
        service writes."""
        db = sqlite3.connect(str(path), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def close(self) -> None:
        self.db.close()

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

    def add_block(self, block: BlockEvents, ledger_time: int | None) -> int:
        """Record a block, first rewinding when it does not extend the head; returns how many
        blocks were dropped. The rewind calls `on_rewind` in the same transaction."""
        rewound = 0
        head = self.head()
        self.db.execute("BEGIN")
        try:
            if head is not None and not (
                block.block_num == head[0] + 1 and block.previous_block_id == head[1]
            ):
                rewound = self.db.execute(
                    "DELETE FROM blocks WHERE block_num >= ?", (block.block_num,)
                ).rowcount
                self.on_rewind(block.block_num)
            self.db.execute(
                "INSERT INTO blocks VALUES (?, ?, ?, ?)",
                (block.block_num, block.block_id, block.previous_block_id, ledger_time),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return rewound

    def on_rewind(self, block_num: int) -> None:
        """Drop the caller's own rows written at or above `block_num` (the blocks there are
        gone). Runs inside `add_block`'s transaction; the log alone has nothing more to drop."""

    def ledger_time(self) -> int | None:
        """The newest ledger time any followed block carried (None before the first)."""
        row = self.db.execute(
            "SELECT MAX(ledger_time) FROM blocks WHERE ledger_time IS NOT NULL"
        ).fetchone()
        return None if row[0] is None else int(row[0])


def block_ledger_time(block: BlockEvents) -> int | None:
    """The newest BlockInfo timestamp this block's state changes write, if any: the ledger time
    a service subscribed to BlockInfo's state deltas learns from the block."""
    newest: int | None = None
    for event in block.of_type(STATE_DELTA):
        changes = StateChangeList()
        changes.ParseFromString(event.data)
        for change in changes.state_changes:
            if change.type == StateChange.SET and block_num_of(change.address) is not None:
                info = BlockInfo()
                info.ParseFromString(change.value)
                newest = info.timestamp if newest is None else max(newest, info.timestamp)
    return newest
