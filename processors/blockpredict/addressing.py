"""Where every BlockPredict record lives in global state; the only module that computes its
addresses (layout in kit/addressing.py and docs/addressing.md)."""

from __future__ import annotations

import enum

from smartblocks.processors.kit.addressing import infix_of, make_address, namespace

FAMILY_NAME = "blockpredict"
FAMILY_VERSION = "1.0"
NAMESPACE = namespace(FAMILY_NAME)  # 1b7688


class RecordType(enum.Enum):
    FORECASTERS = "01"
    FORECAST = "02"
    SCORE = "03"
    MONTH_ACCURACY = "04"

    @property
    def prefix(self) -> str:
        """Namespace + type: list every record of this type with one state query."""
        return NAMESPACE + self.value


def forecasters_address(site_id: str) -> str:
    return make_address(NAMESPACE, RecordType.FORECASTERS.value, site_id)


def forecast_address(meter_id: str, start: int, issuer: str) -> str:
    return make_address(NAMESPACE, RecordType.FORECAST.value, meter_id, str(start), issuer)


def score_address(meter_id: str, start: int, issuer: str) -> str:
    return make_address(NAMESPACE, RecordType.SCORE.value, meter_id, str(start), issuer)


def month_accuracy_address(meter_id: str, month: str, slot_s: int) -> str:
    """`month` as "YYYY-MM" (UTC); `slot_s` 3600 (hourly slots) or 86400 (daily)."""
    return make_address(NAMESPACE, RecordType.MONTH_ACCURACY.value, meter_id, month, str(slot_s))


def record_type(address: str) -> RecordType | None:
    infix = infix_of(address, NAMESPACE)
    try:
        return None if infix is None else RecordType(infix)
    except ValueError:
        return None
