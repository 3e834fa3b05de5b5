"""The hourly inputs, findings and savings of the M&V engine: no OpenDSM needed."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from smartblocks.clients.cli.main import main
from smartblocks.clients.mv import data, savings, sufficiency
from smartblocks.clients.mv.findings import DISQUALIFICATION, PASS
from smartblocks.clients.mv.settings import SufficiencySettings
from smartblocks.processors.kit import baseline
from smartblocks.processors.kit.periods import day_name, day_number
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit

DAY = day_number(datetime.date(2026, 1, 5))  # a Monday
HOUR = DAY * 24


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_hourly_csv_sums_quarter_hours_and_floors_temperature(tmp_path: Path) -> None:
    energy = write(
        tmp_path / "e.csv",
        "timestamp,kWh\n"
        + "".join(f"2026-01-05T00:{m:02}Z,0.25\n" for m in (0, 15, 30, 45))
        + "2026-01-05T01:00Z,2\n",
    )
    temperature = write(
        tmp_path / "t.csv", "timestamp,degC\n2026-01-05T00:00Z,-1\n2026-01-05T00:30Z,-0.0005\n"
    )
    loaded = data.from_csv_hourly(energy, temperature)
    assert loaded.energy.values == {HOUR: 1_000_000, HOUR + 1: 2_000_000}
    assert loaded.temperature.values == {HOUR: -501}
    assert (loaded.first_day, loaded.end_day) == (DAY, DAY + 1)
    assert loaded.complete_hours() == [HOUR]


def test_a_daily_csv_is_refused_for_the_hourly_model(tmp_path: Path) -> None:
    energy = write(tmp_path / "e.csv", "timestamp,kWh\n2026-01-05,1\n2026-01-06,2\n2026-01-07,3\n")
    temperature = write(tmp_path / "t.csv", "timestamp,degC\n2026-01-05T00:00Z,1\n")
    with pytest.raises(data.DataError, match=r"e\.csv: values every 86400 s .*hourly model"):
        data.from_csv_hourly(energy, temperature)
    # The daily reading of the same file is unchanged.
    assert data.from_csv(energy, temperature).energy.values[DAY + 2] == 3_000_000


def test_hourly_csv_errors_name_file_and_line(tmp_path: Path) -> None:
    energy = write(tmp_path / "e.csv", "timestamp,kWh\n2026-01-05T00:00Z,1\n2026-01-05T00:00Z,2\n")
    temperature = write(tmp_path / "t.csv", "timestamp,degC\n2026-01-05T00:00Z,1\n")
    with pytest.raises(data.DataError, match=r"e\.csv:3: duplicate of line 2"):
        data.from_csv_hourly(energy, temperature)
    energy = write(tmp_path / "e.csv", "timestamp,kWh\n2026-01-05T01:00+01:00,1\n")
    with pytest.raises(data.DataError, match=r"e\.csv:2: offset \+0100 is not UTC"):
        data.from_csv_hourly(energy, temperature)


def hourly(values: dict[int, int], unit: str = "mWh") -> data.DailySeries:
    return data.DailySeries(source=unit, unit=unit, values=values)


def test_hourly_sufficiency_checks_every_month() -> None:
    first = day_number(datetime.date(2025, 1, 1))
    hours = range(first * 24, (first + 365) * 24)
    # March loses 20 % of its energy hours: CalTRACK's hourly method needs each month.
    march = day_number(datetime.date(2025, 3, 1)) * 24
    lost = set(range(march, march + 150))
    energy = hourly({h: 1_000 for h in hours if h not in lost})
    temperature = hourly({h: 5_000 for h in hours}, "mdegC")
    inputs = data.HourlyData(energy, temperature, first, first + 365)
    found = {f.code: f for f in sufficiency.check_baseline_hourly(inputs, SufficiencySettings())}
    assert found["sufficiency.baseline_length"].severity == PASS
    assert found["sufficiency.hourly_temperature_coverage"].severity == PASS
    coverage = found["sufficiency.hourly_energy_coverage"]
    assert coverage.severity == DISQUALIFICATION
    assert coverage.values["months_short"] == {"2025-03": round(1 - 150 / 744, 4)}
    assert found["sufficiency.hourly_joint_coverage"].severity == DISQUALIFICATION


def hourly_table() -> BaselineTable:
    """Every month and hour of the week: 1 kWh at 0 °C falling to 0.5 kWh at 20 °C; Saturday
    and Sunday half of that."""
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_HOUR,
        day_types=DayTypes.MONTHS_HOURS_OF_WEEK,
        model="hand-made",
    )
    for day_type in range(12 * 168):
        scale = 2 if day_type % 168 >= 120 else 1
        curve = table.curves.add(day_type=day_type)
        curve.knots.add(temperature=0, energy=1_000_000 // scale)
        curve.knots.add(temperature=20_000, energy=500_000 // scale)
    baseline.validate(table)
    return table


def test_hourly_savings_evaluate_each_hour() -> None:
    table = hourly_table()
    energy = hourly({HOUR + h: 600_000 for h in range(24)} | {HOUR + 24 * 5: 100_000})
    temperature = hourly({HOUR + h: 10_000 for h in range(48)} | {HOUR + 24 * 5: 0}, "mdegC")
    inputs = data.HourlyData(energy, temperature, DAY, DAY + 7)
    result = savings.avoided_energy_hourly(table, inputs)
    assert [(d.day, d.baseline, d.actual) for d in result.days] == [
        (DAY, 24 * 750_000, 24 * 600_000),
        (DAY + 5, 500_000, 100_000),  # Saturday 00:00 at 0 °C
    ]
    assert result.hours == 25 and result.missing_hours == 7 * 24 - 25
    assert result.avoided == 24 * 150_000 + 400_000
    assert result.as_dict()["months"]["2026-01"]["avoided"] == result.avoided


def test_ledger_hour_buckets(monkeypatch: pytest.MonkeyPatch) -> None:
    from smartblocks.processors.blockmeter import addressing
    from smartblocks.protos.blockmeter_pb2 import Bucket, Meter, MeterKind, Rollup

    state = {
        addressing.meter_address("main"): Meter(
            meter_id="main", kind=MeterKind.ELECTRICITY_IMPORT, unit=Unit.MILLIWATT_HOUR
        ),
        addressing.meter_address("outdoor"): Meter(
            meter_id="outdoor", kind=MeterKind.TEMPERATURE, unit=Unit.MILLIDEGREE_CELSIUS
        ),
        addressing.day_rollup_address("main", day_name(DAY)): Rollup(
            sum=9_000,
            count=8,
            buckets=[
                Bucket(index=0, sum=4_000, count=4, flagged_count=1),
                Bucket(index=23, sum=5_000, count=4),
            ],
            gap_count=1,
            gap_seconds=900,
        ),
        addressing.day_rollup_address("outdoor", day_name(DAY)): Rollup(
            sum=-3, count=2, buckets=[Bucket(index=0, sum=-3, count=2)]
        ),
    }

    async def read(url: str | None, addresses: list[str]) -> list[bytes | None]:
        return [state[a].SerializeToString() if a in state else None for a in addresses]

    monkeypatch.setattr(data, "_read", read)
    loaded = data.from_ledger_hourly(None, "main", "outdoor", DAY, DAY + 2)
    assert loaded.energy.values == {HOUR: 4_000, HOUR + 23: 5_000}
    assert loaded.temperature.values == {HOUR: -2}  # -3 // 2: floor
    assert loaded.energy.flagged == {HOUR: 1}
    assert (loaded.energy.gap_count, loaded.energy.gap_seconds) == (1, 900)
    assert loaded.complete_hours() == [HOUR]
    with pytest.raises(data.DataError, match="meter gone does not exist"):
        data.from_ledger_hourly(None, "main", "gone", DAY, DAY + 1)


def test_report_with_an_hourly_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "hourly.pb"
    table.write_bytes(baseline.canonical_bytes(hourly_table()))
    energy = write(
        tmp_path / "e.csv",
        "timestamp,kWh\n" + "".join(f"2026-01-05T{h:02}:00Z,0.6\n" for h in range(24)),
    )
    temperature = write(
        tmp_path / "t.csv",
        "timestamp,degC\n" + "".join(f"2026-01-05T{h:02}:00Z,10\n" for h in range(24)),
    )
    argv = ["mv", "report", "--table", str(table), "--energy-csv", str(energy)]
    argv += ["--temperature-csv", str(temperature), "--from", "2026-01-05", "--to", "2026-01-05"]
    assert main([*argv, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["adjusted_baseline"], out["actual"]) == (18_000_000, 14_400_000)
    assert out["hours"] == 24 and out["missing_hours"] == 0
    # A daily CSV for an hourly table: refused, naming the file.
    daily = write(tmp_path / "d.csv", "timestamp,kWh\n2026-01-05,1\n2026-01-06,1\n")
    argv[argv.index(str(energy))] = str(daily)
    assert main(argv) != 0
    assert "d.csv: values every 86400 s" in capsys.readouterr().err
