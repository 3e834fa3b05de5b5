"""What people write and what the ledger stores: money, prices, shares, durations and energy as
text ("5000.00", "60 %", "7d", "1200 kWh") both ways, exactly (Decimal, never float).

Ledger units (protos/energycontract.proto): money in micro-units (1 EUR = 1,000,000); a price
in micro-units per 10^6 of the meters' base unit (0.25 EUR/kWh -> 250,000, as 1 kWh = 10^6 mWh);
shares in ppm; durations in seconds; energy in base units (mWh or mL, blockmeter/units.py).

Every parser raises ValueError with a message fit to follow "KEY: " or "--flag: ".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from smartblocks.blockmeter import units

MICRO = 1_000_000
PPM = 1_000_000
DURATION_UNITS = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}
_DURATION = re.compile(r"(\d+)\s*([dhms])")
ENERGY_UNITS = tuple(u for u in units.UNITS if units.is_quantity(u))


def _decimal(value: object, example: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | str):
        hint = " (write decimals as strings, exactly)" if isinstance(value, float) else ""
        raise ValueError(
            f"must be a decimal number as a string, e.g. {example}{hint}; got {value!r}"
        )
    try:
        number = Decimal(str(value).strip().replace("_", ""))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number (e.g. {example})") from None
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def _micro(number: Decimal, value: object, what: str) -> int:
    scaled = number * MICRO
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value!r} has more than 6 decimals; {what} are exact to 0.000001")
    if scaled < 0:
        raise ValueError(f"{value!r} is negative")
    return int(scaled)


def parse_amount(value: object) -> int:
    """ "5000.00" (currency units) -> 5,000,000,000 micro-units."""
    return _micro(_decimal(value, '"5000.00"'), value, "amounts")


def format_amount(micro: int, currency: str = "") -> str:
    """5,000,000,000 -> "5,000.00" (2 decimals at least, up to 6 when needed)."""
    sign = "-" if micro < 0 else ""
    whole, fraction = divmod(abs(micro), MICRO)
    digits = f"{fraction:06d}".rstrip("0").ljust(2, "0")
    text = f"{sign}{whole:,}.{digits}"
    return f"{text} {currency}" if currency else text


def plain_amount(micro: int) -> str:
    """As parse_amount reads it back: "5000.00"."""
    return format_amount(micro).replace(",", "")


def parse_price(value: object) -> int:
    """ "0.25" (currency per kWh, or per m³ for volume meters) -> 250,000."""
    return _micro(_decimal(value, '"0.25"'), value, "prices")


def parse_ratio(value: object) -> int:
    """ "60 %" or "60%" -> 600,000 ppm; a bare integer is ppm already."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{value} ppm is negative")
        return value
    if not isinstance(value, str) or not value.strip().endswith("%"):
        raise ValueError(f'must be a percentage such as "60 %" or an integer in ppm; got {value!r}')
    number = _decimal(value.strip()[:-1], '"60 %"')
    ppm = number * (PPM // 100)
    if ppm != ppm.to_integral_value() or ppm < 0:
        raise ValueError(f"{value!r} is not a whole number of ppm (at most 4 decimals of a %)")
    return int(ppm)


def format_ratio(ppm: int) -> str:
    percent = Decimal(ppm) / (PPM // 100)
    return f"{percent.normalize():f} %"


def parse_duration(value: object) -> int:
    """ "30d", "12h", "90m", "3600s", "1d 12h" or an integer (seconds) -> seconds."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{value} s is negative")
        return value
    text = value.strip() if isinstance(value, str) else ""
    parts = _DURATION.findall(text)
    if not text or _DURATION.sub("", text).strip():
        raise ValueError(f'must be a duration such as "30d", "12h", "3600s"; got {value!r}')
    return sum(int(n) * DURATION_UNITS[u] for n, u in parts)


def format_duration(seconds: int) -> str:
    for unit in ("d", "h", "m"):
        if seconds and seconds % DURATION_UNITS[unit] == 0:
            return f"{seconds // DURATION_UNITS[unit]}{unit}"
    return f"{seconds}s"


def parse_energy(value: object) -> tuple[int, str]:
    """ "1200 kWh" -> (1,200,000,000, "mWh"); "35 m3" -> (35,000,000, "mL")."""
    text = value.strip() if isinstance(value, str) else ""
    number, _, unit = text.partition(" ")
    unit = unit.strip()
    if unit not in ENERGY_UNITS:
        raise ValueError(
            f'must be an energy or volume with its unit, e.g. "1200 kWh" '
            f"({', '.join(ENERGY_UNITS)}); got {value!r}"
        )
    exact = _decimal(number, '"1200 kWh"') * units.UNITS[unit][1]
    if exact != exact.to_integral_value() or exact < 0:
        raise ValueError(f"{value!r} is not a whole number of {units.base_unit(unit)}")
    return int(exact), units.base_unit(unit)


def display_energy(base: int, base_unit: str) -> str:
    """For people: exact, in kWh (m3) with thousands separators, e.g. "6,522.797833 kWh"."""
    big = {"mWh": "kWh", "mL": "m3"}.get(base_unit)
    if big is None:
        return f"{base:,} {base_unit}"
    text = f"{Decimal(base) / MICRO:,f}"
    return f"{text.rstrip('0').rstrip('.') if '.' in text else text} {big}"


def display_ppm(ppm: int) -> str:
    """A ppm ratio as a percentage for people: 966,666 -> "96.67 %"."""
    return f"{ppm / 10_000:.2f} %"


def format_energy(base: int, base_unit: str) -> str:
    """In kWh (m3) when exact, else in the base unit."""
    big = {"mWh": "kWh", "mL": "m3"}.get(base_unit)
    if big and base % MICRO == 0:
        return f"{base // MICRO} {big}"
    return f"{base} {base_unit}"
