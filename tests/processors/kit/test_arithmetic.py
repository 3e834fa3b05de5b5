import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.arithmetic import (
    Rounding,
    check_int64,
    check_uint64,
    divide,
    mul_div,
    ppm_of,
)


def reference(n: int, d: int, rounding: Rounding) -> int:
    exact = Fraction(n, d)
    floor, ceiling = math.floor(exact), math.ceil(exact)
    if rounding is Rounding.FLOOR:
        return floor
    if rounding is Rounding.CEILING:
        return ceiling
    if rounding is Rounding.TOWARD_ZERO:
        return int(exact)
    if exact - floor != Fraction(1, 2):
        return round(exact)  # not a tie: nearest
    if rounding is Rounding.HALF_EVEN:
        return floor if floor % 2 == 0 else ceiling
    return ceiling if exact > 0 else floor  # HALF_UP: away from zero


@pytest.mark.parametrize(
    ("n", "d", "expected"),
    [
        (5, 2, {"floor": 2, "ceiling": 3, "toward zero": 2, "half up": 3, "half even": 2}),
        (-5, 2, {"floor": -3, "ceiling": -2, "toward zero": -2, "half up": -3, "half even": -2}),
        (7, 2, {"floor": 3, "ceiling": 4, "toward zero": 3, "half up": 4, "half even": 4}),
        (-7, -3, {"floor": 2, "ceiling": 3, "toward zero": 2, "half up": 2, "half even": 2}),
        (6, 3, {"floor": 2, "ceiling": 2, "toward zero": 2, "half up": 2, "half even": 2}),
    ],
)
def test_named_rounding_rules(n: int, d: int, expected: dict[str, int]):
    for rounding in Rounding:
        assert divide(n, d, rounding) == expected[rounding.value], rounding


@given(
    st.integers(-(10**30), 10**30),
    st.integers(-(10**12), 10**12).filter(bool),
    st.sampled_from(list(Rounding)),
)
def test_divide_matches_exact_fractions(n: int, d: int, rounding: Rounding):
    assert divide(n, d, rounding) == reference(n, d, rounding)


def test_products_are_exact_before_the_one_rounding():
    # 1e18 micro-units x 333,333 ppm: a float would lose the last digits.
    assert ppm_of(10**18, 333_333, Rounding.FLOOR) == 333_333 * 10**12
    assert mul_div(2**62, 3, 7, Rounding.HALF_EVEN) == reference(2**62 * 3, 7, Rounding.HALF_EVEN)


def test_division_by_zero_names_what_was_divided():
    with pytest.raises(InvalidTransaction, match="savings share: division by zero"):
        divide(1, 0, Rounding.FLOOR, what="savings share")


def test_range_checks_name_the_value():
    assert check_int64("x", 2**63 - 1) == 2**63 - 1
    with pytest.raises(InvalidTransaction, match="balance 9223372036854775808 does not fit"):
        check_int64("balance", 2**63)
    with pytest.raises(InvalidTransaction, match=r"fee -1 is not within 0.."):
        check_uint64("fee", -1)
