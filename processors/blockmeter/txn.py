"""Client-side builders of BlockMeter transactions, shared by the CLI and the edge agent.

Each builder declares exactly the addresses its action reads (inputs) and writes (outputs), so
the validator's parallel scheduler can run unrelated transactions side by side.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from sawtooth_sdk.protobuf.transaction_pb2 import Transaction

from smartblocks.ledger.keys import Signer
from smartblocks.processors.kit.builder import Builder, enum_value
from smartblocks.processors.kit.ledger_time import with_ledger_time
from smartblocks.processors.kit.settings import setting_address
from smartblocks.protos.blockmeter_pb2 import (
    BindKey,
    BlockMeterPayload,
    CreateSite,
    MeterKind,
    ReadingMode,
    RecordReadings,
    RegisterMeter,
    RepairHead,
    RetireMeter,
    RevokeKey,
    Unit,
    UpdateMeter,
)

from . import addressing as addr
from .limits import MAX_INTERVAL_S, MAX_WINDOW_S
from .periods import window_end, window_periods
from .records import AUTHORITIES_SETTING

Action = BlockMeterPayload.Action


BUILDER = Builder(addr.FAMILY_NAME, addr.FAMILY_VERSION)
_transaction = BUILDER.transaction


def create_site(
    signer: Signer,
    *,
    site_id: str,
    owner_public_key: str,
    name: str,
    floor_area_m2: int = 0,
    timezone: str = "UTC",
    location: str = "",
    batcher_public_key: str | None = None,
) -> Transaction:
    payload = BlockMeterPayload(
        action=Action.CREATE_SITE,
        create_site=CreateSite(
            site_id=site_id,
            owner_public_key=owner_public_key,
            name=name,
            floor_area_m2=floor_area_m2,
            timezone=timezone,
            location=location,
        ),
    )
    site = addr.site_address(site_id)
    return _transaction(
        signer,
        payload,
        [setting_address(AUTHORITIES_SETTING), site],
        [site],
        batcher_public_key=batcher_public_key,
    )


def register_meter(
    signer: Signer,
    *,
    meter_id: str,
    site_id: str,
    kind: int | str,
    unit: int | str,
    nominal_interval_s: int,
    plausible_min: int,
    plausible_max: int,
    mode: int | str = ReadingMode.INTERVAL,
    rollover: int = 0,
    initial_register: int = 0,
    name: str = "",
    bms_tag: str = "",
    batcher_public_key: str | None = None,
) -> Transaction:
    payload = BlockMeterPayload(
        action=Action.REGISTER_METER,
        register_meter=RegisterMeter(
            meter_id=meter_id,
            site_id=site_id,
            kind=enum_value(MeterKind, kind),
            unit=enum_value(Unit, unit),
            mode=enum_value(ReadingMode, mode),
            rollover=rollover,
            initial_register=initial_register,
            nominal_interval_s=nominal_interval_s,
            plausible_min=plausible_min,
            plausible_max=plausible_max,
            name=name,
            bms_tag=bms_tag,
        ),
    )
    meter = addr.meter_address(meter_id)
    return _transaction(
        signer,
        payload,
        [addr.site_address(site_id), meter],
        [meter],
        batcher_public_key=batcher_public_key,
    )


def _meter_change(
    signer: Signer,
    payload: BlockMeterPayload,
    meter_id: str,
    site_id: str,
    batcher_public_key: str | None,
) -> Transaction:
    # The owner check reads the meter's site; only the meter record is written.
    meter = addr.meter_address(meter_id)
    return _transaction(
        signer,
        payload,
        [meter, addr.site_address(site_id)],
        [meter],
        batcher_public_key=batcher_public_key,
    )


def bind_key(
    signer: Signer,
    *,
    meter_id: str,
    site_id: str,
    public_key: str,
    batcher_public_key: str | None = None,
) -> Transaction:
    payload = BlockMeterPayload(
        action=Action.BIND_KEY, bind_key=BindKey(meter_id=meter_id, public_key=public_key)
    )
    return _meter_change(signer, payload, meter_id, site_id, batcher_public_key)


def revoke_key(
    signer: Signer,
    *,
    meter_id: str,
    site_id: str,
    public_key: str,
    batcher_public_key: str | None = None,
) -> Transaction:
    payload = BlockMeterPayload(
        action=Action.REVOKE_KEY, revoke_key=RevokeKey(meter_id=meter_id, public_key=public_key)
    )
    return _meter_change(signer, payload, meter_id, site_id, batcher_public_key)


def retire_meter(
    signer: Signer, *, meter_id: str, site_id: str, batcher_public_key: str | None = None
) -> Transaction:
    payload = BlockMeterPayload(
        action=Action.RETIRE_METER, retire_meter=RetireMeter(meter_id=meter_id)
    )
    return _meter_change(signer, payload, meter_id, site_id, batcher_public_key)


def update_meter(
    signer: Signer,
    *,
    meter_id: str,
    site_id: str,
    plausible_min: int,
    plausible_max: int,
    initial_register: int,
    batcher_public_key: str | None = None,
) -> Transaction:
    """The new bounds and initial register in full (the CLI fills them from the meter)."""
    payload = BlockMeterPayload(
        action=Action.UPDATE_METER,
        update_meter=UpdateMeter(
            meter_id=meter_id,
            plausible_min=plausible_min,
            plausible_max=plausible_max,
            initial_register=initial_register,
        ),
    )
    # The head is read to refuse a new initial register after the first reading.
    meter = addr.meter_address(meter_id)
    return _transaction(
        signer,
        payload,
        [meter, addr.site_address(site_id), addr.meter_head_address(meter_id)],
        [meter],
        batcher_public_key=batcher_public_key,
    )


def repair_head(
    signer: Signer,
    *,
    meter_id: str,
    site_id: str,
    recorded_until: int,
    last_register: int = 0,
    reason: str,
    batcher_public_key: str | None = None,
) -> Transaction:
    payload = BlockMeterPayload(
        action=Action.REPAIR_HEAD,
        repair_head=RepairHead(
            meter_id=meter_id,
            recorded_until=recorded_until,
            last_register=last_register,
            reason=reason,
        ),
    )
    head = addr.meter_head_address(meter_id)
    return _transaction(
        signer,
        payload,
        with_ledger_time([addr.meter_address(meter_id), addr.site_address(site_id), head]),
        [head],
        batcher_public_key=batcher_public_key,
    )


def readings_addresses(
    meter_id: str, window_start: int, interval_s: int, count: int
) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of a record readings transaction: the meter, its head and every day
    and month rollup the window's values fall in."""
    head = addr.meter_head_address(meter_id)
    rollups: list[str] = []
    # A window outside the limits lists no rollups: the processor rejects it by its limit
    # before it reads any, and the listing would otherwise grow with the bad input.
    if count >= 1 and 1 <= interval_s <= MAX_INTERVAL_S and interval_s * count <= MAX_WINDOW_S:
        days, months = window_periods(window_start, interval_s, count)
        rollups = [addr.day_rollup_address(meter_id, d) for d in days]
        rollups += [addr.month_rollup_address(meter_id, m) for m in months]
    inputs = with_ledger_time([addr.meter_address(meter_id), head, *rollups])
    return inputs, [head, *rollups]


