"""Baseline tables (protos/baseline.proto): validation, evaluation, canonical bytes and hash.

The one evaluator of the baseline both parties sign: the EnergyContract and BlockPredict
processors use it on-chain, the M&V engine (clients/mv), previews and the portal off-chain.
Pure integers; no floats, numpy or clock.

Evaluation of a curve at temperature `t` (m°C), knots `(t0, e0) < (t1, e1) < ... < (tn, en)`:

- `t <= t0`: `e0`; `t >= tn`: `en` (constant outside the knots);
- `ti <= t < ti+1`: `(ei * (ti+1 - ti) + (ei+1 - ei) * (t - ti)) / (ti+1 - ti)`, the exact
  value rounded once by ROUNDING (half to even: 1.5 -> 2, 2.5 -> 2), so a knot's own
  temperature gives its energy exactly and values between two knots lie between theirs.

Day types are UTC: a day counted from 1970-01-01 (a Thursday) has weekday `(day + 3) % 7`,
0 = Monday; an hour of the week is `weekday * 24 + hour`; MONTHS_WEEKDAY_WEEKEND numbers
`(month - 1) * 2 + weekend` and MONTHS_HOURS_OF_WEEK `(month - 1) * 168 + hour of the week`
(the Gregorian month of the UTC day).
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
from collections.abc import Iterable, Sequence

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.protos.baseline_pb2 import BaselineTable, Curve, DayTypes, Knot, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit

from .arithmetic import Rounding, divide

FORMAT_VERSION = 1
ROUNDING = Rounding.HALF_EVEN  # the one rounding rule of interpolation (docs/units.md)

MAX_KNOTS = 256  # per curve: every 0.5 °C from -60 °C to +60 °C fits
MIN_TEMPERATURE = -100_000  # m°C
MAX_TEMPERATURE = 100_000
MAX_ENERGY = 10**15  # per day or hour, in the unit: 1 TWh in mWh
MAX_MODEL_CHARS = 200
SECONDS_PER_HOUR = 3_600
SECONDS_PER_DAY = 86_400
_EPOCH = datetime.date(1970, 1, 1)

# How many day types each scheme has.
DAY_TYPE_COUNTS: dict[int, int] = {
    DayTypes.ALL_DAYS: 1,
    DayTypes.WEEKDAY_WEEKEND: 2,
    DayTypes.DAYS_OF_WEEK: 7,
    DayTypes.HOURS_OF_WEEK: 168,
    DayTypes.MONTHS_WEEKDAY_WEEKEND: 24,
    DayTypes.MONTHS_HOURS_OF_WEEK: 12 * 168,
}
# The schemes of PER_HOUR tables (the others are of whole days, PER_DAY).
HOURLY_DAY_TYPES = (DayTypes.HOURS_OF_WEEK, DayTypes.MONTHS_HOURS_OF_WEEK)
# Units a baseline can be in: quantities that add up (docs/units.md).
UNITS = (Unit.MILLIWATT_HOUR, Unit.MILLILITRE)


class BadTable(InvalidTransaction):
    """A baseline table that breaks a rule; the message names the rule, the place and the value."""


def weekday(day_number: int) -> int:
    """0 = Monday .. 6 = Sunday of a UTC day counted from 1970-01-01."""
    return (day_number + 3) % 7


def day_type_of_day(day_types: int, day_number: int) -> int:
    """The day type of a UTC day under a per-day scheme."""
    if day_types == DayTypes.ALL_DAYS:
        return 0
    if day_types == DayTypes.WEEKDAY_WEEKEND:
        return 0 if weekday(day_number) < 5 else 1
    if day_types == DayTypes.DAYS_OF_WEEK:
        return weekday(day_number)
    if day_types == DayTypes.MONTHS_WEEKDAY_WEEKEND:
        month = (_EPOCH + datetime.timedelta(days=day_number)).month
        return (month - 1) * 2 + (0 if weekday(day_number) < 5 else 1)
    raise BadTable(f"day types {_enum_name(DayTypes, day_types)} do not apply to whole days")


def hour_of_week(hour_start: int) -> int:
    """0 = Monday 00:00 UTC .. 167 = Sunday 23:00 UTC: the hour holding Unix second `hour_start`."""
    day, second = divmod(hour_start, SECONDS_PER_DAY)
    return weekday(day) * 24 + second // SECONDS_PER_HOUR


def day_type_of_hour(day_types: int, hour_start: int) -> int:
    """The day type of the UTC hour holding Unix second `hour_start` under a per-hour scheme."""
    if day_types == DayTypes.HOURS_OF_WEEK:
        return hour_of_week(hour_start)
    if day_types == DayTypes.MONTHS_HOURS_OF_WEEK:
        month = (_EPOCH + datetime.timedelta(days=hour_start // SECONDS_PER_DAY)).month
        return (month - 1) * 168 + hour_of_week(hour_start)
    raise BadTable(f"day types {_enum_name(DayTypes, day_types)} do not apply to hours")


def _enum_name(enum: object, value: int) -> str:
    try:
        return str(enum.Name(value))  # type: ignore[attr-defined]
    except ValueError:
        return str(value)


# -- validation -----------------------------------------------------------------------------


def validate(table: BaselineTable) -> None:
    """Raise BadTable naming the first rule `table` breaks; return None if it is valid."""
    if table.version != FORMAT_VERSION:
        raise BadTable(f"baseline table version {table.version}: only {FORMAT_VERSION} is known")
    if table.unit not in UNITS:
        names = ", ".join(_enum_name(Unit, u) for u in UNITS)
        raise BadTable(
            f"baseline table unit {_enum_name(Unit, table.unit)}: must be one of {names}"
        )
    if table.resolution not in (Resolution.PER_DAY, Resolution.PER_HOUR):
        raise BadTable(
            f"baseline table resolution {_enum_name(Resolution, table.resolution)}: "
            "must be PER_DAY or PER_HOUR"
        )
    count = DAY_TYPE_COUNTS.get(table.day_types)
    if count is None:
        raise BadTable(f"baseline table day types {_enum_name(DayTypes, table.day_types)} unknown")
    hourly_types = table.day_types in HOURLY_DAY_TYPES
    if hourly_types != (table.resolution == Resolution.PER_HOUR):
        needs = (
            "HOURS_OF_WEEK or MONTHS_HOURS_OF_WEEK"
            if table.resolution == Resolution.PER_HOUR
            else "of whole days"
        )
        raise BadTable(
            f"baseline table: resolution {_enum_name(Resolution, table.resolution)} needs day "
            f"types {needs}, not {_enum_name(DayTypes, table.day_types)}"
        )
    if len(table.model) > MAX_MODEL_CHARS:
        raise BadTable(
            f"baseline table model is {len(table.model)} characters; at most {MAX_MODEL_CHARS}"
        )
    if len(table.curves) != count:
        raise BadTable(
            f"baseline table has {len(table.curves)} curves; day types "
            f"{_enum_name(DayTypes, table.day_types)} need exactly {count}"
        )
    for index, curve in enumerate(table.curves):
        if curve.day_type != index:
            raise BadTable(
                f"baseline table curve {index} is for day type {curve.day_type}: curves must be "
                f"sorted by day type 0..{count - 1}, one each"
            )
        _validate_knots(curve)


def _validate_knots(curve: Curve) -> None:
    where = f"baseline table day type {curve.day_type}"
    if not 1 <= len(curve.knots) <= MAX_KNOTS:
        raise BadTable(f"{where} has {len(curve.knots)} knots; needs 1..{MAX_KNOTS}")
    previous: int | None = None
    for position, knot in enumerate(curve.knots):
        if not MIN_TEMPERATURE <= knot.temperature <= MAX_TEMPERATURE:
            raise BadTable(
                f"{where} knot {position}: temperature {knot.temperature} m°C is outside "
                f"{MIN_TEMPERATURE}..{MAX_TEMPERATURE}"
            )
        if not 0 <= knot.energy <= MAX_ENERGY:
            raise BadTable(
                f"{where} knot {position}: energy {knot.energy} is outside 0..{MAX_ENERGY}"
            )
        if previous is not None and knot.temperature <= previous:
            rule = "repeats" if knot.temperature == previous else "comes before"
            raise BadTable(
                f"{where} knot {position}: temperature {knot.temperature} m°C {rule} knot "
                f"{position - 1}'s {previous} m°C; knots must be sorted with unique temperatures"
            )
        previous = knot.temperature


# -- evaluation -----------------------------------------------------------------------------


def interpolate(knots: Sequence[Knot], temperature: int) -> int:
    """A curve's energy at `temperature` (m°C): see the module's docstring. Knots must be valid."""
    first, last = knots[0], knots[-1]
    if temperature <= first.temperature:
        return int(first.energy)
    if temperature >= last.temperature:
        return int(last.energy)
    # The last knot at or below the temperature; the next is above it.
    index = bisect.bisect_right([k.temperature for k in knots], temperature) - 1
    low, high = knots[index], knots[index + 1]
    width = high.temperature - low.temperature
    # One division of the whole value (not of the step above the lower knot), so the rule
    # applies to the result: e.g. 1.5 -> 2 and 2.5 -> 2.
    return divide(
        low.energy * width + (high.energy - low.energy) * (temperature - low.temperature),
        width,
        ROUNDING,
        what="baseline interpolation",
    )


def evaluate(table: BaselineTable, day_type: int, temperature: int) -> int:
    """The baseline energy of one day type at `temperature` (m°C). `table` must be valid."""
    if not 0 <= day_type < len(table.curves):
        raise BadTable(f"day type {day_type} is not in this table (0..{len(table.curves) - 1})")
    return interpolate(table.curves[day_type].knots, temperature)


def evaluate_day(table: BaselineTable, day_number: int, temperature: int) -> int:
    """A per-day table's baseline for the UTC day `day_number` at its mean temperature."""
    if table.resolution != Resolution.PER_DAY:
        raise BadTable("evaluate_day needs a PER_DAY table; use evaluate_hour")
    return evaluate(table, day_type_of_day(table.day_types, day_number), temperature)


