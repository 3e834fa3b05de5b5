"""Sawtooth's on-chain settings as every part reads them: addresses and stored values.

Settings live in the `sawtooth_settings` family's namespace "000000" (fixed, not a hash of the
family name). A key's address is the namespace and, for each of the first four parts of the key
split at "." (the fourth keeps any further dots; missing parts are empty), the first 16 hex of
the part's SHA-256:

    setting_address("sawtooth.settings.vote.authorized_keys")
      = "000000" + sha256("sawtooth")[:16] + sha256("settings")[:16]
                 + sha256("vote")[:16] + sha256("authorized_keys")[:16]

The value at an address is a `Setting` (sawtooth_sdk.protobuf.setting_pb2) whose entries map
keys to string values; keys whose addresses collide share the record. The processors
(processors/settings, the kit's reader), the devnet and the CLI all use this module, so the
formula exists once.
"""

from __future__ import annotations

import functools
import hashlib
import re

from google.protobuf.message import DecodeError
from sawtooth_sdk.protobuf.setting_pb2 import Setting

from .keys import is_public_key

SETTINGS_NAMESPACE = "000000"
MAX_KEY_PARTS = 4
ADDRESS_PART_SIZE = 16

AUTHORIZED_KEYS = "sawtooth.settings.vote.authorized_keys"
APPROVAL_THRESHOLD = "sawtooth.settings.vote.approval_threshold"
PROPOSALS = "sawtooth.settings.vote.proposals"
BATCH_INJECTORS = "sawtooth.validator.batch_injectors"


def _short_hash(part: str) -> str:
    return hashlib.sha256(part.encode()).hexdigest()[:ADDRESS_PART_SIZE]


@functools.lru_cache(maxsize=256)
def setting_address(key: str) -> str:
    """The state address of setting `key` (70 hex)."""
    parts = key.split(".", MAX_KEY_PARTS - 1)
    parts += [""] * (MAX_KEY_PARTS - len(parts))
    return SETTINGS_NAMESPACE + "".join(_short_hash(part) for part in parts)


def decode_setting(data: bytes) -> Setting:
    """A stored Setting; ValueError if the bytes are not one."""
    setting = Setting()
    try:
        setting.ParseFromString(data)
    except (DecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"not a Setting record: {exc}") from None
    return setting


def entry_value(setting: Setting | None, key: str) -> str | None:
    """The value `setting` holds for `key`; None when it has no entry for it."""
    if setting is None:
        return None
    for entry in setting.entries:
        if entry.key == key:
            return str(entry.value)
    return None


def split_list(value: str | None) -> list[str]:
    """A comma-separated setting value as its items: whitespace trimmed, empty items dropped
    (as settings-tp reads sawtooth.settings.vote.authorized_keys)."""
    if not value:
        return []
    return [item.strip() for item in value.split(",") if item.strip()]


# -- values a person gives: checked before they go on the chain ---------------------------------

# smartblocks.* settings that hold comma-separated public keys (docs/settings.md).
BLOCKMETER_AUTHORITIES = "smartblocks.blockmeter.authorities"
# The P2P market's local aggregators (docs/market-p2p.md).
AGGREGATORS = "smartblocks.energycontract.aggregators"
# The automated supplier's operators (docs/market-supplier.md).
SUPPLIER_OPERATORS = "smartblocks.energycontract.suppliers"
# The local double auction's operators (docs/market-auction.md).
AUCTION_OPERATORS = "smartblocks.energycontract.auctioneers"
# The markets' operator: resolves aggregator agreements' disputes (docs/market-aggregation.md).
MARKETS_OPERATOR = "smartblocks.markets.operator"
KEY_LIST_SETTINGS = (
    BLOCKMETER_AUTHORITIES,
    SUPPLIER_OPERATORS,
    AUCTION_OPERATORS,
    AGGREGATORS,
    MARKETS_OPERATOR,
)
# Families of such settings, one per currency: smartblocks.energycontract.issuers.EUR.
ISSUERS_PREFIX = "smartblocks.energycontract.issuers."


def is_key_list(key: str) -> bool:
    return key in (AUTHORIZED_KEYS, *KEY_LIST_SETTINGS) or key.startswith(ISSUERS_PREFIX)


def value_problem(key: str, value: str) -> str | None:
    """What is wrong with `value` for `key`, for the settings this project knows the shape of
    (the vote settings and KEY_LIST_SETTINGS); None when nothing is, or the key is unknown.
    The settings processor checks the vote settings again; the others only this checks."""
    if key == PROPOSALS:
        return f"{PROPOSALS} is read-only: it holds the pending proposals"
    if is_key_list(key):
        items = split_list(value)
        if not items:
            return "must list at least one public key (comma-separated)"
        for i, item in enumerate(items, 1):
            if not is_public_key(item):
                return (
                    f"item {i} ({item[:80]!r}) is not a public key (66 lowercase hex, starting "
                    "02 or 03)"
                )
        if len(set(items)) != len(items):
            return "lists a key twice"
    if key == APPROVAL_THRESHOLD and not re.fullmatch(r"[1-9][0-9]{0,8}", value):
        return f"must be a positive whole number such as 2, not {value[:40]!r}"
    return None