def readings_nonce(meter_id: str, window_start: int, end: int) -> str:
    return hashlib.sha256(f"{meter_id}/{window_start}/{end}".encode()).hexdigest()[:32]


def record_readings(
    signer: Signer,
    *,
    meter_id: str,
    window_start: int,
    interval_s: int,
    values: Sequence[int],
    quality: Sequence[int] | None = None,
    raw_digest: bytes = b"",
    batcher_public_key: str | None = None,
) -> Transaction:
    """Deterministic: the nonce comes from (meter, window start, window end) and secp256k1
    signing is RFC 6979, so the same window always gives the same transaction id and a
    resubmission is recognised as a duplicate."""
    payload = BlockMeterPayload(
        action=Action.RECORD_READINGS,
        record_readings=RecordReadings(
            meter_id=meter_id,
            window_start=window_start,
            interval_s=interval_s,
            values=list(values),
            quality=list(quality or []),
            raw_digest=raw_digest,
        ),
    )
    inputs, outputs = readings_addresses(meter_id, window_start, interval_s, len(values))
    end = window_end(window_start, interval_s, len(values))
    return _transaction(
        signer,
        payload,
        inputs,
        outputs,
        nonce=readings_nonce(meter_id, window_start, end),
        batcher_public_key=batcher_public_key,
    )
