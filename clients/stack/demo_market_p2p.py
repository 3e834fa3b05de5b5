"""The P2P market beside the demo (docs/market-p2p.md): a second site, "pv-barn", a farm barn with
rooftop PV, a small wind turbine and a battery, sells its hourly export to the demo building
(lab-970, the owner's key, on its main incomer's import meter) through a local aggregator.

Set-up (each step skipped when the ledger holds it already):
- keys `p2p-aggregator` and `p2p-prosumer` in the demo's key folder;
- the settings `smartblocks.energycontract.aggregators` and `...issuers.PLT` list the
  aggregator (a settings proposal signed by the devnet's validator key, the chain's voter);
- the aggregator's terms (PLT, 2 % fee, 1 PLT per EUR) and its stock of PLT; the owner buys
  50 PLT with EUR;
- the barn's site (created by the demo's authority) and its meters, hourly, bound to the
  prosumer's key, which signs their readings.

Then, for each of the next `hours` whole hours: the prosumer offers what it expects to export
(at 0.18 PLT/kWh), the owner picks it; as each hour ends, the barn's readings are written
straight to the ledger (a simple deterministic model: PV on a sine from 06:00 to 18:00, wind on
a slow wave, the battery charging from surplus and covering the barn's load) and the trade is
settled once the building's import meter reaches the hour's end (the agent posts it in 15-minute
windows). Ledger time cannot be hurried on a real devnet, so this runs in real time;
`wait_until` lets a test move a clock-file devnet instead.

    smartblocks offer demo --url http://127.0.0.1:8008 --keys DATA_DIR/keys
"""

from __future__ import annotations

import asyncio
import math
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from smartblocks.clients.contracts import p2p
from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.ledger import ledger_time, read_balance
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer, load_signer
from smartblocks.ledger.rest import BatchInvalid, RestClient
from smartblocks.processors.blockmeter import addressing as meter_addressing
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import records as ec_records
from smartblocks.processors.energycontract import txn as ec_txn
from smartblocks.processors.energycontract.markets.p2p import records, txn
from smartblocks.processors.kit.periods import iso
from smartblocks.processors.settings import txn as settings_txn
from smartblocks.protos.blockmeter_pb2 import Meter, MeterHead, MeterKind
from smartblocks.protos.market_p2p_pb2 import Offer

from .demo_market_common import (
    HOUR,
    KWH,
    POLL_S,
    demo_key,
    demo_keys_and_voter,
    setting_keys,
    submit,
    wait_for_ledger_time,
)

MICRO = 1_000_000
SITE = "pv-barn"
BUYER_SITE = "lab-970"
CURRENCY, PAY_CURRENCY = "PLT", "EUR"
FEE_PPM, RATE_PPM = 20_000, 1_000_000  # 2 %, 1 PLT per EUR
PRICE = 180_000  # 0.18 PLT/kWh
STOCK = 10_000 * MICRO  # PLT the aggregator issues to itself to sell
TOKENS_BOUGHT = 50 * MICRO
# The barn's meters: (id suffix, kind, name).
METERS = (
    ("pv", "GENERATION", "Rooftop PV 40 kWp"),
    ("wind", "GENERATION", "Wind turbine 10 kW"),
    ("battery-charge", "STORAGE_CHARGE", "Battery 20 kWh, charge"),
    ("battery-discharge", "STORAGE_DISCHARGE", "Battery 20 kWh, discharge"),
    ("export", "ELECTRICITY_EXPORT", "Grid connection, export"),
)


def meter_id(suffix: str) -> str:
    return f"{SITE}-{suffix}"


# -- the barn's simulated hour ------------------------------------------------------------------


@dataclass
class Barn:
    """PV, wind, a 20 kWh battery and a 3 kWh/h load; integer mWh per hour, deterministic."""

    stored: int = 10 * KWH
    capacity: int = 20 * KWH
    rate: int = 5 * KWH  # the battery's charge/discharge per hour
    load: int = 3 * KWH

    @staticmethod
    def generation(hour: int) -> tuple[int, int]:
        """(pv, wind) in mWh over the hour that starts `hour` hours after the epoch."""
        of_day = hour % 24
        pv = int(40 * KWH * 0.8 * max(0.0, math.sin(math.pi * (of_day - 6) / 12)))
        wind = int(KWH * (5 + 4 * math.sin(hour / 7)))
        return pv, wind

    def step(self, hour: int) -> dict[str, int]:
        pv, wind = self.generation(hour)
        surplus = pv + wind - self.load
        charge = min(max(surplus, 0), self.rate, self.capacity - self.stored)
        discharge = min(max(-surplus, 0), self.rate, self.stored)
        self.stored += charge - discharge
        export = max(surplus - charge + discharge, 0)
        return {
            "pv": pv,
            "wind": wind,
            "battery-charge": charge,
            "battery-discharge": discharge,
            "export": export,
        }

    def expected_export(self, hour: int) -> int:
        """What the prosumer offers: 80 % of the export it forecasts (a copy steps ahead)."""
        return Barn(self.stored, self.capacity, self.rate, self.load).step(hour)["export"] * 4 // 5


