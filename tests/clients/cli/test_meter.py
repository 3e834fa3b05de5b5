"""The BlockMeter CLI's argument handling and output, with the REST API replaced by the
in-memory ledger (end-to-end runs against devnet live with the devnet tests)."""

from __future__ import annotations

import datetime
import json

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.clients.cli import blockmeter_inputs as inputs
from smartblocks.clients.cli import blockmeter_views as views
from smartblocks.clients.cli import ledger_args
from smartblocks.clients.cli.main import main
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import write_key_files
from smartblocks.protos.blockmeter_pb2 import Rollup, Unit


@pytest.fixture
def cli(ledger, monkeypatch, tmp_path):
    """Run `smartblocks ...` against an in-memory ledger; returns (run, key paths)."""

    def submit(args, signer, transactions):
        # As the REST client does: a rejected batch is a UserError carrying the message.
        for transaction in transactions:
            try:
                ledger.apply(transaction)
            except InvalidTransaction as exc:
                raise UserError(f"batch invalid: {exc}") from None

    def read(args, addresses):
        return [ledger.state.get(a) for a in addresses]

    def read_prefix(args, prefix):
        return sorted((a, v) for a, v in ledger.state.items() if a.startswith(prefix))

    monkeypatch.setattr(ledger_args, "submit", submit)
    monkeypatch.setattr(ledger_args, "read", read)
    monkeypatch.setattr(ledger_args, "read_prefix", read_prefix)
    keys = {name: write_key_files(name, tmp_path)[:2] for name in ("auth", "owner", "gateway")}

    def run(*argv):
        return main([str(a) for a in argv])

    return run, keys


