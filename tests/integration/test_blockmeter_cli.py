"""The BlockMeter CLI flow of docs/blockmeter.md against a real devnet and `smartblocks tp
blockmeter` (subprocesses, real HTTP and ZMQ): every command through `main(argv)`."""

from __future__ import annotations

import json
import subprocess

import pytest

from smartblocks.clients.cli.main import main
from smartblocks.ledger.keys import load_public_key
from tests.integration.blockmeter_fixtures import BlockMeterLedger, blockmeter
from tests.integration.processes import CLI, REPO, subprocess_env

__all__ = ["blockmeter"]  # the fixture, imported for pytest


def test_documented_flow(blockmeter: BlockMeterLedger, capsys, tmp_path) -> None:
    cli, authority = blockmeter.cli, blockmeter.authority_key
    keys = tmp_path / "keys"
    for name in ("owner", "gateway"):
        assert main(["keygen", "--key-dir", str(keys), name]) == 0
    owner, gateway = keys / "owner", keys / "gateway"
    site, meter = blockmeter.unique("town-hall"), blockmeter.unique("main")
    capsys.readouterr()

    assert cli("authority", "show") == 0
    assert blockmeter.authority.public_key in capsys.readouterr().out
    for line in [
        f'smartblocks site create {site} --owner {owner}.pub --name "Town hall" '
        f"--floor-area 2400 --timezone Europe/Berlin --key {authority}",
        f"smartblocks meter register {meter} --site {site} --kind electricity-import "
        f'--interval 900 --max 500000000 --name "Main incomer" --key {owner}.priv',
        f"smartblocks meter bind-key {meter} {gateway}.pub --key {owner}.priv",
        f"smartblocks meter record {meter} --start 2026-03-01T12:00Z --interval 900 "
        f"--values 1200,1180,1310,990 --key {gateway}.priv",
    ]:
        assert blockmeter.sh(line) == 0, line
    out = capsys.readouterr().out
    assert f"site {site} created" in out
    assert f"key {load_public_key(f'{gateway}.pub')} bound to meter {meter}" in out
    assert f"meter {meter}: 4 values recorded, 2026-03-01T12:00Z to 2026-03-01T13:00Z" in out

    # A second window from a CSV file with quality flags: one value flagged as estimated.
    csv = tmp_path / "window.csv"
    csv.write_text("value,quality\n1000,0\n1100,1\n")
    record = f"smartblocks meter record {meter} --start 2026-03-01T13:00Z --interval 900"
    assert blockmeter.sh(f"{record} --csv {csv} --key {gateway}.priv") == 0
    capsys.readouterr()

    rollups = f"smartblocks meter rollups {meter} --from 2026-03-01"
    assert blockmeter.sh(f"{rollups} --to 2026-03-31") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"meter {meter} (electricity_import, kWh), UTC"
    assert lines[3].split() == ["2026-03-01", "0.00678", "6", "0.00099", "0.00131", "1", "0", "0"]

    assert blockmeter.sh(f"{rollups} --to 2026-03-01 --by hour") == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[3:]]
    assert rows == [
        ["2026-03-01", "12:00", "0.00468", "4", "0.00099", "0.00131", "0"],
        ["2026-03-01", "13:00", "0.00210", "2", "0.00100", "0.00110", "1"],
    ]

    assert blockmeter.sh(f"{rollups} --to 2026-03-31 --json") == 0
    [day] = json.loads(capsys.readouterr().out)
    assert (day["meter_id"], day["period"]) == (meter, "2026-03-01")
    assert (day["sum"], day["count"]) == (6780, 6)
    assert [(b["index"], b["sum"], b["flagged_count"]) for b in day["buckets"]] == [
        (12, 4680, 0),
        (13, 2100, 1),
    ]
    assert blockmeter.sh(f"{rollups} --to 2026-03-31 --by month --json") == 0
    [month] = json.loads(capsys.readouterr().out)
    assert (month["period"], month["sum"]) == ("2026-03", 6780)
    assert [b["index"] for b in month["buckets"]] == [1]

    assert cli("meter", "show", meter, "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["meter"]["site_id"] == site
    assert shown["meter"]["device_keys"] == [load_public_key(f"{gateway}.pub")]
    assert shown["head"]["last_window_end"] == "2026-03-01T13:30:00Z"
    assert (shown["head"]["window_count"], shown["head"]["value_count"]) == (2, 6)
    assert cli("meter", "list", "--site", site, "--json") == 0
    assert [m["meter_id"] for m in json.loads(capsys.readouterr().out)] == [meter]
    assert cli("site", "show", site, "--json") == 0
    assert json.loads(capsys.readouterr().out)["timezone"] == "Europe/Berlin"


def reject_overlap(ledger: BlockMeterLedger, meter, record) -> str:
    assert record(meter.device_key, "2026-03-01T12:00Z", "1200,1180,1310,990") == 0
    assert record(meter.device_key, "2026-03-01T12:30Z", "1200") == 1
    return (
        f"meter {meter.meter_id}: window 2026-03-01T12:30Z starts before recorded data ends "
        "(2026-03-01T13:00Z)"
    )


def reject_unbound_signer(ledger: BlockMeterLedger, meter, record) -> str:
    assert record(meter.owner_key, "2026-03-01T12:00Z", "1200") == 1
    return f"signer {meter.owner.public_key[:10]}.. is not bound to meter {meter.meter_id}"


def reject_implausible(ledger: BlockMeterLedger, meter, record) -> str:
    assert record(meter.device_key, "2026-03-01T12:00Z", "25000001") == 1
    return (
        f"meter {meter.meter_id}: 25000001 mWh in the 900 s from 2026-03-01T12:00Z is outside "
        "the plausible 0..25000000 mWh (0..100000000 mWh/h)"
    )


@pytest.mark.parametrize(
    "case", [reject_overlap, reject_unbound_signer, reject_implausible], ids=lambda f: f.__name__
)
def test_rejection_is_one_clear_line_and_exit_1(blockmeter, capsys, case) -> None:
    meter = blockmeter.new_meter()

    def record(key, start: str, values: str) -> int:
        return blockmeter.sh(
            f"smartblocks meter record {meter.meter_id} --start {start} --interval 900 "
            f"--values {values} --key {key}"
        )

    expected = case(blockmeter, meter, record)
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("smartblocks meter: POST ")
    assert "is INVALID" in err
    assert err.rstrip().endswith(f"was rejected: {expected}")


def test_register_going_backwards_is_one_clear_line(blockmeter, capsys) -> None:
    meter = blockmeter.new_meter(
        "register",
        mode="CUMULATIVE",
        rollover=1_000_000,
        initial_register=5_000,
        plausible_max=2_000_000,
    )
    record = ["meter", "record", meter.meter_id, "--interval", 900, "--key", meter.device_key]
    assert blockmeter.cli(*record, "--start", "2026-03-01T00:00Z", "--values", "6000") == 0
    assert blockmeter.cli(*record, "--start", "2026-03-01T00:15Z", "--values", "5990") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.rstrip().endswith(
        f"meter {meter.meter_id}: register went back from 6000 to 5990 at 2026-03-01T00:15Z; "
        "as a rollover it would mean 999990 mWh in 900 s, above the plausible 500000 mWh"
    )


def test_the_command_itself_exits_1_with_the_reason_and_no_traceback(blockmeter) -> None:
    meter = blockmeter.new_meter()
    done = subprocess.run(
        [*CLI, "meter", "record", meter.meter_id, "--start", "2026-03-01T12:00Z",
         "--interval", "900", "--values", "5", "--key", str(meter.owner_key),
         "--url", blockmeter.url],
        cwd=REPO, env=subprocess_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.endswith(
        f"signer {meter.owner.public_key[:10]}.. is not bound to meter {meter.meter_id}"
    )
