"""The kit's settings reader: values, admin key lists and the "signer must be in setting X" rule,
read in another family's transaction."""

from __future__ import annotations

import pytest
from sawtooth_sdk.processor.exceptions import InvalidTransaction
from sawtooth_sdk.protobuf.setting_pb2 import Setting

from smartblocks.ledger.keys import Signer
from smartblocks.processors.kit.addressing import namespace
from smartblocks.processors.kit.settings import (
    admin_keys,
    read_setting,
    require_signer_in_setting,
    setting_address,
    setting_ref,
)
from smartblocks.processors.kit.store import RecordStore
from tests.support.contexts import FakeContext, StrictContext

KEY = "smartblocks.testfamily.admins"
NS = namespace("testfamily")


def stored(*entries: tuple[str, str]) -> bytes:
    return Setting(entries=[Setting.Entry(key=k, value=v) for k, v in entries]).SerializeToString()


def store_with(value: str | None, *, inputs=None) -> RecordStore:
    state = (
        {} if value is None else {setting_address(KEY): stored(("other.key", "x"), (KEY, value))}
    )
    declared = inputs if inputs is not None else [setting_address(KEY)]
    return RecordStore(StrictContext(state, declared, [NS]), declared, [NS], [NS])


def test_read_setting():
    assert read_setting(store_with("v"), KEY) == "v"
    assert read_setting(store_with(None), KEY) is None
    # Another key at the same address is not this one.
    state = {setting_address(KEY): stored(("other.key", "x"))}
    store = RecordStore(FakeContext(state), ["000000"], [NS], [NS])
    assert read_setting(store, KEY) is None


def test_admin_keys_parse_a_comma_separated_list():
    a, b = Signer.generate().public_key, Signer.generate().public_key
    text = f" {a} ,, {b.upper()}, not-a-key ,"
    assert admin_keys(store_with(text), KEY) == [a, b]
    assert admin_keys(store_with(""), KEY) == []
    assert admin_keys(store_with(None), KEY) == []


def test_require_signer_in_setting():
    a, b = Signer.generate().public_key, Signer.generate().public_key
    store = store_with(f"{a},{b}")
    assert require_signer_in_setting(store, KEY, b, "create site s-1") == [a, b]

    stranger = Signer.generate().public_key
    with pytest.raises(InvalidTransaction) as info:
        require_signer_in_setting(store, KEY, stranger, "create site s-1")
    assert str(info.value) == (
        f"create site s-1: signer {stranger[:10]}.. is not one of the 2 key(s) in setting {KEY}; "
        f"setting {KEY} is changed by a settings proposal and vote (`smartblocks settings "
        f"propose {KEY} KEY1,KEY2 --key K`, signed by a key in "
        "sawtooth.settings.vote.authorized_keys)"
    )
    for empty in (None, "", "nonsense"):
        with pytest.raises(InvalidTransaction, match="lists no public keys, so nobody may do"):
            require_signer_in_setting(store_with(empty), KEY, a, "create site s-1")


def test_the_setting_must_be_in_the_inputs():
    store = store_with("x", inputs=[NS])
    with pytest.raises(InvalidTransaction) as info:
        read_setting(store, KEY)
    assert str(info.value) == (
        f"transaction must list setting {KEY} (address {setting_address(KEY)}) in its inputs"
    )


def test_settings_are_read_only_for_other_families():
    store = store_with("x", inputs=[setting_address(KEY)])
    with pytest.raises(InvalidTransaction, match="belongs to another family and is read-only"):
        store.put(setting_ref(KEY), Setting())


def test_a_corrupt_setting_is_named():
    state = {setting_address(KEY): b"\xff\xff"}
    store = RecordStore(FakeContext(state), ["000000"], [NS], [NS])
    with pytest.raises(
        InvalidTransaction, match=f"setting {KEY} at {setting_address(KEY)} is corrupt"
    ):
        read_setting(store, KEY)
