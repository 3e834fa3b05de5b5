"""One function per action: `(body, signer, store) -> None`. Each checks every rule before it
writes anything (writes are buffered by the store until the handler flushes them anyway)."""

from __future__ import annotations

from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.handler import Action as ActionFn
from smartblocks.processors.kit.ledger_time import ledger_time
from smartblocks.processors.kit.payload import short_key
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR, day_name, iso
from smartblocks.processors.kit.settings import how_to_change, require_signer_in_setting
from smartblocks.processors.kit.store import RecordStore, Ref
from smartblocks.protos.blockmeter_pb2 import (
    BindKey,
    BlockMeterPayload,
    CreateSite,
    Meter,
    MeterHead,
    ReadingMode,
    RecordReadings,
    RegisterMeter,
    RepairHead,
    RetireMeter,
    RevokeKey,
    Rollup,
    SetAuthorities,
    Site,
    UpdateMeter,
)

from . import limits, records, rollups, rules, units
from .events import HEAD_REPAIRED, METER_UPDATED, READINGS_RECORDED
from .periods import window_end, window_periods
from .records import AUTHORITIES_SETTING

Action = BlockMeterPayload.Action


def set_authorities(body: SetAuthorities, signer: str, store: RecordStore) -> None:
    # Whoever sent the first one used to own the registry; now it is an on-chain setting.
    raise InvalidTransaction(
        "set authorities is retired: the metering authorities are the on-chain "
        + how_to_change(AUTHORITIES_SETTING)
    )


