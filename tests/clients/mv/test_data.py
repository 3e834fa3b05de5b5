"""The M&V engine's inputs, findings, metrics and savings: no OpenDSM needed."""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pytest

from smartblocks.clients.mv import data, metrics, savings, sufficiency
from smartblocks.clients.mv.findings import DISQUALIFICATION, PASS, WARNING, disqualified
from smartblocks.clients.mv.settings import MetricsSettings, Settings, SufficiencySettings, describe
from smartblocks.processors.kit.periods import day_number
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit

DAY = day_number(datetime.date(2026, 1, 5))  # a Monday


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_csv_sums_energy_and_floors_mean_temperature(tmp_path: Path) -> None:
    energy = write(
        tmp_path / "e.csv",
        "timestamp,kWh\n2026-01-05T00:00Z,1.5\n2026-01-05T12:00Z,2\n2026-01-06T00:00+00:00,0.001\n",
    )
    temperature = write(
        tmp_path / "t.csv", "timestamp,value\n2026-01-05T00:00Z,-1\n2026-01-05T12:00Z,-0.0005\n"
    )
    loaded = data.from_csv(energy, temperature)
    assert loaded.energy.values == {DAY: 3_500_000, DAY + 1: 1_000}
    assert loaded.temperature.values == {DAY: -501}  # (-1000 + -1) // 2: floor
    assert (loaded.first_day, loaded.end_day) == (DAY, DAY + 2)
    assert loaded.complete_days() == [DAY]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "timestamp,kWh\n2026-01-05T00:00Z,1\n2026-01-05T00:00Z,2\n",
            r"e.csv:3: duplicate of line 2",
        ),
        (
            "timestamp,kWh\n2026-01-05T01:00Z,1\n2026-01-05T00:00Z,2\n",
            r"e.csv:3: .* comes before line 2",
        ),
        ("timestamp,kWh\n2026-01-05T00:00,1\n", r"e.csv:2: .* has no UTC offset"),
        ("timestamp,kWh\n2026-01-05T00:00+01:00,1\n", r"e.csv:2: offset \+0100 is not UTC"),
        (
            "timestamp,kWh\n2026-03-29T00:00Z,1\n2026-03-29T03:00+02:00,1\n",
            r"e.csv:3: UTC offset changes from Z \(line 2\) to \+0200: a DST-shifted",
        ),
        ("timestamp,kWh\nyesterday,1\n", r"e.csv:2: 'yesterday' is not an ISO 8601 timestamp"),
        ("timestamp,kWh\n2026-01-05T00:00Z,lots\n", r"e.csv:2: 'lots' is not a number in kWh"),
        ("timestamp,kWh\n2026-01-05T00:00Z,1,2\n", r"e.csv:2: 3 columns"),
        ("timestamp,degC\n2026-01-05T00:00Z,1\n", r"e.csv:1: unit 'degC' does not fit this input"),
        ("time,value\n", r"e.csv:1: the header must be"),
        ("timestamp,kWh\n", r"e.csv: no values after the header"),
    ],
)
def test_csv_errors_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    energy = write(tmp_path / "e.csv", body)
    temperature = write(tmp_path / "t.csv", "timestamp,degC\n2026-01-05,1\n")
    with pytest.raises(data.DataError, match=message):
        data.from_csv(energy, temperature)


def test_dst_shift_is_named(tmp_path: Path) -> None:
    energy = write(
        tmp_path / "e.csv", "timestamp,kWh\n2026-03-29T01:00+01:00,1\n2026-03-29T03:00+02:00,1\n"
    )
    with pytest.raises(data.DataError, match=r"e.csv:3: UTC offset changes from \+0100 \(line 2\)"):
        data.read_csv(energy, "kWh", ("mWh",))


def test_csv_gaps_are_findings_with_lines(tmp_path: Path) -> None:
    rows = [f"2026-01-05T{h:02d}:00Z,1" for h in (0, 1, 2, 3, 6, 7, 8, 12)]
    energy = write(tmp_path / "e.csv", "timestamp,kWh\n" + "\n".join(rows) + "\n")
    series = data.read_csv(energy, "kWh", ("mWh",))
    assert series.gap_count == 2 and series.gap_seconds == 2 * 3600 + 3 * 3600
    (finding,) = series.findings
    assert finding.code == "data.csv_gaps" and finding.severity == WARNING
    assert finding.values["lines"] == [6, 9] and finding.values["interval_s"] == 3600


def daily(values: dict[int, int], unit: str = "mWh") -> data.DailySeries:
    return data.DailySeries("test", unit, dict(values))


def test_sufficiency_findings_say_why() -> None:
    days = range(DAY, DAY + 365)
    energy = daily({d: 1000 for d in days if d % 10})  # 10 % of days missing
    temperature = daily({d: 5000 for d in days}, "mdegC")
    energy.flagged = {DAY: 3}
    found = sufficiency.check_baseline(
        data.DailyData(energy, temperature, DAY, DAY + 300), SufficiencySettings()
    )
    by_code = {f.code: f for f in found}
    assert by_code["sufficiency.baseline_length"].severity == DISQUALIFICATION
    assert by_code["sufficiency.baseline_length"].values["days"] == 300
    assert by_code["sufficiency.energy_coverage"].values["days_with_data"] == 270
    assert by_code["sufficiency.energy_coverage"].severity == PASS  # exactly 90 %
    assert by_code["sufficiency.temperature_coverage"].severity == PASS
    assert by_code["sufficiency.flagged_readings"].severity == WARNING
    assert by_code["sufficiency.flagged_readings"].values["readings"] == 3
    assert disqualified(found)
    sparse = daily({d: 1000 for d in days if d % 5})  # 80 %
    found = sufficiency.check_baseline(
        data.DailyData(sparse, temperature, DAY, DAY + 365), SufficiencySettings()
    )
    codes = {f.code for f in found if f.severity == DISQUALIFICATION}
    assert codes == {"sufficiency.energy_coverage", "sufficiency.joint_coverage"}


