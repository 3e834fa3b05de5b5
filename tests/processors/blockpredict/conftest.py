"""BlockPredict fixtures: an in-memory ledger serving BlockMeter and BlockPredict (they share
global state as on a validator), with a site, its owner, a meter with a device key and a
forecaster granted by the owner."""

from __future__ import annotations

import calendar

import pytest

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn as meter_txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.blockpredict import txn
from smartblocks.processors.blockpredict.handler import BlockPredictHandler
from tests.support.ledger import Ledger

DAY = 86_400
T0 = calendar.timegm((2026, 3, 1, 0, 0, 0))  # the forecast period's start in most tests
BEFORE = T0 - 3_600  # ledger time while forecasts are posted


class World:
    def __init__(self) -> None:
        self.ledger = Ledger(BlockMeterHandler(), BlockPredictHandler(), ledger_time=BEFORE)
        self.time = BEFORE
        self.authority = Signer.generate()
        self.owner = Signer.generate()
        self.device = Signer.generate()
        self.forecaster = Signer.generate()
        self.ledger.set_setting(AUTHORITIES_SETTING, self.authority.public_key)
        self.ledger.apply(
            meter_txn.create_site(
                self.authority, site_id="s-1", owner_public_key=self.owner.public_key, name="Hall"
            )
        )
        self.meter("m-1")
        self.ledger.apply(
            txn.grant_forecaster(self.owner, site_id="s-1", public_key=self.forecaster.public_key)
        )

    def meter(self, meter_id: str, **fields) -> str:
        spec = dict(
            kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=900,
            plausible_min=0,
            plausible_max=500_000_000,
        )
        spec.update(fields)
        self.ledger.apply(
            meter_txn.register_meter(self.owner, meter_id=meter_id, site_id="s-1", **spec)
        )
        self.ledger.apply(
            meter_txn.bind_key(
                self.owner, meter_id=meter_id, site_id="s-1", public_key=self.device.public_key
            )
        )
        return meter_id

    def post(
        self,
        values,
        *,
        meter_id: str = "m-1",
        start: int = T0,
        end: int | None = None,
        resolution_s: int = 3_600,
        signer: Signer | None = None,
        site_id: str = "s-1",
    ):
        end = start + resolution_s * len(values) if end is None else end
        return self.ledger.apply(
            txn.post_forecast(
                signer or self.forecaster,
                meter_id=meter_id,
                site_id=site_id,
                start=start,
                end=end,
                resolution_s=resolution_s,
                values=values,
                model_name="naive-week",
                model_version="1.0",
            )
        )

    def record(self, start: int, values, *, meter_id: str = "m-1", quality=None):
        """Readings at 900 s; ledger time moves past the window first."""
        end = start + 900 * len(values)
        self.set_time(max(end, self.time))
        return self.ledger.apply(
            meter_txn.record_readings(
                self.device,
                meter_id=meter_id,
                window_start=start,
                interval_s=900,
                values=values,
                quality=quality,
            )
        )

    def set_time(self, timestamp: int) -> None:
        """Ledger time for the next transactions (the BlockInfo record of a new block)."""
        self.time = timestamp
        self.ledger.set_ledger_time(timestamp)

    def score(
        self,
        *,
        meter_id="m-1",
        start=T0,
        end=T0 + DAY,
        issuer=None,
        resolution_s=3_600,
        signer=None,
    ):
        return self.ledger.apply(
            txn.score_forecast(
                signer or Signer.generate(),
                meter_id=meter_id,
                start=start,
                end=end,
                issuer=(issuer or self.forecaster).public_key,
                resolution_s=resolution_s,
            )
        )


@pytest.fixture
def world() -> World:
    return World()