def create_site(body: CreateSite, signer: str, store: RecordStore) -> None:
    require_signer_in_setting(store, AUTHORITIES_SETTING, signer, f"create site {body.site_id}")
    if store.get(records.site(body.site_id)) is not None:
        raise InvalidTransaction(f"site {body.site_id} already exists")
    store.put(
        records.site(body.site_id),
        Site(
            site_id=body.site_id,
            owner_public_key=body.owner_public_key,
            name=body.name,
            floor_area_m2=body.floor_area_m2,
            timezone=body.timezone,
            location=body.location,
            created_by=signer,
        ),
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


def register_meter(body: RegisterMeter, signer: str, store: RecordStore) -> None:
    doing = f"register meter {body.meter_id}"
    site = store.get(records.site(body.site_id))
    if site is None:
        raise InvalidTransaction(f"{doing}: site {body.site_id} does not exist")
    require_owner(signer, site, doing)
    if store.get(records.meter(body.meter_id)) is not None:
        raise InvalidTransaction(f"meter {body.meter_id} already exists")
    meter = Meter()
    for field in REGISTERED_FIELDS:
        setattr(meter, field, getattr(body, field))
    store.put(records.meter(meter.meter_id), meter)


def owned_meter(meter_id: str, signer: str, store: RecordStore, doing: str) -> Meter:
    meter = store.get(records.meter(meter_id))
    if meter is None:
        raise InvalidTransaction(f"{doing}: meter {meter_id} does not exist")
    site = store.get(records.site(meter.site_id))
    if site is None:  # sites are never deleted; a meter always has its site
        raise InvalidTransaction(f"{doing}: site {meter.site_id} of meter {meter_id} is missing")
    require_owner(signer, site, doing)
    return meter


def bind_key(body: BindKey, signer: str, store: RecordStore) -> None:
    doing = f"bind key to meter {body.meter_id}"
    meter = owned_meter(body.meter_id, signer, store, doing)
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
    store.put(records.meter(meter.meter_id), meter)


def revoke_key(body: RevokeKey, signer: str, store: RecordStore) -> None:
    doing = f"revoke key from meter {body.meter_id}"
    meter = owned_meter(body.meter_id, signer, store, doing)
    if body.public_key not in meter.device_keys:
        raise InvalidTransaction(
            f"{doing}: key {short_key(body.public_key)} is not bound to meter {body.meter_id}"
        )
    meter.device_keys[:] = [k for k in meter.device_keys if k != body.public_key]
    store.put(records.meter(meter.meter_id), meter)


def retire_meter(body: RetireMeter, signer: str, store: RecordStore) -> None:
    doing = f"retire meter {body.meter_id}"
    meter = owned_meter(body.meter_id, signer, store, doing)
    if meter.retired:
        raise InvalidTransaction(f"{doing}: meter {body.meter_id} is already retired")
    meter.retired = True
    store.put(records.meter(meter.meter_id), meter)


def update_meter(body: UpdateMeter, signer: str, store: RecordStore) -> None:
    """Widen the plausibility bounds (readings already accepted stay plausible) and, before the
    first reading, correct the initial register. The transaction is the audit record; the
    meter's revision counts the updates and an event names the change."""
    doing = f"update meter {body.meter_id}"
    meter = owned_meter(body.meter_id, signer, store, doing)
    if meter.retired:
        raise InvalidTransaction(f"{doing}: meter {body.meter_id} is retired")
    if body.plausible_min > meter.plausible_min or body.plausible_max < meter.plausible_max:
        raise InvalidTransaction(
            f"{doing}: bounds may only widen: {body.plausible_min}..{body.plausible_max} does "
            f"not contain the current {meter.plausible_min}..{meter.plausible_max}"
        )
    if body.initial_register != meter.initial_register:
        if meter.mode != ReadingMode.CUMULATIVE:
            raise InvalidTransaction(f"{doing}: only a CUMULATIVE meter has an initial register")
        if store.get(records.head(body.meter_id)) is not None:
            raise InvalidTransaction(
                f"{doing}: the initial register cannot change after the first reading"
            )
        if body.initial_register >= meter.rollover:
            raise InvalidTransaction(
                f"{doing}: initial register {body.initial_register} is not below the rollover "
                f"{meter.rollover}"
            )
    wraps_in_one_interval = (
        meter.rollover * SECONDS_PER_HOUR <= body.plausible_max * meter.nominal_interval_s
    )
    if meter.mode == ReadingMode.CUMULATIVE and wraps_in_one_interval:
        raise InvalidTransaction(
            f"{doing}: plausible max {body.plausible_max} would let a full rollover "
            f"({meter.rollover}) pass within one interval"
        )
    meter.plausible_min, meter.plausible_max = body.plausible_min, body.plausible_max
    meter.initial_register = body.initial_register
    meter.revision += 1
    store.put(records.meter(meter.meter_id), meter)
    store.emit(
        METER_UPDATED,
        [
            ("meter_id", meter.meter_id),
            ("site_id", meter.site_id),
            ("revision", str(meter.revision)),
        ],
    )


def repair_head(body: RepairHead, signer: str, store: RecordStore) -> None:
    """Move the head back to `recorded_until` (at most ledger time) when it is beyond ledger
    time plus the tolerance: a window from the future, recorded before windows were checked
    against ledger time, blocks every later reading. Rollups keep what was recorded; the head
    counts the repair and the event names both ends, so readers can discount those days."""
    doing = f"repair head of meter {body.meter_id}"
    meter = owned_meter(body.meter_id, signer, store, doing)
    head = store.get(records.head(body.meter_id))
    if head is None:
        raise InvalidTransaction(f"{doing}: the meter has no readings")
    now = ledger_time(store)
    if head.last_window_end <= now + limits.MAX_WINDOW_AHEAD_S:
        raise InvalidTransaction(
            f"{doing}: recorded data ends {iso(head.last_window_end)}, not after ledger time "
            f"{iso(now)} + {limits.MAX_WINDOW_AHEAD_S} s: there is nothing to repair"
        )
    if body.recorded_until > now:
        raise InvalidTransaction(
            f"{doing}: recorded until {iso(body.recorded_until)} is after ledger time {iso(now)}"
        )
    if meter.mode == ReadingMode.CUMULATIVE and body.last_register >= meter.rollover:
        raise InvalidTransaction(
            f"{doing}: register {body.last_register} is not below the rollover {meter.rollover}"
        )
    previous_end = head.last_window_end
    head.last_window_end = body.recorded_until
    head.first_window_start = min(head.first_window_start, body.recorded_until)
    head.last_register = body.last_register if meter.mode == ReadingMode.CUMULATIVE else 0
    head.repair_count += 1
    store.put(records.head(body.meter_id), head)
    store.emit(
        HEAD_REPAIRED,
        [
            ("meter_id", body.meter_id),
            ("site_id", meter.site_id),
            ("previous_end", str(previous_end)),
            ("recorded_until", str(body.recorded_until)),
            ("reason", body.reason),
        ],
    )


def readings_refs(body: RecordReadings) -> list[Ref[Any]]:
    """Everything record readings reads, for one state request."""
    meter_id = body.meter_id
    days, months = window_periods(body.window_start, body.interval_s, len(body.values))
    return [
        records.meter(meter_id),
        records.head(meter_id),
        *[records.day_rollup(meter_id, d) for d in days],
        *[records.month_rollup(meter_id, m) for m in months],
    ]


def record_readings(body: RecordReadings, signer: str, store: RecordStore) -> None:
    meter_id, start, interval = body.meter_id, body.window_start, body.interval_s
    values, quality = list(body.values), list(body.quality)
    store.load(readings_refs(body))
    meter = store.get(records.meter(meter_id))
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
    end = window_end(start, interval, len(values))
    rules.check_not_ahead(meter_id, end, ledger_time(store), limits.MAX_WINDOW_AHEAD_S)
    head = store.get(records.head(meter_id))
    gap = rules.gap_before(meter_id, head.last_window_end if head else None, start)
    symbol = units.UNIT_SYMBOLS.get(meter.unit, "")
    low, high = meter.plausible_min, meter.plausible_max

    last_register = 0
    rebased = False
    if meter.mode == ReadingMode.CUMULATIVE:
        previous = head.last_register if head else meter.initial_register
        rules.check_registers(meter_id, values, meter.rollover)
        quantities = rules.register_deltas(previous, values, meter.rollover)
        # After a gap the first delta counts over the gap as well as its own interval, up to
        # the gap credit. After a longer gap the first value sets the register anew: what the
        # register counted over such a gap is not counted (a 56-year "gap" could otherwise
        # carry any jump), and the slot is marked missing.
        rebased = gap > limits.MAX_GAP_CREDIT_S
        if rebased:
            quantities[0] = 0
            quality = quality or [0] * len(values)
            quality[0] |= units.QUALITY_MISSING
        checked = 1 if rebased else 0
        rules.check_quantities(
            meter_id,
            start + checked * interval,
            interval,
            quantities[checked:],
            low,
            high,
            symbol,
            first_elapsed_s=None if rebased else gap + interval,
            registers=values[checked:],
            previous_register=values[0] if rebased else previous,
        )
        last_register = values[-1]
    elif units.is_quantity(meter.unit):
        quantities = values
        rules.check_quantities(meter_id, start, interval, quantities, low, high, symbol)
    else:
        quantities = values
        rules.check_rates(meter_id, start, interval, quantities, low, high, symbol)

    hours = rollups.hourly_totals(start, interval, quantities, quality)
    flagged = sum(1 for q in quality if q)
    # A gap is counted once, in the day and the month where it ends (the window's start).
    for i, (day_number, buckets) in enumerate(rollups.by_day(hours).items()):
        day = day_name(day_number)
        rollup = _rollup(store.get(records.day_rollup(meter_id, day)), meter_id, day)
        rollups.merge_into(rollup, buckets, gap_seconds=gap if i == 0 else 0)
        store.put(records.day_rollup(meter_id, day), rollup)
    for i, (month, buckets) in enumerate(rollups.by_month(hours).items()):
        rollup = _rollup(store.get(records.month_rollup(meter_id, month)), meter_id, month)
        rollups.merge_into(rollup, buckets, gap_seconds=gap if i == 0 else 0)
        store.put(records.month_rollup(meter_id, month), rollup)

    if head is None:
        head = MeterHead(meter_id=meter_id, first_window_start=start)
    head.last_window_end = end
    head.last_register = last_register
    head.window_count += 1
    head.value_count += len(values)
    head.gap_count += 1 if gap else 0
    head.gap_seconds += gap
    head.flagged_count += flagged
    head.rebase_count += 1 if rebased else 0
    store.put(records.head(meter_id), head)
    store.emit(
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


ACTIONS: dict[int, ActionFn] = {
    Action.SET_AUTHORITIES: set_authorities,
    Action.CREATE_SITE: create_site,
    Action.REGISTER_METER: register_meter,
    Action.BIND_KEY: bind_key,
    Action.REVOKE_KEY: revoke_key,
    Action.RETIRE_METER: retire_meter,
    Action.RECORD_READINGS: record_readings,
    Action.UPDATE_METER: update_meter,
    Action.REPAIR_HEAD: repair_head,
}