def test_metrics_match_hand_computation() -> None:
    observed = [10.0, 12.0, 14.0, 16.0, 18.0, 20.0]
    predicted = [11.0, 11.0, 15.0, 15.0, 19.0, 19.0]
    m = metrics.fit_metrics(observed, predicted, num_params=2)
    # residuals -1, 1, -1, 1, -1, 1: SSE 6, mean 15, dof 4
    assert m.cvrmse == pytest.approx(math.sqrt(6 / 4) / 15)
    assert m.nmbe == 0
    assert m.r_squared == pytest.approx(1 - 6 / 70)
    assert m.autocorrelation == 0  # negative autocorrelation gives no credit
    found = metrics.acceptance(m, MetricsSettings())
    assert [f.severity for f in found] == [PASS, PASS, PASS]
    worse = metrics.acceptance(metrics.fit_metrics(observed, [15.0] * 6, 2), MetricsSettings())
    assert {f.code: f.severity for f in worse}["metrics.cvrmse"] == DISQUALIFICATION


def test_fsu_shrinks_with_more_reporting_days_and_larger_savings() -> None:
    m = metrics.FitMetrics(365, 4, 100.0, 0.1, 0.0, 0.9, 0.2, 365 * 0.8 / 1.2)
    short = metrics.fractional_savings_uncertainty(m, 30, 0.1, 0.9)
    long = metrics.fractional_savings_uncertainty(m, 365, 0.1, 0.9)
    bigger = metrics.fractional_savings_uncertainty(m, 30, 0.2, 0.9)
    assert long < short and bigger == pytest.approx(short / 2)
    assert metrics.fractional_savings_uncertainty(m, 30, 0.0, 0.9) == math.inf


def test_avoided_energy_comes_from_the_table() -> None:
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
    )
    curve = table.curves.add(day_type=0)
    curve.knots.add(temperature=0, energy=2000)
    curve.knots.add(temperature=10_000, energy=1000)
    energy = daily({DAY: 1200, DAY + 1: 900, DAY + 3: 1})
    temperature = daily({DAY: 0, DAY + 1: 5_000, DAY + 2: 0}, "mdegC")
    result = savings.avoided_energy(table, data.DailyData(energy, temperature, DAY, DAY + 4))
    assert [d.baseline for d in result.days] == [2000, 1500]
    assert result.avoided == 2000 - 1200 + 1500 - 900
    assert result.missing_days == [DAY + 2, DAY + 3]
    assert result.months == {
        "2026-01": {"days": 2, "adjusted_baseline": 3500, "actual": 2100, "avoided": 1400}
    }
    assert result.fsu is None


def test_settings_describe_every_field() -> None:
    described = describe(Settings())
    assert described["sufficiency"]["baseline_days"]["value"] == 365
    assert all(item["description"] for group in described.values() for item in group.values())


def test_ledger_day_rollups(monkeypatch: pytest.MonkeyPatch) -> None:
    from smartblocks.processors.blockmeter import addressing
    from smartblocks.processors.kit.periods import day_name
    from smartblocks.protos.blockmeter_pb2 import Meter, MeterKind, Rollup

    state = {
        addressing.meter_address("main"): Meter(
            meter_id="main", kind=MeterKind.ELECTRICITY_IMPORT, unit=Unit.MILLIWATT_HOUR
        ),
        addressing.meter_address("outdoor"): Meter(
            meter_id="outdoor", kind=MeterKind.TEMPERATURE, unit=Unit.MILLIDEGREE_CELSIUS
        ),
        addressing.meter_address("wind"): Meter(
            meter_id="wind", kind=MeterKind.WIND_SPEED, unit=Unit.MILLIMETRE_PER_SECOND
        ),
        addressing.day_rollup_address("main", day_name(DAY)): Rollup(
            sum=5_000, count=96, flagged_count=2, gap_count=1, gap_seconds=900
        ),
        addressing.day_rollup_address("main", day_name(DAY + 1)): Rollup(sum=4_000, count=96),
        addressing.day_rollup_address("outdoor", day_name(DAY)): Rollup(sum=-3, count=2),
    }
    asked: list[str] = []

    async def read(url: str | None, addresses: list[str]) -> list[bytes | None]:
        asked.extend(addresses)
        return [state[a].SerializeToString() if a in state else None for a in addresses]

    monkeypatch.setattr(data, "_read", read)
    loaded = data.from_ledger(None, "main", "outdoor", DAY, DAY + 3)
    assert len(asked) == 2 + 2 * 3
    assert loaded.energy.values == {DAY: 5_000, DAY + 1: 4_000}
    assert loaded.temperature.values == {DAY: -2}  # -3 // 2: floor, as the portal shows it
    assert loaded.energy.flagged == {DAY: 2}
    assert (loaded.energy.gap_count, loaded.energy.gap_seconds) == (1, 900)
    assert (loaded.energy.meters, loaded.temperature.meters) == (("main",), ("outdoor",))
    with pytest.raises(data.DataError, match=r"meter wind is WIND_SPEED .* not an outdoor temp"):
        data.from_ledger(None, "main", "wind", DAY, DAY + 1)
    with pytest.raises(data.DataError, match=r"meter outdoor is TEMPERATURE .* a baseline needs"):
        data.from_ledger(None, "outdoor", "outdoor", DAY, DAY + 1)
    with pytest.raises(data.DataError, match="meter gone does not exist"):
        data.from_ledger(None, "gone", "outdoor", DAY, DAY + 1)
