import hashlib

import pytest

from smartblocks.processors.blockmeter import addressing
from smartblocks.processors.blockmeter.addressing import RecordType


def test_namespace_is_sha512_of_the_family_name():
    assert hashlib.sha512(b"blockmeter").hexdigest()[:6] == addressing.NAMESPACE


ALL = [
    (addressing.site_address("s-1"), RecordType.SITE, "s-1"),
    (addressing.meter_address("m-17"), RecordType.METER, "m-17"),
    (addressing.meter_head_address("m-17"), RecordType.METER_HEAD, "m-17"),
    (addressing.day_rollup_address("m-17", "2026-03-01"), RecordType.DAY_ROLLUP, "m-17/2026-03-01"),
    (addressing.month_rollup_address("m-17", "2026-03"), RecordType.MONTH_ROLLUP, "m-17/2026-03"),
]


@pytest.mark.parametrize(("address", "record_type", "key"), ALL)
def test_layout_and_type_round_trip(address, record_type, key):
    assert len(address) == 70
    assert address == (
        addressing.NAMESPACE + record_type.value + hashlib.sha512(key.encode()).hexdigest()[:62]
    )
    assert addressing.record_type(address) is record_type
    assert address.startswith(record_type.prefix)


def test_addresses_are_distinct():
    assert len({a for a, _, _ in ALL}) == len(ALL)
    # Same key, different record type: different address.
    assert addressing.meter_address("m-17")[8:] == addressing.meter_head_address("m-17")[8:]


@pytest.mark.parametrize(
    "address",
    [
        "",
        addressing.NAMESPACE + "99" + "0" * 62,  # unknown type
        "000000" + "02" + "0" * 62,  # another family's namespace
        addressing.meter_address("m")[:-1],  # too short
        addressing.meter_address("m").upper(),
    ],
)
def test_record_type_of_foreign_or_malformed_addresses(address):
    assert addressing.record_type(address) is None
