"""On-chain settings inside a transaction: read a Sawtooth setting, and rules such as "the
signer must be one of the keys in setting X".

Settings belong to the `sawtooth_settings` family (namespace "000000"; addresses in
ledger/settings.py). A family reads them like any other family's records, through a Ref in its
own transaction, so the setting's address must be in the transaction's inputs
(`setting_address(key)`); the record store refuses writes there: only the settings family's
proposals and votes change a setting.

    def create_site(body, signer, store):
        require_signer_in_setting(store, AUTHORITIES, signer, f"create site {body.site_id}")
"""

from __future__ import annotations

from typing import Any

from sawtooth_sdk.processor.exceptions import InvalidTransaction

from smartblocks.ledger.keys import is_public_key
from smartblocks.ledger.settings import (
    AUTHORIZED_KEYS,
    decode_setting,
    entry_value,
    setting_address,
    split_list,
)

from .payload import short_key
from .store import RecordStore, Ref

__all__ = [
    "SETTING_CODEC",
    "admin_keys",
    "how_to_change",
    "read_setting",
    "require_signer_in_setting",
    "setting_address",
    "setting_ref",
]


class SettingCodec:
    """A Setting record (sawtooth_sdk.protobuf.setting_pb2): key/value entries."""

    def decode(self, data: bytes) -> Any:
        return decode_setting(data)

    def encode(self, value: Any) -> bytes:
        return bytes(value.SerializeToString())


SETTING_CODEC = SettingCodec()


def setting_ref(key: str) -> Ref[Any]:
    """The Setting record that holds `key` (a Ref[Setting]; the SDK's module has no types)."""
    return Ref(setting_address(key), f"setting {key}", SETTING_CODEC)


def read_setting(store: RecordStore, key: str) -> str | None:
    """The setting's value; None when it was never set."""
    return entry_value(store.get(setting_ref(key)), key)


def admin_keys(store: RecordStore, key: str) -> list[str]:
    """The public keys a setting lists, comma-separated ("02ab..,03cd.."): items trimmed and
    lower-cased, empty items and items that are not public keys left out (they could never
    sign), in the setting's order."""
    keys = [item.lower() for item in split_list(read_setting(store, key))]
    return [k for k in keys if is_public_key(k)]


def how_to_change(key: str) -> str:
    return (
        f"setting {key} is changed by a settings proposal and vote (`smartblocks settings "
        f"propose {key} KEY1,KEY2 --key K`, signed by a key in {AUTHORIZED_KEYS})"
    )


def require_signer_in_setting(store: RecordStore, key: str, signer: str, doing: str) -> list[str]:
    """The setting's keys, if `signer` is one of them; else an InvalidTransaction naming what was
    being done, the setting, and how it is changed."""
    keys = admin_keys(store, key)
    if not keys:
        raise InvalidTransaction(
            f"{doing}: setting {key} lists no public keys, so nobody may do this yet; "
            f"{how_to_change(key)}"
        )
    if signer not in keys:
        raise InvalidTransaction(
            f"{doing}: signer {short_key(signer)} is not one of the {len(keys)} key(s) in "
            f"setting {key}; {how_to_change(key)}"
        )
    return keys