def test_cli_flow(cli, ledger, capsys, tmp_path):
    run, keys = cli
    auth, owner, gateway = (str(keys[n][0]) for n in ("auth", "owner", "gateway"))
    assert run("authority", "show") == 1
    assert "the setting smartblocks.blockmeter.authorities is not set" in capsys.readouterr().err
    # As genesis leaves it: `auth` is the one settings voter, so its proposal applies at once.
    ledger.set_setting("sawtooth.settings.vote.authorized_keys", keys["auth"][1].read_text())
    assert run("authority", "propose", keys["auth"][1], "--key", auth) == 0
    assert run("authority", "show") == 0
    assert capsys.readouterr().out.strip().endswith(keys["auth"][1].read_text().strip())
    assert (
        run(
            "site",
            "create",
            "town-hall",
            "--key",
            auth,
            "--owner",
            keys["owner"][1],
            "--name",
            "Town hall",
            "--floor-area",
            2400,
            "--timezone",
            "Europe/Berlin",
        )
        == 0
    )
    assert (
        run(
            "meter",
            "register",
            "main",
            "--key",
            owner,
            "--site",
            "town-hall",
            "--kind",
            "electricity-import",
            "--interval",
            900,
            "--max",
            500_000_000,
            "--name",
            "Main incomer",
        )
        == 0
    )
    assert run("meter", "bind-key", "main", keys["gateway"][1], "--key", owner) == 0
    assert (
        run(
            "meter",
            "record",
            "main",
            "--key",
            gateway,
            "--start",
            "2026-03-01T23:30Z",
            "--interval",
            900,
            "--values",
            "100,200,300,400",
        )
        == 0
    )
    assert "4 values recorded, 2026-03-01T23:30Z to 2026-03-02T00:30Z" in capsys.readouterr().out
    csv_file = tmp_path / "more.csv"
    csv_file.write_text("value,quality\n500,0\n600,1\n")
    assert (
        run(
            "meter",
            "record",
            "main",
            "--key",
            gateway,
            "--start",
            "2026-03-02T01:00:00+01:00",
            "--interval",
            900,
            "--csv",
            csv_file,
        )
        == 1
    )
    assert "starts before recorded data ends (2026-03-02T00:30Z)" in capsys.readouterr().err
    assert (
        run(
            "meter",
            "record",
            "main",
            "--key",
            gateway,
            "--start",
            "2026-03-02T01:00Z",
            "--interval",
            900,
            "--csv",
            csv_file,
        )
        == 0
    )
    capsys.readouterr()

    assert run("meter", "rollups", "main", "--from", "2026-03-01", "--to", "2026-03-03") == 0
    out = capsys.readouterr().out
    assert "meter main (electricity_import, kWh), UTC" in out
    lines = out.splitlines()
    assert lines[1].split() == [
        "period", "kWh", "count", "min_kWh", "max_kWh", "flagged", "gaps", "gap_s"
    ]  # fmt: skip
    assert lines[3].split() == ["2026-03-01", "0.0003", "2", "0.0001", "0.0002", "0", "0", "0"]
    assert lines[4].split() == [
        "2026-03-02", "0.0018", "4", "0.0003", "0.0006", "1", "1", "1,800"
    ]  # fmt: skip
    assert (
        run(
            "meter", "rollups", "main", "--from", "2026-03-02", "--to", "2026-03-02", "--by", "hour"
        )
        == 0
    )
    assert "2026-03-02 01:00" in capsys.readouterr().out
    assert (
        run(
            "meter",
            "rollups",
            "main",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--by",
            "month",
            "--json",
        )
        == 0
    )
    (month,) = json.loads(capsys.readouterr().out)
    assert (month["period"], month["sum"], month["count"]) == ("2026-03", 2100, 6)

    assert run("meter", "show", "main", "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["meter"]["kind"] == "ELECTRICITY_IMPORT"
    assert shown["head"]["value_count"] == 6
    assert run("meter", "list", "--site", "town-hall") == 0
    assert "Main incomer" in capsys.readouterr().out
    assert run("site", "list") == 0
    assert "Town hall" in capsys.readouterr().out
    assert run("site", "show", "town-hall") == 0
    assert "timezone: Europe/Berlin" in capsys.readouterr().out
    assert run("meter", "revoke-key", "main", keys["gateway"][1], "--key", owner) == 0
    assert run("meter", "update", "main", "--max", "400", "--key", owner) == 1
    assert "bounds may only widen" in capsys.readouterr().err
    assert run("meter", "update", "main", "--max", "600000000", "--key", owner) == 0
    assert "meter main updated" in capsys.readouterr().out
    assert run("meter", "show", "main", "--json") == 0
    assert json.loads(capsys.readouterr().out)["meter"]["plausible_max"] == 600_000_000
    repair = ["meter", "repair", "main", "--until", "2026-03-01", "--reason", "clock"]
    assert run(*repair, "--key", owner) == 1
    assert "there is nothing to repair" in capsys.readouterr().err
    assert run("meter", "retire", "main", "--key", owner) == 0
    assert run("meter", "show", "nope") == 1
    assert "meter nope does not exist" in capsys.readouterr().err
    # An id no meter can have is not "missing": it is invalid, and the message says why.
    for argv in (
        ["meter", "show", "LAB 970!"],
        ["meter", "rollups", "LAB 970!", "--from", "2026-03-01", "--to", "2026-03-01"],
        ["meter", "bind-key", "LAB 970!", keys["gateway"][1], "--key", owner],
        ["meter", "record", "LAB 970!", "--start", "2026-03-01", "--interval", 900,
         "--values", "1", "--key", gateway],
    ):  # fmt: skip
        assert run(*argv) == 1
        err = capsys.readouterr().err
        assert "invalid id: meter id 'LAB 970!' is not 1..64 characters of A-Z a-z 0-9" in err
        assert "`smartblocks meter list` shows the ids" in err
        assert "does not exist" not in err


def test_a_public_key_given_as_key_is_named_as_such(cli, capsys, tmp_path):
    run, keys = cli
    pub = keys["owner"][1]  # mode 0644: the mode is not what is wrong
    assert run("site", "create", "x", "--owner", pub, "--name", "X", "--key", pub) == 1
    err = capsys.readouterr().err
    assert (
        f"{pub} is a public key; give the private key (.priv) that signs: {keys['owner'][0]}"
        in (err)
    )
    assert "chmod" not in err
    elsewhere = tmp_path / "copied-key"
    elsewhere.write_text(pub.read_text())
    assert run("site", "create", "x", "--owner", pub, "--name", "X", "--key", elsewhere) == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(f"{elsewhere} is a public key; give the private key (.priv) that signs")
    )


