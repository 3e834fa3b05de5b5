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
from smartblocks.protos.blockmeter_pb2 import Rollup


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
    assert "meter main (electricity_import, mWh), UTC" in out
    lines = out.splitlines()
    assert lines[1].split() == ["period", "sum", "count", "min", "max", "flagged", "gaps", "gap_s"]
    assert lines[3].split() == ["2026-03-01", "300", "2", "100", "200", "0", "0", "0"]
    assert lines[4].split() == ["2026-03-02", "1800", "4", "300", "600", "1", "1", "1800"]
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
    _, rows = views.rollup_rows([record], "hour")
    assert rows == [
        ["2026-03-01 00:00", 10, 1, 10, 10, 0],
        ["2026-03-01 05:00", 20, 1, 20, 20, 1],
    ]
    text = views.table(["name", "n"], [["a", 5], ["bbb", 123]])
    assert text.splitlines() == ["name    n", "----  ---", "a       5", "bbb   123"]
    assert views.record_dict(record)["buckets"][1]["flagged_count"] == 1
