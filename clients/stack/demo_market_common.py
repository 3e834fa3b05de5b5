"""What the four market demos (demo_market_*.py) do alike: keys made on first use, batches
submitted and waited for, settings read, and simulated sites with hourly electricity meters whose
readings a gateway key writes (as demo_history.py does, directly rather than through a gateway).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.clients.contracts.ledger import ledger_time
from smartblocks.ledger.errors import UserError
from smartblocks.ledger.keys import Signer, load_signer, write_key_files
from smartblocks.ledger.rest import RestClient
from smartblocks.ledger.settings import decode_setting, entry_value, setting_address, split_list
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import addressing as meters
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR as HOUR
from smartblocks.protos.blockmeter_pb2 import MeterHead

KWH = 1_000_000  # mWh
DEFAULT_KEY_DIR = Path(".smartblocks") / "demo" / "keys"  # `smartblocks up --demo`'s keys
WINDOW_HOURS = 24 * 31  # one readings window: within BlockMeter's limits (values, span)
POLL_S = 15.0  # how often a demo that waits for ledger time asks for it


def demo_key(key_dir: Path, name: str) -> Signer:
    """The demo's key `name` in `key_dir`, created on first use so reruns sign as the same
    member."""
    path = key_dir / f"{name}.priv"
    return load_signer(path) if path.exists() else write_key_files(name, key_dir)[2]


def demo_keys_and_voter(keys: str | None) -> tuple[Path, Signer | None]:
    """The demo's key folder (default DEFAULT_KEY_DIR), and the devnet's validator key beside
    it (DATA_DIR/devnet/validator.priv) when there is one: it may vote settings in."""
    key_dir = Path(keys) if keys else DEFAULT_KEY_DIR
    if not (key_dir / "authority.priv").exists():
        raise UserError(f"{key_dir} holds no demo keys (authority.priv): give --keys DATA_DIR/keys")
    validator = key_dir.parent / "devnet" / "validator.priv"
    return key_dir, load_signer(validator) if validator.exists() else None


async def wait_for_ledger_time(client: RestClient, moment: int) -> None:
    """Until the ledger's time (its newest block's) reaches `moment`."""
    while (await ledger_time(client) or 0) < moment:
        await asyncio.sleep(POLL_S)


async def submit(client: RestClient, signer: Signer, *transactions: Transaction) -> None:
    """One batch of `transactions` (none: nothing to send), returned once committed."""
    if transactions:
        await client.submit_and_wait([make_batch(signer, list(transactions))], timeout=60)


async def setting_keys(client: RestClient, key: str) -> list[str]:
    """The public keys an on-chain setting lists (none when it is unset)."""
    data = await client.state(setting_address(key))
    return split_list(entry_value(decode_setting(data), key) if data else None)


async def require_listed(client: RestClient, setting: str, signer: Signer, who: str) -> None:
    """The demo's `who` ("auctioneer") must be in `setting` before it opens a market: the
    genesis lists it under `smartblocks up --demo`; elsewhere someone proposes it."""
    if signer.public_key not in await setting_keys(client, setting):
        raise UserError(
            f"the demo {who} {signer.public_key} is not in setting {setting}: start the devnet "
            f"with --setting {setting}={signer.public_key}, or propose it with `smartblocks "
            "settings propose`"
        )


async def set_up_site(
    client: RestClient,
    authority: Signer,
    owner: Signer,
    gateway: Signer,
    *,
    site_id: str,
    name: str,
    meter_kinds: Sequence[tuple[str, str]],
) -> None:
    """A site `owner` owns with hourly mWh meters (meter id, kind) the gateway may write, unless
    the ledger has the site already."""
    if await client.state(meters.site_address(site_id)):
        return
    create = meter_txn.create_site(
        authority, site_id=site_id, owner_public_key=owner.public_key, name=name
    )
    await submit(client, authority, create)
    txns = []
    for meter_id, kind in meter_kinds:
        txns += [
            meter_txn.register_meter(
                owner, meter_id=meter_id, site_id=site_id, kind=kind, unit="MILLIWATT_HOUR",
                nominal_interval_s=HOUR, plausible_min=0, plausible_max=100 * KWH,
            ),
            meter_txn.bind_key(
                owner, meter_id=meter_id, site_id=site_id, public_key=gateway.public_key
            ),
        ]  # fmt: skip
    await submit(client, owner, *txns)


async def record_hours(
    client: RestClient,
    gateway: Signer,
    values: Mapping[str, Callable[[int], int]],
    first: int,
    until: int,
) -> None:
    """Each meter's hourly values (meter id -> mWh in hour number h) from its head, or `first`
    for a meter without readings, up to the whole hour `until`, in windows BlockMeter accepts."""
    txns = []
    for meter_id, value_in in values.items():
        data = await client.state(meters.meter_head_address(meter_id))
        start = MeterHead.FromString(data).last_window_end if data else first
        for first_hour in range(start // HOUR, until // HOUR, WINDOW_HOURS):
            hours = range(first_hour, min(until // HOUR, first_hour + WINDOW_HOURS))
            txns.append(
                meter_txn.record_readings(
                    gateway,
                    meter_id=meter_id,
                    window_start=first_hour * HOUR,
                    interval_s=HOUR,
                    values=[value_in(h) for h in hours],
                )
            )
    await submit(client, gateway, *txns)
