"""The devnet's Merkle-Radix tree against a from-scratch reference built from the encoding rules.

The reference below shares no code with the implementation: it builds the whole tree as plain
dicts, encodes each node with cbor2's canonical mode and hashes it with SHA-512 cut to 64 hex.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3

import cbor2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartblocks.devnet.state import node as codec
from smartblocks.devnet.state.merkle import EMPTY_ROOT, MerkleDatabase, NodeNotFound

# Sawtooth's genesis block over an empty state carries this state_root_hash (Sawtooth docs).
SAWTOOTH_EMPTY_ROOT = "708ca7fbb701799bb387f2e50deaca402e8502abe229f705693d2d4f350e1ad6"
# Node vectors from Sawtooth's validator/src/state/merkle.rs tests (node_serialize/deserialize).
SAWTOOTH_NODE_HELLO = (
    "a26163a16261626331323361764568656c6c6f"  # {"c": {"ab": "123"}, "v": b"hello"}
)
SAWTOOTH_NODE_GOODBYE = "a26163a162303063616263617647676f6f64627965"  # {"00": "abc"}, b"goodbye"


def ref_hash(node: dict, nodes: dict[str, bytes] | None = None) -> str:
    encoded = cbor2.dumps(node, canonical=True)
    node_hash = hashlib.sha512(encoded).hexdigest()[:64]
    if nodes is not None:
        nodes[node_hash] = encoded
    return node_hash


def ref_root(state: dict[str, bytes], nodes: dict[str, bytes] | None = None) -> str:
    """Root of the tree holding exactly `state`, built bottom-up from nothing.

    Every node's encoding goes into `nodes`, if given, as Sawtooth's database would hold it.
    """

    def build(path: str, addresses: list[str]) -> str:
        if len(path) == 70:
            # The validator CBOR-encodes the processor's bytes before storing them as "v".
            return ref_hash({"c": {}, "v": cbor2.dumps(state[path])}, nodes)
        by_token: dict[str, list[str]] = {}
        for address in addresses:
            by_token.setdefault(address[len(path) : len(path) + 2], []).append(address)
        children = {token: build(path + token, group) for token, group in by_token.items()}
        return ref_hash({"c": children, "v": None}, nodes)

    return build("", sorted(state))


def addr(text: str) -> str:
    """A 70-hex address: `text` padded on the right with zeros."""
    return text + "0" * (70 - len(text))


@pytest.fixture
def conn():
    connection = sqlite3.connect(":memory:")
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def db(conn):
    return MerkleDatabase(conn)


def node_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM merkle_node").fetchone()[0]


# -- encoding vectors ----------------------------------------------------------------------------


def test_empty_root_is_sawtooths_genesis_root(db):
    assert EMPTY_ROOT == SAWTOOTH_EMPTY_ROOT == ref_root({})
    assert db.has_root(EMPTY_ROOT)
    assert list(db.leaves(EMPTY_ROOT)) == []
    assert db.get(EMPTY_ROOT, addr("ab")) is None


def test_reference_encoding_matches_sawtooths_node_vectors():
    assert cbor2.dumps({"c": {"ab": "123"}, "v": b"hello"}, canonical=True).hex() == (
        SAWTOOTH_NODE_HELLO
    )
    assert cbor2.loads(bytes.fromhex(SAWTOOTH_NODE_GOODBYE)) == {
        "c": {"00": "abc"},
        "v": b"goodbye",
    }


@pytest.mark.parametrize("children", [0, 1, 2, 23, 24, 255, 256])
@pytest.mark.parametrize("value", [None, b"", b"x" * 23, b"y" * 24, b"z" * 300, b"w" * 70000])
def test_node_encoder_is_canonical_cbor(children, value):
    kids = {f"{i:02x}": ref_hash({"i": i}) for i in range(children)}
    expected = cbor2.dumps({"c": kids, "v": value}, canonical=True)
    assert codec.encode(kids, value) == expected
    if children == 0 and value is not None:
        assert codec.encode_leaf(value) == expected
    assert codec.wrap_value(value or b"") == cbor2.dumps(value or b"")


def test_respliced_equals_encoding_from_scratch():
    rng = random.Random(5)
    for _ in range(300):
        tokens = rng.sample([f"{i:02x}" for i in range(256)], rng.choice([0, 1, 2, 30, 256]))
        children = {t: rng.randbytes(32).hex() for t in tokens}
        changes: dict[str, str | None] = {}
        for _ in range(rng.randrange(1, 6)):
            token = f"{rng.randrange(256):02x}"
            changes[token] = None if rng.random() < 0.4 else rng.randbytes(32).hex()
        after = dict(children)
        for token, child in changes.items():
            if child is None:
                after.pop(token, None)
            else:
                after[token] = child
        spliced = codec.respliced(codec.encode(children, None), changes)
        assert spliced == cbor2.dumps({"c": after, "v": None}, canonical=True)
        node = codec.from_blob(spliced)
        assert codec.children(node) == sorted(after.items())
        assert all(codec.child(node, t) == after.get(t) for t in [*changes, *children])
        assert codec.is_empty(node) == (not after)


def test_nodes_from_other_encoders_are_read_in_canonical_layout():
    child = "cd" * 32
    # Not the shortest map head: valid CBOR, but not canonical.
    loose = b"\xa2\x61c\xb8\x01" + cbor2.dumps("ab") + cbor2.dumps(child) + b"\x61v\xf6"
    assert cbor2.loads(loose) == {"c": {"ab": child}, "v": None}
    node = codec.from_blob(loose)
    assert node.encoded == codec.encode({"ab": child}, None)
    assert codec.children(node) == [("ab", child)]
    leaf = codec.from_blob(cbor2.dumps({"c": {}, "v": b"\x43abc"}, canonical=True))
    assert leaf.value == b"\x43abc" and codec.children(leaf) == []
    with pytest.raises(ValueError):
        codec.from_blob(bytes.fromhex(SAWTOOTH_NODE_GOODBYE))  # children and a value


# -- roots against the reference -----------------------------------------------------------------


def test_one_leaf(db):
    address = addr("1cf126")
    root = db.update(EMPTY_ROOT, {address: b"hello"})
    assert root == ref_root({address: b"hello"})
    assert db.get(root, address) == b"hello"
    assert db.has_root(root)


def test_two_siblings_sharing_a_prefix(db):
    a, b = "ab" * 34 + "01", "ab" * 34 + "02"
    root = db.update(EMPTY_ROOT, {a: b"1", b: b"2"})
    assert root == ref_root({a: b"1", b: b"2"})
    # Same leaves, written one at a time.
    assert db.update(db.update(EMPTY_ROOT, {b: b"2"}), {a: b"1"}) == root


def test_deletes_prune_back_to_the_empty_root(db):
    a, b, c = addr("ab01"), addr("ab02"), addr("cd")
    full = db.update(EMPTY_ROOT, {a: b"1", b: b"2", c: b"3"})
    only_c = db.update(full, {}, [a, b])
    assert only_c == ref_root({c: b"3"}) == db.update(EMPTY_ROOT, {c: b"3"})
    assert db.update(only_c, {}, [c]) == EMPTY_ROOT
    assert db.update(full, {}, [c, b, a]) == EMPTY_ROOT
    # One at a time, the sibling first: the shared "ab" node survives, then goes.
    assert db.update(db.update(full, {}, [a]), {}, [b]) == only_c


def test_set_and_delete_sharing_a_pruned_ancestor(db):
    # Deleting y empties the branch that the new x hangs from: Sawtooth PR #2000's case.
    x, y, z = "12" * 34 + "01", "12" * 34 + "02", addr("ff")
    before = db.update(EMPTY_ROOT, {y: b"y", z: b"z"})
    after = db.update(before, {x: b"x"}, [y])
    assert after == ref_root({x: b"x", z: b"z"})


def test_update_order_does_not_matter(db):
    rng = random.Random(7)
    state = {rng.randbytes(35).hex(): rng.randbytes(rng.randrange(40)) for _ in range(60)}
    items = list(state.items())
    roots = set()
    for _ in range(4):
        rng.shuffle(items)
        root = EMPTY_ROOT
        for start in range(0, len(items), 17):
            root = db.update(root, dict(items[start : start + 17]))
        roots.add(root)
    roots.add(db.update(EMPTY_ROOT, dict(reversed(items))))
    assert roots == {ref_root(state)}


def test_many_random_addresses_with_overwrites_and_deletes(db):
    rng = random.Random(11)
    namespace = "e67046"
    state = {namespace + rng.randbytes(32).hex(): rng.randbytes(20) for _ in range(400)}
    root = db.update(EMPTY_ROOT, state)
    assert root == ref_root(state)
    doomed = rng.sample(sorted(state), 150)
    changed = {a: b"new" for a in rng.sample(sorted(set(state) - set(doomed)), 100)}
    changed.update({namespace + rng.randbytes(32).hex(): b"fresh" for _ in range(50)})
    root = db.update(root, changed, doomed)
    for address in doomed:
        del state[address]
    state.update(changed)
    assert root == ref_root(state)
    assert list(db.leaves(root)) == sorted(state.items())
    assert db.get_many(root, [*doomed[:5], *changed]) == {
        **dict.fromkeys(doomed[:5]),
        **changed,
    }


def test_a_single_leaf_branch_is_one_row(conn, db):
    db.update(EMPTY_ROOT, {addr("01"): b"x"})
    assert node_count(conn) == 2  # the root and the branch holding the leaf


def test_reads_and_updates_a_tree_stored_node_by_node_as_sawtooth_does(conn, db):
    rng = random.Random(9)
    state = {"ab" * 30 + rng.randbytes(5).hex(): rng.randbytes(9) for _ in range(40)}
    nodes: dict[str, bytes] = {}
    root = ref_root(state, nodes)
    conn.executemany("INSERT INTO merkle_node VALUES (?, ?)", nodes.items())
    assert list(db.leaves(root)) == sorted(state.items())
    some = sorted(state)[::7]
    assert db.get_many(root, some) == {a: state[a] for a in some}
    changes = {some[0]: b"changed", "ab" * 30 + "0000000001": b"new"}
    new_root = db.update(root, changes, some[1:3])
    for address in some[1:3]:
        del state[address]
    state.update(changes)
    assert new_root == ref_root(state)
    assert db.update(new_root, {}, list(state)) == EMPTY_ROOT


def test_setting_empty_bytes_is_a_set_not_a_delete(db):
    address = addr("aa")
    root = db.update(EMPTY_ROOT, {address: b""})
    assert root != EMPTY_ROOT
    assert root == ref_root({address: b""})
    assert db.get(root, address) == b""
    assert list(db.leaves(root)) == [(address, b"")]


def test_overwrite_with_same_value_keeps_the_root(db):
    root = db.update(EMPTY_ROOT, {addr("01"): b"a", addr("02"): b"b"})
    assert db.update(root, {addr("01"): b"a"}) == root
    assert db.update(root, {}) == root


# -- errors --------------------------------------------------------------------------------------


def test_deleting_a_missing_address_raises_key_error_and_writes_nothing(conn, db):
    present = "77" * 34 + "01"
    root = db.update(EMPTY_ROOT, {present: b"v"})
    rows = node_count(conn)
    for missing in ("77" * 34 + "02", addr("88"), "77" * 34 + "00"):
        with pytest.raises(KeyError, match=missing):
            db.update(root, {addr("99"): b"new"}, [missing])
        with pytest.raises(KeyError):
            db.compute_root(root, {}, [missing])
    with pytest.raises(KeyError):
        db.update(EMPTY_ROOT, {}, [present])
    assert node_count(conn) == rows


def test_bad_arguments_are_rejected_clearly(db):
    root = db.update(EMPTY_ROOT, {addr("01"): b"a"})
    with pytest.raises(ValueError, match="both set and deleted"):
        db.update(root, {addr("01"): b"b"}, [addr("01")])
    for bad in ("ab", addr("AB"), addr("zz"), "0" * 72):
        with pytest.raises(ValueError, match="70 lowercase hex"):
            db.update(root, {bad: b"x"})
        with pytest.raises(ValueError, match="70 lowercase hex"):
            db.get(root, bad)
    with pytest.raises(TypeError, match="must be bytes"):
        db.update(root, {addr("02"): "text"})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="prefix"):
        db.leaves(root, prefix="XY")
    with pytest.raises(ValueError, match="limit"):
        db.leaves(root, limit=-1)


def test_unknown_root_raises_node_not_found(db):
    unknown = "ab" * 32
    assert not db.has_root(unknown)
    assert issubclass(NodeNotFound, KeyError)
    with pytest.raises(NodeNotFound):
        db.get(unknown, addr("01"))
    with pytest.raises(NodeNotFound):
        db.get_many(unknown, [addr("01")])
    with pytest.raises(NodeNotFound):
        db.leaves(unknown)  # eagerly, before iteration
    with pytest.raises(NodeNotFound):
        db.update(unknown, {addr("01"): b"x"})
    with pytest.raises(NodeNotFound):
        db.update(unknown, {})
    with pytest.raises(NodeNotFound):
        db.get(addr("01"), addr("01"))  # an address is not a root


# -- reads ---------------------------------------------------------------------------------------


@pytest.fixture
def listed(db):
    state = {
        addr("0a"): b"1",
        addr("0a01"): b"2",
        "0a" + "ff" * 34: b"3",
        addr("0b"): b"4",
        addr("1a2b"): b"5",
        "ff" * 35: b"6",
    }
    return db.update(EMPTY_ROOT, state), sorted(state.items())


def test_leaves_in_address_order_with_prefix_start_and_limit(db, listed):
    root, items = listed
    assert list(db.leaves(root)) == items
    assert list(db.leaves(root, prefix="0a")) == items[:3]
    assert list(db.leaves(root, prefix="0")) == items[:4]  # odd length
    assert list(db.leaves(root, prefix="1a2")) == [items[4]]
    assert list(db.leaves(root, prefix=items[1][0])) == [items[1]]  # a whole address
    assert list(db.leaves(root, prefix="0c")) == []
    assert list(db.leaves(root, prefix="ff" * 35)) == [items[5]]
    assert list(db.leaves(root, start=items[2][0])) == items[2:]
    assert list(db.leaves(root, start="0a02")) == items[2:]  # between addresses
    assert list(db.leaves(root, start="1")) == items[4:]
    assert list(db.leaves(root, start="f" * 70)) == items[5:]
    assert list(db.leaves(root, limit=2)) == items[:2]
    assert list(db.leaves(root, limit=0)) == []
    assert list(db.leaves(root, limit=100)) == items
    assert list(db.leaves(root, prefix="0", start=items[1][0], limit=2)) == items[1:3]


def test_get_many_matches_get(db, listed):
    root, items = listed
    wanted = [items[3][0], addr("0c"), items[0][0], "0a" + "ff" * 34, items[0][0]]
    found = db.get_many(root, wanted)
    assert list(found) == [items[3][0], addr("0c"), items[0][0], "0a" + "ff" * 34]
    assert found == {a: db.get(root, a) for a in wanted}
    assert db.get_many(root, []) == {}


def test_compute_root_writes_nothing(conn, db, listed):
    root, _ = listed
    rows = node_count(conn)
    preview = db.compute_root(root, {addr("77"): b"x"}, [addr("0b")])
    assert node_count(conn) == rows
    assert not db.has_root(preview)
    assert db.update(root, {addr("77"): b"x"}, [addr("0b")]) == preview
    assert db.has_root(preview)


def test_a_tiny_cache_gives_the_same_answers(conn):
    small = MerkleDatabase(conn, cache_bytes=2000)
    rng = random.Random(3)
    state = {rng.randbytes(35).hex(): rng.randbytes(8) for _ in range(50)}
    root = small.update(EMPTY_ROOT, state)
    assert root == ref_root(state)
    assert dict(small.leaves(root)) == state
    fresh = MerkleDatabase(conn, cache_bytes=2000)
    assert all(fresh.get(root, a) == v for a, v in state.items())


# -- transactions and persistence ----------------------------------------------------------------


def test_caller_owns_the_transaction(tmp_path):
    path = tmp_path / "state.sqlite"
    writer, reader = sqlite3.connect(path), sqlite3.connect(path)
    try:
        db = MerkleDatabase(writer)
        writer.commit()  # the table
        assert not writer.in_transaction
        pending = db.update(EMPTY_ROOT, {addr("01"): b"pending"})
        # Readable through the writer's uncommitted transaction, invisible to anyone else.
        assert db.get(pending, addr("01")) == b"pending"
        assert db.has_root(pending)
        assert not MerkleDatabase(reader).has_root(pending)
        writer.rollback()
        assert not db.has_root(pending)
        committed = db.update(EMPTY_ROOT, {addr("02"): b"kept"})
        writer.commit()
        assert MerkleDatabase(reader).get(committed, addr("02")) == b"kept"
    finally:
        writer.close()
        reader.close()


def test_every_root_survives_a_reopen(tmp_path):
    path = tmp_path / "state.sqlite"
    conn = sqlite3.connect(path)
    try:
        db = MerkleDatabase(conn)
        first = db.update(EMPTY_ROOT, {addr("01"): b"one", addr("02"): b"two"})
        second = db.update(first, {addr("03"): b"three"}, [addr("01")])
        conn.commit()
    finally:
        conn.close()
    conn = sqlite3.connect(path)
    try:
        db = MerkleDatabase(conn)
        assert db.has_root(first) and db.has_root(second)
        assert list(db.leaves(first)) == [(addr("01"), b"one"), (addr("02"), b"two")]
        assert list(db.leaves(second)) == [(addr("02"), b"two"), (addr("03"), b"three")]
        assert db.get(first, addr("01")) == b"one"
        assert db.get(second, addr("01")) is None
    finally:
        conn.close()


# -- property: any sequence of updates lands on the reference root -------------------------------

# Few bases and few token choices, so addresses share prefixes of every length.
_BASES = ["00" * 30, "00" * 29 + "01", "ab" * 30]
addresses = st.builds(
    lambda base, tail: base + "".join(tail),
    st.sampled_from(_BASES),
    st.lists(st.sampled_from(["00", "a1", "ff"]), min_size=5, max_size=5),
)
values = st.binary(max_size=30)


@st.composite
def update_sequences(draw):
    """Batches of (sets, deletes) valid against the state the earlier batches leave."""
    state: dict[str, bytes] = {}
    batches = []
    for _ in range(draw(st.integers(1, 6))):
        sets = draw(st.dictionaries(addresses, values, max_size=8))
        deletable = sorted(set(state) - set(sets))
        deletes = draw(st.lists(st.sampled_from(deletable), unique=True)) if deletable else []
        batches.append((sets, deletes))
        for address in deletes:
            del state[address]
        state.update(sets)
    return batches, state


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(update_sequences(), st.sampled_from([1000, 10_000_000]))
def test_any_update_sequence_matches_the_reference(case, cache_bytes):
    batches, final = case
    conn = sqlite3.connect(":memory:")
    try:
        db = MerkleDatabase(conn, cache_bytes=cache_bytes)
        root, state = EMPTY_ROOT, {}
        for sets, deletes in batches:
            preview = db.compute_root(root, sets, deletes)
            root = db.update(root, sets, deletes)
            for address in deletes:
                del state[address]
            state.update(sets)
            assert root == preview == ref_root(state)
        assert state == final
        assert db.update(EMPTY_ROOT, final) == root
        assert list(db.leaves(root)) == sorted(final.items())
    finally:
        conn.close()
