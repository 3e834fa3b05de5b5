"""BlockInfo addresses are Sawtooth's: the BlockInfo transaction family specification gives
the config's "zero-address" under 00b10c01 and `'00b10c00' + hex(block_num)[2:].zfill(62)`."""

from __future__ import annotations

import pytest

from smartblocks.processors.block_info import FAMILY, addressing
from smartblocks.processors.kit.addressing import is_address


def test_namespace_and_config_address() -> None:
    assert addressing.NAMESPACE == "00b10c"
    assert addressing.CONFIG_ADDRESS == "00b10c01" + "0" * 62
    assert addressing.BLOCK_PREFIX == "00b10c00"


@pytest.mark.parametrize("num", [0, 1, 9, 10, 255, 256, 1_000_000, 2**64 - 1])
def test_block_addresses_follow_the_specification(num: int) -> None:
    address = addressing.block_address(num)
    assert address == "00b10c00" + hex(num)[2:].zfill(62)
    assert is_address(address) and addressing.block_num_of(address) == num


def test_known_addresses() -> None:
    assert addressing.block_address(26) == "00b10c00" + "0" * 60 + "1a"
    assert addressing.block_address(2**64 - 1) == "00b10c00" + "0" * 46 + "f" * 16


def test_block_numbers_beyond_uint64_have_no_address() -> None:
    with pytest.raises(ValueError, match="not a uint64"):
        addressing.block_address(2**64)
    with pytest.raises(ValueError, match="not a uint64"):
        addressing.block_address(-1)


@pytest.mark.parametrize(
    "address",
    [
        addressing.CONFIG_ADDRESS,
        "00b10c00" + "0" * 61,  # short
        "00b10c00" + "0" * 61 + "A",  # upper case
        "00b10c00" + "0" * 60 + "_1",
        "bdbb9600" + "0" * 62,
    ],
)
def test_other_addresses_hold_no_block_number(address: str) -> None:
    assert addressing.block_num_of(address) is None


def test_the_descriptor_tells_the_record_kinds_apart() -> None:
    assert FAMILY.record_kind(addressing.CONFIG_ADDRESS).name == "config"
    assert FAMILY.record_kind(addressing.block_address(5)).name == "block"
    assert FAMILY.record_kind("00b10c02" + "0" * 62) is None
