"""Inputs of the M&V engine: a meter's energy and the outdoor temperature, per UTC day
(DailyData, for the daily model) or per UTC hour (HourlyData, for the hourly model).

Two sources, one shape:
- BlockMeter day rollups over the REST API, by meter id and period: the energy meter's daily
  sums and the weather-station meter's daily mean (sum // count, m°C, as the portal shows it),
  with the rollups' flagged-reading and gap counts; per hour, the day rollups' hour buckets
  (energy sums, temperature `sum // count`, flagged readings);
- CSV files `timestamp,value` for data not on a ledger yet. The header's second column is
  `value` (the unit then comes from the command line) or a unit (`kWh`, `degC`, ...). Timestamps
  are ISO 8601 in UTC (`2026-01-05T13:00Z`, `+00:00`) or whole UTC days (`2026-01-05`); each
  value belongs to the UTC day (or hour) its interval starts in; hourly input refuses a file
  whose usual interval is longer than an hour. A line that cannot be used stops the
  load with an error naming file:line: a bad timestamp or value, a local or DST-shifted time,
  a duplicate, a line out of order, a unit that does not fit. Gaps (a step longer than the
  file's usual interval) become findings with their lines.
"""

from __future__ import annotations

import asyncio
import csv
import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from smartblocks.blockmeter import units as source_units
from smartblocks.ledger.errors import UserError
from smartblocks.processors.blockmeter import addressing
from smartblocks.processors.kit.periods import SECONDS_PER_DAY, day_name
from smartblocks.protos.blockmeter_pb2 import Meter, MeterKind, Rollup, Unit

from .findings import WARNING, Finding

ENERGY_UNITS = {Unit.MILLIWATT_HOUR: "mWh", Unit.MILLILITRE: "mL"}
MAX_GAP_LINES = 10  # gap lines listed in a finding
SECONDS_PER_HOUR = 3_600
HOURS_PER_DAY = 24


class DataError(UserError):
    """Input the engine cannot use; the message names the file and line, or the meter."""


@dataclass
class DailySeries:
    """One input per UTC day (day number counted from 1970-01-01), in a base unit; in
    HourlyData, per UTC hour (hour number counted from 1970-01-01 00:00, i.e. seconds // 3600).
    `flagged` is keyed the same way."""

    source: str  # meter id or file path
    unit: str  # "mWh", "mL" or "mdegC"
    values: dict[int, int] = field(default_factory=dict)
    flagged: dict[int, int] = field(default_factory=dict)  # day -> flagged readings (ledger)
    gap_count: int = 0
    gap_seconds: int = 0
    findings: list[Finding] = field(default_factory=list)
    # The ledger meters summed into this series (the table records them); () for files.
    meters: tuple[str, ...] = ()


@dataclass
class DailyData:
    """Energy and temperature over [first_day, end_day)."""

    energy: DailySeries
    temperature: DailySeries
    first_day: int
    end_day: int

    @property
    def days(self) -> range:
        return range(self.first_day, self.end_day)

    def complete_days(self) -> list[int]:
        """Days with both energy and temperature, in order."""
        return [d for d in self.days if d in self.energy.values and d in self.temperature.values]

    def restricted(self, first_day: int, end_day: int) -> DailyData:
        return DailyData(self.energy, self.temperature, first_day, end_day)


@dataclass
class HourlyData:
    """Energy and temperature per UTC hour over the days [first_day, end_day)."""

    energy: DailySeries  # keyed by hour number
    temperature: DailySeries
    first_day: int
    end_day: int

    @property
    def hours(self) -> range:
        return range(self.first_day * HOURS_PER_DAY, self.end_day * HOURS_PER_DAY)

    @property
    def days(self) -> range:
        return range(self.first_day, self.end_day)

    def complete_hours(self) -> list[int]:
        """Hours with both energy and temperature, in order."""
        energy, temperature = self.energy.values, self.temperature.values
        return [h for h in self.hours if h in energy and h in temperature]


# -- CSV ------------------------------------------------------------------------------------


