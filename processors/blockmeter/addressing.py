"""Where every BlockMeter record lives in global state; the only module that computes its
addresses (layout in kit/addressing.py and docs/addressing.md)."""

from __future__ import annotations

import enum

from smartblocks.processors.kit.addressing import infix_of, make_address, namespace

FAMILY_NAME = "blockmeter"
FAMILY_VERSION = "1.0"
NAMESPACE = namespace(FAMILY_NAME)


class RecordType(enum.Enum):
    # "00" held the metering authorities until they became the on-chain setting
    # smartblocks.blockmeter.authorities (records.AUTHORITIES_SETTING); not reused.
    SITE = "01"
    METER = "02"
    METER_HEAD = "03"
    DAY_ROLLUP = "04"
    MONTH_ROLLUP = "05"

    @property
    def prefix(self) -> str:
        """Namespace + type: list every record of this type with one state query."""
        return NAMESPACE + self.value


def site_address(site_id: str) -> str:
    return make_address(NAMESPACE, RecordType.SITE.value, site_id)


def meter_address(meter_id: str) -> str:
    return make_address(NAMESPACE, RecordType.METER.value, meter_id)


def meter_head_address(meter_id: str) -> str:
    return make_address(NAMESPACE, RecordType.METER_HEAD.value, meter_id)


def day_rollup_address(meter_id: str, day: str) -> str:
    """`day` as "YYYY-MM-DD" (UTC)."""
    return make_address(NAMESPACE, RecordType.DAY_ROLLUP.value, meter_id, day)


def month_rollup_address(meter_id: str, month: str) -> str:
    """`month` as "YYYY-MM" (UTC)."""
    return make_address(NAMESPACE, RecordType.MONTH_ROLLUP.value, meter_id, month)


def record_type(address: str) -> RecordType | None:
    """The type of a BlockMeter address; None for another family's or a malformed address."""
    infix = infix_of(address, NAMESPACE)
    try:
        return None if infix is None else RecordType(infix)
    except ValueError:
        return None
