from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.messages import iso_time, to_dict
from smartblocks.protos.blockmeter_pb2 import (
    BlockMeterPayload,
    Bucket,
    Meter,
    MeterHead,
    MeterKind,
    RecordReadings,
    Rollup,
)


def test_int64_numbers_zeros_enums_and_times():
    head = MeterHead(meter_id="m", last_window_end=1772371800, value_count=2**40)
    shown = to_dict(head, time_fields={"last_window_end", "first_window_start"})
    assert shown["value_count"] == 2**40  # a number, not "1099511627776"
    assert shown["window_count"] == 0  # zero is shown
    assert shown["last_window_end"] == "2026-03-01T13:30:00Z"
    assert shown["first_window_start"] == "1970-01-01T00:00:00Z"
    assert to_dict(Meter(kind=MeterKind.GAS))["kind"] == "GAS"
    assert to_dict(Meter(kind=99))["kind"] == 99  # unknown enum values stay numbers


def test_nested_repeated_bytes_and_oneof():
    payload = BlockMeterPayload(
        action=BlockMeterPayload.RECORD_READINGS,
        record_readings=RecordReadings(meter_id="m", values=[1, -2], raw_digest=b"\x01\xab"),
    )
    shown = to_dict(payload)
    assert set(shown) == {"action", "record_readings"}  # unset oneof members are left out
    assert shown["action"] == "RECORD_READINGS"
    assert shown["record_readings"]["values"] == [1, -2]
    assert shown["record_readings"]["raw_digest"] == "01ab"
    rollup = Rollup(buckets=[Bucket(index=0, sum=5)])
    assert to_dict(rollup)["buckets"][0]["index"] == 0 and to_dict(rollup)["buckets"][0]["sum"] == 5
    assert to_dict(Setting(entries=[Setting.Entry(key="k", value="v")])) == {
        "entries": [{"key": "k", "value": "v"}]
    }


def test_times_out_of_range_stay_numbers():
    assert iso_time(-1) == -1 and iso_time(10**15) == 10**15
