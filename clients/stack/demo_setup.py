"""The demo's one-shot set-up: authority, site "lab-970", its meters (and its BMS's points as
15-minute meters, demo_bms.py), the gateway's key, the prediction service's key as the site's
forecaster (granted by the owner); then the building's history (demo_history.py), baselines and
contracts (demo_contracts.py).

The site and its meters go in ONE batch signed by the authority, so they are all on the ledger
or none of them: a resumed chain that holds the site needs none of it again. The meters are
those of the agent's config (DIR/agent.toml), registered with the kind, unit, mode and interval
the agent will use. The grant, the history and the contracts skip, each, what the ledger
already holds.

    python -m smartblocks.clients.stack.demo_setup --data-dir DIR --url http://127.0.0.1:8008
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.blockmeter.config import Config, MeterConfig
from smartblocks.blockmeter.config import load as load_agent_config
from smartblocks.blockmeter.units import base_unit
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer, load_signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import decode_setting, entry_value, setting_address, split_list
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import addressing, txn
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.blockpredict import addressing as predict_addressing
from smartblocks.processors.blockpredict import txn as predict_txn
from smartblocks.protos.blockpredict_pb2 import Forecasters

from .demo_bms import bms_meters
from .demo_contracts import set_up_contracts
from .demo_history import load_history

SITE_NAME = "Office/lab (simulated)"
FLOOR_AREA_M2 = 970
# Cumulative registers in mWh or mL: far beyond anything the simulator reaches.
ROLLOVER = 10**15


@dataclass(frozen=True)
class MeterDefinition:
    kind: str
    name: str
    plausible_max: int  # per hour for energy and volume (mWh/h, mL/h): the rated capacity
    plausible_min: int = 0


# What each simulator point is on the ledger; bounds are the equipment's ratings with headroom.
POINT_METERS: dict[str, MeterDefinition] = {
    "grid_import": MeterDefinition("electricity-import", "Main incomer, import", 300_000_000),
    "grid_export": MeterDefinition("electricity-export", "Main incomer, export", 100_000_000),
    "chp_generation": MeterDefinition("generation", "CHP 50 kWe", 60_000_000),
    "wind_generation": MeterDefinition("generation", "Wind turbine 10 kW", 12_000_000),
    "battery_charge": MeterDefinition("storage-charge", "Battery, charge", 20_000_000),
    "battery_discharge": MeterDefinition("storage-discharge", "Battery, discharge", 20_000_000),
    "building_load": MeterDefinition("electricity-import", "Building load", 400_000_000),
    "gas_volume": MeterDefinition("gas", "Gas", 50_000_000),
    "outdoor_temperature": MeterDefinition("temperature", "Outdoor temperature", 60_000, -40_000),
    "wind_speed": MeterDefinition("wind-speed", "Wind speed", 60_000),
}
LEDGER_UNITS = {
    "mWh": "milliwatt-hour",
    "mL": "millilitre",
    "mdegC": "millidegree-celsius",
    "mm/s": "millimetre-per-second",
}


def register_meter(owner: Signer, site_id: str, meter: MeterConfig, batcher: str) -> Transaction:
    definition = POINT_METERS[meter.settings.point]
    cumulative = meter.mode == "cumulative"
    return txn.register_meter(
        owner,
        meter_id=meter.id,
        site_id=site_id,
        kind=definition.kind,
        unit=LEDGER_UNITS[base_unit(meter.unit)],
        mode="cumulative" if cumulative else "interval",
        rollover=ROLLOVER if cumulative else 0,
        nominal_interval_s=meter.interval_s,
        plausible_min=definition.plausible_min,
        plausible_max=definition.plausible_max,
        name=definition.name,
        batcher_public_key=batcher,
    )


def setup_transactions(
    authority: Signer, owner: Signer, gateway_public_key: str, config: Config
) -> list[Transaction]:
    """The site (the authority is in the genesis setting), every meter registered and bound to
    the gateway's key."""
    batcher = authority.public_key
    site_id = config.site_id
    txns = [
        txn.create_site(
            authority,
            site_id=site_id,
            owner_public_key=owner.public_key,
            name=SITE_NAME,
            floor_area_m2=FLOOR_AREA_M2,
            timezone="UTC",  # the simulator's schedules run on UTC
            batcher_public_key=batcher,
        ),
    ]
    for meter in config.meters:
        if meter.connector != "simulator":
            raise UserError(f"meter {meter.id}: the demo set-up knows simulated meters only")
    for meter in [*config.meters, *bms_meters(config)]:  # the BMS's points too (demo_bms.py)
        txns.append(register_meter(owner, site_id, meter, batcher))
        txns.append(
            txn.bind_key(
                owner,
                meter_id=meter.id,
                site_id=site_id,
                public_key=gateway_public_key,
                batcher_public_key=batcher,
            )
        )
    return txns


