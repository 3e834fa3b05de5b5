"""Every BlockMeter rule and its rejection message, over the in-memory ledger (conftest.py)."""

from __future__ import annotations

import calendar

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_transaction
from smartblocks.processors.blockmeter import addressing, txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.protos.blockmeter_pb2 import (
    BlockMeterPayload,
    Meter,
    MeterHead,
    MeterKind,
    Rollup,
    SetAuthorities,
    Site,
)
from tests.support.ledger import LATER, Ledger

T0 = calendar.timegm((2026, 3, 1, 12, 0, 0))


def read(world, address, message_type):
    record = message_type()
    record.ParseFromString(world.ledger.state[address])
    return record


def rejects(world, transaction, *fragments):
    before = dict(world.ledger.state)
    with pytest.raises(InvalidTransaction) as info:
        world.ledger.apply(transaction)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert world.ledger.state == before, "a rejected transaction changed state"
    return str(info.value)


def test_handler_identity():
    handler = BlockMeterHandler()
    assert handler.family_name == "blockmeter"
    assert handler.family_versions == ["1.0"]
    assert handler.namespaces == [addressing.NAMESPACE]


# -- authorities -------------------------------------------------------------------------------


def test_sites_are_created_by_the_authorities_in_the_on_chain_setting(world):
    stranger = Signer.generate()
    site = dict(site_id="s-9", owner_public_key=stranger.public_key, name="Depot")
    rejects(
        world,
        txn.create_site(stranger, **site),
        f"create site s-9: signer {stranger.public_key[:10]}.. is not one of the 1 key(s) in "
        "setting smartblocks.blockmeter.authorities; setting smartblocks.blockmeter.authorities "
        "is changed by a settings proposal and vote",
    )
    world.ledger.set_setting(
        AUTHORITIES_SETTING, f"{world.authority.public_key}, {stranger.public_key}"
    )
    world.ledger.apply(txn.create_site(stranger, **site))


def test_with_no_authorities_set_nobody_creates_sites(world):
    world.ledger.set_setting(AUTHORITIES_SETTING, "")
    rejects(
        world,
        txn.create_site(
            world.authority, site_id="s-9", owner_public_key=world.owner.public_key, name="x"
        ),
        "setting smartblocks.blockmeter.authorities lists no public keys, so nobody may do this",
    )


def test_set_authorities_is_retired_and_says_where_they_are_now(world):
    payload = BlockMeterPayload(
        action=BlockMeterPayload.SET_AUTHORITIES,
        set_authorities=SetAuthorities(public_keys=[world.authority.public_key]),
    )
    with pytest.raises(InvalidTransaction) as info:
        world.ledger.apply_payload(payload.SerializeToString(), world.authority.public_key)
    assert str(info.value).startswith(
        "set authorities is retired: the metering authorities are the on-chain setting "
        "smartblocks.blockmeter.authorities"
    )


# -- sites -------------------------------------------------------------------------------------


def test_site_record(world):
    site = read(world, addressing.site_address("s-1"), Site)
    assert (site.name, site.floor_area_m2, site.timezone) == ("Town hall", 2400, "Europe/Berlin")
    assert site.owner_public_key == world.owner.public_key
    assert site.created_by == world.authority.public_key


def test_only_authorities_create_sites(world):
    make = dict(site_id="s-2", owner_public_key=world.owner.public_key, name="Depot")
    rejects(
        world,
        txn.create_site(world.owner, **make),
        "create site s-2: signer",
        "is not one of the 1 key(s) in setting smartblocks.blockmeter.authorities",
    )
    world.ledger.apply(txn.create_site(world.authority, **make))
    rejects(world, txn.create_site(world.authority, **make), "site s-2 already exists")