def test_register_needs_a_unit_when_the_kind_has_several(cli, capsys):
    run, keys = cli
    owner = str(keys["owner"][0])
    assert (
        run(
            "meter",
            "register",
            "gas",
            "--key",
            owner,
            "--site",
            "s",
            "--kind",
            "gas",
            "--interval",
            900,
            "--max",
            10,
        )
        == 1
    )
    assert "kind gas has several units (milliwatt-hour, millilitre)" in capsys.readouterr().err


def test_parse_time():
    assert inputs.parse_time("2026-03-01T12:00Z") == 1772366400
    assert inputs.parse_time("2026-03-01T13:00+01:00") == 1772366400
    assert inputs.parse_time("2026-03-01T12:00") == 1772366400  # no offset: UTC
    assert inputs.parse_time("1772366400") == 1772366400
    with pytest.raises(UserError, match="'yesterday' is not a time"):
        inputs.parse_time("yesterday")


def test_parse_values_and_dates():
    assert inputs.parse_int_list("1, -2,3") == [1, -2, 3]
    with pytest.raises(UserError, match=r"value 2 \('2.5'\) is not an integer"):
        inputs.parse_int_list("1,2.5")
    assert inputs.parse_date("2026-03-01") == datetime.date(2026, 3, 1)
    with pytest.raises(UserError, match="use YYYY-MM-DD"):
        inputs.parse_date("03/01/2026")


def test_read_values_csv(tmp_path):
    plain = tmp_path / "a.csv"
    plain.write_text("1\n2\n\n3\n")
    assert inputs.read_values_csv(plain) == ([1, 2, 3], [])
    flagged = tmp_path / "b.csv"
    flagged.write_text("value,quality\n1,0\n2,4\n3\n")
    assert inputs.read_values_csv(flagged) == ([1, 2, 3], [0, 4, 0])
    bad = tmp_path / "c.csv"
    bad.write_text("1\nx,y,z\n")
    with pytest.raises(UserError, match="data row 2"):
        inputs.read_values_csv(bad)
    with pytest.raises(UserError, match="cannot read"):
        inputs.read_values_csv(tmp_path / "missing.csv")


def test_public_key_arg(tmp_path):
    key = "02" + "ab" * 32
    assert inputs.public_key_arg(key) == key
    (tmp_path / "k.pub").write_text(key + "\n")
    assert inputs.public_key_arg(str(tmp_path / "k.pub")) == key
    with pytest.raises(UserError, match="neither a public key"):
        inputs.public_key_arg("bob")


def test_table_and_rollup_rows():
    record = Rollup(meter_id="m", period="2026-03-01", sum=30, count=2, min=10, max=20)
    record.buckets.add(index=0, sum=10, count=1, min=10, max=10)
    record.buckets.add(index=5, sum=20, count=1, min=20, max=20, flagged_count=1)
    _, rows = views.rollup_rows([record], "hour", Unit.MILLIWATT_HOUR)
    assert rows == [
        ["2026-03-01 00:00", "0.00001", "1", "0.00001", "0.00001", "0"],
        ["2026-03-01 05:00", "0.00002", "1", "0.00002", "0.00002", "1"],
    ]
    text = views.table(["name", "n"], [["a", 5], ["bbb", 123]])
    assert text.splitlines() == ["name    n", "----  ---", "a       5", "bbb   123"]
    assert views.record_dict(record)["buckets"][1]["flagged_count"] == 1


