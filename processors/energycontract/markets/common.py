"""Rules every market checks the same way, so a member meets one wording whatever the market:
whose meters may stand for a member, who may open a market in a currency, and when meters'
readings are complete enough to settle on."""

from __future__ import annotations

from collections.abc import Collection

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.blockmeter import units
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR, iso
from smartblocks.processors.kit.settings import admin_keys, how_to_change
from smartblocks.processors.kit.store import RecordStore
from smartblocks.protos.blockmeter_pb2 import Meter, MeterKind, Unit

from .. import records as family


def own_meter(
    store: RecordStore,
    meter_id: str,
    kinds: Collection[int],
    owner: str,
    doing: str,
    *,
    role: str = "meter",
    owner_name: str = "signer",
) -> Meter:
    """`meter_id` is a live electricity meter of one of `kinds`, in mWh, read at an interval that
    divides an hour (the markets sum hourly rollups), at a site `owner` owns: what makes its
    readings a party's own proof. `role` and `owner_name` name the meter and the owner in the
    message ("DER meter", "aggregator")."""
    meter = store.get(blockmeter.meter(meter_id))
    if meter is None:
        raise InvalidTransaction(f"{doing}: {role} {meter_id} does not exist")
    if meter.kind not in kinds or meter.unit != Unit.MILLIWATT_HOUR:
        wanted = " or ".join(MeterKind.Name(k) for k in kinds)
        raise InvalidTransaction(
            f"{doing}: {role} {meter_id} is {MeterKind.Name(meter.kind)} in "
            f"{units.unit_name(meter.unit)}; it must be {wanted} in mWh"
        )
    if meter.retired:
        raise InvalidTransaction(f"{doing}: {role} {meter_id} is retired")
    if meter.nominal_interval_s <= 0 or SECONDS_PER_HOUR % meter.nominal_interval_s:
        raise InvalidTransaction(
            f"{doing}: {role} {meter_id} reads every {meter.nominal_interval_s} s, which does "
            "not divide an hour"
        )
    site = store.get(blockmeter.site(meter.site_id))
    if site is None or site.owner_public_key != owner:
        holder = short_key(site.owner_public_key) if site is not None else "nobody"
        raise InvalidTransaction(
            f"{doing}: {role} {meter_id} is on site {meter.site_id}, owned by {holder}, not by "
            f"the {owner_name} {short_key(owner)}"
        )
    return meter


def require_issuer(store: RecordStore, currency: str, doing: str) -> None:
    """A market's money must be able to exist: someone is allowed to issue its currency."""
    issuers = family.issuers_setting(currency)
    if not admin_keys(store, issuers):
        raise InvalidTransaction(
            f"{doing}: nobody may issue currency {currency}: setting {issuers} lists no "
            f"public keys; {how_to_change(issuers)}"
        )


def require_data_until(
    store: RecordStore,
    meter_id: str,
    end: int,
    grace_end: int,
    now: int,
    doing: str,
    *,
    span: str,
    action: str = "settle",
) -> None:
    """Until the data grace ends at `grace_end`, the meter's readings must reach `end`, the end of
    the `span` ("step", "epoch") being settled: settling earlier would count hours a gateway has
    yet to send as zero. After the grace, what is missing stays missing."""
    if now >= grace_end:
        return
    head = store.get(blockmeter.head(meter_id))
    until = head.last_window_end if head is not None else None
    if until is None or until < end:
        reached = "has no readings" if until is None else f"reaches {iso(until)}"
        raise InvalidTransaction(
            f"{doing}: meter {meter_id}'s data {reached}, before the {span}'s end {iso(end)}; "
            f"{action} once it covers the {span}, or after the data grace ends at {iso(grace_end)}"
        )