def test_sites_need_authorities_first(ledger):
    authority = Signer.generate()
    with pytest.raises(InvalidTransaction, match="authorities lists no public keys"):
        ledger.apply(
            txn.create_site(authority, site_id="s", owner_public_key=authority.public_key, name="x")
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(site_id=""), "site id is empty"),
        (dict(site_id="a/b"), "site id 'a/b' is not"),
        (dict(site_id="x" * 65), "is not 1..64 characters"),
        (dict(name=" "), "site s-9: name is empty"),
        (dict(timezone="Mars Base"), "timezone 'Mars Base' is not an IANA zone name"),
        (dict(location="x" * 300), "location is 300 characters; the limit is 256"),
        (dict(owner_public_key="04" + "00" * 64), "owner key"),
    ],
)
def test_site_field_checks(world, fields, message):
    make = dict(site_id="s-9", owner_public_key=world.owner.public_key, name="Depot")
    rejects(world, txn.create_site(world.authority, **{**make, **fields}), message)


# -- meters ------------------------------------------------------------------------------------


def test_register_meter(world):
    world.meter("m-17", name="Main incomer", bms_tag="EL.MAIN.01", bind=False)
    meter = read(world, addressing.meter_address("m-17"), Meter)
    assert (meter.site_id, meter.name, meter.bms_tag, meter.nominal_interval_s) == (
        "s-1",
        "Main incomer",
        "EL.MAIN.01",
        900,
    )
    assert not meter.device_keys and not meter.retired


def test_only_the_site_owner_registers_meters(world):
    make = dict(
        meter_id="m-1",
        kind="GAS",
        unit="MILLILITRE",
        nominal_interval_s=900,
        plausible_min=0,
        plausible_max=10**9,
    )
    rejects(
        world,
        txn.register_meter(world.authority, site_id="s-1", **make),
        "register meter m-1: signer",
        "is not the owner of site s-1",
    )
    rejects(
        world,
        txn.register_meter(world.owner, site_id="s-404", **make),
        "register meter m-1: site s-404 does not exist",
    )
    world.ledger.apply(txn.register_meter(world.owner, site_id="s-1", **make))
    rejects(world, txn.register_meter(world.owner, site_id="s-1", **make), "m-1 already exists")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(kind="WATER"), "unit MILLIWATT_HOUR does not fit kind WATER (allowed: MILLILITRE)"),
        (dict(kind=99), "unknown meter kind 99"),
        (dict(nominal_interval_s=0), "nominal interval 0 s is not within 1..86400 s"),
        (dict(nominal_interval_s=-900), "nominal interval -900 s"),
        (dict(plausible_min=5, plausible_max=4), "plausible min 5 exceeds plausible max 4"),
        (dict(mode=7), "unknown reading mode 7"),
        (dict(rollover=10), "apply only to CUMULATIVE meters"),
        (dict(mode="CUMULATIVE"), "rollover 0 is not within 2.."),
        (
            dict(mode="CUMULATIVE", rollover=100, initial_register=100),
            "initial register 100 is not below the rollover 100",
        ),
        (
            dict(mode="CUMULATIVE", rollover=100, plausible_min=-1, plausible_max=10),
            "a register cannot run backwards",
        ),
        (
            # 400 per hour is 100 per 15 min: a whole rollover would pass as one interval.
            dict(mode="CUMULATIVE", rollover=100, plausible_max=400),
            "rollover 100 is not above the plausible max over one interval",
        ),
        (
            dict(kind="TEMPERATURE", unit="MILLIDEGREE_CELSIUS", mode="CUMULATIVE", rollover=9),
            "a CUMULATIVE register needs a quantity unit",
        ),
        (dict(name="n" * 257), "name is 257 characters"),
    ],
)
def test_meter_field_checks(world, fields, message):
    with pytest.raises(InvalidTransaction) as info:
        world.meter("m-bad", bind=False, **fields)
    assert message in str(info.value)


