"""Sawtooth 1.2's Merkle-Radix state tree over SQLite: same state, same root hash.

Every address is 35 tokens of 2 hex chars; each token is one level of the tree, so a leaf sits
at depth 35. The root always exists (the empty tree is the root with no children); any other
interior node exists only while some leaf lies below it. The tree is therefore a function of
its leaves alone, which is what makes roots comparable across implementations.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence

from smartblocks.devnet.state import node as codec
from smartblocks.devnet.state.node import DEPTH, EMPTY_ROOT, TOKEN_SIZE, Node
from smartblocks.devnet.state.records import Chain, Record, encode_chain
from smartblocks.devnet.state.store import DEFAULT_CACHE_BYTES, NodeNotFound, NodeStore

__all__ = ["EMPTY_ROOT", "MerkleDatabase", "NodeNotFound"]


class MerkleDatabase:
    def __init__(self, conn: sqlite3.Connection, *, cache_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self._store = NodeStore(conn, cache_bytes)

    # -- reads -------------------------------------------------------------------------------

    def has_root(self, root: str) -> bool:
        return isinstance(root, str) and self._store.contains(root)

    def get(self, root: str, address: str) -> bytes | None:
        """The processor bytes at `address`, None if unset. Unknown root: NodeNotFound."""
        codec.check_address(address)
        record = self._store.get(root)
        for start in range(0, len(address), TOKEN_SIZE):
            if isinstance(record, Chain):
                return _chain_value(record, address[start:])
            child = codec.child(record, address[start : start + TOKEN_SIZE])
            if child is None:
                return None
            record = self._store.get(child)
        return _leaf_value(record, "")

    def get_many(self, root: str, addresses: Sequence[str]) -> dict[str, bytes | None]:
        """Like get() for each address, walking shared upper nodes once."""
        found: dict[str, bytes | None] = {}
        for address in addresses:
            codec.check_address(address)
            found[address] = None
        wanted = sorted(found)
        self._lookup(self._store.get(root), 0, wanted, 0, len(wanted), found)
        return found

    def _lookup(
        self,
        record: Record,
        depth: int,
        wanted: list[str],
        lo: int,
        hi: int,
        found: dict[str, bytes | None],
    ) -> None:
        if isinstance(record, Chain) or depth == DEPTH:
            offset = depth * TOKEN_SIZE
            for address in wanted[lo:hi]:
                found[address] = _leaf_value(record, address[offset:])
            return
        for token, group_lo, group_hi in _groups(wanted, depth, lo, hi):
            child = codec.child(record, token)
            if child is not None:
                self._lookup(self._store.get(child), depth + 1, wanted, group_lo, group_hi, found)

    def leaves(
        self, root: str, prefix: str = "", start: str | None = None, limit: int | None = None
    ) -> Iterator[tuple[str, bytes]]:
        """(address, bytes) under `prefix` in address order, from `start` on, at most `limit`.

        Arguments and the root are checked now, not at the first next().
        """
        codec.check_prefix(prefix)
        if start is not None:
            codec.check_prefix(start, "start address")
        if limit is not None and limit < 0:
            raise ValueError(f"limit must not be negative, got {limit}")
        self._store.get(root)
        return self._iter_leaves(root, prefix, start or "", limit)

    def _iter_leaves(
        self, root: str, prefix: str, start: str, limit: int | None
    ) -> Iterator[tuple[str, bytes]]:
        remaining = limit
        # Depth-first with children pushed in reverse, so pops come out in address order. Nodes
        # are fetched when popped, so a small limit reads only the nodes it needs.
        stack: list[tuple[str, str]] = [("", root)]
        while stack and remaining != 0:
            path, node_hash = stack.pop()
            record = self._store.get(node_hash)
            if isinstance(record, Chain) or len(path) == codec.ADDRESS_LENGTH:
                address = path + record.suffix if isinstance(record, Chain) else path
                value = _leaf_value(record, address[len(path) :])
                if value is not None and address.startswith(prefix) and address >= start:
                    yield address, value
                    if remaining is not None:
                        remaining -= 1
                continue
            for token, child in reversed(codec.children(record)):
                child_path = path + token
                if not (child_path.startswith(prefix) or prefix.startswith(child_path)):
                    continue
                # Every address below child_path is smaller than start: skip the subtree.
                if child_path < start[: len(child_path)]:
                    continue
                stack.append((child_path, child))

    # -- writes ------------------------------------------------------------------------------

    def update(self, root: str, sets: Mapping[str, bytes], deletes: Iterable[str] = ()) -> str:
        """Applies `sets` and `deletes` to the tree at `root` in one pass; returns the new root.

        Writes the new nodes (INSERT OR IGNORE) but never commits. Deleting an address the
        tree does not hold raises KeyError, and then nothing is written.
        """
        return self.update_counted(root, sets, deletes)[0]

    def update_counted(
        self, root: str, sets: Mapping[str, bytes], deletes: Iterable[str] = ()
    ) -> tuple[str, int, int]:
        """update(), and how many node rows it wrote and SHA-512 node hashes it computed."""
        new_rows = _NewRows()
        new_root = self._apply(root, sets, deletes, new_rows)
        self._store.put(new_rows.rows, new_rows.decoded)
        return new_root, len(new_rows.rows), new_rows.hashes

    def compute_root(
        self, root: str, sets: Mapping[str, bytes], deletes: Iterable[str] = ()
    ) -> str:
        """The root update() would return, writing nothing."""
        return self._apply(root, sets, deletes, _NewRows())

    def _apply(
        self, root: str, sets: Mapping[str, bytes], deletes: Iterable[str], new_rows: _NewRows
    ) -> str:
        changes: dict[str, bytes | None] = {}
        for address, data in sets.items():
            codec.check_address(address)
            if not isinstance(data, bytes | bytearray):
                raise TypeError(f"state value for {address} must be bytes, got {type(data)}")
            changes[address] = codec.wrap_value(bytes(data))
        for address in deletes:
            codec.check_address(address)
            if address in sets:
                raise ValueError(f"address {address} is both set and deleted in one update")
            changes[address] = None
        if not changes:
            self._store.get(root)  # an unknown root is an error even for an empty update
            return root
        batch = _Batch(changes)
        new_root = self._rebuild(root, 0, batch, 0, len(batch.addresses), new_rows)
        return EMPTY_ROOT if new_root is None else new_root

    def _rebuild(
        self, node_hash: str, depth: int, batch: _Batch, lo: int, hi: int, new_rows: _NewRows
    ) -> str | None:
        """New hash of the subtree at `depth` after batch[lo:hi]; None if it became empty."""
        record = self._store.get(node_hash)
        if isinstance(record, Chain) or depth == DEPTH:
            return _rebuild_leaf_subtree(record, depth, batch, lo, hi, new_rows)
        changed: dict[str, str | None] = {}
        for token, group_lo, group_hi in _groups(batch.addresses, depth, lo, hi):
            child = codec.child(record, token)
            if child is None:
                batch.refuse_deletes(group_lo, group_hi)
                changed[token] = _build(depth + 1, batch, group_lo, group_hi, new_rows)
            else:
                changed[token] = self._rebuild(
                    child, depth + 1, batch, group_lo, group_hi, new_rows
                )
        node = Node(codec.respliced(record.encoded, changed), None)
        # Pruning: an interior node lives only while a leaf lies below it (the root always).
        if depth > 0 and codec.is_empty(node):
            return None
        return new_rows.node(node)


def _rebuild_leaf_subtree(
    record: Record, depth: int, batch: _Batch, lo: int, hi: int, new_rows: _NewRows
) -> str | None:
    """A one-leaf subtree after batch[lo:hi]: rebuilt from its leaves, old and new."""
    path = batch.addresses[lo][: depth * TOKEN_SIZE]
    old_value: bytes | None = record.value
    # A chain holds its leaf's remaining address; a plain Sawtooth leaf node sits at `path`.
    old_address = path + record.suffix if isinstance(record, Chain) else path
    merged: dict[str, bytes | None] = {}
    if old_value is not None:
        merged[old_address] = old_value
    for address, value in zip(batch.addresses[lo:hi], batch.values[lo:hi], strict=True):
        if value is not None:
            merged[address] = value
        elif address == old_address and old_value is not None:
            del merged[address]
        else:
            raise _missing(address)
    if not merged:
        return None
    rebuilt = _Batch(merged)
    return _build(depth, rebuilt, 0, len(rebuilt.addresses), new_rows)


def _build(depth: int, batch: _Batch, lo: int, hi: int, new_rows: _NewRows) -> str:
    """A new subtree at `depth` holding exactly the leaves batch[lo:hi] (all sets)."""
    if hi - lo == 1:
        address, value = batch.addresses[lo], batch.values[lo]
        assert value is not None
        return new_rows.chain(address, depth, value)
    children = {
        token: _build(depth + 1, batch, group_lo, group_hi, new_rows)
        for token, group_lo, group_hi in _groups(batch.addresses, depth, lo, hi)
    }
    return new_rows.node(Node(codec.encode(children, None), None))


def _chain_value(chain: Chain, rest_of_address: str) -> bytes | None:
    return codec.unwrap_value(chain.value) if chain.suffix == rest_of_address else None


def _leaf_value(record: Record, rest_of_address: str) -> bytes | None:
    if isinstance(record, Chain):
        return _chain_value(record, rest_of_address)
    return None if record.value is None else codec.unwrap_value(record.value)


def _missing(address: str) -> KeyError:
    return KeyError(f"cannot delete {address}: it is not in state")


class _Batch:
    """One update's changes in address order: a wrapped leaf value to set, None to delete."""

    def __init__(self, changes: dict[str, bytes | None]) -> None:
        self.addresses = sorted(changes)
        self.values = [changes[address] for address in self.addresses]

    def refuse_deletes(self, lo: int, hi: int) -> None:
        """Changes lo:hi fall where the tree has nothing: none of them may be a delete."""
        for i in range(lo, hi):
            if self.values[i] is None:
                raise _missing(self.addresses[i])