def _timestamp(text: str, where: str) -> tuple[int, str]:
    """Unix seconds and the UTC offset text of a CSV timestamp."""
    text = text.strip()
    try:
        if len(text) == 10:
            date = datetime.date.fromisoformat(text)
            return (date - datetime.date(1970, 1, 1)).days * SECONDS_PER_DAY, "Z"
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DataError(
            f"{where}: {text!r} is not an ISO 8601 timestamp (write 2026-01-05T13:00Z)"
        ) from None
    offset = moment.utcoffset()
    if offset is None:
        raise DataError(
            f"{where}: {text!r} has no UTC offset: a local time is ambiguous around DST changes; "
            "write UTC (2026-01-05T13:00Z)"
        )
    label = "Z" if offset == datetime.timedelta(0) else moment.strftime("%z")
    return int(moment.timestamp()), label


def _refuse_offset(
    path: Path,
    rows: list[list[str]],
    number: int,
    offset: str,
    previous: tuple[int, str, int] | None,
) -> None:
    """Raise for a non-UTC timestamp at line `number`, naming a DST shift when the file has one."""
    if previous is not None and previous[1] != offset:
        raise DataError(
            f"{path}:{number}: UTC offset changes from {previous[1]} (line {previous[2]}) to "
            f"{offset}: a DST-shifted local time; write every timestamp in UTC"
        )
    for later, row in enumerate(rows[number:], start=number + 1):
        try:
            _, other = _timestamp(row[0], f"{path}:{later}") if row else (0, offset)
        except DataError:
            break
        if other != offset:
            raise DataError(
                f"{path}:{later}: UTC offset changes from {offset} (line {number}) to {other}: "
                "a DST-shifted local time; write every timestamp in UTC"
            )
    raise DataError(f"{path}:{number}: offset {offset} is not UTC; write timestamps in UTC (Z)")