@pytest.mark.parametrize("kind", ["STORAGE_CHARGE", "STORAGE_DISCHARGE"])
def test_storage_meters_take_energy_and_record_like_any_quantity(world, kind):
    world.meter("m-bat", kind=kind, unit="MILLIWATT_HOUR", mode="CUMULATIVE", rollover=10**15)
    meter = read(world, addressing.meter_address("m-bat"), Meter)
    assert MeterKind.Name(meter.kind) == kind
    world.record("m-bat", T0, [1_000, 6_000, 6_000, 11_000])
    day = read(world, addressing.day_rollup_address("m-bat", "2026-03-01"), Rollup)
    assert (day.sum, day.count) == (11_000, 4)  # register differences from the initial 0
    with pytest.raises(InvalidTransaction) as info:
        world.meter("m-bad", bind=False, kind=kind, unit="MILLILITRE")
    assert f"unit MILLILITRE does not fit kind {kind} (allowed: MILLIWATT_HOUR)" in str(info.value)


def test_bind_and_revoke_keys(world):
    world.meter("m-17", bind=False)
    key = world.device.public_key
    bind = dict(meter_id="m-17", site_id="s-1", public_key=key)
    rejects(
        world, txn.bind_key(world.device, **bind), "bind key to meter m-17: signer", "not the owner"
    )
    world.ledger.apply(txn.bind_key(world.owner, **bind))
    assert list(read(world, addressing.meter_address("m-17"), Meter).device_keys) == [key]
    rejects(world, txn.bind_key(world.owner, **bind), "is already bound to meter m-17")
    other = Signer.generate().public_key
    world.ledger.apply(txn.bind_key(world.owner, **{**bind, "public_key": other}))
    assert list(read(world, addressing.meter_address("m-17"), Meter).device_keys) == sorted(
        [key, other]
    )
    world.ledger.apply(txn.revoke_key(world.owner, **bind))
    rejects(world, txn.revoke_key(world.owner, **bind), "is not bound to meter m-17")
    rejects(world, _readings(world), "signer", "is not bound to meter m-17")


def _readings(world, meter_id="m-17", start=T0, values=(1000,), **kw):
    return txn.record_readings(
        kw.pop("signer", world.device),
        meter_id=meter_id,
        window_start=start,
        interval_s=kw.pop("interval_s", 900),
        values=list(values),
        **kw,
    )


def test_device_key_limit(world):
    world.meter("m-17")
    for _ in range(15):
        world.ledger.apply(
            txn.bind_key(
                world.owner, meter_id="m-17", site_id="s-1", public_key=Signer.generate().public_key
            )
        )
    extra = Signer.generate().public_key
    rejects(
        world,
        txn.bind_key(world.owner, meter_id="m-17", site_id="s-1", public_key=extra),
        "already has 16 keys, the limit",
    )


def test_key_changes_need_an_existing_meter(world):
    rejects(
        world,
        txn.bind_key(
            world.owner, meter_id="m-0", site_id="s-1", public_key=world.device.public_key
        ),
        "bind key to meter m-0: meter m-0 does not exist",
    )


def test_retired_meter_takes_nothing(world):
    world.meter("m-17")
    world.record("m-17", T0, [5])
    world.ledger.apply(txn.retire_meter(world.owner, meter_id="m-17", site_id="s-1"))
    assert read(world, addressing.meter_address("m-17"), Meter).retired
    rejects(world, txn.retire_meter(world.owner, meter_id="m-17", site_id="s-1"), "already retired")
    rejects(world, _readings(world, start=T0 + 900), "meter m-17 is retired and takes no readings")
    rejects(
        world,
        txn.bind_key(
            world.owner, meter_id="m-17", site_id="s-1", public_key=world.owner.public_key
        ),
        "meter m-17 is retired",
    )
    rejects(
        world,
        txn.retire_meter(world.authority, meter_id="m-17", site_id="s-1"),
        "retire meter m-17: signer",
    )


# -- readings ----------------------------------------------------------------------------------


