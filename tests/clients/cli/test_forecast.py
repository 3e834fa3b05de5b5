"""The forecast CLI's argument handling and output, with the REST API replaced by the in-memory
ledger serving BlockMeter and BlockPredict (the whole flow on a devnet:
tests/integration/test_blockpredict.py)."""

from __future__ import annotations

import json

import pytest

from smartblocks.ledger.keys import write_private_file
from smartblocks.processors.blockpredict.handler import BlockPredictHandler
from tests.clients.cli.test_meter import cli
from tests.processors.blockpredict.conftest import BEFORE, T0, World

__all__ = ["cli"]  # the fixture, imported for pytest


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def ledger(world):
    """The `cli` fixture's ledger: the world's, serving both families."""
    assert isinstance(world.ledger.handlers["blockpredict"], BlockPredictHandler)
    return world.ledger


def forecaster_key(world, tmp_path):
    path = tmp_path / "forecaster.priv"
    write_private_file(path, world.forecaster.private_hex())
    return path


def test_post_show_score_and_accuracy(cli, world, capsys, tmp_path):
    run, keys = cli
    key = forecaster_key(world, tmp_path)
    issuer = world.forecaster.public_key
    csv = tmp_path / "f.csv"
    csv.write_text("kWh\n" + "\n".join(["1000"] * 24) + "\n")
    assert world.time == BEFORE
    common = ["--model", "m", "--model-version", "1", "--key", key]
    assert run("forecast", "post", "m-1", "--start", "2026-03-01", "--csv", csv, *common) == 0
    assert "24 values at 3600 s, 2026-03-01T00:00Z to 2026-03-02T00:00Z" in capsys.readouterr().out

    show = ["forecast", "show", "m-1", "--start", "2026-03-01T00:00Z", "--issuer", issuer]
    assert run(*show) == 0
    assert "not scored yet" in capsys.readouterr().out

    world.record(T0, [250] * 96)
    score = ["forecast", "score", "m-1", "--start", "2026-03-01", "--issuer", issuer]
    assert run(*score, "--key", keys["gateway"][0]) == 0
    assert run(*score, "--key", keys["gateway"][0]) == 1
    assert "is already scored" in capsys.readouterr().err
    assert run(*show, "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["forecast"]["start"] == "2026-03-01T00:00:00Z"
    assert shown["score"]["metrics"]["mae"] == 0 and shown["score"]["coverage_ppm"] == 1_000_000

    assert run("forecast", "accuracy", "m-1", "--month", "2026-03") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "meter m-1, hour slots, UTC months"
    assert lines[3].split() == ["2026-03", "1", "24", "0", "0", "0.00", "%", "0.00", "%"]
    assert run("forecast", "accuracy", "m-1", "--month", "2026-03", "--slot", "day") == 0
    assert "no scored forecasts with day slots" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["accuracy", "m-1", "--month", "2026-3"], "--month '2026-3' is not YYYY-MM"),
        (["accuracy", "m-9", "--month", "2026-03"], "meter m-9 does not exist"),
        (["show", "m-1", "--start", "2026-03-01", "--issuer", "02" + "a" * 64], "no forecast"),
        (["show", "m-1", "--start", "yesterday", "--issuer", "x"], "'yesterday' is not a time"),
    ],
)
def test_bad_input_is_one_line_naming_it(cli, capsys, argv, message):
    run, _ = cli
    assert run("forecast", *argv) == 1
    assert message in capsys.readouterr().err


def test_a_csv_with_a_quality_column_is_refused(cli, world, capsys, tmp_path):
    run, _ = cli
    csv = tmp_path / "q.csv"
    csv.write_text("1000,1\n1000,0\n")
    argv = ["--start", "2026-03-01", "--csv", csv, "--model", "m", "--model-version", "1"]
    assert run("forecast", "post", "m-1", *argv, "--key", forecaster_key(world, tmp_path)) == 1
    assert "one value per row, no quality column" in capsys.readouterr().err


def test_a_refused_forecast_names_the_rule(cli, world, capsys, tmp_path):
    run, _ = cli
    world.set_time(T0)
    argv = ["--start", "2026-03-01", "--values", "1,2,3", "--model", "m", "--model-version", "1"]
    assert run("forecast", "post", "m-1", *argv, "--key", forecaster_key(world, tmp_path)) == 1
    assert "must be committed before its period starts" in capsys.readouterr().err