def read_csv(
    path: Path, default_unit: str, base: tuple[str, ...], period_s: int = SECONDS_PER_DAY
) -> DailySeries:
    """A CSV file's values per UTC day (or per `period_s`, e.g. an hour): sums for quantities,
    floor means for rates.

    `default_unit` is the unit when the header says `value`; `base` the base units allowed.
    With a period shorter than a day, a file whose usual interval is longer is refused.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    rows = list(csv.reader(lines))
    if not rows or [c.strip() for c in rows[0]][:1] != ["timestamp"] or len(rows[0]) != 2:
        raise DataError(f"{path}:1: the header must be `timestamp,value` or `timestamp,UNIT`")
    unit = rows[0][1].strip()
    unit = default_unit if unit == "value" else unit
    if unit not in source_units.UNITS or source_units.base_unit(unit) not in base:
        allowed = ", ".join(u for u, (b, _) in source_units.UNITS.items() if b in base)
        raise DataError(f"{path}:1: unit {unit!r} does not fit this input: use one of {allowed}")
    base_unit = source_units.base_unit(unit)
    quantity = source_units.is_quantity(unit)
    sums: dict[int, int] = {}
    counts: Counter[int] = Counter()
    seen: dict[int, int] = {}  # timestamp -> line
    previous: tuple[int, str, int] | None = None  # timestamp, offset, line
    steps: Counter[int] = Counter()
    step_lines: list[tuple[int, int, int]] = []  # (line, step, previous timestamp)
    for number, row in enumerate(rows[1:], start=2):
        where = f"{path}:{number}"
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != 2:
            raise DataError(f"{where}: {len(row)} columns; expected 2 (timestamp,value)")
        timestamp, offset = _timestamp(row[0], where)
        if offset != "Z":
            _refuse_offset(path, rows, number, offset, previous)
        if timestamp in seen:
            raise DataError(f"{where}: duplicate of line {seen[timestamp]} ({row[0].strip()})")
        if previous is not None and timestamp < previous[0]:
            raise DataError(
                f"{where}: {row[0].strip()} comes before line {previous[2]}; sort by timestamp"
            )
        try:
            value = source_units.to_base(Decimal(row[1].strip()), unit)
        except (InvalidOperation, ValueError):
            raise DataError(f"{where}: {row[1].strip()!r} is not a number in {unit}") from None
        if previous is not None:
            step = timestamp - previous[0]
            steps[step] += 1
            step_lines.append((number, step, previous[0]))
        seen[timestamp] = number
        previous = (timestamp, offset, number)
        day = timestamp // period_s
        sums[day] = sums.get(day, 0) + value
        counts[day] += 1
    if not sums:
        raise DataError(f"{path}: no values after the header")
    series = DailySeries(source=str(path), unit=base_unit)
    series.values = (
        dict(sums) if quantity else {d: s // counts[d] for d, s in sums.items()}
    )  # floor mean, as the portal computes one
    if steps:
        interval = steps.most_common(1)[0][0]
        if period_s < SECONDS_PER_DAY and interval > period_s:
            raise DataError(
                f"{path}: values every {interval} s (line {step_lines[0][0]} on); the hourly "
                f"model needs one value per {period_s} s or more often"
            )
        gaps = [(n, s, t) for n, s, t in step_lines if s > interval]
        if gaps:
            series.gap_count = len(gaps)
            series.gap_seconds = sum(s - interval for _, s, _ in gaps)
            series.findings.append(
                Finding(
                    "data.csv_gaps",
                    WARNING,
                    f"{path}: {len(gaps)} gaps longer than the file's {interval} s interval",
                    {
                        "file": str(path),
                        "interval_s": interval,
                        "gaps": len(gaps),
                        "missing_s": series.gap_seconds,
                        "lines": [n for n, _, _ in gaps[:MAX_GAP_LINES]],
                    },
                )
            )
    return series


def from_csv(
    energy_path: Path,
    temperature_path: Path,
    *,
    energy_unit: str = "kWh",
    temperature_unit: str = "degC",
    first_day: int | None = None,
    end_day: int | None = None,
) -> DailyData:
    """Energy and temperature from two CSV files; the period defaults to the energy file's days."""
    energy = read_csv(energy_path, energy_unit, ("mWh", "mL"))
    temperature = read_csv(temperature_path, temperature_unit, ("mdegC",))
    first = min(energy.values) if first_day is None else first_day
    end = max(energy.values) + 1 if end_day is None else end_day
    return DailyData(energy, temperature, first, end)


def from_csv_hourly(
    energy_path: Path,
    temperature_path: Path,
    *,
    energy_unit: str = "kWh",
    temperature_unit: str = "degC",
    first_day: int | None = None,
    end_day: int | None = None,
) -> HourlyData:
    """As `from_csv`, per UTC hour: the files must be hourly or finer (15-minute values add up
    to their hour; temperatures are the hour's floor mean)."""
    energy = read_csv(energy_path, energy_unit, ("mWh", "mL"), SECONDS_PER_HOUR)
    temperature = read_csv(temperature_path, temperature_unit, ("mdegC",), SECONDS_PER_HOUR)
    first = min(energy.values) // HOURS_PER_DAY if first_day is None else first_day
    end = max(energy.values) // HOURS_PER_DAY + 1 if end_day is None else end_day
    return HourlyData(energy, temperature, first, end)


# -- the ledger -----------------------------------------------------------------------------


def _meter(meter_id: str, data: bytes | None) -> Meter:
    if data is None:
        raise DataError(f"meter {meter_id} does not exist on the ledger")
    return Meter.FromString(data)


async def _read(url: str | None, addresses: list[str]) -> list[bytes | None]:
    from smartblocks.ledger.rest import RestClient

    async with RestClient(url) as client:
        out: list[bytes | None] = []
        for start in range(0, len(addresses), 32):  # a few requests in flight, not hundreds
            chunk = addresses[start : start + 32]
            out += await asyncio.gather(*(client.state(a) for a in chunk))
        return out