def test_record_readings_updates_head_rollups_and_emits(world):
    world.meter("m-17")
    values = list(range(1, 9))  # 8 x 15 min from 12:00: hours 12 and 13
    context = world.record("m-17", T0, values, quality=[0, 0, 1, 0, 0, 0, 0, 4])
    head = read(world, addressing.meter_head_address("m-17"), MeterHead)
    assert (head.first_window_start, head.last_window_end) == (T0, T0 + 8 * 900)
    assert (head.window_count, head.value_count, head.flagged_count, head.gap_count) == (1, 8, 2, 0)
    day = read(world, addressing.day_rollup_address("m-17", "2026-03-01"), Rollup)
    assert [(b.index, b.sum, b.count, b.min, b.max, b.flagged_count) for b in day.buckets] == [
        (12, 10, 4, 1, 4, 1),
        (13, 26, 4, 5, 8, 1),
    ]
    assert (day.sum, day.count, day.min, day.max, day.flagged_count) == (36, 8, 1, 8, 2)
    month = read(world, addressing.month_rollup_address("m-17", "2026-03"), Rollup)
    assert [(b.index, b.sum, b.count) for b in month.buckets] == [(1, 36, 8)]
    assert context.events == [
        (
            "blockmeter/readings-recorded",
            [
                ("meter_id", "m-17"),
                ("site_id", "s-1"),
                ("window_start", str(T0)),
                ("window_end", str(T0 + 7200)),
            ],
            None,
        )
    ]
    assert context.set_calls == 1, "all writes go out in one set_state"


def test_window_continuity_gap_and_overlap(world):
    world.meter("m-17")
    world.record("m-17", T0, [1])
    message = rejects(world, _readings(world, start=T0), "meter m-17: window 2026-03-01T12:00Z")
    assert message == (
        "meter m-17: window 2026-03-01T12:00Z starts before recorded data ends (2026-03-01T12:15Z)"
    )
    rejects(world, _readings(world, start=T0 - 86_400), "starts before recorded data ends")
    world.record("m-17", T0 + 900, [2])  # directly after: no gap
    world.record("m-17", T0 + 3 * 3600, [3])  # 2 h 30 min gap
    head = read(world, addressing.meter_head_address("m-17"), MeterHead)
    assert (head.gap_count, head.gap_seconds, head.window_count) == (1, 9000, 3)
    day = read(world, addressing.day_rollup_address("m-17", "2026-03-01"), Rollup)
    assert (day.gap_count, day.gap_seconds, day.sum) == (1, 9000, 6)


def test_window_crossing_days_and_months(world):
    world.meter("m-17")
    start = calendar.timegm((2026, 3, 31, 23, 0, 0))
    transaction = _readings(world, start=start, values=[1] * 8)  # to 01:00 on 1 April
    world.ledger.apply(transaction)
    march = read(world, addressing.day_rollup_address("m-17", "2026-03-31"), Rollup)
    april = read(world, addressing.day_rollup_address("m-17", "2026-04-01"), Rollup)
    assert [(b.index, b.sum) for b in march.buckets] == [(23, 4)]
    assert [(b.index, b.sum) for b in april.buckets] == [(0, 4)]
    assert read(world, addressing.month_rollup_address("m-17", "2026-03"), Rollup).sum == 4
    april_month = read(world, addressing.month_rollup_address("m-17", "2026-04"), Rollup)
    assert [(b.index, b.sum) for b in april_month.buckets] == [(1, 4)]


def test_only_bound_keys_post(world):
    world.meter("m-17")
    stranger = Signer.generate()
    message = rejects(world, _readings(world, signer=stranger), "is not bound to meter m-17")
    assert message == f"signer {stranger.public_key[:10]}.. is not bound to meter m-17"
    rejects(world, _readings(world, meter_id="m-404"), "meter m-404 does not exist")


def test_interval_must_be_nominal(world):
    world.meter("m-17")
    rejects(
        world,
        _readings(world, interval_s=60),
        "meter m-17: interval 60 s differs from the meter's nominal interval 900 s",
    )


