import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.processors.kit.payload import (
    check_id,
    check_public_key,
    check_range,
    check_text,
    decode_envelope,
)
from smartblocks.protos.blockmeter_pb2 import BlockMeterPayload, RetireMeter

Action = BlockMeterPayload.Action
CHECKS = {Action.RETIRE_METER: ("retire_meter", lambda body: check_id("meter id", body.meter_id))}


def decode(data: bytes):
    return decode_envelope(data, BlockMeterPayload, CHECKS, max_bytes=100)


def test_envelope_gives_the_action_and_its_checked_body():
    payload = BlockMeterPayload(action=Action.RETIRE_METER, retire_meter=RetireMeter(meter_id="m"))
    assert decode(payload.SerializeToString()) == (Action.RETIRE_METER, RetireMeter(meter_id="m"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * 101, "payload is 101 bytes; the limit is 100"),
        (b"\xff\xff", "payload is not a BlockMeterPayload"),
        (BlockMeterPayload(action=Action.BIND_KEY).SerializeToString(), "unknown action 4"),
        (
            BlockMeterPayload(action=Action.RETIRE_METER).SerializeToString(),
            "action retire meter needs body retire_meter, payload carries None",
        ),
        (
            BlockMeterPayload(
                action=Action.RETIRE_METER, retire_meter=RetireMeter(meter_id="a/b")
            ).SerializeToString(),
            "meter id 'a/b' is not 1..64 characters",
        ),
    ],
)
def test_bad_envelopes_say_what_is_wrong(data: bytes, message: str):
    with pytest.raises(InvalidTransaction, match=message):
        decode(data)


def test_field_checks_name_the_field_and_value():
    with pytest.raises(InvalidTransaction, match="owner key '02ab' is not a compressed"):
        check_public_key("owner key", "02ab")
    check_public_key("key", "02" + "a" * 64)
    with pytest.raises(InvalidTransaction, match="name is empty"):
        check_text("name", "  ", required=True)
    with pytest.raises(InvalidTransaction, match="note is 5 characters; the limit is 4"):
        check_text("note", "hello", max_length=4)
    with pytest.raises(InvalidTransaction, match=r"interval 0 s is not within 1..60 s"):
        check_range("interval", 0, 1, 60, "s")
