"""The followed-blocks log: head, resume ids, fork rewinds (with the owner's dependent rows in
the same transaction), ledger time, and the BlockInfo timestamp a block carries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo
from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, StateChangeList

from smartblocks.ledger.block_info import CONFIG_ADDRESS, block_address
from smartblocks.ledger.block_log import BlockLog, block_ledger_time
from smartblocks.ledger.events import STATE_DELTA, BlockEvents


def block(num: int, previous: str, *timestamps: int, tag: str = "") -> BlockEvents:
    changes = StateChangeList(
        state_changes=[
            StateChange(
                address=block_address(num - 1),
                value=BlockInfo(block_num=num - 1, timestamp=t).SerializeToString(),
                type=StateChange.SET,
            )
            for t in timestamps
        ]
    )
    events = (Event(event_type=STATE_DELTA, data=changes.SerializeToString()),)
    return BlockEvents(f"b{num}{tag}", num, previous, "", events if timestamps else ())


class WithRows(BlockLog):
    """A log owner with rows of its own, keyed by the block that wrote them."""

    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__(db)
        self.db.execute("CREATE TABLE rows (block_num INTEGER NOT NULL)")
        self.rewinds: list[int] = []

    def on_rewind(self, block_num: int) -> None:
        self.rewinds.append(block_num)
        self.db.execute("DELETE FROM rows WHERE block_num >= ?", (block_num,))

    def rows(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT block_num FROM rows ORDER BY block_num")]


@pytest.fixture
def log(tmp_path: Path) -> WithRows:
    return WithRows(sqlite3.connect(str(tmp_path / "state.db"), isolation_level=None))


def test_head_resume_ids_and_ledger_time(log: WithRows) -> None:
    assert log.head() is None and log.ledger_time() is None and log.known_block_ids(0, 5) == []
    assert log.add_block(block(0, "0000000000000000"), None) == 0
    assert log.ledger_time() is None
    for num, t in ((1, 1_000), (2, 3_000), (3, 2_000)):
        assert log.add_block(block(num, f"b{num - 1}", t), t) == 0
    assert log.head() == (3, "b3")
    assert log.ledger_time() == 3_000  # the newest seen, not the head's
    assert log.known_block_ids(0, 2) == ["b3", "b2"] and log.known_block_ids(2, 5) == ["b1", "b0"]
    assert log.rewinds == []


def test_a_fork_drops_blocks_and_the_owners_rows_from_its_height(log: WithRows) -> None:
    log.add_block(block(0, "0000000000000000"), None)
    for num in range(1, 4):
        log.add_block(block(num, f"b{num - 1}", 1_000 * num), 1_000 * num)
        log.db.execute("INSERT INTO rows VALUES (?)", (num,))
    assert log.add_block(block(2, "b1", 1_500, tag="x"), 1_500) == 2
    assert log.head() == (2, "b2x") and log.ledger_time() == 1_500
    assert log.rewinds == [2] and log.rows() == [1]
    # Same height, different parent (a replay after a restart counts too): rewinds once more.
    assert log.add_block(block(3, "elsewhere", tag="y"), None) == 0
    assert log.head() == (3, "b3y") and log.rewinds == [2, 3]


def test_a_failed_rewind_rolls_back_the_dropped_blocks(log: WithRows) -> None:
    for num in range(3):
        log.add_block(block(num, f"b{num - 1}"), None)
    log.db.execute("DROP TABLE rows")  # so the owner's delete fails mid-rewind
    with pytest.raises(sqlite3.OperationalError):
        log.add_block(block(1, "b0", tag="x"), None)
    assert log.known_block_ids(0, 5) == ["b2", "b1", "b0"]


def test_block_ledger_time_is_the_newest_block_info_timestamp() -> None:
    assert block_ledger_time(block(5, "b4")) is None
    assert block_ledger_time(block(5, "b4", 2_000, 7_000, 3_000)) == 7_000
    other = StateChangeList(
        state_changes=[StateChange(address=CONFIG_ADDRESS, value=b"", type=StateChange.SET)]
    )
    config_only = BlockEvents(
        "b5", 5, "b4", "", (Event(event_type=STATE_DELTA, data=other.SerializeToString()),)
    )
    assert block_ledger_time(config_only) is None