def evaluate_hour(table: BaselineTable, hour_start: int, temperature: int) -> int:
    """A per-hour table's baseline for the UTC hour holding `hour_start` at its mean temperature."""
    if table.resolution != Resolution.PER_HOUR:
        raise BadTable("evaluate_hour needs a PER_HOUR table; use evaluate_day")
    return evaluate(table, day_type_of_hour(table.day_types, hour_start), temperature)


def adjusted_baseline(table: BaselineTable, days: Iterable[tuple[int, int]]) -> int:
    """The sum of a per-day table's baseline over (day number, mean temperature) pairs."""
    return sum(evaluate_day(table, day, temperature) for day, temperature in days)


# -- canonical form -------------------------------------------------------------------------


def canonical(table: BaselineTable) -> BaselineTable:
    """A copy of a valid `table` with only its known fields (no unknown fields carried over)."""
    validate(table)
    copy = BaselineTable()
    copy.CopyFrom(table)
    # Unset fields (e.g. the fit's provenance of an older table) are not serialized, so such
    # a table keeps its bytes and hash.
    copy.DiscardUnknownFields()  # type: ignore[attr-defined]  # in protobuf, not in its stubs
    return copy


def canonical_bytes(table: BaselineTable) -> bytes:
    """The bytes both parties sign: a valid table's known fields, deterministically serialized."""
    return canonical(table).SerializeToString(deterministic=True)


def table_hash(table: BaselineTable) -> str:
    """SHA-256 of `canonical_bytes(table)`, as 64 lowercase hex digits."""
    return hashlib.sha256(canonical_bytes(table)).hexdigest()


def parse(data: bytes) -> BaselineTable:
    """A valid table from bytes; BadTable if they do not decode or the table breaks a rule."""
    table = BaselineTable()
    try:
        table.ParseFromString(data)
    except Exception as exc:  # protobuf raises DecodeError and, on some inputs, others
        raise BadTable(f"baseline table does not decode: {exc}") from None
    validate(table)
    return table
