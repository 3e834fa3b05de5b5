"""The WAL checkpoints run on their own thread, not in the writer's commits."""

import os
import sqlite3
import time

from smartblocks.ledger.wal_checkpoints import Checkpointer, turn_off_automatic_checkpoints


def writer(path):
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    turn_off_automatic_checkpoints(conn)
    conn.execute("CREATE TABLE nodes (hash TEXT PRIMARY KEY, data BLOB)")
    return conn


def commit_rows(conn, count):
    conn.execute("BEGIN IMMEDIATE")
    rows = [(os.urandom(32).hex(), b"x" * 150) for _ in range(count)]
    conn.executemany("INSERT INTO nodes VALUES (?, ?)", rows)
    conn.execute("COMMIT")


def wait_until(condition, what, timeout=20.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)


def test_commits_are_checkpointed_by_the_thread_and_the_wal_truncated_at_stop(tmp_path):
    path = tmp_path / "chain.sqlite3"
    conn = writer(path)
    before = path.stat().st_size
    checkpoints = Checkpointer(path)
    for _ in range(5):
        commit_rows(conn, 500)
        checkpoints.committed()
    # The writer never checkpoints (its limit is far off): pages reach the database file only
    # through the thread.
    wait_until(lambda: path.stat().st_size > before, "the database file grew")
    commit_rows(conn, 500)
    checkpoints.committed()
    checkpoints.stop()
    assert not checkpoints._thread.is_alive()
    assert (tmp_path / "chain.sqlite3-wal").stat().st_size == 0
    conn.close()
    fresh = sqlite3.connect(str(path))
    assert fresh.execute("SELECT count(*) FROM nodes").fetchone() == (3000,)


def test_commits_not_yet_checkpointed_are_still_there_after_a_crash(tmp_path):
    """A process that dies without stop() leaves its commits in the WAL; the next opener
    reads them (SQLite recovers the WAL)."""
    path = tmp_path / "chain.sqlite3"
    conn = writer(path)
    commit_rows(conn, 700)  # no committed(), no stop(): as if killed right after COMMIT
    fresh = sqlite3.connect(str(path))
    assert fresh.execute("SELECT count(*) FROM nodes").fetchone() == (700,)
