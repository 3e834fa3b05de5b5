"""One function per action: `(body, signer, state) -> None`. Each checks every rule before it
writes anything (writes are buffered by the state until the handler flushes them anyway)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.protos.blockmeter_pb2 import (
    Authorities,
    BlockMeterPayload,
    Meter,
    MeterHead,
    ReadingMode,
    Rollup,
    Site,
)

from . import limits, rollups, rules, units
from .periods import day_name, window_end, window_periods
from .rules import short_key
from .state import (
    BlockMeterState,
    Ref,
    day_rollup_ref,
    head_ref,
    meter_ref,
    month_rollup_ref,
)

Action = BlockMeterPayload.Action
READINGS_RECORDED = "blockmeter/readings-recorded"


def require_authority(signer: str, state: BlockMeterState, doing: str) -> None:
    authorities = state.authorities()
    if authorities is None:
        raise InvalidTransaction(
            f"{doing}: no metering authorities are set yet (bootstrap them with set authorities)"
        )
    if signer not in authorities.public_keys:
        raise InvalidTransaction(f"{doing}: signer {short_key(signer)} is not an authority")


def set_authorities(body: Any, signer: str, state: BlockMeterState) -> None:
    # The first call bootstraps the authorities (whoever sends it); later calls need one of them.
    if state.authorities() is not None:
        require_authority(signer, state, "set authorities")
    state.put_authorities(Authorities(public_keys=sorted(body.public_keys)))


def create_site(body: Any, signer: str, state: BlockMeterState) -> None:
    require_authority(signer, state, f"create site {body.site_id}")
    if state.site(body.site_id) is not None:
        raise InvalidTransaction(f"site {body.site_id} already exists")
    state.put_site(
        Site(
            site_id=body.site_id,
            owner_public_key=body.owner_public_key,
            name=body.name,
            floor_area_m2=body.floor_area_m2,
            timezone=body.timezone,
            location=body.location,
            created_by=signer,
        )
    )


def require_owner(signer: str, site: Site, doing: str) -> None:
    if signer != site.owner_public_key:
        raise InvalidTransaction(
            f"{doing}: signer {short_key(signer)} is not the owner of site {site.site_id} "
            f"({short_key(site.owner_public_key)})"
        )


# RegisterMeter fields copied as they are into the Meter record.
REGISTERED_FIELDS = [
    "meter_id",
    "site_id",
    "kind",
    "unit",
    "mode",
    "rollover",
    "initial_register",
    "nominal_interval_s",
    "plausible_min",
    "plausible_max",
    "name",
    "bms_tag",
]


def register_meter(body: Any, signer: str, state: BlockMeterState) -> None:
    doing = f"register meter {body.meter_id}"
    site = state.site(body.site_id)
    if site is None:
        raise InvalidTransaction(f"{doing}: site {body.site_id} does not exist")
    require_owner(signer, site, doing)
    if state.meter(body.meter_id) is not None:
        raise InvalidTransaction(f"meter {body.meter_id} already exists")
    meter = Meter()
    for field in REGISTERED_FIELDS:
        setattr(meter, field, getattr(body, field))
    state.put_meter(meter)


def owned_meter(meter_id: str, signer: str, state: BlockMeterState, doing: str) -> Meter:
    meter = state.meter(meter_id)
    if meter is None:
        raise InvalidTransaction(f"{doing}: meter {meter_id} does not exist")
    site = state.site(meter.site_id)
    if site is None:  # sites are never deleted; a meter always has its site
        raise InvalidTransaction(f"{doing}: site {meter.site_id} of meter {meter_id} is missing")
    require_owner(signer, site, doing)
    return meter


def bind_key(body: Any, signer: str, state: BlockMeterState) -> None:
    doing = f"bind key to meter {body.meter_id}"
    meter = owned_meter(body.meter_id, signer, state, doing)
    if meter.retired:
        raise InvalidTransaction(f"{doing}: meter {body.meter_id} is retired")
    keys = list(meter.device_keys)
    if body.public_key in keys:
        raise InvalidTransaction(
            f"{doing}: key {short_key(body.public_key)} is already bound to meter {body.meter_id}"
        )
    if len(keys) >= limits.MAX_DEVICE_KEYS:
        raise InvalidTransaction(
            f"{doing}: meter {body.meter_id} already has {len(keys)} keys, the limit"
        )
    meter.device_keys[:] = sorted([*keys, body.public_key])
    state.put_meter(meter)


def revoke_key(body: Any, signer: str, state: BlockMeterState) -> None:
    doing = f"revoke key from meter {body.meter_id}"
    meter = owned_meter(body.meter_id, signer, state, doing)
    if body.public_key not in meter.device_keys:
        raise InvalidTransaction(
            f"{doing}: key {short_key(body.public_key)} is not bound to meter {body.meter_id}"
        )
    meter.device_keys[:] = [k for k in meter.device_keys if k != body.public_key]
    state.put_meter(meter)


def retire_meter(body: Any, signer: str, state: BlockMeterState) -> None:
    doing = f"retire meter {body.meter_id}"
    meter = owned_meter(body.meter_id, signer, state, doing)
    if meter.retired:
        raise InvalidTransaction(f"{doing}: meter {body.meter_id} is already retired")
    meter.retired = True
    state.put_meter(meter)


def readings_addresses(body: Any) -> list[Ref]:
    """Everything record readings reads, for one state request."""
    meter_id = body.meter_id
    days, months = window_periods(body.window_start, body.interval_s, len(body.values))
    return [
        meter_ref(meter_id),
        head_ref(meter_id),
        *[day_rollup_ref(meter_id, d) for d in days],
        *[month_rollup_ref(meter_id, m) for m in months],
    ]


def record_readings(body: Any, signer: str, state: BlockMeterState) -> None:
    meter_id, start, interval = body.meter_id, body.window_start, body.interval_s
    values, quality = list(body.values), list(body.quality)
    state.load(readings_addresses(body))
    meter = state.meter(meter_id)
    if meter is None:
        raise InvalidTransaction(f"meter {meter_id} does not exist")
    if meter.retired:
        raise InvalidTransaction(f"meter {meter_id} is retired and takes no readings")
    if signer not in meter.device_keys:
        raise InvalidTransaction(f"signer {short_key(signer)} is not bound to meter {meter_id}")
    if interval != meter.nominal_interval_s:
        raise InvalidTransaction(
            f"meter {meter_id}: interval {interval} s differs from the meter's nominal interval "
            f"{meter.nominal_interval_s} s"
        )
    head = state.head(meter_id)
    gap = rules.gap_before(meter_id, head.last_window_end if head else None, start)
    symbol = units.UNIT_SYMBOLS.get(meter.unit, "")
    low, high = meter.plausible_min, meter.plausible_max

    last_register = 0
    if meter.mode == ReadingMode.CUMULATIVE:
        previous = head.last_register if head else meter.initial_register
        rules.check_registers(meter_id, values, meter.rollover)
        quantities = rules.register_deltas(previous, values, meter.rollover)
        # After a gap the first delta counted over the gap as well as its own interval.
        rules.check_quantities(
            meter_id,
            start,
            interval,
            quantities,
            low,
            high,
            symbol,
            first_elapsed_s=gap + interval,
            registers=values,
            previous_register=previous,
        )
        last_register = values[-1]
    elif units.is_quantity(meter.unit):
        quantities = values
        rules.check_quantities(meter_id, start, interval, quantities, low, high, symbol)
    else:
        quantities = values
        rules.check_rates(meter_id, start, interval, quantities, low, high, symbol)

    hours = rollups.hourly_totals(start, interval, quantities, quality)
    end = window_end(start, interval, len(values))
    flagged = sum(1 for q in quality if q)
    # A gap is counted once, in the day and the month where it ends (the window's start).
    for i, (day_number, buckets) in enumerate(rollups.by_day(hours).items()):
        day = day_name(day_number)
        rollup = _rollup(state.day_rollup(meter_id, day), meter_id, day)
        rollups.merge_into(rollup, buckets, gap_seconds=gap if i == 0 else 0)
        state.put_day_rollup(rollup)
    for i, (month, buckets) in enumerate(rollups.by_month(hours).items()):
        rollup = _rollup(state.month_rollup(meter_id, month), meter_id, month)
        rollups.merge_into(rollup, buckets, gap_seconds=gap if i == 0 else 0)
        state.put_month_rollup(rollup)

    if head is None:
        head = MeterHead(meter_id=meter_id, first_window_start=start)
    head.last_window_end = end
    head.last_register = last_register
    head.window_count += 1
    head.value_count += len(values)
    head.gap_count += 1 if gap else 0
    head.gap_seconds += gap
    head.flagged_count += flagged
    state.put_head(head)
    state.emit(
        READINGS_RECORDED,
        [
            ("meter_id", meter_id),
            ("site_id", meter.site_id),
            ("window_start", str(start)),
            ("window_end", str(end)),
        ],
    )


def _rollup(existing: Rollup | None, meter_id: str, period: str) -> Rollup:
    return existing if existing is not None else Rollup(meter_id=meter_id, period=period)


ACTIONS: dict[int, Callable[[Any, str, BlockMeterState], None]] = {
    Action.SET_AUTHORITIES: set_authorities,
    Action.CREATE_SITE: create_site,
    Action.REGISTER_METER: register_meter,
    Action.BIND_KEY: bind_key,
    Action.REVOKE_KEY: revoke_key,
    Action.RETIRE_METER: retire_meter,
    Action.RECORD_READINGS: record_readings,
}
