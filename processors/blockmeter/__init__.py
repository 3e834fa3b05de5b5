"""The BlockMeter transaction family: sites, meters, device keys and signed interval readings."""

from __future__ import annotations

from smartblocks.processors.kit.family import Family, proto_kind
from smartblocks.protos.blockmeter_pb2 import (
    BlockMeterPayload,
    Meter,
    MeterHead,
    MeterKind,
    Rollup,
    Site,
)

from .addressing import FAMILY_NAME, FAMILY_VERSION, RecordType
from .handler import BlockMeterHandler


def _site(site: Site) -> str:
    return f"site {site.site_id} ({site.name})"


def _meter(meter: Meter) -> str:
    kind = MeterKind.Name(meter.kind).lower().replace("_", " ")
    return f"meter {meter.meter_id} ({kind}, site {meter.site_id})"


def _rollup(rollup: Rollup) -> str:
    return f"rollup {rollup.meter_id} {rollup.period}"


FAMILY = Family(
    name=FAMILY_NAME,
    versions=(FAMILY_VERSION,),
    handler=BlockMeterHandler,
    decode_payload=BlockMeterPayload.FromString,
    records=(
        proto_kind(RecordType.SITE.value, "site", Site, _site),
        proto_kind(RecordType.METER.value, "meter", Meter, _meter),
        proto_kind(
            RecordType.METER_HEAD.value, "meter_head", MeterHead, lambda h: f"head {h.meter_id}"
        ),
        proto_kind(RecordType.DAY_ROLLUP.value, "day_rollup", Rollup, _rollup),
        proto_kind(RecordType.MONTH_ROLLUP.value, "month_rollup", Rollup, _rollup),
    ),
    time_fields=frozenset({"window_start", "first_window_start", "last_window_end"}),
    summary="sites, meters, device keys and signed interval readings",
)
