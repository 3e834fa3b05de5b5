"""`kv`: a tiny key/value test family, like Sawtooth's intkey (set/inc of integers by name)."""

from __future__ import annotations

import cbor2

from smartblocks.processors.kit.family import Family, RecordKind

from .addressing import FAMILY_NAME, FAMILY_VERSION, VALUE_TYPE
from .handler import KvHandler
from .records import CODEC

FAMILY = Family(
    name=FAMILY_NAME,
    versions=(FAMILY_VERSION,),
    handler=KvHandler,
    decode_payload=cbor2.loads,
    records=(RecordKind(VALUE_TYPE, "value", CODEC),),
    summary="key/value test family (set and inc integers by name)",
)
