"""What the four templates share: the value of energy at a price, the payer-favouring rounding,
dues and figures checked to fit their fields, and the checks of prices, amounts and shares
(docs/energycontract.md#templates).

Units: energy in the meters' unit (mWh or mL); a price in micro-units of currency per 10^6 of
that unit (per kWh for mWh meters, per m³ for mL); money in micro-units.

Rounding: every division that makes a payment rounds in the payer's favour (FLOOR of what is
paid, CEILING of a discount the payer is granted), so rounding never makes anyone pay a
fraction of a micro-unit they did not owe.
"""

from __future__ import annotations

from collections.abc import Iterable

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.arithmetic import PPM, Rounding, check_int64, mul_div, ppm_of

from ..limits import MAX_AMOUNT, MAX_ENERGY, MAX_PRICE
from .base import Due

PRICE_UNIT = 1_000_000  # a price is per 10^6 of the meters' unit (per kWh of mWh, per m³ of mL)


def value_of(energy: int, price: int, *, what: str) -> int:
    """Money (micro-units) of `energy` at `price`: energy * price / 10^6, rounded down (FLOOR):
    what is valued is paid by someone, and never a fraction more than the exact value."""
    return mul_div(energy, price, PRICE_UNIT, Rounding.FLOOR, what=what)


def share_of(value: int, share_ppm: int, *, what: str) -> int:
    """A party's share of a value, in ppm, rounded down (FLOOR): the payer's favour."""
    return ppm_of(value, share_ppm, Rounding.FLOOR, what=what)


def due(reason: str, payer: str, payee: str, amount: int) -> tuple[Due, ...]:
    """One Due, or none when the amount is 0. A negative amount is a template bug: refused."""
    check_int64(reason, amount)
    if amount < 0:
        raise InvalidTransaction(f"{reason}: negative amount {amount:,} (a template error)")
    return (Due(reason, payer, payee, amount),) if amount else ()


def figures(template: str, pairs: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """The figures as recorded (Figure.value is sint64): each checked to fit 64 bits."""
    return tuple((name, check_int64(f"{template}: {name}", value)) for name, value in pairs)


# Checks of the parameters: messages name the field and its value; callers prefix
# "terms of contract X: <template>: ".


def check_price(name: str, price: int) -> None:
    if not 1 <= price <= MAX_PRICE:
        raise InvalidTransaction(
            f"{name} {price:,} is not within 1..{MAX_PRICE:,} micro-units per 10^6 of the "
            "meters' unit"
        )


def check_amount(name: str, amount: int, *, low: int = 0) -> None:
    if not low <= amount <= MAX_AMOUNT:
        raise InvalidTransaction(
            f"{name} {amount:,} is not within {low:,}..{MAX_AMOUNT:,} micro-units"
        )


def check_energy(name: str, energy: int) -> None:
    if not 0 <= energy <= MAX_ENERGY:
        raise InvalidTransaction(
            f"{name} {energy:,} is not within 0..{MAX_ENERGY:,} in the meters' unit"
        )


def check_ppm(name: str, ppm: int, *, high: int = PPM) -> None:
    if not 0 <= ppm <= high:
        raise InvalidTransaction(f"{name} {ppm:,} is not within 0..{high:,} ppm")


def check_shares(esco_name: str, esco_ppm: int, owner_name: str, owner_ppm: int) -> None:
    """Both shares within 0..1,000,000 and summing to 1,000,000 (100 %)."""
    check_ppm(esco_name, esco_ppm)
    check_ppm(owner_name, owner_ppm)
    total = esco_ppm + owner_ppm
    if total != PPM:
        raise InvalidTransaction(
            f"{esco_name} {esco_ppm:,} + {owner_name} {owner_ppm:,} = {total:,}; "
            f"shares must sum to {PPM:,} (100 %)"
        )
