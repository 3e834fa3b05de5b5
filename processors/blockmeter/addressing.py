"""Where every BlockMeter record lives in global state; the only module that computes addresses.

address = namespace (6 hex: sha512("blockmeter")[:6]) + record type (2 hex)
          + the first 62 hex of sha512 of the record's key parts joined by "/".

Ids may not contain "/" (payload.py checks), so the joined key is unambiguous.
"""

from __future__ import annotations

import enum
import hashlib

FAMILY_NAME = "blockmeter"
FAMILY_VERSION = "1.0"
NAMESPACE = hashlib.sha512(FAMILY_NAME.encode()).hexdigest()[:6]
ADDRESS_LENGTH = 70


class RecordType(enum.Enum):
    AUTHORITIES = "00"
    SITE = "01"
    METER = "02"
    METER_HEAD = "03"
    DAY_ROLLUP = "04"
    MONTH_ROLLUP = "05"

    @property
    def prefix(self) -> str:
        """Namespace + type: list every record of this type with one state query."""
        return NAMESPACE + self.value


def _address(record_type: RecordType, *key_parts: str) -> str:
    digest = hashlib.sha512("/".join(key_parts).encode()).hexdigest()[:62]
    return record_type.prefix + digest


def authorities_address() -> str:
    return _address(RecordType.AUTHORITIES, "authorities")


def site_address(site_id: str) -> str:
    return _address(RecordType.SITE, site_id)


def meter_address(meter_id: str) -> str:
    return _address(RecordType.METER, meter_id)


def meter_head_address(meter_id: str) -> str:
    return _address(RecordType.METER_HEAD, meter_id)


def day_rollup_address(meter_id: str, day: str) -> str:
    """`day` as "YYYY-MM-DD" (UTC)."""
    return _address(RecordType.DAY_ROLLUP, meter_id, day)


def month_rollup_address(meter_id: str, month: str) -> str:
    """`month` as "YYYY-MM" (UTC)."""
    return _address(RecordType.MONTH_ROLLUP, meter_id, month)


def record_type(address: str) -> RecordType | None:
    """The type of a BlockMeter address; None for another family's or a malformed address."""
    if len(address) != ADDRESS_LENGTH or not address.startswith(NAMESPACE):
        return None
    if any(c not in "0123456789abcdef" for c in address):
        return None
    try:
        return RecordType(address[6:8])
    except ValueError:
        return None
