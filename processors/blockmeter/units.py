"""Meter kinds, their units, and what a unit's values mean.

Quantity units (energy mWh, volume mL) add up: interval values are summed, registers count
them. Rate units (temperature, speed, irradiance, humidity) are instantaneous or mean values:
their rollups keep sums and counts so means can be computed, and they cannot be registers.
"""

from __future__ import annotations

from smartblocks.protos.blockmeter_pb2 import MeterKind, Unit

QUANTITY_UNITS = frozenset({Unit.MILLIWATT_HOUR, Unit.MILLILITRE})

ALLOWED_UNITS: dict[int, frozenset[int]] = {
    MeterKind.ELECTRICITY_IMPORT: frozenset({Unit.MILLIWATT_HOUR}),
    MeterKind.ELECTRICITY_EXPORT: frozenset({Unit.MILLIWATT_HOUR}),
    MeterKind.GENERATION: frozenset({Unit.MILLIWATT_HOUR}),
    # Gas is metered by volume or, after calorific conversion, by energy.
    MeterKind.GAS: frozenset({Unit.MILLIWATT_HOUR, Unit.MILLILITRE}),
    MeterKind.HEAT: frozenset({Unit.MILLIWATT_HOUR}),
    MeterKind.COOLING: frozenset({Unit.MILLIWATT_HOUR}),
    MeterKind.WATER: frozenset({Unit.MILLILITRE}),
    MeterKind.TEMPERATURE: frozenset({Unit.MILLIDEGREE_CELSIUS}),
    MeterKind.WIND_SPEED: frozenset({Unit.MILLIMETRE_PER_SECOND}),
    MeterKind.SOLAR_IRRADIANCE: frozenset({Unit.MILLIWATT_PER_SQUARE_METRE}),
    MeterKind.RELATIVE_HUMIDITY: frozenset({Unit.PARTS_PER_MILLION}),
    # A battery's energy in and out: its own kinds, so it is never counted as import/generation.
    MeterKind.STORAGE_CHARGE: frozenset({Unit.MILLIWATT_HOUR}),
    MeterKind.STORAGE_DISCHARGE: frozenset({Unit.MILLIWATT_HOUR}),
}

UNIT_SYMBOLS: dict[int, str] = {
    Unit.MILLIWATT_HOUR: "mWh",
    Unit.MILLILITRE: "mL",
    Unit.MILLIDEGREE_CELSIUS: "m°C",
    Unit.MILLIMETRE_PER_SECOND: "mm/s",
    Unit.MILLIWATT_PER_SQUARE_METRE: "mW/m²",
    Unit.PARTS_PER_MILLION: "ppm",
}

# Conventional meanings of quality flag bits; any non-zero word counts as "flagged" in rollups.
QUALITY_ESTIMATED = 1
QUALITY_SUBSTITUTED = 2
QUALITY_SUSPECT = 4
QUALITY_CLOCK_ADJUSTED = 8
# No sample was taken for this slot: the value repeats the last reading (registers, rates) or is
# 0 (interval quantities). Set by the BlockMeter agent; the processor treats it like any flag.
QUALITY_MISSING = 16


def is_quantity(unit: int) -> bool:
    return unit in QUANTITY_UNITS


def kind_name(kind: int) -> str:
    try:
        return MeterKind.Name(kind)
    except ValueError:
        return str(kind)


def unit_name(unit: int) -> str:
    try:
        return Unit.Name(unit)
    except ValueError:
        return str(unit)
