"""The local double auction on a real devnet (subprocesses, ZMQ and HTTP) with `smartblocks tp
blockmeter` and `smartblocks tp energycontract`, through the CLI: open, subscribe, bid and ask
before the gate, clear, meter, settle, finalize, book; then the demo scenario on the same ledger.

Ledger time comes from a file the test writes (`smartblocks devnet --clock-file`)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator

import pytest

from smartblocks.clients.stack import demo_market_auction as demo
from smartblocks.ledger.keys import load_signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import txn as money_txn
from smartblocks.processors.energycontract.markets.auction import addressing as addr
from smartblocks.protos.market_auction_pb2 import StepBook
from tests.integration.clocked_ledger import ClockedLedger, market_ledger

MARCH = calendar.timegm((2027, 3, 1, 0, 0, 0))
DAY, HOUR = 86_400, 3_600


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClockedLedger]:
    base = tmp_path_factory.mktemp("auction")
    # The demo's operator opens the markets.
    with market_ledger(base, MARCH - DAY, [demo.genesis_setting(base / "keys")]) as clocked:
        yield clocked


def _record(ledger, member, meter_id, kwh):
    ledger.submit(
        member.device,
        meter_txn.record_readings(
            member.device,
            meter_id=meter_id,
            window_start=MARCH,
            interval_s=HOUR,
            values=[kwh * 1_000_000],
        ),
    )


def test_open_subscribe_order_clear_settle_finalize_through_the_cli(ledger: ClockedLedger, capsys):
    operator_key = ledger.key_dir / "auction-operator.priv"
    bank_key = ledger.key_dir / "bank.priv"
    home = ledger.new_meter("home", nominal_interval_s=HOUR, plausible_max=10**12)
    farm = ledger.new_meter("farm", nominal_interval_s=HOUR, plausible_max=10**12)
    ledger.submit(
        farm.owner,
        meter_txn.register_meter(
            farm.owner,
            meter_id="farm-export",
            site_id=farm.site_id,
            kind="ELECTRICITY_EXPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=HOUR,
            plausible_min=0,
            plausible_max=10**12,
        ),
        meter_txn.bind_key(
            farm.owner, meter_id="farm-export", site_id=farm.site_id,
            public_key=farm.device.public_key,
        ),
    )  # fmt: skip
    for member in (home, farm):
        pub = member.owner_key.with_suffix(".pub")
        assert ledger.sh(f"smartblocks account issue EUR 100 --to {pub} --key {bank_key}") == 0
    assert (
        ledger.sh(
            "smartblocks auction open village --start 2027-03-01 --steps 1 --gate 15m "
            f"--supplier-price 0.30 --feed-in-price 0.05 --deposit 20.00 --key {operator_key}"
        )
        == 0
    )
    assert (
        ledger.sh(
            f"smartblocks auction subscribe village --import {home.meter_id} --deposit 20.00 "
            f"--key {home.owner_key}"
        )
        == 0
    )
    assert (
        ledger.sh(
            f"smartblocks auction subscribe village --import {farm.meter_id} --export farm-export "
            f"--deposit 20.00 --key {farm.owner_key}"
        )
        == 0
    )
    assert ledger.sh(f"smartblocks auction bid village 0 '10 kWh' 0.25 --key {home.owner_key}") == 0
    assert ledger.sh(f"smartblocks auction ask village 0 '8 kWh' 0.15 --key {farm.owner_key}") == 0
    capsys.readouterr()
    assert ledger.sh("smartblocks auction book village 0") == 0
    assert "if cleared now: 8 kWh at 0.20 EUR/kWh" in capsys.readouterr().out

    ledger.set_time(MARCH - 10 * 60)  # the gate closed at 23:45
    assert ledger.sh(f"smartblocks auction bid village 0 '9 kWh' 0.3 --key {home.owner_key}") == 1
    assert "closed at 2027-02-28T23:45Z" in capsys.readouterr().err
    assert ledger.sh(f"smartblocks auction clear village 0 --key {operator_key}") == 0
    assert "8 kWh at 0.20 EUR/kWh" in capsys.readouterr().out

    ledger.set_time(MARCH + HOUR + 60)
    _record(ledger, home, home.meter_id, 12)
    _record(ledger, farm, farm.meter_id, 0)
    _record(ledger, farm, "farm-export", 8)
    assert ledger.sh(f"smartblocks auction settle village 0 --key {operator_key}") == 0, (
        capsys.readouterr().err
    )
    book = StepBook.FromString(ledger.read(addr.step_address("village", 0)))
    results = {r.member: r for r in book.results}
    home_result = results[home.owner.public_key]
    assert (home_result.trade_paid, home_result.imbalance_paid) == (1_600_000, 1_200_000)
    assert results[farm.owner.public_key].trade_received == 1_600_000
    assert ledger.sh(f"smartblocks auction settle village 0 --key {operator_key}") == 1
    assert "already settled" in capsys.readouterr().err
    assert ledger.sh(f"smartblocks auction finalize village --key {operator_key}") == 0
    assert ledger.sh("smartblocks auction book village") == 0
    assert "finalized" in capsys.readouterr().out


def _at(ledger: ClockedLedger, timestamp: int) -> None:
    """Ledger time `timestamp` from the next block on, and one block made at it (a 1 micro-EUR
    issue), so what the demo reads first is already that time."""
    ledger.set_time(timestamp)
    bank = load_signer(ledger.key_dir / "bank.priv")
    ledger.submit(bank, money_txn.issue(bank, currency="EUR", to=bank.public_key, amount=1))


def test_the_demo_orders_clears_and_settles(ledger: ClockedLedger):
    now = MARCH + 10 * DAY + 30 * 60  # 00:30; the market's steps are 01:00, 02:00, ...
    _at(ledger, now)
    first = demo.run(ledger.url, ledger.key_dir)
    assert first.opened and len(first.subscribed) == 2
    assert sorted({step for _, step, _ in first.ordered}) == [0, 1, 2]
    assert first.cleared == [] and first.settled == []
    _at(ledger, now + 3 * HOUR)  # 03:30
    second = demo.run(ledger.url, ledger.key_dir)
    assert second.cleared == [0, 1, 2] and second.settled == [0, 1]
    again = demo.run(ledger.url, ledger.key_dir)
    assert again.cleared == [] and again.settled == [] and again.ordered == []
