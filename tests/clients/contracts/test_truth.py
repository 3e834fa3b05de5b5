"""Settled avoided energy against the simulator's truth: the demo's two contracts, end to end.

The simulated building (tests/clients/mv/simulated.py: seed 3, a baseline year 2025, from
2026-01-01 the demo's ECM: lighting and small power x 0.7, heating set-point 1 degC lower, then
three reporting months) puts its daily energy, gas and outdoor temperature on a ledger (the
in-memory ledger with the real BlockMeter and EnergyContract handlers; daily readings,
nominal interval 86,400 s). The real OpenDSM engine (`smartblocks mv fit`) fits both baselines
on 2025; the demo's terms (clients/stack/demo_contracts.py: shared savings on electricity,
guaranteed savings on gas) are proposed, accepted and settled for January, February and March.
Each month's settled avoided energy is compared with the truth: the counterfactual (the same
seed and weather without the measure) minus the actual, over the same days.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import pytest

from smartblocks.clients.cli.main import main as cli_main
from smartblocks.clients.contracts.terms_file import load_terms
from smartblocks.clients.stack.demo_contracts import (
    GUARANTEED_SAVINGS,
    SHARED_SAVINGS,
    DemoContract,
    terms_toml,
)
from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract import records, txn
from smartblocks.processors.energycontract.handler import EnergyContractHandler
from smartblocks.processors.energycontract.terms import terms_hash
from smartblocks.processors.kit.periods import day_name
from smartblocks.protos.energycontract_pb2 import Settlement, Terms
from tests.clients.mv.simulated import BASELINE_START, MEASURE_DATE, Truth, simulate
from tests.support.ledger import Ledger

pytestmark = pytest.mark.slow

DAY = 86_400
EUR = 1_000_000
SITE = "lab"
MONTHS = 3
# Each month's settled avoided energy must be within this share of the truth. Measured:
# electricity (the building's load; lighting and small power x 0.7, about 2,600 kWh a month)
# January -0.01 %, February +0.04 %, March -0.04 %; gas (the set-point, about 80 m3 a month,
# only 2 % of the building's gas: the CHP's heat-led floor covers most of the heat) January
# +3.18 %, February -2.93 %, March +3.28 %.
TOLERANCE = {"electricity": 0.005, "gas": 0.05}


class World:
    """The ledger, the parties, a site with an electricity, a gas and a weather meter."""

    def __init__(self, ledger_time: int) -> None:
        self.ledger = Ledger(BlockMeterHandler(), EnergyContractHandler(), ledger_time=ledger_time)
        self.authority, self.owner, self.esco = (
            Signer.generate(),
            Signer.generate(),
            Signer.generate(),
        )
        self.auditor, self.bank, self.device = (
            Signer.generate(),
            Signer.generate(),
            Signer.generate(),
        )
        self.ledger.set_setting(AUTHORITIES_SETTING, self.authority.public_key)
        self.ledger.set_setting(records.issuers_setting("EUR"), self.bank.public_key)
        self.ledger.apply(
            meter_txn.create_site(
                self.authority, site_id=SITE, owner_public_key=self.owner.public_key, name="Lab"
            )
        )
        self.meter("electricity", "ELECTRICITY_IMPORT", "MILLIWATT_HOUR", 0, 10**10)
        self.meter("gas", "GAS", "MILLILITRE", 0, 10**10)
        self.meter("weather", "TEMPERATURE", "MILLIDEGREE_CELSIUS", -60_000, 60_000)

    def meter(self, meter_id: str, kind: str, unit: str, low: int, high: int) -> None:
        self.ledger.apply(
            meter_txn.register_meter(
                self.owner,
                meter_id=meter_id,
                site_id=SITE,
                kind=kind,
                unit=unit,
                nominal_interval_s=DAY,
                plausible_min=low,
                plausible_max=high,
            )
        )
        self.ledger.apply(
            meter_txn.bind_key(
                self.owner, meter_id=meter_id, site_id=SITE, public_key=self.device.public_key
            )
        )

    def record(self, meter_id: str, first: int, values: list[int]) -> None:
        """Daily values from `first`, in windows of 60 days (BlockMeter allows 62)."""
        for i in range(0, len(values), 60):
            self.ledger.apply(
                meter_txn.record_readings(
                    self.device,
                    meter_id=meter_id,
                    window_start=first + i * DAY,
                    interval_s=DAY,
                    values=values[i : i + 60],
                )
            )

    def activate(self, terms: Terms) -> None:
        self.ledger.apply(txn.propose(self.esco, terms=terms))
        self.ledger.apply(txn.accept(self.owner, terms=terms, terms_hash=terms_hash(terms)))

    def settlement(self, contract_id: str, period: int) -> Settlement:
        return Settlement.FromString(
            self.ledger.state[records.settlement(contract_id, period).address]
        )


def fit(folder: Path, name: str, energy: list[int], truth: Truth, unit: str, gas: bool) -> Path:
    """`smartblocks mv fit` (OpenDSM daily) on 2025, from the same daily values as the ledger."""
    baseline_days = (MEASURE_DATE - BASELINE_START).days
    energy_csv = folder / f"{name}.csv"
    energy_csv.write_text(
        f"timestamp,{unit}\n"
        + "".join(f"{day_name(truth.first_day + i)},{energy[i]}\n" for i in range(baseline_days))
    )
    _, temperature_csv = truth.write_csv(folder, range(baseline_days))
    out = folder / f"{name}.pb"
    argv = ["mv", "fit", "--energy-csv", str(energy_csv), "--temperature-csv", str(temperature_csv)]
    argv += ["--from", BASELINE_START.isoformat(), "--to", "2025-12-31", "--out", str(out)]
    assert cli_main(argv + (["--gas"] if gas else [])) == 0
    return out


@pytest.fixture(scope="module")
def settled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    truth = simulate(lighting_factor=0.7, setpoint_change_c=-1.0)
    folder = tmp_path_factory.mktemp("truth")
    tables = {
        "electricity": fit(folder, "electricity", truth.energy, truth, "mWh", gas=False),
        "gas": fit(folder, "gas", truth.gas, truth, "mL", gas=True),
    }
    first = truth.first_day * DAY
    days = len(truth.energy)
    world = World(ledger_time=first + days * DAY + 8 * DAY)
    world.record("electricity", first, truth.energy)
    world.record("gas", first, truth.gas)
    world.record("weather", first, truth.temperature)
    for party, amount in ((world.esco, 20_000 * EUR), (world.owner, 30_000 * EUR)):
        world.ledger.apply(
            txn.issue(world.bank, currency="EUR", to=party.public_key, amount=amount)
        )
    measure = calendar.timegm(MEASURE_DATE.timetuple())
    contracts: dict[str, tuple[DemoContract, Terms]] = {}
    for contract, meter, table in (
        (SHARED_SAVINGS, "electricity", tables["electricity"]),
        (GUARANTEED_SAVINGS, "gas", tables["gas"]),
    ):
        path = folder / f"{contract.contract_id}.toml"
        keys = {"esco": world.esco, "owner": world.owner, "auditor": world.auditor}
        path.write_text(
            terms_toml(
                contract,
                site=SITE,
                meters=[meter],
                weather_meter="weather",
                start=measure,
                baseline=table.name,
                parties={role: signer.public_key for role, signer in keys.items()},
            )
        )
        terms = load_terms(path)
        world.activate(terms)
        for period in range(MONTHS):
            world.ledger.apply(txn.settle(world.esco, terms=terms, period=period))
        contracts[meter] = (contract, terms)
    return {"truth": truth, "world": world, "contracts": contracts}


def month_truth(truth: Truth, settlement: Settlement, gas: bool) -> int:
    """Counterfactual - actual over the settlement's days."""
    first = settlement.start // DAY - truth.first_day
    end = settlement.end // DAY - truth.first_day
    actual = truth.gas if gas else truth.energy
    counterfactual = truth.gas_counterfactual if gas else truth.counterfactual
    return sum(counterfactual[first:end]) - sum(actual[first:end])


@pytest.mark.parametrize("meter", ["electricity", "gas"])
def test_settled_avoided_energy_matches_the_simulators_truth(
    settled: dict[str, object], meter: str
) -> None:
    truth: Truth = settled["truth"]  # type: ignore[assignment]
    world: World = settled["world"]  # type: ignore[assignment]
    contract, terms = settled["contracts"][meter]  # type: ignore[index]
    unit = "kWh" if meter == "electricity" else "m3"
    for period in range(MONTHS):
        record = world.settlement(contract.contract_id, period)
        assert record.status == Settlement.Status.SETTLED, record.reason
        assert record.complete_days == record.days
        expected = month_truth(truth, record, gas=meter == "gas")
        error = (record.avoided - expected) / expected
        print(
            f"{contract.contract_id} {record.period_name}: settled avoided "
            f"{record.avoided / 1e6:,.1f} {unit}, truth {expected / 1e6:,.1f} {unit}, "
            f"error {error:+.2%}"
        )
        assert abs(error) <= TOLERANCE[meter], (record.period_name, record.avoided, expected)
        assert record.payments, f"{record.period_name}: no payments"
    assert terms.periods == 12