async def set_up(
    data_dir: Path, url: str, out: TextIO = sys.stdout, *, contracts: bool = True
) -> bool:
    """Put the demo's site, its baseline history and (with `contracts`) the contracts around its
    ECM on the ledger; False when the site was already there (the rest is completed either
    way)."""
    config = load_agent_config(data_dir / "agent.toml")
    keys = data_dir / "keys"
    authority = load_signer(keys / "authority.priv")
    owner = load_signer(keys / "owner.priv")
    gateway = load_signer(keys / "gateway.priv")
    forecaster = load_signer(keys / "forecaster.priv")
    async with RestClient(url, timeout=60) as client:
        created = await create_site(client, config, authority, owner, gateway, data_dir, out)
        await grant_forecaster(client, config.site_id, owner, forecaster.public_key, out)
        await load_history(client, gateway, config, out)
        if contracts:
            await set_up_contracts(client, data_dir, config, out)
    return created


async def create_site(
    client: RestClient,
    config: Config,
    authority: Signer,
    owner: Signer,
    gateway: Signer,
    data_dir: Path,
    out: TextIO,
) -> bool:
    if await client.state(addressing.site_address(config.site_id)) is not None:
        print(f"site {config.site_id} is on the ledger already", file=out)
        return False
    stored = await client.state(setting_address(AUTHORITIES_SETTING))
    setting = decode_setting(stored) if stored else None
    if authority.public_key not in split_list(entry_value(setting, AUTHORITIES_SETTING)):
        raise UserError(
            f"this ledger's metering authorities (setting {AUTHORITIES_SETTING}) do not "
            "include the demo's authority key: it is not the demo's chain (start over with "
            f"--fresh, or use another --data-dir than {data_dir})"
        )
    txns = setup_transactions(authority, owner, gateway.public_key, config)
    await client.submit_and_wait([make_batch(authority, txns)], timeout=60)
    print(
        f"site {config.site_id} created; {len(config.meters)} meters and their "
        f"{len(config.meters)} BMS points registered and bound to the gateway key "
        f"{gateway.public_key[:12]}…",
        file=out,
        flush=True,
    )
    return True


async def grant_forecaster(
    client: RestClient, site_id: str, owner: Signer, forecaster: str, out: TextIO
) -> bool:
    """The owner grants the prediction service's key on the site (BlockPredict); False when it
    is a forecaster already."""
    stored = await client.state(predict_addressing.forecasters_address(site_id))
    if stored is not None and forecaster in Forecasters.FromString(stored).public_keys:
        print(f"the forecaster {forecaster[:12]}… is granted on {site_id} already", file=out)
        return False
    grant = predict_txn.grant_forecaster(owner, site_id=site_id, public_key=forecaster)
    await client.submit_and_wait([make_batch(owner, [grant])], timeout=60)
    print(
        f"the owner granted the prediction service's key {forecaster[:12]}… as a forecaster "
        f"of {site_id}",
        file=out,
        flush=True,
    )
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Put the demo's site and meters on the ledger.")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--url", required=True, help="the REST API")
    args = parser.parse_args(argv)
    try:
        asyncio.run(set_up(args.data_dir, args.url))
    except UserError as exc:
        print(f"demo set-up: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
