"""BlockMeter fixtures: an in-memory ledger serving the family, and a world with an authority,
a site and its owner."""

from __future__ import annotations

import pytest

from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from tests.support.ledger import LATER, Ledger


class World:
    """A ledger with an authority, a site owned by `owner` and helpers to add meters."""

    def __init__(self):
        self.ledger = Ledger(BlockMeterHandler(), ledger_time=LATER)
        self.authority = Signer.generate()
        self.owner = Signer.generate()
        self.device = Signer.generate()
        self.ledger.set_setting(AUTHORITIES_SETTING, self.authority.public_key)
        self.ledger.apply(
            txn.create_site(
                self.authority,
                site_id="s-1",
                owner_public_key=self.owner.public_key,
                name="Town hall",
                floor_area_m2=2400,
                timezone="Europe/Berlin",
                location="Marktplatz 1",
            )
        )

    def meter(self, meter_id: str = "m-17", *, bind: bool = True, **fields) -> str:
        spec = dict(
            kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=900,
            plausible_min=0,
            plausible_max=500_000_000,  # 500 kW
        )
        spec.update(fields)
        self.ledger.apply(txn.register_meter(self.owner, meter_id=meter_id, site_id="s-1", **spec))
        if bind:
            self.ledger.apply(
                txn.bind_key(
                    self.owner, meter_id=meter_id, site_id="s-1", public_key=self.device.public_key
                )
            )
        return meter_id

    def record(
        self, meter_id: str, start: int, values, *, interval_s: int = 900, signer=None, quality=None
    ):
        return self.ledger.apply(
            txn.record_readings(
                signer or self.device,
                meter_id=meter_id,
                window_start=start,
                interval_s=interval_s,
                values=values,
                quality=quality,
            )
        )


@pytest.fixture
def ledger() -> Ledger:
    return Ledger(BlockMeterHandler(), ledger_time=LATER)


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture(scope="session")
def world_factory():
    """For hypothesis tests: a fresh world per example."""
    return World