class _NewRows:
    """Rows produced by one update, written together at the end (or never, for a preview)."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, bytes]] = []
        self.decoded: list[tuple[str, Record]] = []
        self.hashes = 0  # node hashes computed, a chain's levels included (for the benchmark)

    def node(self, node: Node) -> str:
        """An interior node, stored as its Sawtooth encoding."""
        self.hashes += 1
        return self._add(codec.node_hash(node.encoded), node.encoded, node)

    def chain(self, address: str, depth: int, value: bytes) -> str:
        """The subtree at `depth` holding only `address`, stored as one row."""
        suffix = address[depth * TOKEN_SIZE :]
        node_hash = codec.chain_hash(address, depth, value)
        self.hashes += DEPTH - depth  # the one-child nodes down to the leaf, the leaf itself
        return self._add(node_hash, encode_chain(suffix, value), Chain(suffix, value))

    def _add(self, node_hash: str, encoded: bytes, record: Record) -> str:
        self.rows.append((node_hash, encoded))
        self.decoded.append((node_hash, record))
        return node_hash


def _groups(addresses: list[str], depth: int, lo: int, hi: int) -> Iterator[tuple[str, int, int]]:
    """Runs of sorted addresses[lo:hi] sharing the token at `depth`: (token, run_lo, run_hi)."""
    offset = depth * TOKEN_SIZE
    end = offset + TOKEN_SIZE
    i = lo
    while i < hi:
        token = addresses[i][offset:end]
        j = i + 1
        while j < hi and addresses[j][offset:end] == token:
            j += 1
        yield token, i, j
        i = j
