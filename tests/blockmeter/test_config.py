"""Config: the examples load, and every mistake is reported with file, line and key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from smartblocks.blockmeter import config
from smartblocks.blockmeter.cli import main
from smartblocks.ledger.keys import write_key_files

EXAMPLES = Path(__file__).resolve().parents[2] / "blockmeter" / "examples"

GOOD = """\
[agent]
site_id = "site-1"
key_file = "gw.priv"
rest_urls = ["http://127.0.0.1:8008"]

[[meters]]
id = "m-1"
connector = "simulator"
[meters.params]
point = "grid_import"

[[meters]]
id = "m-2"
connector = "modbus"
interval_s = 30
window_s = 900
[meters.params]
host = "127.0.0.1"
port = 5020
map = "sdm630"
register = "total_import_energy"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["simulated-building.toml", "modbus-sdm630.toml"])
def test_examples_load(name: str) -> None:
    loaded = config.load(EXAMPLES / name)
    assert loaded.meters and loaded.rest_urls


def test_a_good_config(tmp_path: Path) -> None:
    loaded = config.load(write(tmp_path, GOOD))
    m1, m2 = loaded.meters
    assert (m1.interval_s, m1.window_s, m1.unit, m1.mode, m1.fill) == (
        60,
        900,
        "kWh",
        "cumulative",
        "previous",
    )
    assert m2.settings.register.address == 0x48 and m2.settings.port == 5020
    assert loaded.key_file == tmp_path / "gw.priv"
    assert loaded.spool == tmp_path / "blockmeter-spool.sqlite"


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "says"),
    [
        ("port = 5020", 'port = "x"', 19, "meters[1].params.port", "integer"),
        ("port = 5020", "prot = 5020", 19, "meters[1].params.prot", "unknown key"),
        ("window_s = 900", "window_s = 700", 16, "meters[1].window_s", "multiple of interval_s"),
        ('id = "m-2"', 'id = "m-1"', 13, "meters[1].id", "duplicate meter id"),
        ('id = "m-2"', 'id = "M 2"', 13, "meters[1].id", "must match"),
        ('"http://127.0.0.1:8008"', '"ftp://x"', 4, "agent.rest_urls", "not an http"),
        ('point = "grid_import"', 'point = "sun"', 10, "meters[0].params.point", "one of"),
        ('key_file = "gw.priv"\n', "", 1, "agent.key_file", "is required"),
        (
            'register = "total_import_energy"',
            'register = "x"',
            21,
            "meters[1].params.register",
            "total_import_energy",
        ),
    ],
)
def test_errors_name_file_line_and_key(
    tmp_path: Path, old: str, new: str, line: int, key: str, says: str
) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(config.ConfigError) as caught:
        config.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: {key}: "), message
    assert says in message


def test_syntax_errors_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match=r"not valid TOML.*line 2"):
        config.load(write(tmp_path, "[agent]\nsite_id = \n"))
    with pytest.raises(config.ConfigError, match="cannot read config"):
        config.load(tmp_path / "none.toml")


def test_check_config_refuses_a_key_others_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD)
    write_key_files("gw", tmp_path)
    assert main(["check-config", str(path)]) == 0
    assert "meter m-2: modbus" in capsys.readouterr().out
    os.chmod(tmp_path / "gw.priv", 0o644)
    assert main(["check-config", str(path)]) == 1
    assert "chmod 600" in capsys.readouterr().err
    assert main(["check-config", str(tmp_path / "none.toml")]) == 1


def test_a_simulated_measure(tmp_path: Path) -> None:
    from smartblocks.blockmeter.simulator import Measure

    assert config.load(write(tmp_path, GOOD)).simulator.measure is None
    text = GOOD.replace(
        "[[meters]]",
        "[simulator]\nmeasure_start = 1775001600\nmeasure_lighting_factor = 0.7\n"
        "measure_setpoint_change_c = -1\n\n[[meters]]",
        1,
    )
    assert config.load(write(tmp_path, text)).simulator.measure == Measure(1775001600, 0.7, -1.0)
    bad = text.replace("= 0.7", "= 3")
    with pytest.raises(config.ConfigError, match="measure_lighting_factor"):
        config.load(write(tmp_path, bad))


def test_a_simulated_model_start(tmp_path: Path) -> None:
    """`model_start` (the demo's history) at or before `start`; default: `start`."""
    assert config.load(write(tmp_path, GOOD)).simulator.model_start is None
    text = GOOD.replace(
        "[[meters]]", "[simulator]\nstart = 1767571200\nmodel_start = 1736035200\n\n[[meters]]", 1
    )
    assert config.load(write(tmp_path, text)).simulator.model_start == 1736035200
    late = text.replace("model_start = 1736035200", "model_start = 1767571260")
    with pytest.raises(config.ConfigError, match="model_start"):
        config.load(write(tmp_path, late))