def test_quantity_plausibility_scales_with_interval(world):
    world.meter("m-17", plausible_max=4_000)  # 4 W rated: 1,000 mWh per 15 min
    world.record("m-17", T0, [1000, 0])
    message = rejects(world, _readings(world, start=T0 + 1800, values=[1001]))
    assert message == (
        "meter m-17: 1001 mWh in the 900 s from 2026-03-01T12:30Z is outside the plausible "
        "0..1000 mWh (0..4000 mWh/h)"
    )
    rejects(
        world, _readings(world, start=T0 + 1800, values=[-1]), "-1 mWh", "outside the plausible"
    )


def test_rate_plausibility(world):
    world.meter(
        "t-1",
        kind="TEMPERATURE",
        unit="MILLIDEGREE_CELSIUS",
        nominal_interval_s=600,
        plausible_min=-50_000,
        plausible_max=60_000,
    )
    world.record("t-1", T0, [-12_500, 4_000], interval_s=600)
    rejects(
        world,
        _readings(world, meter_id="t-1", start=T0 + 1200, values=[60_001], interval_s=600),
        "meter t-1: value 60001 m°C at 2026-03-01T12:20Z is outside the plausible range "
        "-50000..60000 m°C",
    )
    day = read(world, addressing.day_rollup_address("t-1", "2026-03-01"), Rollup)
    assert (day.sum, day.count, day.min, day.max) == (-8_500, 2, -12_500, 4_000)


def cumulative(world, **fields):
    spec = dict(
        kind="GAS",
        unit="MILLILITRE",
        mode="CUMULATIVE",
        rollover=100_000,
        initial_register=99_000,
        plausible_max=8_000,  # 8 L per hour: 2 L per 15 min
    )
    spec.update(fields)
    return world.meter("g-1", **spec)


def test_cumulative_register_with_rollover(world):
    cumulative(world)
    world.record("g-1", T0, [99_500, 99_900, 400, 1_000])  # wraps after 99,999
    head = read(world, addressing.meter_head_address("g-1"), MeterHead)
    assert head.last_register == 1_000
    day = read(world, addressing.day_rollup_address("g-1", "2026-03-01"), Rollup)
    assert [(b.index, b.sum, b.count) for b in day.buckets] == [(12, 2_000, 4)]
    assert (day.min, day.max) == (400, 600)


def test_cumulative_register_never_goes_back(world):
    cumulative(world)
    world.record("g-1", T0, [99_500])
    message = rejects(world, _readings(world, meter_id="g-1", start=T0 + 900, values=[99_400]))
    assert message == (
        "meter g-1: register went back from 99500 to 99400 at 2026-03-01T12:15Z; as a rollover "
        "it would mean 99900 mL in 900 s, above the plausible 2000 mL"
    )
    rejects(
        world,
        _readings(world, meter_id="g-1", start=T0 + 900, values=[100_000]),
        "register value 100000 (value 0) is outside 0..99999 (rollover 100000)",
    )


def test_cumulative_delta_after_a_gap_counts_the_gap_time(world):
    cumulative(world)
    world.record("g-1", T0, [99_500])
    # 4 h later: 6 L more would be implausible in 15 min, but not over 4 h 15 min.
    world.record("g-1", T0 + 900 + 4 * 3600, [5_500])
    day = read(world, addressing.day_rollup_address("g-1", "2026-03-01"), Rollup)
    assert day.sum == 6_500 and (day.gap_count, day.gap_seconds) == (1, 14_400)


def test_a_gap_longer_than_the_credit_sets_the_register_anew(world):
    # F2: a first window in 1970 and a real one in 2026 carried any jump through as "gap".
    cumulative(world, initial_register=0, rollover=10**15)
    world.record("g-1", 0, [100])
    world.record("g-1", T0, [492_324_000_000, 492_324_001_000])
    head = read(world, addressing.meter_head_address("g-1"), MeterHead)
    assert head.rebase_count == 1 and head.last_register == 492_324_001_000
    day = read(world, addressing.day_rollup_address("g-1", "2026-03-01"), Rollup)
    # The first value only sets the register (marked missing); the next delta is counted.
    assert (day.sum, day.count, day.flagged_count) == (1_000, 2, 1)


