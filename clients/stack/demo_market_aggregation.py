"""Aggregator agreements beside the demo (docs/market-aggregation.md): "valley", a community of
three simulated DERs (a PV farm, a wind turbine, a battery) run by an aggregator that meters
each at its connection point.

Set-up (each step skipped when the ledger holds it already):
- keys `agg-aggregator`, `agg-operator` and one per DER in the demo's key folder;
- the settings `smartblocks.energycontract.aggregators` and `smartblocks.markets.operator` list
  them (a settings proposal signed by the devnet's validator key, the chain's voter; keys
  already listed are kept);
- the bank (the demo's EUR issuer) funds the aggregator and the DERs;
- a site per DER (its own key the owner) with its meter, and the aggregator's site
  `valley-grid` with a connection meter per DER, all hourly;
- the community: 1-hour epochs from the next whole hour, 25 % commitment, 0.15 EUR/kWh at most,
  a 0.10 EUR/kWh shortfall penalty; each DER joins with a 20 EUR deposit and the aggregator
  admits it.

Then, as each epoch ends: both meters' readings of every DER for its hours are written straight
to the ledger (a deterministic model: PV on a sine from 06:00 to 18:00, wind on a slow wave, the
battery discharging in the evening; the connection meters see 2 % line losses, and the battery's
connection meter records zero in the first epoch), the aggregator sweeps the epoch, and
the battery, short of its commitment by the missing hour, disputes with its own meter's hours;
the operator compares and credits what the DER's meter shows. Ledger time cannot be hurried on
a real devnet, so this runs in real time (the first sweep comes within two hours);
`wait_until` lets a test move a clock-file devnet instead.

    smartblocks community demo --url http://127.0.0.1:8008 --keys DATA_DIR/keys
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from smartblocks.clients.contracts import quantities as q
from smartblocks.clients.contracts.ledger import ledger_time
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer, load_signer
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import (
    AGGREGATORS,
    MARKETS_OPERATOR,
)
from smartblocks.processors.blockmeter import addressing as meter_addressing
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.energycontract import txn as ec_txn
from smartblocks.processors.energycontract.markets.aggregation import reading, rules, txn
from smartblocks.processors.kit.periods import iso
from smartblocks.processors.settings import txn as settings_txn
from smartblocks.protos.market_aggregation_pb2 import Community, Criteria, Epoch

from .demo_market_common import (
    HOUR,
    demo_key,
    demo_keys_and_voter,
    setting_keys,
    submit,
    wait_for_ledger_time,
)

EUR = 1_000_000
COMMUNITY = "valley"
GRID_SITE = "valley-grid"


@dataclass(frozen=True)
class Der:
    name: str  # also its site id and key name
    kind: str  # its own meter's MeterKind
    capacity_w: int
    price: int  # micro-EUR per kWh
    title: str

    @property
    def meter(self) -> str:
        return f"{self.name}-meter"

    @property
    def connection(self) -> str:
        return f"{self.name}-cp"

    def export(self, hour_start: int) -> int:
        """mWh the DER sends out in the hour starting at `hour_start` (Unix seconds)."""
        of_day = (hour_start // HOUR) % 24
        if self.kind == "GENERATION" and "pv" in self.name:
            return int(self.capacity_w * 1000 * max(0.0, math.sin(math.pi * (of_day - 6) / 12)))
        if self.kind == "GENERATION":
            return int(self.capacity_w * 1000 * (0.55 + 0.4 * math.sin(hour_start / HOUR / 7)))
        return self.capacity_w * 1000 * 7 // 10 if 17 <= of_day < 22 else self.capacity_w * 300


DERS = (
    Der("valley-pv", "GENERATION", 30_000, 120_000, "PV farm 30 kWp (simulated)"),
    Der("valley-wind", "GENERATION", 10_000, 140_000, "Wind turbine 10 kW (simulated)"),
    Der("valley-battery", "STORAGE_DISCHARGE", 20_000, 150_000, "Battery 20 kW (simulated)"),
)
CRITERIA = Criteria(
    min_capacity_w=1_000,
    max_capacity_w=1_000_000,
    max_price=150_000,
    min_deposit=10 * EUR,
    max_members=100,
    commitment_ppm=250_000,
    penalty_price=100_000,
)
DEPOSIT = 20 * EUR
LOSSES_PPM = 20_000  # 2 % between a DER's meter and its connection point


def connection_values(der: Der, hours: list[int], epoch: int) -> list[int]:
    """What the aggregator's connection meter records: the export less line losses; the
    battery's meter records nothing in epoch 0 (a communication fault: the dispute's cause)."""
    if der.kind == "STORAGE_DISCHARGE" and epoch == 0:
        return [0] * len(hours)
    return [der.export(h) * (1_000_000 - LOSSES_PPM) // 1_000_000 for h in hours]


# -- ledger helpers -----------------------------------------------------------------------------


async def _list_in_setting(
    client: RestClient, setting: str, key: str, voter: Signer | None, out: TextIO
) -> None:
    listed = await setting_keys(client, setting)
    if key in listed:
        return
    if voter is None:
        raise UserError(
            f"setting {setting} does not list {key}; propose it (smartblocks settings propose) "
            "or give the devnet's validator key"
        )
    await submit(client, voter, settings_txn.propose(voter, setting, ",".join([*listed, key])))
    print(f"aggregation: setting {setting} lists {key[:10]}..", file=out)


async def set_up(
    client: RestClient, key_dir: Path, voter: Signer | None, out: TextIO
) -> dict[str, Any]:
    authority, bank = load_signer(key_dir / "authority.priv"), load_signer(key_dir / "bank.priv")
    aggregator, operator = demo_key(key_dir, "agg-aggregator"), demo_key(key_dir, "agg-operator")
    ders = {d.name: demo_key(key_dir, d.name) for d in DERS}
    await _list_in_setting(client, AGGREGATORS, aggregator.public_key, voter, out)
    await _list_in_setting(client, MARKETS_OPERATOR, operator.public_key, voter, out)
    if await reading.balance(client, aggregator.public_key, "EUR") < 100 * EUR:
        funding = [
            ec_txn.issue(bank, currency="EUR", to=aggregator.public_key, amount=1_000 * EUR),
            *(
                ec_txn.issue(bank, currency="EUR", to=k.public_key, amount=100 * EUR)
                for k in ders.values()
            ),
        ]
        await submit(client, bank, *funding)
    if await client.state(meter_addressing.site_address(GRID_SITE)) is None:
        sites = [
            meter_txn.create_site(
                authority,
                site_id=GRID_SITE,
                owner_public_key=aggregator.public_key,
                name="Valley aggregator: connection points (simulated)",
            ),
            *(
                meter_txn.create_site(
                    authority,
                    site_id=d.name,
                    owner_public_key=ders[d.name].public_key,
                    name=d.title,
                )
                for d in DERS
            ),
        ]
        await submit(client, authority, *sites)
        for d in DERS:
            for signer, meter_id, site, kind in (
                (ders[d.name], d.meter, d.name, d.kind),
                (aggregator, d.connection, GRID_SITE, "ELECTRICITY_EXPORT"),
            ):
                await submit(
                    client,
                    signer,
                    meter_txn.register_meter(
                        signer,
                        meter_id=meter_id,
                        site_id=site,
                        kind=kind,
                        unit="MILLIWATT_HOUR",
                        nominal_interval_s=HOUR,
                        plausible_min=0,
                        plausible_max=10**12,
                    ),
                    meter_txn.bind_key(
                        signer, meter_id=meter_id, site_id=site, public_key=signer.public_key
                    ),
                )
        print(f"aggregation: sites of {len(DERS)} DERs and {GRID_SITE} with their meters", file=out)
    community = await reading.community(client, COMMUNITY)
    if community is None:
        now = await ledger_time(client) or 0
        start = (now // HOUR + 1) * HOUR
        await submit(
            client,
            aggregator,
            txn.open_community(
                aggregator,
                community_id=COMMUNITY,
                name="Valley DERs",
                currency="EUR",
                first_epoch_start=start,
                epoch_s=HOUR,
                criteria=CRITERIA,
                data_grace_s=HOUR,
                dispute_window_s=2 * 86_400,
            ),
        )
        community = await reading.community(client, COMMUNITY)
        assert community is not None
        for d in DERS:
            await submit(
                client,
                ders[d.name],
                txn.join(
                    ders[d.name],
                    community=community,
                    der_meter=d.meter,
                    der_site=d.name,
                    connection_meter=d.connection,
                    connection_site=GRID_SITE,
                    capacity_w=d.capacity_w,
                    price=d.price,
                    deposit=DEPOSIT,
                ),
            )
            await submit(
                client,
                aggregator,
                txn.admit(aggregator, community=community, der=ders[d.name].public_key),
            )
        community = await reading.community(client, COMMUNITY)
        assert community is not None
        print(
            f"aggregation: community {COMMUNITY} opened, {len(DERS)} DERs joined; epoch 0 "
            f"starts {iso(start)}",
            file=out,
        )
    return {"aggregator": aggregator, "operator": operator, "ders": ders, "community": community}


async def _record_epoch(
    client: RestClient, parties: dict[str, Any], epoch: int, start: int, end: int
) -> None:
    hours = rules.hour_starts(start, end)
    for d in DERS:
        for signer, meter_id, values in (
            (parties["ders"][d.name], d.meter, [d.export(h) for h in hours]),
            (parties["aggregator"], d.connection, connection_values(d, hours, epoch)),
        ):
            head = await reading.head(client, meter_id)
            if head is not None and head.last_window_end >= end:
                continue
            await submit(
                client,
                signer,
                meter_txn.record_readings(
                    signer, meter_id=meter_id, window_start=start, interval_s=HOUR, values=values
                ),
            )


def describe(record: Epoch, currency: str = "EUR") -> str:
    parts = []
    for o in record.outcomes:
        fate = (
            f"paid {q.format_amount(o.paid, currency)}"
            if o.met
            else f"short, penalty {q.format_amount(o.penalty, currency)}"
        )
        parts.append(f"{o.der[:8]}.. {q.display_energy(o.delivered, 'mWh')} {fate}")
    return f"epoch {record.epoch} swept: " + "; ".join(parts)


async def sweep_epochs(
    client: RestClient,
    parties: dict[str, Any],
    epochs: int,
    out: TextIO,
    wait_until: Callable[[int], Awaitable[None]],
) -> list[Epoch]:
    done: list[Epoch] = []
    aggregator, operator = parties["aggregator"], parties["operator"]
    battery = next(d for d in DERS if d.kind == "STORAGE_DISCHARGE")
    battery_key = parties["ders"][battery.name]
    while True:
        community: Community | None = await reading.community(client, COMMUNITY)
        assert community is not None
        number = community.swept_epochs
        if number >= epochs:
            return done
        start, end = rules.epoch_bounds(community.first_epoch_start, community.epoch_s, number)
        print(f"aggregation: waiting for epoch {number} to end at {iso(end)}", file=out)
        await wait_until(end)
        await _record_epoch(client, parties, number, start, end)
        members = await reading.current_members(client, community)
        await submit(
            client,
            aggregator,
            txn.sweep(aggregator, community=community, members=members, epoch=number),
        )
        record = await reading.epoch(client, COMMUNITY, number)
        assert record is not None
        print(f"aggregation: {describe(record)}", file=out)
        outcome = next((o for o in record.outcomes if o.der == battery_key.public_key), None)
        if outcome is not None and outcome.delivered < outcome.der_measured:
            member = next(m for m in members if m.der == battery_key.public_key)
            hours = await reading.hours(client, member.der_meter, record.start, record.end)
            await submit(
                client,
                battery_key,
                txn.dispute(
                    battery_key,
                    community_id=COMMUNITY,
                    epoch=number,
                    member=member,
                    evidence=hours,
                    reason="the connection meter recorded zero; my meter shows the discharge",
                ),
            )
            corrected = min(outcome.der_measured, rules.total(hours)[0])
            await submit(
                client,
                operator,
                txn.resolve(
                    operator,
                    community=community,
                    epoch=number,
                    der=battery_key.public_key,
                    decision="ADJUST",
                    note="connection meter fault; the DER's meter agrees with the feeder",
                    corrected_delivered=corrected,
                ),
            )
            print(
                f"aggregation: {battery.name} disputed epoch {number}; the operator credited "
                f"{q.display_energy(corrected, 'mWh')}",
                file=out,
            )
            record = await reading.epoch(client, COMMUNITY, number)
            assert record is not None
        done.append(record)


async def run(
    url: str | None,
    key_dir: Path,
    *,
    epochs: int = 3,
    voter: Signer | None = None,
    wait_until: Callable[[int], Awaitable[None]] | None = None,
    out: TextIO = sys.stdout,
) -> list[Epoch]:
    """Set up and run the community on the devnet at `url`; the swept epochs."""
    async with RestClient(url, timeout=120) as client:
        parties = await set_up(client, key_dir, voter, out)
        waiter = wait_until or (lambda moment: wait_for_ledger_time(client, moment))
        return await sweep_epochs(client, parties, epochs, out, waiter)


def main(url: str | None, keys: str | None, *, epochs: int = 3) -> int:
    """`smartblocks community demo`: the demo's keys (default DEFAULT_KEY_DIR), and the devnet's
    validator key beside them (DATA_DIR/devnet/validator.priv) to list the aggregator and the
    operator in the settings."""
    key_dir, voter = demo_keys_and_voter(keys)
    swept = asyncio.run(run(url, key_dir, epochs=epochs, voter=voter))
    print(f"aggregation: {len(swept)} epochs swept")
    return 0
