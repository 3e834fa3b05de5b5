"""The P2P market on a real devnet (subprocesses, ZMQ and HTTP) through the CLI, as
docs/market-p2p.md shows it: an aggregator sets its terms and sells platform tokens, a prosumer
offers energy from its export meter, a consumer picks it, both meters' readings come in after the
window, and the settlement pays the seller pro rata less the fee and refunds the buyer the rest.

Ledger time comes from a file the test writes (`smartblocks devnet --clock-file`)."""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterator

import pytest

from smartblocks.ledger.keys import write_key_files
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract.markets.p2p.records import AGGREGATORS_SETTING
from smartblocks.processors.energycontract.records import issuers_setting
from tests.integration.clocked_ledger import ClockedLedger, market_ledger

START = calendar.timegm((2027, 3, 10, 10, 0, 0))
DAY, HOUR, KWH = 86_400, 3_600, 1_000_000


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClockedLedger]:
    base = tmp_path_factory.mktemp("market_p2p")
    _, _, aggregator = write_key_files("aggregator", base / "keys")
    with market_ledger(
        base,
        START - DAY,
        [
            f"{issuers_setting('PLT')}={aggregator.public_key}",
            f"{AGGREGATORS_SETTING}={aggregator.public_key}",
        ],
    ) as clocked:
        yield clocked


def test_offer_pick_deliver_settle_through_the_cli(ledger: ClockedLedger, capsys) -> None:
    keys = ledger.key_dir
    agg_key, agg_pub = keys / "aggregator.priv", keys / "aggregator.pub"
    seller = ledger.new_meter(
        "pv", kind="ELECTRICITY_EXPORT", nominal_interval_s=HOUR, plausible_max=10**12
    )
    buyer = ledger.new_meter(
        "home", kind="ELECTRICITY_IMPORT", nominal_interval_s=HOUR, plausible_max=10**12
    )
    buyer_pub = buyer.owner_key.with_suffix(".pub")
    sh = ledger.sh
    assert (
        sh(
            'smartblocks aggregator set --name "Village grid" --currency PLT --fee "2 %" '
            f"--pay-currency EUR --rate 1 --key {agg_key}"
        )
        == 0
    )
    assert sh(f"smartblocks account issue PLT 1000 --to {agg_pub} --key {agg_key}") == 0
    assert sh(f"smartblocks account issue EUR 50 --to {buyer_pub} --key {keys / 'bank.priv'}") == 0
    assert sh(f"smartblocks aggregator buy-tokens {agg_pub} 50.00 --key {buyer.owner_key}") == 0
    capsys.readouterr()

    assert (
        sh(
            f"smartblocks offer add pv-0310 --aggregator {agg_pub} --meter {seller.meter_id} "
            '--energy "10 kWh" --price 0.20 --start 2027-03-10T10:00Z --hours 4 '
            f"--key {seller.owner_key}"
        )
        == 0
    )
    assert sh("smartblocks offer list --status OPEN") == 0
    assert "pv-0310" in capsys.readouterr().out
    assert (
        sh(f"smartblocks offer pick pv-0310 --meter {buyer.meter_id} --key {buyer.owner_key}") == 0
    )
    assert "2.00 PLT in escrow" in capsys.readouterr().out

    # Too early: the window has not ended.
    assert sh(f"smartblocks offer settle pv-0310 --key {buyer.owner_key}") == 1
    assert "after ledger time" in capsys.readouterr().err

    ledger.set_time(START + 5 * HOUR)
    for setup, values in (
        (seller, [KWH, 5 * KWH, 2 * KWH, KWH // 2]),
        (buyer, [2 * KWH, 0, 3 * KWH, KWH]),
    ):
        ledger.submit(
            setup.device,
            meter_txn.record_readings(
                setup.device,
                meter_id=setup.meter_id,
                window_start=START,
                interval_s=HOUR,
                values=values,
            ),
        )
    assert sh("smartblocks offer show pv-0310") == 0
    shown = capsys.readouterr().out
    assert "a settlement would be accepted now" in shown and "3,500,000" in shown
    assert sh(f"smartblocks offer settle pv-0310 --key {agg_key}") == 0
    out = capsys.readouterr().out
    assert "delivered 3.5 kWh of 10 kWh" in out and "buyer refund 1.30 PLT" in out
    assert sh(f"smartblocks offer settle pv-0310 --key {agg_key}") == 1
    assert "already settled" in capsys.readouterr().err

    assert sh("smartblocks offer list --json") == 0
    (offer,) = json.loads(capsys.readouterr().out)
    assert offer["status"] == "SETTLED" and offer["seller_paid"] == "0.686 PLT"
    assert (
        sh(f"smartblocks account balance {seller.owner_key.with_suffix('.pub')} --currency PLT")
        == 0
    )
    assert "0.686 PLT" in capsys.readouterr().out


def test_the_demo_sells_the_barns_export_to_the_building(ledger: ClockedLedger, tmp_path) -> None:
    """`smartblocks offer demo`'s scenario on this devnet: the clock moves instead of waiting,
    and the building's import meter (the agent's, in the demo) is written here each hour."""
    import asyncio
    import io
    import shutil

    from smartblocks.clients.stack import demo_market_p2p as demo
    from smartblocks.ledger.keys import load_signer
    from smartblocks.processors.energycontract import txn as ec_txn

    keys = tmp_path / "keys"
    keys.mkdir()
    shutil.copy(ledger.authority_key, keys / "authority.priv")
    _, _, owner = write_key_files("owner", keys)
    device = ledger.key_file("lab-device")[2]
    authority = ledger.authority
    ledger.submit(
        authority,
        meter_txn.create_site(
            authority, site_id="lab-970", owner_public_key=owner.public_key, name="lab"
        ),
    )
    ledger.submit(
        owner,
        meter_txn.register_meter(
            owner,
            meter_id="lab-970-import",
            site_id="lab-970",
            kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=HOUR,
            plausible_min=0,
            plausible_max=10**12,
        ),
        meter_txn.bind_key(
            owner, meter_id="lab-970-import", site_id="lab-970", public_key=device.public_key
        ),
    )
    bank = load_signer(ledger.key_dir / "bank.priv")
    ledger.submit(bank, ec_txn.issue(bank, currency="EUR", to=owner.public_key, amount=100 * KWH))
    voter = load_signer(ledger.node.devnet.data_dir / "validator.priv")

    async def wait_until(moment: int) -> None:
        ledger.set_time(moment + 60)
        await asyncio.to_thread(
            ledger.submit,
            device,
            meter_txn.record_readings(
                device,
                meter_id="lab-970-import",
                window_start=moment - HOUR,
                interval_s=HOUR,
                values=[6 * KWH],
            ),
        )

    out = io.StringIO()
    settled = asyncio.run(
        demo.run(ledger.url, keys, hours=3, voter=voter, wait_until=wait_until, out=out)
    )
    assert len(settled) >= 2, out.getvalue()  # hours without expected export offer nothing
    for offer in settled:
        assert offer.status == offer.SETTLED and 0 < offer.delivered <= offer.energy
        assert offer.seller_paid + offer.fee_paid + offer.buyer_refund == offer.escrowed
    assert "p2p: settled" in out.getvalue()