def test_rollups_show_energy_in_kwh_and_volume_in_m3_with_separators():
    day = Rollup(
        period="2026-03-01", sum=6_522_797_833, count=1440, min=1_000, max=9_000_500,
        gap_count=1, gap_seconds=3600,
    )  # fmt: skip
    empty = Rollup(period="2026-03-02")
    headers, rows = views.rollup_rows([day, empty], "period", Unit.MILLIWATT_HOUR)
    assert headers == ["period", "kWh", "count", "min_kWh", "max_kWh", "flagged", "gaps", "gap_s"]
    assert rows[0] == ["2026-03-01", "6,522.797833", "1,440", "0.001", "9.0005", "0", "1", "3,600"]
    assert rows[1] == ["2026-03-02", "0.000000", "0", "-", "-", "0", "0", "0"]
    # Gas by volume: blockmeter/units.py has no calorific value, so m³ only.
    gas = Rollup(period="2026-03", sum=41_250_000_000, count=10, min=0, max=2_500_000)
    headers, rows = views.rollup_rows([gas], "period", Unit.MILLILITRE)
    assert headers[1] == "m³" and rows[0][1:5] == ["41,250.000", "10", "0.000", "2.500"]
    text = views.table(headers, rows)
    assert text.splitlines()[2].endswith("41,250.000     10   0.000   2.500        0     0      0")


def test_rollups_of_rates_show_means_not_sums():
    """A sum of temperatures means nothing: the mean (sum / count) in °C, m/s, ..."""
    temperature = Rollup(period="2026-03-01", sum=3 * 21_500 + 18_000, count=4, min=18_000)
    temperature.max = 21_500
    temperature.buckets.add(index=3, sum=-2_000, count=3, min=-1_000, max=0)
    headers, rows = views.rollup_rows([temperature], "period", Unit.MILLIDEGREE_CELSIUS)
    assert headers[:5] == ["period", "mean_°C", "count", "min_°C", "max_°C"]
    assert rows[0][1:5] == ["20.625", "4", "18.0", "21.5"]
    _, hours = views.rollup_rows([temperature], "hour", Unit.MILLIDEGREE_CELSIUS)
    assert hours == [["2026-03-01 03:00", "-0.667", "3", "-1.0", "0.0", "0"]]
    wind = Rollup(period="2026-03-01", sum=7 * 4_200, count=7, min=0, max=12_340)
    headers, rows = views.rollup_rows([wind], "period", Unit.MILLIMETRE_PER_SECOND)
    assert headers[1] == "mean_m/s" and rows[0][1] == "4.2" and rows[0][4] == "12.34"
    assert (
        views.rollup_rows([Rollup(period="x")], "period", Unit.MILLIDEGREE_CELSIUS)[1][0][1] == "-"
    )


def test_rollups_of_a_temperature_meter_through_the_cli(cli, ledger, capsys):
    run, keys = cli
    auth, owner, gateway = (str(keys[n][0]) for n in ("auth", "owner", "gateway"))
    ledger.set_setting("smartblocks.blockmeter.authorities", keys["auth"][1].read_text().strip())
    assert (
        run("site", "create", "s", "--owner", keys["owner"][1], "--name", "S", "--key", auth) == 0
    )
    register = ["meter", "register", "temp", "--site", "s", "--kind", "temperature"]
    assert run(*register, "--interval", 900, "--min", -40_000, "--max", 60_000, "--key", owner) == 0
    assert run("meter", "bind-key", "temp", keys["gateway"][1], "--key", owner) == 0
    values = ["--values", "20000,21000,-1500", "--key", gateway]
    assert (
        run("meter", "record", "temp", "--start", "2026-03-01T12:00Z", "--interval", 900, *values)
        == 0
    )
    capsys.readouterr()
    assert run("meter", "rollups", "temp", "--from", "2026-03-01", "--to", "2026-03-01") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "meter temp (temperature, °C: means of the readings), UTC"
    assert out[3].split()[:5] == ["2026-03-01", "13.167", "3", "-1.5", "21.0"]
    assert (
        run("meter", "rollups", "temp", "--from", "2026-03-01", "--to", "2026-03-01", "--json") == 0
    )
    [day] = json.loads(capsys.readouterr().out)
    assert (day["sum"], day["count"]) == (39_500, 3)  # --json keeps the ledger's integers
