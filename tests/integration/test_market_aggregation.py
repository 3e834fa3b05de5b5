"""Aggregator agreements on a real devnet (subprocesses, ZMQ and HTTP) with `smartblocks tp
blockmeter` and `smartblocks tp energycontract`, through the CLI as docs/market-aggregation.md
shows it: the aggregator opens a community, two DERs join with deposits, the epoch is swept from
both meters of each, one DER disputes with its meter's hours and the operator adjusts.

Ledger time comes from a file the test writes (`smartblocks devnet --clock-file`)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator

import pytest

from smartblocks.ledger.keys import load_signer, write_key_files
from smartblocks.ledger.settings import AGGREGATORS, MARKETS_OPERATOR
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import addressing as ec
from smartblocks.processors.energycontract.markets.aggregation import addressing
from smartblocks.protos.energycontract_pb2 import Account, Escrow
from smartblocks.protos.market_aggregation_pb2 import Dispute, Epoch, Member
from tests.integration.clocked_ledger import ClockedLedger, market_ledger

START = calendar.timegm((2027, 3, 1, 0, 0, 0))
DAY, HOUR, KWH, EUR = 86_400, 3_600, 1_000_000, 1_000_000


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClockedLedger]:
    base = tmp_path_factory.mktemp("aggregation")
    keys = {name: write_key_files(name, base / "keys") for name in ("agg", "operator")}
    with market_ledger(
        base,
        START - DAY,
        [
            f"{AGGREGATORS}={keys['agg'][2].public_key}",
            f"{MARKETS_OPERATOR}={keys['operator'][2].public_key}",
        ],
    ) as clocked:
        yield clocked


def test_open_join_sweep_dispute_resolve_through_the_cli(ledger: ClockedLedger, capsys):
    k = ledger.key_dir
    agg = (k / "agg.priv", k / "agg.pub")
    bank, operator = k / "bank.priv", k / "operator.priv"
    agg_signer = load_signer(agg[0])
    device = ledger.key_file("cp-device")[2]
    ledger.submit(
        ledger.authority,
        meter_txn.create_site(
            ledger.authority, site_id="agg-site", owner_public_key=agg_signer.public_key, name="x"
        ),
    )
    ders = {}
    for name in ("alice", "bob"):
        pv = ledger.new_meter(
            f"{name}-pv", kind="GENERATION", nominal_interval_s=HOUR, plausible_max=10**12
        )
        cp = f"{name}-cp"
        ledger.submit(
            agg_signer,
            meter_txn.register_meter(
                agg_signer,
                meter_id=cp,
                site_id="agg-site",
                kind="ELECTRICITY_EXPORT",
                unit="MILLIWATT_HOUR",
                nominal_interval_s=HOUR,
                plausible_min=0,
                plausible_max=10**12,
            ),
            meter_txn.bind_key(
                agg_signer, meter_id=cp, site_id="agg-site", public_key=device.public_key
            ),
        )
        ders[name] = (pv, cp)
        owner_pub = pv.owner_key.with_suffix(".pub")
        assert ledger.sh(f"smartblocks account issue EUR 100 --to {owner_pub} --key {bank}") == 0
    assert ledger.sh(f"smartblocks account issue EUR 1000 --to {agg[1]} --key {bank}") == 0

    assert (
        ledger.sh(
            "smartblocks community open ridge --name 'Valley DERs' --start 2027-03-01T00:00Z "
            "--epoch 4h --commitment '50 %' --max-price 0.20 --penalty-price 0.10 "
            f"--min-deposit 10.00 --key {agg[0]}"
        )
        == 0
    )
    for pv, cp in ders.values():
        assert (
            ledger.sh(
                f"smartblocks community join ridge --der-meter {pv.meter_id} "
                f"--connection-meter {cp} --capacity '10 kW' --price 0.15 --deposit 50.00 "
                f"--key {pv.owner_key}"
            )
            == 0
        )
        der_pub = pv.owner_key.with_suffix(".pub")
        assert ledger.sh(f"smartblocks community admit ridge {der_pub} --key {agg[0]}") == 0
    # A price above the community's limit is refused, with the rule in the message.
    late_pv = ledger.new_meter("carol-pv", kind="GENERATION", nominal_interval_s=HOUR)
    assert (
        ledger.sh(
            f"smartblocks community join ridge --der-meter {late_pv.meter_id} "
            "--connection-meter alice-cp --capacity '10 kW' --price 0.50 --deposit 50.00 "
            f"--key {late_pv.owner_key}"
        )
        != 0
    )
    assert "requested price 500000 micro-EUR/kWh is above the community's 200000" in (
        capsys.readouterr().err
    )

    # Epoch 0 (00:00-04:00): alice delivers 24 kWh; bob's connection meter lost two hours.
    ledger.set_time(START + 4 * HOUR + 60)
    readings = {
        "alice": ([6 * KWH] * 4, [6 * KWH] * 4),
        "bob": ([6 * KWH, 6 * KWH, 0, 0], [6 * KWH] * 4),
    }
    for name, (cp_values, pv_values) in readings.items():
        pv, cp = ders[name]
        ledger.submit(
            device,
            meter_txn.record_readings(
                device, meter_id=cp, window_start=START, interval_s=HOUR, values=cp_values
            ),
        )
        ledger.submit(
            pv.device,
            meter_txn.record_readings(
                pv.device,
                meter_id=pv.meter_id,
                window_start=START,
                interval_s=HOUR,
                values=pv_values,
            ),
        )
    capsys.readouterr()
    assert ledger.sh(f"smartblocks epoch sweep ridge --key {agg[0]}") == 0
    out = capsys.readouterr().out
    assert "paid 3.60 EUR, penalties 0.80 EUR" in out

    bob_pv, _ = ders["bob"]
    bob = bob_pv.owner
    assert (
        ledger.sh(
            "smartblocks epoch dispute ridge 0 --reason 'the connection meter lost two hours' "
            f"--key {bob_pv.owner_key}"
        )
        == 0
    )
    assert "shows 24 kWh over 4 hours" in capsys.readouterr().out
    bob_pub = bob_pv.owner_key.with_suffix(".pub")
    assert ledger.sh(f"smartblocks epoch show ridge 0 --hours {bob_pub}") == 0
    assert "SWEEP_DIGEST" in capsys.readouterr().out
    assert (
        ledger.sh(
            f"smartblocks epoch resolve ridge 0 {bob_pub} --adjust '24 kWh' "
            f"--note 'connection meter gap' --key {operator}"
        )
        == 0
    )
    assert "dispute ADJUSTED; refund 4.40 EUR" in capsys.readouterr().out

    record = Epoch.FromString(ledger.read(addressing.epoch_address("ridge", 0)))
    assert record.paid == 7_200_000 and record.penalties == 0
    dispute = Dispute.FromString(
        ledger.read(addressing.dispute_address("ridge", 0, bob.public_key))
    )
    assert dispute.status == Dispute.ADJUSTED
    account = Account.FromString(ledger.read(ec.account_address(bob.public_key, "EUR")))
    assert account.balance == 50 * EUR + 4_400_000  # 100 issued, 50 in the vault, the refund
    vault = Escrow.FromString(ledger.read(addressing.vault_address("ridge", bob.public_key)))
    assert vault.balance == 50 * EUR - 800_000

    # Bob leaves: notice during epoch 1, released by its sweep.
    ledger.set_time(START + 5 * HOUR)
    assert ledger.sh(f"smartblocks community leave ridge --key {bob_pv.owner_key}") == 0
    assert "you leave community ridge at 2027-03-01T08:00Z" in capsys.readouterr().out
    assert ledger.sh("smartblocks community show ridge") == 0
    shown = capsys.readouterr().out
    assert "LEAVING" in shown and "epoch 0 2027-03-01T00:00Z..2027-03-01T04:00Z" in shown
    member = Member.FromString(ledger.read(addressing.member_address("ridge", bob.public_key)))
    assert member.status == Member.LEAVING
    assert ledger.sh("smartblocks community list") == 0
    assert "ridge" in capsys.readouterr().out


def test_the_demo_sweeps_disputes_and_resolves(ledger: ClockedLedger, tmp_path) -> None:
    """`smartblocks community demo`'s scenario on this devnet: the clock moves instead of
    waiting for each epoch to end."""
    import asyncio
    import io
    import shutil

    from smartblocks.clients.stack import demo_market_aggregation as demo

    keys = tmp_path / "keys"
    keys.mkdir()
    shutil.copy(ledger.authority_key, keys / "authority.priv")
    shutil.copy(ledger.key_dir / "bank.priv", keys / "bank.priv")
    voter = load_signer(ledger.node.devnet.data_dir / "validator.priv")

    async def wait_until(moment: int) -> None:
        ledger.set_time(moment + 60)

    out = io.StringIO()
    swept = asyncio.run(
        demo.run(ledger.url, keys, epochs=2, voter=voter, wait_until=wait_until, out=out)
    )
    assert [e.epoch for e in swept] == [0, 1], out.getvalue()
    assert all(len(e.outcomes) == 3 for e in swept)
    battery = load_signer(keys / "valley-battery.priv").public_key
    (first,) = [o for o in swept[0].outcomes if o.der == battery]
    assert first.adjusted and first.met and first.delivered == first.der_measured
    found = Dispute.FromString(ledger.read(addressing.dispute_address("valley", 0, battery)))
    assert found.status == Dispute.ADJUSTED and found.refund > 0
    assert "the operator credited" in out.getvalue()
