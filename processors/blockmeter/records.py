"""BlockMeter's records as typed refs for the kit's record store.

Actions read and write through them (`store.get(records.meter(m))`); other families read them
the same way in their own transactions, e.g. EnergyContract reading a meter's day rollups.
"""

from __future__ import annotations

from smartblocks.processors.kit.store import Ref, proto_ref
from smartblocks.protos.blockmeter_pb2 import Meter, MeterHead, Rollup, Site

from . import addressing

# The metering authorities, who create sites: a Sawtooth setting (comma-separated public keys),
# set at genesis and changed by the settings family's proposals and votes (docs/settings.md).
AUTHORITIES_SETTING = "smartblocks.blockmeter.authorities"


def site(site_id: str) -> Ref[Site]:
    return proto_ref(addressing.site_address(site_id), f"site {site_id}", Site)


def meter(meter_id: str) -> Ref[Meter]:
    return proto_ref(addressing.meter_address(meter_id), f"meter {meter_id}", Meter)


def head(meter_id: str) -> Ref[MeterHead]:
    return proto_ref(addressing.meter_head_address(meter_id), f"meter head {meter_id}", MeterHead)


def day_rollup(meter_id: str, day: str) -> Ref[Rollup]:
    return proto_ref(
        addressing.day_rollup_address(meter_id, day), f"day rollup {meter_id} {day}", Rollup
    )


def month_rollup(meter_id: str, month: str) -> Ref[Rollup]:
    return proto_ref(
        addressing.month_rollup_address(meter_id, month),
        f"month rollup {meter_id} {month}",
        Rollup,
    )
