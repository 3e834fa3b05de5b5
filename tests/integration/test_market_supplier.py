"""The automated supplier on a real devnet (subprocesses, ZMQ and HTTP) with `smartblocks tp
blockmeter` and `smartblocks tp energycontract`, through the CLI: open, join, declare before the
gate, meter, settle, show; then the demo scenario on the same ledger.

Ledger time comes from a file the test writes (`smartblocks devnet --clock-file`)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator

import pytest

from smartblocks.clients.stack import demo_market_supplier as demo
from smartblocks.ledger.keys import load_signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import txn as money_txn
from smartblocks.processors.energycontract.markets.supplier import addressing as addr
from smartblocks.protos.market_supplier_pb2 import SupplierMember, SupplierPeriod
from tests.integration.clocked_ledger import ClockedLedger, market_ledger

MARCH = calendar.timegm((2027, 3, 1, 0, 0, 0))
DAY, HOUR = 86_400, 3_600


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClockedLedger]:
    base = tmp_path_factory.mktemp("supplier")
    # The demo's operator opens the markets.
    with market_ledger(base, MARCH - DAY, [demo.genesis_setting(base / "keys")]) as clocked:
        yield clocked


def test_open_join_declare_settle_show_through_the_cli(ledger: ClockedLedger, capsys):
    operator_key = ledger.key_dir / "supplier-operator.priv"
    bank_key = ledger.key_dir / "bank.priv"
    home = ledger.new_meter("home", nominal_interval_s=HOUR, plausible_max=10**12)
    farm = ledger.new_meter("farm", nominal_interval_s=HOUR, plausible_max=10**12)
    for member in (home, farm):
        pub = member.owner_key.with_suffix(".pub")
        assert ledger.sh(f"smartblocks account issue EUR 500 --to {pub} --key {bank_key}") == 0
    assert (
        ledger.sh(
            "smartblocks supplier open village --start 2027-03-01 --period 1d --price 0.20 "
            f"--tolerance '5 %' --rate '25 %' --min-deposit 50.00 --key {operator_key}"
        )
        == 0
    )
    for member in (home, farm):
        join = f"smartblocks supplier join village --meter {member.meter_id} --deposit 100.00"
        assert ledger.sh(f"{join} --key {member.owner_key}") == 0
    assert (
        ledger.sh(f"smartblocks supplier declare village 0 '240 kWh' --key {home.owner_key}") == 0
    )
    assert (
        ledger.sh(f"smartblocks supplier declare village 0 '240 kWh' --key {farm.owner_key}") == 0
    )
    ledger.set_time(MARCH - 60)  # inside the hour before the period: the gate has closed
    capsys.readouterr()
    assert (
        ledger.sh(f"smartblocks supplier declare village 0 '200 kWh' --key {home.owner_key}") == 1
    )
    assert "closed at 2027-02-28T23:00Z" in capsys.readouterr().err

    ledger.set_time(MARCH + DAY + 60)
    for member, kwh in ((home, 240), (farm, 480)):
        ledger.submit(
            member.device,
            meter_txn.record_readings(
                member.device,
                meter_id=member.meter_id,
                window_start=MARCH,
                interval_s=HOUR,
                values=[kwh * 1_000_000 // 24] * 24,
            ),
        )
    settle = f"smartblocks supplier settle village 0 --key {operator_key}"
    assert ledger.sh(settle) == 0, capsys.readouterr().err
    assert ledger.sh(settle) == 1
    assert "already settled" in capsys.readouterr().err

    book = SupplierPeriod.FromString(ledger.read(addr.period_address("village", 0)))
    by_member = {r.member: r for r in book.results}
    assert by_member[home.owner.public_key].reward == 20_400_000
    assert by_member[farm.owner.public_key].penalty == 68_400_000
    assert book.penalties == book.imbalance_paid + book.rewards + book.remainder
    h = SupplierMember.FromString(
        ledger.read(addr.member_address("village", home.owner.public_key))
    ).h_ppm
    assert h == 625_000

    assert ledger.sh("smartblocks supplier show village") == 0
    shown = capsys.readouterr().out
    assert "62.50 %" in shown and "settled" in shown
    assert ledger.sh(f"smartblocks supplier leave village --key {home.owner_key}") == 0
    assert "deposit is back" in capsys.readouterr().out


def _at(ledger: ClockedLedger, timestamp: int) -> None:
    """Ledger time `timestamp` from the next block on, and one block made at it (a 1 micro-EUR
    issue), so what the demo reads first is already that time."""
    ledger.set_time(timestamp)
    bank = load_signer(ledger.key_dir / "bank.priv")
    ledger.submit(bank, money_txn.issue(bank, currency="EUR", to=bank.public_key, amount=1))


def test_the_demo_declares_meters_and_settles(ledger: ClockedLedger):
    now = MARCH + 10 * DAY + 30 * 60  # 00:30
    _at(ledger, now)
    first = demo.run(ledger.url, ledger.key_dir)
    assert first.opened and len(first.joined) == 2
    assert sorted({p for _, p in first.declared}) == [0, 1, 2]  # 01:00, 02:00, 03:00
    assert first.settled == []
    _at(ledger, now + 3 * HOUR)  # 03:30: periods 0 and 1 are over
    second = demo.run(ledger.url, ledger.key_dir)
    assert second.settled == [0, 1]
    again = demo.run(ledger.url, ledger.key_dir)
    assert again.settled == [] and again.declared == []
