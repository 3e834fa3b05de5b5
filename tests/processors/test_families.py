"""The registry: every family package's descriptor is complete and used everywhere."""

import pytest

from smartblocks.clients.portal.families import default_registry
from smartblocks.processors.families import FAMILIES, load_handler
from smartblocks.processors.kit.addressing import make_address


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_descriptor_matches_its_handler(name: str):
    family = FAMILIES[name]
    handler = load_handler(name)
    assert isinstance(handler, family.handler)
    assert handler.family_name == family.name and handler.namespaces == [family.namespace]
    assert list(family.versions) == handler.family_versions
    infixes = [kind.infix for kind in family.records]
    assert len(set(infixes)) == len(infixes) and all(len(i) == 2 for i in infixes)
    for kind in family.records:
        assert family.record_kind(make_address(family.namespace, kind.infix, "x")) is kind


def test_the_portal_decodes_every_family():
    registry = default_registry()
    for family in FAMILIES.values():
        shown = registry.get(family.name)
        assert shown is not None and shown.namespace == family.namespace
        assert shown.record_types == {kind.infix: kind.name for kind in family.records}


def test_blockmeter_records_are_shown_with_readable_times():
    from smartblocks.processors.blockmeter import FAMILY, addressing
    from smartblocks.protos.blockmeter_pb2 import MeterHead

    head = MeterHead(meter_id="m", last_window_end=1772371800)
    kind, shown = FAMILY.show_record(addressing.meter_head_address("m"), head.SerializeToString())
    assert kind == "meter_head" and shown["last_window_end"] == "2026-03-01T13:30:00Z"
