"""The hourly model (CalTRACK hourly, OpenDSM 1.2.7) end to end, against the simulator's truth.

2025 as the baseline at hourly resolution, lighting -30 % from 2026-01-01, three reporting
months; the counterfactual (same seed and weather, no measure) is the truth. Simulating,
fitting and exporting take about 20-30 s: slow suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartblocks.clients.cli.main import main
from smartblocks.processors.kit import baseline
from smartblocks.protos.baseline_pb2 import DayTypes, Resolution
from tests.clients.mv.simulated import MEASURE_DATE, REPORTING_DAYS, HourlyTruth, simulate_hourly

pytestmark = pytest.mark.slow

# Avoided energy within this share of the truth. Measured: +0.015 % (7,539.68 kWh against
# 7,538.53 kWh), FSU 0.03 % at 90 %.
TRUTH_TOLERANCE = 0.01
REPORTING_HOURS = REPORTING_DAYS * 24


@pytest.fixture(scope="module")
def truth() -> HourlyTruth:
    return simulate_hourly(lighting_factor=0.7)


@pytest.fixture(scope="module")
def fitted(truth: HourlyTruth, tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("mv-hourly")
    energy, temperature = truth.write_csv(folder, range(len(truth.energy)))
    out = folder / "baseline.pb"
    argv = ["mv", "fit", "--model", "hourly", "--energy-csv", str(energy)]
    argv += ["--temperature-csv", str(temperature), "--from", "2025-01-01", "--to", "2025-12-31"]
    assert main([*argv, "--out", str(out)]) == 0
    return {"folder": folder, "energy": energy, "temperature": temperature, "table": out}


def test_hourly_fit_writes_a_month_by_hour_of_week_table(fitted: dict) -> None:
    table = baseline.parse(fitted["table"].read_bytes())
    assert table.resolution == Resolution.PER_HOUR
    assert table.day_types == DayTypes.MONTHS_HOURS_OF_WEEK and len(table.curves) == 12 * 168
    summary = json.loads(Path(str(fitted["table"]) + ".json").read_text())
    assert summary["model"] == "hourly" and summary["disqualified"] is False
    assert summary["table"]["table_hash"] == baseline.table_hash(table)
    assert summary["table"]["model"].startswith("opendsm 1.2.7 hourly")
    codes = {f["code"] for f in summary["findings"]}
    assert {"sufficiency.hourly_joint_coverage", "metrics.cvrmse"} <= codes
    # The table reproduces the model within 0.5 % in every baseline month (measured: 1e-7).
    months = summary["fidelity"]["months"]
    assert len(months) == 12 and all(m["days"] in (672, 720, 744) for m in months)
    assert summary["fidelity"]["max_month_error"] <= 0.005


def test_hourly_report_matches_the_simulators_truth(
    fitted: dict, truth: HourlyTruth, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["mv", "report", "--table", str(fitted["table"]), "--json"]
    argv += ["--energy-csv", str(fitted["energy"]), "--temperature-csv", str(fitted["temperature"])]
    argv += ["--from", MEASURE_DATE.isoformat(), "--to", "2026-03-31"]
    capsys.readouterr()
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["hours"] == REPORTING_HOURS and report["missing_hours"] == 0
    true_avoided = sum(truth.counterfactual[-REPORTING_HOURS:]) - sum(
        truth.energy[-REPORTING_HOURS:]
    )
    error = abs(report["avoided"] - true_avoided) / true_avoided
    assert error <= TRUTH_TOLERANCE, (report["avoided"], true_avoided, error)
    assert 0 < report["fractional_savings_uncertainty"] < 0.5
    assert sorted(report["months"]) == ["2026-01", "2026-02", "2026-03"]
    assert report["fidelity"]["max_month_error"] <= 0.005
