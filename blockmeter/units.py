"""The one conversion from a source's reading to the integer base units that go on the ledger.

Base units (docs/units.md): energy mWh, power mW, volume mL, temperature milli-degrees C, speed
mm/s. A reading `raw` in `unit`, multiplied by the meter's `scale`, becomes
`round_half_away_from_zero(Decimal(raw) * scale * factor(unit))`. `Decimal(float)` is exact, so a
float register decodes to the same integer on every machine.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# unit -> (base unit, factor to base)
UNITS: dict[str, tuple[str, Decimal]] = {
    "mWh": ("mWh", Decimal(1)),
    "Wh": ("mWh", Decimal(1000)),
    "kWh": ("mWh", Decimal(1000000)),
    "MWh": ("mWh", Decimal(1000000000)),
    "mW": ("mW", Decimal(1)),
    "W": ("mW", Decimal(1000)),
    "kW": ("mW", Decimal(1000000)),
    "mL": ("mL", Decimal(1)),
    "L": ("mL", Decimal(1000)),
    "m3": ("mL", Decimal(1000000)),
    "mdegC": ("mdegC", Decimal(1)),
    "degC": ("mdegC", Decimal(1000)),
    "mm/s": ("mm/s", Decimal(1)),
    "m/s": ("mm/s", Decimal(1000)),
}


QUANTITY_BASE_UNITS = ("mWh", "mL")  # they add up: registers count them


def base_unit(unit: str) -> str:
    return UNITS[unit][0]


def is_quantity(unit: str) -> bool:
    return base_unit(unit) in QUANTITY_BASE_UNITS


def parse_scale(text: str | int | float) -> Decimal:
    """A scale from config: a decimal string ("0.01") or integer; floats go through repr."""
    try:
        scale = Decimal(str(text))
    except InvalidOperation:
        raise ValueError(f"not a decimal number: {text!r}") from None
    if not scale.is_finite() or scale == 0:
        raise ValueError(f"must be a finite, non-zero decimal, got {text!r}")
    return scale


def to_base(raw: int | float | Decimal, unit: str, scale: Decimal = Decimal(1)) -> int:
    """Convert one reading to base units, rounding half away from zero."""
    if isinstance(raw, float) and raw != raw:  # NaN: a meter error, never a number
        raise ValueError("reading is NaN")
    exact = Decimal(raw) * scale * UNITS[unit][1]
    if not exact.is_finite():
        raise ValueError(f"reading is not finite: {raw!r}")
    return int(exact.to_integral_value(rounding=ROUND_HALF_UP))