def _read_meters_and_rollups(
    url: str | None, energy_meter: str, temperature_meter: str, days: list[int]
) -> list[bytes | None]:
    """The two Meter records, then each meter's day rollups over `days`, in that order."""
    from smartblocks.ledger.rest import run

    addresses = [
        addressing.meter_address(energy_meter),
        addressing.meter_address(temperature_meter),
    ]
    for meter_id in (energy_meter, temperature_meter):
        addresses += [addressing.day_rollup_address(meter_id, day_name(d)) for d in days]
    return run(_read(url, addresses))


def from_ledger(
    url: str | None, energy_meter: str, temperature_meter: str, first_day: int, end_day: int
) -> DailyData:
    """Day rollups of the two meters over [first_day, end_day) through the REST API."""
    days = list(range(first_day, end_day))
    data = _read_meters_and_rollups(url, energy_meter, temperature_meter, days)
    energy, temperature = _series_pair(energy_meter, temperature_meter, days, data, _series)
    return DailyData(energy, temperature, first_day, end_day)


def from_ledger_hourly(
    url: str | None, energy_meter: str, temperature_meter: str, first_day: int, end_day: int
) -> HourlyData:
    """The hour buckets of the two meters' day rollups over [first_day, end_day), REST API."""
    days = list(range(first_day, end_day))
    data = _read_meters_and_rollups(url, energy_meter, temperature_meter, days)
    pair = _series_pair(energy_meter, temperature_meter, days, data, _hourly_series)
    return HourlyData(*pair, first_day, end_day)


def _series_pair(
    energy_meter: str,
    temperature_meter: str,
    days: list[int],
    data: list[bytes | None],
    series: Callable[[str, str, list[int], list[bytes | None], bool], DailySeries],
) -> tuple[DailySeries, DailySeries]:
    """The energy and temperature series from the two meter records and their day rollups."""
    energy_record = _meter(energy_meter, data[0])
    temperature_record = _meter(temperature_meter, data[1])
    if energy_record.unit not in ENERGY_UNITS:
        raise DataError(
            f"meter {energy_meter} is {MeterKind.Name(energy_record.kind)} in "
            f"{Unit.Name(energy_record.unit)}; a baseline needs energy (mWh) or volume (mL)"
        )
    if (
        temperature_record.kind != MeterKind.TEMPERATURE
        or temperature_record.unit != Unit.MILLIDEGREE_CELSIUS
    ):
        raise DataError(
            f"meter {temperature_meter} is {MeterKind.Name(temperature_record.kind)} in "
            f"{Unit.Name(temperature_record.unit)}, not an outdoor temperature meter (m°C)"
        )
    n = len(days)
    energy = series(energy_meter, ENERGY_UNITS[energy_record.unit], days, data[2 : 2 + n], True)
    temperature = series(temperature_meter, "mdegC", days, data[2 + n :], False)
    return energy, temperature


def _series(
    meter_id: str, unit: str, days: list[int], records: list[bytes | None], quantity: bool
) -> DailySeries:
    series = DailySeries(source=meter_id, unit=unit, meters=(meter_id,))
    for day, data in zip(days, records, strict=True):
        if not data:
            continue
        rollup = Rollup.FromString(data)
        if rollup.count == 0:
            continue
        series.values[day] = rollup.sum if quantity else rollup.sum // rollup.count
        if rollup.flagged_count:
            series.flagged[day] = rollup.flagged_count
        series.gap_count += rollup.gap_count
        series.gap_seconds += rollup.gap_seconds
    return series


def _hourly_series(
    meter_id: str, unit: str, days: list[int], records: list[bytes | None], quantity: bool
) -> DailySeries:
    series = DailySeries(source=meter_id, unit=unit, meters=(meter_id,))
    for day, data in zip(days, records, strict=True):
        if not data:
            continue
        rollup = Rollup.FromString(data)
        for bucket in rollup.buckets:
            if bucket.count == 0 or bucket.index >= HOURS_PER_DAY:
                continue
            hour = day * HOURS_PER_DAY + bucket.index
            series.values[hour] = bucket.sum if quantity else bucket.sum // bucket.count
            if bucket.flagged_count:
                series.flagged[hour] = bucket.flagged_count
        series.gap_count += rollup.gap_count
        series.gap_seconds += rollup.gap_seconds
    return series
