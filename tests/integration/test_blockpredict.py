"""BlockPredict on a real devnet (subprocesses, ZMQ and HTTP) with `smartblocks tp blockmeter`
and `smartblocks tp blockpredict`: grant a forecaster, post a forecast before its period, record
the period's readings, score it and read the score, all through the CLI (`main(argv)`).

Ledger time comes from a file the test writes (`smartblocks devnet --clock-file`), so the period
can start and end without waiting for the wall clock."""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterator

import pytest

from tests.integration.clocked_ledger import ClockedLedger, clocked_ledger

T0 = calendar.timegm((2026, 3, 1, 0, 0, 0))
HOURS = 6


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClockedLedger]:
    with clocked_ledger(
        tmp_path_factory.mktemp("blockpredict"), T0 - 3_600, "blockmeter", "blockpredict"
    ) as clocked:
        yield clocked


def test_post_record_score_and_read_through_the_cli(ledger: ClockedLedger, capsys, tmp_path):
    setup = ledger.new_meter("main")
    meter, owner = setup.meter_id, setup.owner_key
    forecaster_key, forecaster_pub, forecaster = ledger.key_file("forecaster")
    capsys.readouterr()

    assert (
        ledger.sh(f"smartblocks forecast grant {setup.site_id} {forecaster_pub} --key {owner}") == 0
    )
    # Quarter-hour forecast from a CSV file: 1,000 mWh per quarter = 4,000 per hour.
    csv = tmp_path / "forecast.csv"
    csv.write_text("value\n" + "1000\n" * (4 * HOURS))
    post = (
        f"smartblocks forecast post {meter} --start 2026-03-01T00:00Z --resolution 15m "
        f"--csv {csv} --model naive-week --model-version 1 --key {forecaster_key}"
    )
    assert ledger.sh(post) == 0
    assert "24 values at 900 s, 2026-03-01T00:00Z to 2026-03-01T06:00Z" in capsys.readouterr().out

    # Readings for the six hours: 1,200 mWh per quarter (4,800 per hour), recorded after them.
    ledger.set_time(T0 + HOURS * 3_600 + 60)
    values = ",".join(["1200"] * (4 * HOURS))
    record = (
        f"smartblocks meter record {meter} --start 2026-03-01T00:00Z --interval 900 "
        f"--values {values} --key {setup.device_key}"
    )
    assert ledger.sh(record) == 0

    # Posting again now that the period has started is refused, with the rule named.
    assert ledger.sh(post) == 1
    assert "must be committed before its period starts" in capsys.readouterr().err

    scorer_key, _, _ = ledger.key_file("scorer")
    key_args = f"{meter} --start 2026-03-01T00:00Z --issuer {forecaster_pub}"
    assert ledger.sh(f"smartblocks forecast score {key_args} --key {scorer_key}") == 0
    assert ledger.sh(f"smartblocks forecast score {key_args} --key {scorer_key}") == 1
    assert "already scored" in capsys.readouterr().err

    assert ledger.sh(f"smartblocks forecast show {key_args} --json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["forecast"]["values"] == [4000] * HOURS
    assert shown["forecast"]["issuer"] == forecaster.public_key
    score = shown["score"]
    assert score["coverage_ppm"] == 1_000_000 and score["hours_in_period"] == HOURS
    assert score["sums"]["slots"] == HOURS and score["sums"]["sum_error"] == -800 * HOURS
    assert score["metrics"] == {
        "mae": 800,
        "bias": -800,
        "mape_ppm": 166_667,  # 800 / 4800
        "cv_rmse_ppm": 166_667,  # RMSE 800 / mean 4800
    }

    assert ledger.sh(f"smartblocks forecast accuracy {meter} --month 2026-03 --json") == 0
    [month] = json.loads(capsys.readouterr().out)
    assert (month["month"], month["scores"], month["slot_s"]) == ("2026-03", 1, 3600)
    assert month["metrics"] == score["metrics"]
    assert ledger.sh(f"smartblocks forecast accuracy {meter} --month 2026-03") == 0
    assert "16.67 %" in capsys.readouterr().out
