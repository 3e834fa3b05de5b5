"""`smartblocks contract|account ...` end to end, with the REST API replaced by the in-memory
ledger serving BlockMeter, the settings and EnergyContract (the same handlers a devnet runs)."""

from __future__ import annotations

import asyncio
import calendar
import json
from pathlib import Path

import pytest

from smartblocks.clients.cli.main import build_parser
from smartblocks.clients.contracts import ledger as contract_ledger
from smartblocks.clients.contracts.terms_file import example_path
from smartblocks.ledger.keys import write_key_files
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.processors.settings.handler import SettingsHandler
from tests.clients.cli.test_meter import cli
from tests.support.ledger import Ledger

__all__ = ["cli"]  # the fixture, imported for pytest

HOUR, DAY = 3_600, 86_400
MONDAY = calendar.timegm((2027, 1, 4, 0, 0, 0))
BEFORE = MONDAY - DAY


class FakeRest:
    """The RestClient's state reads, answered from the in-memory ledger."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    async def state(self, address, head=None):
        return self.ledger.state.get(address)

    async def list_state(self, prefix="", head=None):
        for address in sorted(self.ledger.state):
            if address.startswith(prefix):
                yield address, self.ledger.state[address]


@pytest.fixture
def ledger():
    return Ledger(
        BlockMeterHandler(), SettingsHandler(), EnergyContractHandler(), ledger_time=BEFORE
    )


@pytest.fixture
def world(cli, ledger, monkeypatch, tmp_path):
    """Keys, a site with an energy meter and a weather station, EUR issued by a bank, and a
    weekly shared-savings terms file; returns (run, keys, terms path)."""
    run, _ = cli
    monkeypatch.setattr(
        contract_ledger, "read_with", lambda url, work: asyncio.run(work(FakeRest(ledger)))
    )
    keys = {
        n: write_key_files(n, tmp_path) for n in ("authority", "esco", "own", "aud", "bank", "dev")
    }
    signer = {n: k[2] for n, k in keys.items()}
    ledger.set_setting(AUTHORITIES_SETTING, signer["authority"].public_key)
    ledger.set_setting(records.issuers_setting("EUR"), signer["bank"].public_key)
    owner = signer["own"]
    ledger.apply(
        meter_txn.create_site(
            signer["authority"], site_id="town-hall", owner_public_key=owner.public_key, name="Hall"
        )
    )
    for meter, kind, unit, top in [
        ("main", "ELECTRICITY_IMPORT", "MILLIWATT_HOUR", 10**9),
        ("weather", "TEMPERATURE", "MILLIDEGREE_CELSIUS", 60_000),
    ]:
        ledger.apply(
            meter_txn.register_meter(
                owner,
                meter_id=meter,
                site_id="town-hall",
                kind=kind,
                unit=unit,
                nominal_interval_s=HOUR,
                plausible_min=-60_000,
                plausible_max=top,
            )
        )
        ledger.apply(
            meter_txn.bind_key(
                owner, meter_id=meter, site_id="town-hall", public_key=signer["dev"].public_key
            )
        )
    text = example_path("shared_savings").read_text()
    text = text.replace('start = "2027-01-01"', 'start = "2027-01-04"')
    text = text.replace('period = "month"', 'period = "week"').replace(
        "periods = 60", "periods = 2"
    )
    text = text.replace('data_grace = "7d"', 'data_grace = "1d"')
    text = text.replace(
        'baseline = "baseline.pb"', f'baseline = "{example_path("x").parent}/baseline.pb"'
    )
    for role, name in (("esco", "esco"), ("owner", "own"), ("auditor", "aud")):
        old = next(line for line in text.splitlines() if line.startswith(f'{role} = "0'))
        text = text.replace(old, f'{role} = "{name}.pub"')
    terms = tmp_path / "terms.toml"
    terms.write_text(text)
    return run, {n: k[0] for n, k in keys.items()}, terms, signer


def record_week(ledger: Ledger, device, hours: int = 7 * 24, first_hour: int = 0) -> None:
    """10 kWh an hour at 20 °C from MONDAY + first_hour until MONDAY + hours; ledger time moves
    past the window."""
    ledger.set_ledger_time(MONDAY + hours * HOUR)
    for meter, value in (("main", 10_000_000), ("weather", 20_000)):
        ledger.apply(
            meter_txn.record_readings(
                device,
                meter_id=meter,
                window_start=MONDAY + first_hour * HOUR,
                interval_s=HOUR,
                values=[value] * (hours - first_hour),
            )
        )


def out_of(capsys) -> str:
    return capsys.readouterr().out


def test_the_life_of_a_contract(world, ledger, capsys):
    run, key, terms, signer = world
    contract = "town-hall-ss-2027"
    assert (
        run(
            "account",
            "issue",
            "EUR",
            "10000.00",
            "--to",
            key["esco"].with_suffix(".pub"),
            "--key",
            key["bank"],
        )
        == 0
    )
    assert "issued 10,000.00 EUR" in out_of(capsys)
    assert (
        run(
            "account",
            "issue",
            "EUR",
            "2000",
            "--to",
            signer["own"].public_key,
            "--key",
            key["bank"],
        )
        == 0
    )

    assert run("contract", "propose", terms, "--key", key["esco"]) == 0
    proposed = out_of(capsys)
    digest = proposed.split("--terms-hash ")[1].split()[0]
    assert run("contract", "accept", contract, "--terms-hash", "0" * 64, "--key", key["own"]) == 1
    assert "the terms differ; nothing signed" in capsys.readouterr().err
    assert run("contract", "accept", contract, "--terms-hash", digest, "--key", key["own"]) == 0
    assert f"contract {contract} is ACTIVE" in out_of(capsys)

    assert run("contract", "settle", contract, "--key", key["aud"]) == 1
    assert "cannot settle period 0 (2027-W01) yet: period 2027-W01 ends" in capsys.readouterr().err

    record_week(ledger, signer["dev"], hours=5 * 24)
    ledger.set_ledger_time(MONDAY + 7 * DAY + HOUR)
    assert run("contract", "preview", contract) == 0
    preview = out_of(capsys)
    assert "waiting for meter main: data until 2027-01-09T00:00Z" in preview
    record_week(ledger, signer["dev"], first_hour=5 * 24)
    assert run("contracts", "preview", contract, "--json") == 0
    doc = json.loads(out_of(capsys))
    # weekdays: baseline 400 kWh at 20 °C, weekend 150; actual 240 kWh a day
    assert doc["actual"] == 7 * 240_000_000 and doc["adjusted_baseline"] == 2_300_000_000
    assert doc["ready"] is True and doc["coverage_ppm"] == 1_000_000
    # 620 kWh avoided at 0.25 EUR: 155 EUR, 60 % to the ESCO
    assert [(d["payer"], d["amount"]) for d in doc["dues"]] == [("owner", 93_000_000)]

    assert run("contract", "settle", contract, "--key", key["aud"]) == 0
    assert "period 0 (2027-W01) SETTLED: avoided 620,000,000 mWh; owner pays esco 93.00" in (
        out_of(capsys)
    )
    assert run("contract", "show", contract) == 0
    shown = out_of(capsys)
    assert "settled 1 of 2 periods" in shown and "escrows: esco 5,000.00" in shown
    assert "2027-W01" in shown and "93.00" in shown
    assert run("contract", "list") == 0
    assert "1/2" in out_of(capsys)
    assert run("account", "balance", "--currency", "EUR", "--key", key["esco"]) == 0
    balance = out_of(capsys)
    assert "in EUR: 5,093.00 EUR" in balance and "5,000.00" in balance

    assert (
        run("contract", "dispute", contract, 0, "--reason", "meter bypassed", "--key", key["own"])
        == 0
    )
    assert (
        run(
            "contract", "resolve", contract, 0, "--uphold", "--note", "checked", "--key", key["aud"]
        )
        == 0
    )
    assert "upheld" in out_of(capsys)
    assert run("contract", "show", contract, "--json") == 0
    assert json.loads(out_of(capsys))["settlements"][0]["dispute"]["status"] == "UPHELD"

    assert run("contract", "terminate", contract, "--reason", "sold", "--key", key["own"]) == 0
    assert "requested" in out_of(capsys)
    assert run("contract", "terminate", contract, "--reason", "sold", "--key", key["esco"]) == 0
    assert "terminated by both parties" in out_of(capsys)
    assert run("contract", "show", contract) == 0
    assert "status: ENDED" in out_of(capsys)


def test_preview_of_a_terms_file_before_anyone_signs(world, ledger, capsys):
    run, _, terms, signer = world
    record_week(ledger, signer["dev"])
    assert run("contract", "preview", "--terms", terms, "--period", 0) == 0
    text = out_of(capsys)
    assert "avoided:     620,000,000 mWh" in text and "owner pays esco 93.00 EUR" in text


def test_a_bad_terms_file_names_its_line(world, capsys):
    run, key, terms, _ = world
    terms.write_text(terms.read_text().replace('esco_share = "60 %"', 'esco_share = "70 %"'))
    assert run("contract", "propose", terms, "--key", key["esco"]) == 1
    assert f"{terms}:30: shared_savings.esco_share: " in capsys.readouterr().err


def test_unknown_contract_and_amounts(world, capsys):
    run, key, _, _ = world
    assert run("contract", "show", "nope") == 1
    assert "no contract 'nope' on the ledger" in capsys.readouterr().err
    assert (
        run(
            "account",
            "issue",
            "EUR",
            "1.0000001",
            "--to",
            key["esco"].with_suffix(".pub"),
            "--key",
            key["bank"],
        )
        == 1
    )
    assert "more than 6 decimals" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["contract", "account"])
def test_help_has_examples(command, capsys):
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args([command, "--help"])
    assert "COMMAND" in out_of(capsys)


def test_templates_and_examples(cli, capsys):
    run, _ = cli
    assert run("contract", "templates") == 0
    assert "first_out  First-out" in out_of(capsys)
    assert run("contract", "templates", "--example", "energy_supply") == 0
    assert out_of(capsys) == Path(example_path("energy_supply")).read_text()