def test_a_gap_within_the_credit_is_still_bounded_by_it(world):
    cumulative(world, initial_register=0, rollover=10**9)
    world.record("g-1", T0, [100])
    week = 7 * 86_400
    # 8 L/h over the week's credit plus the interval is the most the first delta may count.
    most = 8_000 * (week + 900) // 3600
    rejects(
        world,
        _readings(world, meter_id="g-1", start=T0 + 900 + week, values=[100 + most + 1]),
        "outside the plausible",
    )
    world.record("g-1", T0 + 900 + week, [100 + most])
    head = read(world, addressing.meter_head_address("g-1"), MeterHead)
    assert head.rebase_count == 0


def test_meter_update_only_widens_and_is_audited(world):
    cumulative(world)
    update = dict(meter_id="g-1", site_id="s-1", plausible_min=0, initial_register=99_000)
    rejects(
        world,
        txn.update_meter(world.owner, plausible_max=7_999, **update),
        "bounds may only widen: 0..7999 does not contain the current 0..8000",
    )
    rejects(
        world,
        txn.update_meter(world.device, plausible_max=9_000, **update),
        "is not the owner of site s-1",
    )
    world.ledger.apply(txn.update_meter(world.owner, plausible_max=9_000, **update))
    meter = read(world, addressing.meter_address("g-1"), Meter)
    assert (meter.plausible_max, meter.revision) == (9_000, 1)
    assert world.ledger.events[-1][0] == "blockmeter/meter-updated"
    # The initial register may be corrected only before the first reading.
    fixed = dict(update, initial_register=98_000)
    world.ledger.apply(txn.update_meter(world.owner, plausible_max=9_000, **fixed))
    world.record("g-1", T0, [98_500])
    rejects(
        world,
        txn.update_meter(world.owner, plausible_max=9_000, **dict(fixed, initial_register=1)),
        "the initial register cannot change after the first reading",
    )
    rejects(
        world,
        txn.update_meter(world.owner, plausible_max=400_000_000, **fixed),
        "would let a full rollover (100000) pass within one interval",
    )


def test_rollups_accumulate_over_windows(world):
    world.meter("m-17")
    world.record("m-17", T0, [10, 20])
    world.record("m-17", T0 + 1800, [30, 40, 50])
    day = read(world, addressing.day_rollup_address("m-17", "2026-03-01"), Rollup)
    assert [(b.index, b.sum, b.count, b.min, b.max) for b in day.buckets] == [
        (12, 100, 4, 10, 40),
        (13, 50, 1, 50, 50),
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(values=[]), "meter m-17: no values"),
        (dict(interval_s=-900), "meter m-17: interval -900 s is not within 1..86400 s"),
        (dict(start=-1), "window start -1 is before 1970"),
        (dict(values=[1] * 10_001), "10001 values; the limit is 10000"),
        (dict(values=[1, 2], quality=[0]), "1 quality flags for 2 values"),
        (dict(raw_digest=b"x" * 5), "raw digest is 5 bytes"),
        (dict(meter_id=""), "meter id is empty"),
        (dict(values=[1] * 6000, interval_s=900), "is longer than the limit 5356800 s"),
    ],
)
def test_reading_field_checks(world, fields, message):
    world.meter("m-17")
    rejects(world, _readings(world, **fields), message)


def test_raw_digest_accepted(world):
    world.meter("m-17")
    world.ledger.apply(_readings(world, raw_digest=bytes(32)))


