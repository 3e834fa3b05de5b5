"""kv's one record: a named integer, stored as CBOR like Sawtooth's intkey."""

from __future__ import annotations

import cbor2

from smartblocks.processors.kit.store import Ref

from .addressing import value_address


class CborInt:
    decode = staticmethod(cbor2.loads)
    encode = staticmethod(cbor2.dumps)


CODEC = CborInt()


def value(name: str) -> Ref[int]:
    return Ref(value_address(name), f"kv value {name!r}", CODEC)