# -- ledger helpers -----------------------------------------------------------------------------


async def _buyer_meter(client: RestClient) -> str:
    """The building's main incomer import meter (the demo's set-up registered it)."""
    prefix = meter_addressing.RecordType.METER.prefix
    found = [Meter.FromString(d) async for _, d in client.list_state(prefix)]
    imports = sorted(
        m.meter_id
        for m in found
        if m.site_id == BUYER_SITE and m.kind == MeterKind.ELECTRICITY_IMPORT and not m.retired
    )
    named = [m for m in imports if "import" in m] or imports
    if not named:
        raise UserError(
            f"site {BUYER_SITE} has no import meter on this ledger: run this beside `make demo` "
            "(smartblocks up --demo), once its set-up is done"
        )
    return named[0]


async def set_up(client: RestClient, key_dir: Path, voter: Signer | None, out: TextIO) -> dict:
    authority, owner = load_signer(key_dir / "authority.priv"), load_signer(key_dir / "owner.priv")
    aggregator, prosumer = demo_key(key_dir, "p2p-aggregator"), demo_key(key_dir, "p2p-prosumer")
    agg_key = aggregator.public_key
    for setting in (records.AGGREGATORS_SETTING, ec_records.issuers_setting(CURRENCY)):
        listed = await setting_keys(client, setting)
        if agg_key in listed:
            continue
        if voter is None:
            raise UserError(
                f"setting {setting} does not list the aggregator {agg_key}; propose it "
                "(smartblocks settings propose) or give the devnet's validator key"
            )
        value = ",".join([*listed, agg_key])  # keeps the keys already listed
        await submit(client, voter, settings_txn.propose(voter, setting, value))
        print(f"p2p: setting {setting} = the aggregator's key", file=out)
    if await p2p.read_aggregator(client, agg_key) is None:
        await submit(
            client,
            aggregator,
            txn.aggregator_set(
                aggregator,
                name="Village aggregator",
                currency=CURRENCY,
                fee_ppm=FEE_PPM,
                pay_currency=PAY_CURRENCY,
                rate_ppm=RATE_PPM,
            ),
        )
    if await read_balance(client, agg_key, CURRENCY) < STOCK // 2:
        await submit(
            client,
            aggregator,
            ec_txn.issue(aggregator, currency=CURRENCY, to=agg_key, amount=STOCK),
        )
    if await read_balance(client, owner.public_key, CURRENCY) < TOKENS_BOUGHT // 2:
        await submit(
            client,
            owner,
            txn.tokens_buy(
                owner,
                aggregator=agg_key,
                currency=CURRENCY,
                pay_currency=PAY_CURRENCY,
                pay_amount=TOKENS_BOUGHT * MICRO // RATE_PPM,
                rate_ppm=RATE_PPM,
            ),
        )
        print(
            f"p2p: the building's owner bought {q.format_amount(TOKENS_BOUGHT, CURRENCY)}", file=out
        )
    if await client.state(meter_addressing.site_address(SITE)) is None:
        site = meter_txn.create_site(
            authority,
            site_id=SITE,
            owner_public_key=prosumer.public_key,
            name="Farm barn: PV, wind, battery (simulated)",
            timezone="UTC",
        )
        await submit(client, authority, site)
        meters = []
        for suffix, kind, name in METERS:
            meters += [
                meter_txn.register_meter(
                    prosumer,
                    meter_id=meter_id(suffix),
                    site_id=SITE,
                    kind=kind,
                    unit="MILLIWATT_HOUR",
                    nominal_interval_s=HOUR,
                    plausible_min=0,
                    plausible_max=100 * KWH,
                    name=name,
                ),
                meter_txn.bind_key(
                    prosumer,
                    meter_id=meter_id(suffix),
                    site_id=SITE,
                    public_key=prosumer.public_key,
                ),
            ]
        await submit(client, prosumer, *meters)
        print(f"p2p: site {SITE} and its {len(METERS)} meters", file=out)
    return {
        "aggregator": aggregator,
        "prosumer": prosumer,
        "owner": owner,
        "buyer_meter": await _buyer_meter(client),
    }


async def _barn_reaches(client: RestClient) -> int | None:
    data = await client.state(meter_addressing.meter_head_address(meter_id("export")))
    return MeterHead.FromString(data).last_window_end if data else None


