"""Integer arithmetic for state: checked ranges and divisions with a named rounding rule.

State holds integers in fixed units (energy mWh, money micro-units, ratios ppm; docs/units.md).
Python integers never overflow, but protobuf int64/uint64 fields do, so results are checked
against their field's range before they are stored. Every division names its rounding rule, so
the same inputs give the same result on every validator and in every off-chain preview.
"""

from __future__ import annotations

import enum

from sawtooth_sdk.processor.exceptions import InvalidTransaction

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1
PPM = 1_000_000  # parts per million: 100 % = 1,000,000 ppm
MICRO = 1_000_000  # micro-units per unit of a currency


class Rounding(enum.Enum):
    FLOOR = "floor"  # toward minus infinity
    CEILING = "ceiling"  # toward plus infinity
    TOWARD_ZERO = "toward zero"  # truncate
    HALF_UP = "half up"  # nearest; halves away from zero (commercial rounding)
    HALF_EVEN = "half even"  # nearest; halves to the even neighbour (banker's rounding)


def divide(numerator: int, denominator: int, rounding: Rounding, *, what: str = "") -> int:
    """numerator / denominator as an integer by the named rule."""
    if denominator == 0:
        raise InvalidTransaction(f"{what or 'a division'}: division by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(numerator, denominator)  # floor division, remainder >= 0
    if remainder == 0 or rounding is Rounding.FLOOR:
        return quotient
    if rounding is Rounding.CEILING:
        return quotient + 1
    if rounding is Rounding.TOWARD_ZERO:
        return quotient + 1 if numerator < 0 else quotient
    twice = 2 * remainder
    if twice < denominator:
        return quotient
    if twice > denominator:
        return quotient + 1
    # Exactly half way between quotient and quotient + 1.
    if rounding is Rounding.HALF_UP:
        return quotient + 1 if numerator > 0 else quotient
    return quotient + (quotient % 2)  # HALF_EVEN


def mul_div(a: int, b: int, c: int, rounding: Rounding, *, what: str = "") -> int:
    """a * b / c with one rounding (the product is exact: Python integers)."""
    return divide(a * b, c, rounding, what=what)


def ppm_of(amount: int, ppm: int, rounding: Rounding, *, what: str = "") -> int:
    """`ppm` parts per million of `amount`, e.g. a 30 % share: ppm_of(x, 300_000, ...)."""
    return mul_div(amount, ppm, PPM, rounding, what=what)


def check_int64(what: str, value: int) -> int:
    """`value` if it fits a protobuf int64/sint64 field; else an InvalidTransaction."""
    if not INT64_MIN <= value <= INT64_MAX:
        raise InvalidTransaction(f"{what} {value} does not fit a 64-bit signed integer")
    return value


def check_uint64(what: str, value: int) -> int:
    if not 0 <= value <= UINT64_MAX:
        raise InvalidTransaction(f"{what} {value} is not within 0..{UINT64_MAX}")
    return value
