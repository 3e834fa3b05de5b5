"""`smartblocks mv report` and the commands' errors, on a hand-made table (no OpenDSM fit)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smartblocks.clients.cli.main import main
from smartblocks.processors.kit import baseline
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.WEEKDAY_WEEKEND,
        model="hand-made",
    )
    for day_type, energy in ((0, 700_000_000), (1, 350_000_000)):
        curve = table.curves.add(day_type=day_type)
        curve.knots.add(temperature=0, energy=energy + 100_000_000)
        curve.knots.add(temperature=15_000, energy=energy)
    path = tmp_path / "baseline.pb"
    path.write_bytes(baseline.canonical_bytes(table))
    energy = tmp_path / "energy.csv"
    energy.write_text("timestamp,kWh\n2026-01-05,600\n2026-01-06,650\n2026-01-10,300\n")
    temperature = tmp_path / "temperature.csv"
    temperature.write_text(
        "timestamp,degC\n2026-01-05,0\n2026-01-06,7.5\n2026-01-07,5\n2026-01-10,20\n"
    )
    return {"table": path, "energy": energy, "temperature": temperature, "folder": tmp_path}


def report(files: dict[str, Path], *extra: str) -> list[str]:
    return [
        "mv",
        "report",
        "--table",
        str(files["table"]),
        "--energy-csv",
        str(files["energy"]),
        "--temperature-csv",
        str(files["temperature"]),
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-11",
        *extra,
    ]


def test_report_json(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(report(files, "--json")) == 0
    out = json.loads(capsys.readouterr().out)
    # Monday at 0 °C: 800 kWh; Tuesday at 7.5 °C: 750 kWh; Saturday at 20 °C: 350 kWh (flat).
    assert out["adjusted_baseline"] == (800 + 750 + 350) * 1_000_000
    assert out["actual"] == (600 + 650 + 300) * 1_000_000
    assert out["avoided"] == 350 * 1_000_000
    assert out["missing_days"] == ["2026-01-07", "2026-01-08", "2026-01-09", "2026-01-11"]
    assert out["table_hash"] == baseline.table_hash(baseline.parse(files["table"].read_bytes()))
    assert "uncertainty_note" in out
    coverage = out["findings"][0]
    assert coverage["code"] == "sufficiency.reporting_coverage"
    assert coverage["severity"] == "warning"


def test_report_text_and_png(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    plot = files["folder"] / "savings.png"
    assert main(report(files, "--plot", str(plot))) == 0
    text = capsys.readouterr().out
    assert "total       3" in text and "350.0" in text
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_errors(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    files["table"].with_name("baseline.pb.json").write_text(
        json.dumps({"table": {"table_hash": "00"}, "metrics": {}})
    )
    assert main(report(files)) == 1
    assert "is the fit of another table" in capsys.readouterr().err
    files["table"].with_name("baseline.pb.json").unlink()
    files["table"].write_bytes(b"\x08\x02")  # version 2
    assert main(report(files)) == 1
    assert "baseline.pb: baseline table version 2" in capsys.readouterr().err
    argv = ["mv", "fit", "--energy-csv", str(files["energy"]), "--out", "x.pb"]
    assert main(argv) == 1
    assert "needs both --energy-csv and --temperature-csv" in capsys.readouterr().err
    files["energy"].write_text("timestamp,kWh\n2026-01-05T00:00,1\n")
    argv = ["mv", "fit", "--energy-csv", str(files["energy"])]
    argv += ["--temperature-csv", str(files["temperature"]), "--out", "x.pb"]
    assert main(argv) == 1
    assert "energy.csv:2: '2026-01-05T00:00' has no UTC offset" in capsys.readouterr().err