async def trade(
    client: RestClient,
    parties: dict,
    hours: int,
    out: TextIO,
    wait_until: Callable[[int], Awaitable[None]],
) -> list[Offer]:
    """Offer and pick the next `hours` hours, then write each hour's readings and settle it."""
    now = await ledger_time(client)
    if now is None:
        raise UserError("this ledger has no ledger time (BlockInfo)")
    first = now // HOUR + 1
    barn = Barn()
    reached = await _barn_reaches(client)
    if reached is not None and reached > first * HOUR:
        first = reached // HOUR  # the barn's series continues where it stopped
    prosumer, owner, aggregator = parties["prosumer"], parties["owner"], parties["aggregator"]
    offers: list[Offer] = []
    for hour in range(first, first + hours):
        energy = barn.expected_export(hour)
        barn.step(hour)
        if energy <= 0:
            continue
        offer_id = f"{SITE}-{hour}"
        start = hour * HOUR
        if await p2p.read_offer(client, offer_id) is None:
            await submit(
                client,
                prosumer,
                txn.offer_add(
                    prosumer,
                    offer_id=offer_id,
                    aggregator=aggregator.public_key,
                    export_meter=meter_id("export"),
                    site_id=SITE,
                    energy=energy,
                    price=PRICE,
                    window_start=start,
                    window_end=start + HOUR,
                    expires_at=start,
                ),
            )
        offer = await p2p.read_offer(client, offer_id)
        assert offer is not None
        if offer.status == Offer.OPEN:
            await submit(
                client,
                owner,
                txn.offer_pick(
                    owner, offer=offer, import_meter=parties["buyer_meter"], site_id=BUYER_SITE
                ),
            )
            offer = await p2p.read_offer(client, offer_id)
            assert offer is not None
        offers.append(offer)
        print(
            f"p2p: offer {offer_id}: {q.display_energy(energy, 'mWh')} at "
            f"{q.plain_amount(PRICE)} {CURRENCY}/kWh for {iso(start)}, picked by the building",
            file=out,
        )
    barn = Barn()
    settled = []
    for hour in range(first, first + hours):
        await wait_until((hour + 1) * HOUR)
        values = barn.step(hour)
        await submit(
            client,
            prosumer,
            *(
                meter_txn.record_readings(
                    prosumer,
                    meter_id=meter_id(suffix),
                    window_start=hour * HOUR,
                    interval_s=HOUR,
                    values=[values[suffix]],
                )
                for suffix, _, _ in METERS
            ),
        )
        offer = next((o for o in offers if o.window_start == hour * HOUR), None)
        if offer is not None and offer.status == Offer.PICKED:
            settled.append(await _settle(client, aggregator, offer, out))
    return settled


async def _settle(client: RestClient, signer: Signer, offer: Offer, out: TextIO) -> Offer:
    """Settle once the building's meter reaches the window's end (retrying while it does not)."""
    while True:
        preview = await p2p.preview(client, offer)
        if preview["ready"]:
            try:
                await submit(client, signer, txn.offer_settle(signer, offer=offer))
                break
            except BatchInvalid as exc:
                print(f"p2p: settle {offer.offer_id}: {exc}; retrying", file=out)
        await asyncio.sleep(POLL_S)
    done = await p2p.read_offer(client, offer.offer_id)
    assert done is not None
    shown = p2p.offer_dict(done, None)
    print(
        f"p2p: settled {offer.offer_id}: delivered {shown['delivered']} of {shown['energy']}; "
        f"seller {shown['seller_paid']}, fee {shown['fee_paid']}, refund {shown['buyer_refund']}",
        file=out,
    )
    return done


async def run(
    url: str | None,
    key_dir: Path,
    *,
    hours: int = 6,
    voter: Signer | None = None,
    wait_until: Callable[[int], Awaitable[None]] | None = None,
    out: TextIO = sys.stdout,
) -> list[Offer]:
    """Set up and run the market on the devnet at `url`; the settled offers."""
    async with RestClient(url, timeout=120) as client:
        parties = await set_up(client, key_dir, voter, out)
        waiter = wait_until or (lambda moment: wait_for_ledger_time(client, moment))
        return await trade(client, parties, hours, out, waiter)


def main(url: str | None, keys: str | None, *, hours: int = 6) -> int:
    """`smartblocks offer demo`: the demo's keys (default DEFAULT_KEY_DIR), and the devnet's
    validator key beside them (DATA_DIR/devnet/validator.priv) to list the aggregator in the
    settings."""
    key_dir, voter = demo_keys_and_voter(keys)
    began = time.monotonic()
    settled = asyncio.run(run(url, key_dir, hours=hours, voter=voter))
    print(f"p2p: {len(settled)} trades settled in {time.monotonic() - began:.0f} s")
    return 0
