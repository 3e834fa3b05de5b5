"""`smartblocks mv report` on BlockMeter day rollups read from a real devnet over REST."""

from __future__ import annotations

import json

import pytest

from smartblocks.processors.blockmeter import txn
from smartblocks.processors.kit import baseline
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit
from tests.integration.blockmeter_fixtures import BlockMeterLedger, blockmeter

__all__ = ["blockmeter"]  # the fixture, imported for pytest

MONDAY = 1772409600  # 2026-03-02T00:00Z


def test_report_from_ledger_rollups(
    blockmeter: BlockMeterLedger, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    energy = blockmeter.new_meter("mv-main")
    outdoor = blockmeter.new_meter(
        "mv-temp",
        kind="TEMPERATURE",
        unit="MILLIDEGREE_CELSIUS",
        plausible_min=-50_000,
        plausible_max=60_000,
    )
    readings = {  # per day: the main meter's four 15-minute values, the temperature's
        0: ([1_000_000, 2_000_000, 3_000_000, 4_000_000], [0, 0, 1, 2]),  # mean 3 // 4 = 0
        1: ([5_000_000, 5_000_000, 5_000_000, 5_000_000], [10_000, 10_000, 10_000, 10_002]),
    }
    for day, (values, temperatures) in readings.items():
        start = MONDAY + day * 86_400 + 12 * 3600
        for meter, series in ((energy, values), (outdoor, temperatures)):
            blockmeter.submit(
                meter.device,
                txn.record_readings(
                    meter.device,
                    meter_id=meter.meter_id,
                    window_start=start,
                    interval_s=900,
                    values=series,
                ),
            )
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="hand-made",
    )
    curve = table.curves.add(day_type=0)
    curve.knots.add(temperature=0, energy=30_000_000)
    curve.knots.add(temperature=20_000, energy=10_000_000)
    path = tmp_path / "baseline.pb"
    path.write_bytes(baseline.canonical_bytes(table))
    capsys.readouterr()
    period = ["--from", "2026-03-02", "--to", "2026-03-04"]
    argv = ["mv", "report", "--table", path, "--meter", energy.meter_id, *period]
    assert blockmeter.cli(*argv, "--temperature-meter", outdoor.meter_id, "--json") == 0
    out = json.loads(capsys.readouterr().out)
    # Day 1 at 0 m°C: 30 kWh baseline, 10 kWh used; day 2 at 10,000 m°C: 20 kWh, 20 kWh used.
    assert out["adjusted_baseline"] == 50_000_000
    assert out["actual"] == 30_000_000
    assert out["avoided"] == 20_000_000
    assert out["missing_days"] == ["2026-03-04"]
    assert blockmeter.cli(*argv, "--temperature-meter", energy.meter_id) == 1
    assert "not an outdoor temperature meter" in capsys.readouterr().err
