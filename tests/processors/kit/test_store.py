"""The record store: cached reads in one request, checked and buffered writes, one flush."""

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.blockmeter import records as blockmeter_records
from smartblocks.processors.kit.addressing import make_address, namespace
from smartblocks.processors.kit.store import RecordStore, proto_ref
from smartblocks.protos.blockmeter_pb2 import Rollup, Site
from tests.support.contexts import FakeContext

NS = namespace("testfamily")


def site_ref(site_id: str):
    return proto_ref(make_address(NS, "01", site_id), f"site {site_id}", Site)


class CountingContext(FakeContext):
    def __init__(self, state=None):
        super().__init__(state)
        self.get_calls = 0
        self.deleted: list[str] = []

    def get_state(self, addresses, timeout=None):
        self.get_calls += 1
        return super().get_state(addresses, timeout)

    def delete_state(self, addresses, timeout=None):
        self.deleted += list(addresses)
        return super().delete_state(addresses, timeout)


def store_for(context, inputs=(NS,), outputs=(NS,)):
    return RecordStore(context, list(inputs), list(outputs), [NS])


def test_reads_are_loaded_in_one_request_and_cached():
    a, b = site_ref("a"), site_ref("b")
    context = CountingContext({a.address: Site(site_id="a", name="A").SerializeToString()})
    store = store_for(context)
    store.load([a, b, a])
    assert store.get(a) == Site(site_id="a", name="A")
    assert store.get(b) is None
    assert context.get_calls == 1


def test_writes_wait_for_flush_sorted_and_reads_see_them():
    refs = [site_ref(x) for x in "zyx"]
    context = CountingContext()
    store = store_for(context)
    for ref in refs:
        store.put(ref, Site(site_id=ref.description))
    assert context.state == {} and store.get(refs[0]) == Site(site_id="site z")
    store.emit("testfamily/changed", [("n", "3")])
    store.flush()
    assert list(context.state) == sorted(r.address for r in refs)
    assert context.set_calls == 1
    assert context.events == [("testfamily/changed", [("n", "3")], None)]


def test_delete_is_buffered_and_reads_then_see_nothing():
    ref = site_ref("a")
    context = CountingContext({ref.address: Site(site_id="a").SerializeToString()})
    store = store_for(context)
    store.delete(ref)
    assert store.get(ref) is None and ref.address in context.state
    store.flush()
    assert context.deleted == [ref.address] and ref.address not in context.state


def test_undeclared_addresses_are_named():
    ref = site_ref("a")
    store = store_for(CountingContext(), inputs=[], outputs=[])
    with pytest.raises(
        InvalidTransaction, match=rf"must list site a \(address {ref.address}\) in its inputs"
    ):
        store.get(ref)
    with pytest.raises(InvalidTransaction, match="in its outputs"):
        store.put(ref, Site())


def test_other_families_records_are_read_only_views():
    rollup = blockmeter_records.day_rollup("m-17", "2026-03-01")
    context = CountingContext({rollup.address: Rollup(meter_id="m-17", sum=5).SerializeToString()})
    store = store_for(context, inputs=[NS, rollup.address], outputs=[NS, rollup.address])
    assert store.get(rollup) == Rollup(meter_id="m-17", sum=5)
    with pytest.raises(InvalidTransaction, match="belongs to another family and is read-only"):
        store.put(rollup, Rollup())


def test_corrupt_records_are_invalid_not_a_crash():
    ref = site_ref("a")
    store = store_for(CountingContext({ref.address: b"\xff\xff\xff"}))
    with pytest.raises(InvalidTransaction, match=r"site a at .* is corrupt"):
        store.get(ref)
