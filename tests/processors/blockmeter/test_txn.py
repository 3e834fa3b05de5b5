"""Client-side builders: deterministic record readings, exact inputs and outputs."""

import calendar

from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import addressing, txn
from smartblocks.processors.blockmeter.payload import decode

SIGNER = Signer.from_hex("11" * 32)
T0 = calendar.timegm((2026, 3, 31, 22, 0, 0))


def header_of(transaction):
    header = TransactionHeader()
    header.ParseFromString(transaction.header)
    return header


def test_record_readings_is_deterministic():
    make = dict(meter_id="m-17", window_start=T0, interval_s=900, values=[1, 2, 3])
    first, again = txn.record_readings(SIGNER, **make), txn.record_readings(SIGNER, **make)
    assert first.SerializeToString() == again.SerializeToString()
    other = txn.record_readings(SIGNER, **{**make, "window_start": T0 + 2700})
    assert other.header_signature != first.header_signature
    assert header_of(first).nonce == txn.readings_nonce("m-17", T0, T0 + 2700)


def test_record_readings_lists_every_rollup_it_touches():
    # 22:00 on 31 March to 02:00 on 1 April: two days, two months.
    transaction = txn.record_readings(
        SIGNER,
        meter_id="m-17",
        window_start=T0,
        interval_s=900,
        values=[0] * 16,
        batcher_public_key="02" + "ab" * 32,
    )
    header = header_of(transaction)
    rollups = [
        addressing.day_rollup_address("m-17", "2026-03-31"),
        addressing.day_rollup_address("m-17", "2026-04-01"),
        addressing.month_rollup_address("m-17", "2026-03"),
        addressing.month_rollup_address("m-17", "2026-04"),
    ]
    head = addressing.meter_head_address("m-17")
    # And the BlockInfo namespace: the window's end is checked against ledger time.
    assert list(header.inputs) == [addressing.meter_address("m-17"), head, *rollups, "00b10c"]
    assert list(header.outputs) == [head, *rollups]
    assert header.batcher_public_key == "02" + "ab" * 32
    assert header.family_name == "blockmeter" and header.family_version == "1.0"


def test_record_readings_out_of_limits_lists_no_rollups():
    transaction = txn.record_readings(
        SIGNER, meter_id="m", window_start=0, interval_s=86_400, values=[0] * 10_000
    )
    assert len(header_of(transaction).outputs) == 1


def test_builders_round_trip_through_the_payload_checks():
    key = SIGNER.public_key
    built = [
        txn.create_site(SIGNER, site_id="s", owner_public_key=key, name="n"),
        txn.register_meter(
            SIGNER,
            meter_id="m",
            site_id="s",
            kind="heat",
            unit="milliwatt-hour",
            nominal_interval_s=900,
            plausible_min=0,
            plausible_max=10,
        ),
        txn.bind_key(SIGNER, meter_id="m", site_id="s", public_key=key),
        txn.revoke_key(SIGNER, meter_id="m", site_id="s", public_key=key),
        txn.retire_meter(SIGNER, meter_id="m", site_id="s"),
    ]
    for transaction in built:
        decode(transaction.payload)
    meter_change = header_of(built[3])
    assert list(meter_change.inputs) == [
        addressing.meter_address("m"),
        addressing.site_address("s"),
    ]
    assert list(meter_change.outputs) == [addressing.meter_address("m")]
