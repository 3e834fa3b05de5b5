"""The demo's contracts around the simulated building's energy conservation measure (ECM).

After the baseline history is on the ledger (demo_history.py), the set-up
1. fits daily CalTRACK baselines with the M&V engine (`smartblocks mv fit`, OpenDSM) over the
   year before the measure, from the ledger's day rollups: electricity (the main incomer's
   import) and gas, both against the outdoor temperature meter; the tables and their fit
   summaries go to DIR/baselines/;
2. writes the terms as terms files (clients/contracts/terms_file.py) to DIR/contracts/: a
   shared-savings contract on electricity and a guaranteed-savings contract on gas, monthly
   from the measure's day, 12 periods;
3. has the demo bank (the EUR issuer in the genesis settings) issue EUR to the ESCO and the
   owner, the ESCO propose both contracts and the owner accept them.

Every step is skipped when the ledger (or the data dir) already holds its result, so a resumed
demo does nothing twice. The contract manager (a component of the demo) then settles the
months that have ended.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from smartblocks.blockmeter.config import Config
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer, load_signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import decode_setting, entry_value, setting_address, split_list
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.energycontract import addressing, records, txn
from smartblocks.processors.energycontract.terms import terms_hash
from smartblocks.processors.kit.periods import day_name
from smartblocks.protos.energycontract_pb2 import Account, Contract, Terms

from . import demo_files

DAY = 86_400
EUR = 1_000_000  # micro-units
PERIODS = 12
# What the bank issues to each party: the deposits and a year of payments with room to spare.
ISSUE = {"esco": 20_000 * EUR, "owner": 30_000 * EUR}


@dataclass(frozen=True)
class DemoContract:
    contract_id: str
    title: str
    meter: str  # the energy meter, relative to the site ("incomer-import")
    baseline: str  # the table's name in DIR/baselines/ (without .pb)
    gas: bool  # the fit's --gas (zero days are real data)
    template: str
    deposits: tuple[str, str]  # esco, owner
    table: tuple[tuple[str, str], ...]  # the template table's keys and values


SHARED_SAVINGS = DemoContract(
    contract_id="lab-970-ss-electricity",
    title="Lab 970 lighting and small power: shared savings on electricity",
    meter="incomer-import",
    baseline="electricity",
    gas=False,
    template="shared_savings",
    deposits=("2000.00", "0"),
    table=(
        ("price", '"0.25"'),
        ("esco_share", '"60 %"'),
        ("owner_share", '"40 %"'),
        ("cap_per_period", '"0"'),
    ),
)
GUARANTEED_SAVINGS = DemoContract(
    contract_id="lab-970-gs-gas",
    title="Lab 970 heating set-point: guaranteed savings on gas",
    meter="gas",
    baseline="gas",
    gas=True,
    template="guaranteed_savings",
    deposits=("3000.00", "500.00"),
    table=(
        ("price", '"1.00"'),  # EUR per m3
        ("fee_per_period", '"40.00"'),
        ("guarantee", '"40 m3"'),
        ("basis", '"period"'),
        ("excess_esco_share", '"50 %"'),
        ("excess_owner_share", '"50 %"'),
    ),
)
CONTRACTS = (SHARED_SAVINGS, GUARANTEED_SAVINGS)
WEATHER_METER = "outdoor-temperature"


def terms_toml(
    contract: DemoContract,
    *,
    site: str,
    meters: list[str],
    weather_meter: str,
    start: int,
    baseline: str,
    parties: dict[str, str],
    periods: int = PERIODS,
) -> str:
    """A terms file (clients/contracts/terms_file.py) for `contract`; `baseline` and the
    parties (66 hex digits or .pub files) relative to the file."""
    lines = [
        f"# {contract.title}: written by `smartblocks up --demo`",
        f'contract_id = "{contract.contract_id}"',
        f'title = "{contract.title}"',
        f'template = "{contract.template}"',
        f'site = "{site}"',
        "meters = [" + ", ".join(f'"{m}"' for m in meters) + "]",
        f'weather_meter = "{weather_meter}"',
        f'currency = "{demo_files.CURRENCY}"',
        f'start = "{day_name(start // DAY)}"',
        'period = "month"',
        f"periods = {periods}",
        f'baseline = "{baseline}"',
        'min_coverage = "90 %"',
        'data_grace = "7d"',
        'dispute_window = "30d"',
        "",
        "[parties]",
        *(f'{role} = "{parties[role]}"' for role in ("esco", "owner", "auditor")),
        "",
        "[deposits]",
        f'esco = "{contract.deposits[0]}"',
        f'owner = "{contract.deposits[1]}"',
        "",
        f"[{contract.template}]",
        *(f"{key} = {value}" for key, value in contract.table),
    ]
    return "\n".join(lines) + "\n"


def fit_baseline(
    url: str, config: Config, contract: DemoContract, measure: int, out_dir: Path
) -> Path:
    """`smartblocks mv fit` over the year before the measure, from the ledger (in-process:
    OpenDSM is imported once for both fits)."""
    from smartblocks.clients.cli.main import main as cli_main

    out = out_dir / f"{contract.baseline}.pb"
    first = measure - demo_files.BASELINE_DAYS * DAY
    argv = ["mv", "fit", "--url", url]
    # The baseline year is the BMS's 15-minute data, on its own meters (demo_bms.py).
    argv += ["--meter", f"{config.site_id}.bms-{contract.meter}"]
    argv += ["--temperature-meter", f"{config.site_id}.bms-{WEATHER_METER}"]
    argv += ["--from", day_name(first // DAY), "--to", day_name(measure // DAY - 1)]
    argv += ["--out", str(out)] + (["--gas"] if contract.gas else [])
    if cli_main(argv) != 0 or not out.exists():
        raise UserError(f"the {contract.baseline} baseline could not be fitted (see above)")
    return out


async def read_contract(client: RestClient, contract_id: str) -> Contract | None:
    data = await client.state(addressing.contract_address(contract_id))
    return Contract.FromString(data) if data else None


async def balance(client: RestClient, owner: str) -> int:
    data = await client.state(addressing.account_address(owner, demo_files.CURRENCY))
    return Account.FromString(data).balance if data else 0


async def set_up_contracts(
    client: RestClient, data_dir: Path, config: Config, out: TextIO
) -> list[str]:
    """Baselines, terms files, funds and both contracts; the contract ids now on the ledger."""
    keys = data_dir / "keys"
    signers = {name: load_signer(keys / f"{name}.priv") for name in ("esco", "owner", "bank")}
    existing = {c.contract_id: await read_contract(client, c.contract_id) for c in CONTRACTS}
    if all(c is not None and c.status == Contract.Status.ACTIVE for c in existing.values()):
        print(f"contracts {', '.join(existing)} are on the ledger already", file=out, flush=True)
        return list(existing)
    await _require_issuer(client, signers["bank"], data_dir)

    measure = config.simulator.measure
    if measure is None:
        raise UserError("agent.toml has no measure_start: the demo's contracts need the ECM")
    baselines, folder = data_dir / "baselines", data_dir / "contracts"
    baselines.mkdir(exist_ok=True)
    folder.mkdir(exist_ok=True)
    terms: list[Terms] = []
    for contract in CONTRACTS:
        table = baselines / f"{contract.baseline}.pb"
        if not table.exists():
            print(
                f"fitting the {contract.baseline} baseline (OpenDSM daily, "
                f"{day_name((measure.start - demo_files.BASELINE_DAYS * DAY) // DAY)} .. "
                f"{day_name(measure.start // DAY - 1)}) from the ledger",
                file=out,
                flush=True,
            )
            url = client.url
            await asyncio.to_thread(fit_baseline, url, config, contract, measure.start, baselines)
        terms.append(write_terms(contract, config, measure.start, folder))

    await _fund(client, signers, terms, existing, out)
    proposals = [
        txn.propose(signers["esco"], terms=t) for t in terms if existing[t.contract_id] is None
    ]
    if proposals:
        await client.submit_and_wait([make_batch(signers["esco"], proposals)], timeout=60)
        print(f"the ESCO proposed {len(proposals)} contracts", file=out, flush=True)
    accepts = [
        txn.accept(signers["owner"], terms=t, terms_hash=terms_hash(t))
        for t in terms
        if existing[t.contract_id] is None
        or existing[t.contract_id].status == Contract.Status.PROPOSED  # type: ignore[union-attr]
    ]
    if accepts:
        await client.submit_and_wait([make_batch(signers["owner"], accepts)], timeout=60)
    for t in terms:
        record = await read_contract(client, t.contract_id)
        status = Contract.Status.Name(record.status) if record else "missing"
        print(
            f"contract {t.contract_id}: {status}, {t.periods} monthly periods from "
            f"{day_name(t.start // DAY)}, terms hash {terms_hash(t)[:16]}… "
            f"(terms: {folder / (t.contract_id + '.toml')})",
            file=out,
            flush=True,
        )
    return [t.contract_id for t in terms]


def write_terms(contract: DemoContract, config: Config, measure: int, folder: Path) -> Terms:
    from smartblocks.clients.contracts.terms_file import load_terms

    path = folder / f"{contract.contract_id}.toml"
    path.write_text(
        terms_toml(
            contract,
            site=config.site_id,
            meters=[f"{config.site_id}.{contract.meter}"],
            weather_meter=f"{config.site_id}.{WEATHER_METER}",
            start=measure,
            baseline=f"../baselines/{contract.baseline}.pb",
            parties={role: f"../keys/{role}.pub" for role in ("esco", "owner", "auditor")},
        )
    )
    return load_terms(path)


async def _require_issuer(client: RestClient, bank: Signer, data_dir: Path) -> None:
    key = records.issuers_setting(demo_files.CURRENCY)
    stored = await client.state(setting_address(key))
    setting = decode_setting(stored) if stored else None
    if bank.public_key not in split_list(entry_value(setting, key)):
        raise UserError(
            f"this ledger's {demo_files.CURRENCY} issuers (setting {key}) do not include the "
            f"demo bank's key: the chain predates the demo's contracts (start over with "
            f"--fresh, or use another --data-dir than {data_dir})"
        )


async def _fund(
    client: RestClient,
    signers: dict[str, Signer],
    terms: list[Terms],
    existing: dict[str, Contract | None],
    out: TextIO,
) -> None:
    """Issue what the parties still need for the contracts not yet signed."""
    issues = []
    for role in ("esco", "owner"):
        key = signers[role].public_key
        needed = ISSUE[role] if any(existing[t.contract_id] is None for t in terms) else 0
        have = await balance(client, key)
        if needed > have:
            issues.append(
                txn.issue(
                    signers["bank"],
                    currency=demo_files.CURRENCY,
                    to=key,
                    amount=needed - have,
                    memo=f"demo funds for the {role}",
                )
            )
    if issues:
        await client.submit_and_wait([make_batch(signers["bank"], issues)], timeout=60)
        print(
            f"the demo bank issued {demo_files.CURRENCY} to the ESCO and the owner",
            file=out,
            flush=True,
        )