def test_undeclared_rollup_address_is_named(world):
    world.meter("m-17")
    good = _readings(world, values=[1] * 60)  # 15 h: into 2 March
    request_inputs = txn.readings_addresses("m-17", T0, 900, 60)[0]
    missing = addressing.day_rollup_address("m-17", "2026-03-02")
    assert missing in request_inputs
    header = TransactionHeader()
    header.ParseFromString(good.header)
    narrow = make_transaction(
        world.device,
        "blockmeter",
        "1.0",
        good.payload,
        [a for a in header.inputs if a != missing],
        list(header.outputs),
    )
    rejects(
        world,
        narrow,
        f"transaction must list day rollup m-17 2026-03-02 (address {missing}) in its inputs",
    )
    write_only = make_transaction(
        world.device,
        "blockmeter",
        "1.0",
        good.payload,
        list(header.inputs),
        [a for a in header.outputs if a != missing],
    )
    rejects(world, write_only, "day rollup m-17 2026-03-02", "in its outputs")


def test_namespace_prefix_declarations_are_honoured(world):
    world.meter("m-17")
    good = _readings(world, values=[7])
    wide = make_transaction(
        world.device,
        "blockmeter",
        "1.0",
        good.payload,
        [addressing.NAMESPACE, "00b10c"],  # the family's namespace, and ledger time's
        [addressing.NAMESPACE],
    )
    world.ledger.apply(wide)


def test_same_transactions_same_state_bytes(world):
    world.meter("m-17")
    world.record("m-17", T0, [3, 1, 2], quality=[0, 2, 0])
    world.record("m-17", T0 + 7200, [9] * 100)
    replay = Ledger(BlockMeterHandler(), ledger_time=LATER)
    replay.set_setting(AUTHORITIES_SETTING, world.authority.public_key)
    for transaction in world.ledger.transactions:
        replay.apply(transaction)
    assert replay.state == world.ledger.state


def test_a_window_may_not_end_after_ledger_time_plus_the_tolerance(world):
    # F1: a window ending 9999-12-31 blocked every later reading of the meter for good.
    world.meter("m-17")
    world.ledger.set_ledger_time(T0)
    rejects(
        world,
        _readings(world, start=T0, values=[1, 2]),  # ends T0 + 1800 > T0 + 900
        "meter m-17: window ends 2026-03-01T12:30Z, more than 900 s after ledger time "
        "2026-03-01T12:00Z: readings from the future are refused (check the gateway's clock)",
    )
    world.record("m-17", T0, [1])  # ends exactly at the tolerance
    world.ledger.set_ledger_time(T0 + 1800)
    world.record("m-17", T0 + 900, [2])


def test_the_owner_repairs_a_head_from_the_future(world):
    world.meter("m-17")
    far = calendar.timegm((9999, 12, 1, 0, 0, 0))
    world.ledger.set_ledger_time(far)  # as if recorded before the rule existed
    world.record("m-17", far, [1])
    now = T0 + 3600
    world.ledger.set_ledger_time(now)
    rejects(world, _readings(world, start=T0), "starts before recorded data ends")
    repair = dict(meter_id="m-17", site_id="s-1", recorded_until=T0, reason="gateway clock")
    rejects(world, txn.repair_head(world.device, **repair), "is not the owner of site s-1")
    rejects(
        world,
        txn.repair_head(world.owner, **dict(repair, recorded_until=now + 1)),
        "recorded until 2026-03-01T13:00:01Z is after ledger time 2026-03-01T13:00Z",
    )
    rejects(world, txn.repair_head(world.owner, **dict(repair, reason="")), "reason is empty")
    world.ledger.apply(txn.repair_head(world.owner, **repair))
    head = read(world, addressing.meter_head_address("m-17"), MeterHead)
    assert (head.last_window_end, head.repair_count) == (T0, 1)
    kind, attributes = world.ledger.events[-1]
    assert kind == "blockmeter/head-repaired" and attributes["reason"] == "gateway clock"
    assert attributes["previous_end"] == str(far + 900)
    world.record("m-17", T0, [2])  # readings flow again
    rejects(world, txn.repair_head(world.owner, **repair), "there is nothing to repair")
