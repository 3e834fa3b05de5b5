import hashlib

from smartblocks.processors.kit.addressing import (
    infix_of,
    is_address,
    key_hash,
    make_address,
    namespace,
)


def test_layout():
    ns = namespace("energycontract")
    assert ns == hashlib.sha512(b"energycontract").hexdigest()[:6]
    address = make_address(ns, "07", "c-1", "2026-03")
    assert address == ns + "07" + hashlib.sha512(b"c-1/2026-03").hexdigest()[:62]
    assert is_address(address) and infix_of(address, ns) == "07"
    assert key_hash("a", "b") == key_hash("a/b")  # why ids may not contain "/"


def test_type_of_foreign_or_malformed_addresses_is_none():
    ns = namespace("blockmeter")
    good = make_address(ns, "02", "m")
    assert infix_of(good, namespace("kv")) is None
    assert infix_of(good[:-1], ns) is None
    assert infix_of(good.upper(), ns.upper()) is None
    assert not is_address(good + "0")
