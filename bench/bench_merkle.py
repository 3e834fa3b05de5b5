"""State root update cost per written address, with 1k, 100k and 1M addresses already in state.

One update of 100 addresses is what a block does; each figure is the median of 20 updates.
Each address costs one new node per tree level (35), of which only the top few are wide, so the
cost should follow the tree's depth (how many levels are full), not the state's size.
"""

from __future__ import annotations

import math
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import harness
from smartblocks.devnet.state.merkle import EMPTY_ROOT, MerkleDatabase

NAMESPACE = "e67046"
BATCH = 100
MEASURED_UPDATES = 20
BUILD_CHUNK = 250_000


def _address(rng: random.Random) -> str:
    return NAMESPACE + rng.randbytes(32).hex()


def _value(rng: random.Random) -> bytes:
    return rng.randbytes(40)  # about a meter head record


def _open(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    # Build speed only: a crash would just lose the benchmark's scratch file.
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1000000")  # 1 GB of pages
    return conn


def _build(
    db: MerkleDatabase, conn: sqlite3.Connection, size: int, rng: random.Random
) -> tuple[str, list[str]]:
    root, addresses = EMPTY_ROOT, list[str]()
    for start in range(0, size, BUILD_CHUNK):
        chunk = {_address(rng): _value(rng) for _ in range(min(BUILD_CHUNK, size - start))}
        root = db.update(root, chunk)
        conn.commit()
        addresses.extend(chunk)
    return root, addresses


def _rows_and_bytes(conn: sqlite3.Connection) -> tuple[int, int]:
    rows = conn.execute("SELECT count(*) FROM merkle_node").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    return rows, pages * page_size


def _measure(
    db: MerkleDatabase, conn: sqlite3.Connection, root: str, batches: list[dict[str, bytes]]
) -> tuple[str, dict[str, float]]:
    """Applies each batch as one update, timed without its commit.

    Timed in CPU time, and the median update reported: on a shared machine, waiting for a core
    says nothing about the tree.
    """
    seconds = []
    rows_before, bytes_before = _rows_and_bytes(conn)
    for batch in batches:
        began = time.process_time()
        root = db.update(root, batch)
        seconds.append(time.process_time() - began)
        conn.commit()
    rows_after, bytes_after = _rows_and_bytes(conn)
    written = sum(len(b) for b in batches)
    return root, {
        "us_per_address": statistics.median(seconds) / BATCH * 1e6,
        "mean_us_per_address": sum(seconds) / written * 1e6,
        "max_us_per_address": max(seconds) / BATCH * 1e6,
        "rows_per_address": (rows_after - rows_before) / written,
        "kib_per_address": (bytes_after - bytes_before) / written / 1024,
    }


def _one_size(size: int, scratch: Path) -> list[dict[str, Any]]:
    rng = random.Random(size)
    conn = _open(scratch / f"state-{size}.sqlite")
    try:
        db = MerkleDatabase(conn)
        began = time.process_time()
        root, existing = _build(db, conn, size, rng)
        build_s = time.process_time() - began
        # Warm the cache's upper levels as a running validator would have them.
        root = db.update(root, {_address(rng): _value(rng) for _ in range(BATCH)})
        conn.commit()
        rewrites = [
            {a: _value(rng) for a in rng.sample(existing, BATCH)} for _ in range(MEASURED_UPDATES)
        ]
        inserts = [
            {_address(rng): _value(rng) for _ in range(BATCH)} for _ in range(MEASURED_UPDATES)
        ]
        root, rewrite = _measure(db, conn, root, rewrites)
        root, insert = _measure(db, conn, root, inserts)
        database_mib = _rows_and_bytes(conn)[1] / 2**20
    finally:
        conn.close()
    common = {
        "state_addresses": size,
        "batch": BATCH,
        "updates": MEASURED_UPDATES,
        # Levels below the namespace whose nodes are (nearly) all 256 children wide: each
        # written address re-hashes and stores one such 18 KB node per level. The rest of its
        # 35-level path costs the same whatever the state's size.
        "full_width_levels": math.floor(math.log(size, 256)),
    }
    return [
        harness.figure(
            f"update {BATCH} existing addresses, {size} in state",
            rewrite.pop("us_per_address"),
            "us/address",
            **common,
            **{k: round(v, 2) for k, v in rewrite.items()},
        ),
        harness.figure(
            f"insert {BATCH} new addresses, {size} in state",
            insert.pop("us_per_address"),
            "us/address",
            **common,
            **{k: round(v, 2) for k, v in insert.items()},
        ),
        harness.figure(
            f"build a state of {size} addresses",
            build_s / size * 1e6,
            "us/address",
            chunk=BUILD_CHUNK,
            database_mib=round(database_mib, 1),
        ),
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    sizes = [1_000, 100_000] if quick else [1_000, 100_000, 1_000_000]
    figures: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-merkle-") as scratch:
        for size in sizes:
            figures += _one_size(size, Path(scratch))
    return figures
