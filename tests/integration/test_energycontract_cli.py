"""EnergyContract on a real devnet (subprocesses, ZMQ and HTTP) with `smartblocks tp blockmeter`
and `smartblocks tp energycontract`, through the CLI as README.md shows it: issue EUR, preview a
terms file before anyone signs, propose, accept, settle the month once it is over, show.

Ledger time comes from a file the test writes (`smartblocks devnet --clock-file`)."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartblocks.clients.contracts.terms_file import example_path
from smartblocks.ledger.keys import write_key_files
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract.records import issuers_setting
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit
from tests.integration.clocked_ledger import ClockedLedger, clocked_ledger

MARCH = calendar.timegm((2027, 3, 1, 0, 0, 0))
APRIL = calendar.timegm((2027, 4, 1, 0, 0, 0))
DAY, HOUR = 86_400, 3_600


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClockedLedger]:
    base = tmp_path_factory.mktemp("energycontract")
    _, _, bank = write_key_files("bank", base / "keys")
    with clocked_ledger(
        base,
        MARCH - DAY,
        "blockmeter",
        "energycontract",
        settings=[f"{issuers_setting('EUR')}={bank.public_key}"],
    ) as clocked:
        yield clocked


def flat_table(path: Path) -> Path:
    """200 kWh a day whatever the weather."""
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="test flat",
    )
    table.curves.add(day_type=0).knots.add(temperature=0, energy=200_000_000)
    path.write_bytes(table.SerializeToString())
    return path


def terms_file(folder: Path, *, site: str, meter: str, weather: str, keys: dict[str, Path]) -> Path:
    """The shared-savings example, pointed at this ledger's site, meters and keys."""
    text = example_path("shared_savings").read_text()
    for old, new in (
        ('site = "town-hall"', f'site = "{site}"'),
        ('meters = ["main"]', f'meters = ["{meter}"]'),
        ('weather_meter = "weather"', f'weather_meter = "{weather}"'),
        ('start = "2027-01-01"', 'start = "2027-03-01"'),
        ("periods = 60", "periods = 2"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    for role, pub in keys.items():  # the [parties] table's keys, as .pub files
        text, found = re.subn(rf'(?m)^{role} = "0[23][0-9a-f]{{64}}"', f'{role} = "{pub}"', text)
        assert found == 1, role
    flat_table(folder / "baseline.pb")
    path = folder / "terms.toml"
    path.write_text(text)
    return path


def test_propose_accept_settle_and_show_through_the_cli(ledger: ClockedLedger, capsys, tmp_path):
    setup = ledger.new_meter("main", nominal_interval_s=HOUR, plausible_max=10**12)
    weather = ledger.unique("weather")
    ledger.submit(
        setup.owner,
        meter_txn.register_meter(
            setup.owner,
            meter_id=weather,
            site_id=setup.site_id,
            kind="TEMPERATURE",
            unit="MILLIDEGREE_CELSIUS",
            nominal_interval_s=HOUR,
            plausible_min=-60_000,
            plausible_max=60_000,
        ),
        meter_txn.bind_key(
            setup.owner, meter_id=weather, site_id=setup.site_id, public_key=setup.device.public_key
        ),
    )
    esco_key, esco_pub, _ = ledger.key_file("esco")
    _, auditor_pub, _ = ledger.key_file("auditor")
    bank_key = ledger.key_dir / "bank.priv"
    owner_pub = setup.owner_key.with_suffix(".pub")
    terms = terms_file(
        tmp_path,
        site=setup.site_id,
        meter=setup.meter_id,
        weather=weather,
        keys={"esco": esco_pub, "owner": owner_pub, "auditor": auditor_pub},
    )
    capsys.readouterr()

    for to in (esco_pub, owner_pub):
        assert ledger.sh(f"smartblocks account issue EUR 10000 --to {to} --key {bank_key}") == 0
    # Before anyone signs: the terms checked against the ledger, nothing to settle yet.
    assert ledger.sh(f"smartblocks contract preview --terms {terms} --period 0") == 0
    assert ledger.sh(f"smartblocks contract propose {terms} --key {esco_key}") == 0
    assert ledger.sh(f"smartblocks contract accept town-hall-ss-2027 --key {setup.owner_key}") == 0
    capsys.readouterr()

    # March's readings (150 kWh a day against the 200 kWh baseline), recorded after the month.
    ledger.set_time(APRIL + 60)
    for meter, value in ((setup.meter_id, 150_000_000 // 24), (weather, 5_000)):
        ledger.submit(
            setup.device,
            meter_txn.record_readings(
                setup.device,
                meter_id=meter,
                window_start=MARCH,
                interval_s=HOUR,
                values=[value] * (31 * 24),
            ),
        )
    settle = f"smartblocks contract settle town-hall-ss-2027 --key {esco_key}"
    assert ledger.sh(settle) == 0, capsys.readouterr().err
    assert ledger.sh(settle) == 1  # the next period has not ended
    assert "2027-04" in capsys.readouterr().err

    assert ledger.sh("smartblocks contract show town-hall-ss-2027 --json") == 0
    shown = json.loads(capsys.readouterr().out)
    (settled,) = shown["settlements"]
    assert settled["status"] == "SETTLED" and settled["avoided"] == 31 * 50_000_000
    # 1,550 kWh at 0.25 EUR/kWh = 387.50 EUR, 60 % to the ESCO.
    assert [(p["reason"], p["due"]) for p in settled["payments"]] == [
        ("shared_savings.esco_share", 232_500_000)
    ]
