"""EnergyContract on one real Sawtooth 1.0.6 node: our processor beside it reads BlockMeter's
rollups, the on-chain issuers setting and ledger time from our BlockInfo injector plugin, and
settles a month exactly as on the devnet and the in-memory ledger."""

from __future__ import annotations

import calendar

import pytest

from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import records, txn
from smartblocks.protos.energycontract_pb2 import (
    Contract,
    PeriodKind,
    Settlement,
    SharedSavings,
    Terms,
)
from tests.integration.blockmeter_fixtures import BlockMeterLedger, MeterSetup
from tests.interop.conftest import Interop
from tests.processors.energycontract.conftest import flat_table

pytestmark = pytest.mark.slow

DAY = 86_400
MARCH = calendar.timegm((2026, 3, 1, 0, 0, 0))  # long past by ledger time (the real clock)


def test_a_month_settles_on_a_real_validator(interop: Interop) -> None:
    interop.start_processor("energycontract")
    ledger = BlockMeterLedger(
        interop.node, interop.key_dir, (interop.authority_key, None, interop.authority)
    )  # type: ignore[arg-type]
    main = ledger.new_meter("ec", nominal_interval_s=86_400, plausible_max=10**12)
    owner, device = main.owner, main.device
    ledger.submit(
        owner,
        meter_txn.register_meter(
            owner,
            meter_id="ec-weather",
            site_id=main.site_id,
            kind="TEMPERATURE",
            unit="MILLIDEGREE_CELSIUS",
            nominal_interval_s=86_400,
            plausible_min=-60_000,
            plausible_max=60_000,
        ),
        meter_txn.bind_key(
            owner, meter_id="ec-weather", site_id=main.site_id, public_key=device.public_key
        ),
    )
    for meter_id, value in ((main.meter_id, 150_000_000), ("ec-weather", 5_000)):
        ledger.submit(
            device,
            meter_txn.record_readings(
                device,
                meter_id=meter_id,
                window_start=MARCH,
                interval_s=86_400,
                values=[value] * 31,
            ),
        )
    _, _, esco = ledger.key_file("ec-esco")
    _, _, auditor = ledger.key_file("ec-auditor")
    bank = interop.authority  # the genesis setting names it issuer of EUR
    terms = _terms(esco.public_key, owner.public_key, auditor.public_key, main)
    ledger.submit(
        bank,
        txn.issue(bank, currency="EUR", to=esco.public_key, amount=2_000_000_000),
        txn.issue(bank, currency="EUR", to=owner.public_key, amount=2_000_000_000),
    )
    ledger.submit(esco, txn.propose(esco, terms=terms))
    contract = Contract.FromString(ledger.read(records.contract(terms.contract_id).address) or b"")
    ledger.submit(owner, txn.accept(owner, terms=terms, terms_hash=contract.terms_hash))
    ledger.submit(auditor, txn.settle(auditor, terms=terms, period=0))
    record = Settlement.FromString(
        ledger.read(records.settlement(terms.contract_id, 0).address) or b""
    )
    assert record.status == Settlement.SETTLED
    assert (record.complete_days, record.actual) == (31, 31 * 150_000_000)
    assert record.avoided == 31 * 50_000_000
    # 1,550 kWh at 0.25 EUR/kWh = 387.50 EUR; the ESCO's 60 % = 232.50 EUR.
    assert [(p.reason, p.due, p.unpaid) for p in record.payments] == [
        ("shared_savings.esco_share", 232_500_000, 0)
    ]


def _terms(esco: str, owner: str, auditor: str, main: MeterSetup) -> Terms:
    return Terms(
        contract_id="interop-ss",
        title="interop",
        esco=esco,
        owner=owner,
        auditor=auditor,
        site_id=main.site_id,
        meters=[main.meter_id],
        weather_meter="ec-weather",
        currency="EUR",
        start=MARCH,
        period=PeriodKind.MONTH,
        periods=1,
        baseline=flat_table(200_000_000),
        min_coverage_ppm=900_000,
        data_grace_s=7 * DAY,
        dispute_window_s=30 * DAY,
        esco_deposit=100_000_000,
        shared_savings=SharedSavings(
            price=250_000, esco_share_ppm=600_000, owner_share_ppm=400_000
        ),
    )
