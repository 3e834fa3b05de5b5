"""The prediction service's state and decisions without a validator: ledger time from BlockInfo
state changes, fork rewinds, and post/found/missed/score against an in-memory ledger."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

import pytest
from sawtooth_sdk.protobuf.block_info_pb2 import BlockInfo, BlockInfoConfig
from sawtooth_sdk.protobuf.events_pb2 import Event
from sawtooth_sdk.protobuf.transaction_pb2 import TransactionHeader
from sawtooth_sdk.protobuf.transaction_receipt_pb2 import StateChange, StateChangeList

from smartblocks.clients.predict.config import MeterConfig, PredictConfig, WeatherConfig
from smartblocks.clients.predict.service import Predictor, PredictState, block_ledger_time
from smartblocks.clients.predict.weather import DayWeather, day_name
from smartblocks.ledger.block_info import CONFIG_ADDRESS, block_address
from smartblocks.ledger.events import STATE_DELTA, BlockEvents
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from smartblocks.processors.blockmeter import addressing as meter_addr
from smartblocks.processors.blockpredict import addressing as predict_addr
from smartblocks.processors.kit import baseline
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Bucket, Meter, MeterHead, Rollup, Unit
from smartblocks.protos.blockpredict_pb2 import BlockPredictPayload

DAY = 86_400
T0 = calendar.timegm((2026, 3, 2, 0, 0, 0))  # a Monday


def block(num: int, previous: str, timestamp: int | None = None, tag: str = "") -> BlockEvents:
    events: list[Event] = []
    if timestamp is not None:
        changes = StateChangeList(
            state_changes=[
                StateChange(
                    address=block_address(num - 1),
                    value=BlockInfo(block_num=num - 1, timestamp=timestamp).SerializeToString(),
                    type=StateChange.SET,
                )
            ]
        )
        events.append(Event(event_type=STATE_DELTA, data=changes.SerializeToString()))
    return BlockEvents(f"b{num}{tag}", num, previous, "", tuple(events))


def test_ledger_time_is_the_newest_block_info_and_a_fork_rewinds(tmp_path: Path):
    assert block_ledger_time(block(1, "b0", 1_000)) == 1_000
    assert block_ledger_time(block(1, "b0")) is None
    state = PredictState(tmp_path / "s.sqlite")
    state.add_block(block(0, "0000000000000000"), None)
    state.add_block(block(1, "b0", 1_000), 1_000)
    state.add_block(block(2, "b1", 2_000), 2_000)
    state.set_status("m", T0, "posted", 2)
    assert state.ledger_time() == 2_000 and state.known_block_ids(0, 2) == ["b2", "b1"]
    # A block 2 on another fork replaces block 2 and what was decided at it.
    assert state.add_block(block(2, "b1", 1_500, tag="x"), 1_500) == 1
    assert state.ledger_time() == 1_500 and state.status("m", T0) is None
    assert state.head() == (2, "b2x")


class Ledger:
    """The three REST calls the service makes, on a dict; batches commit at once."""

    def __init__(self, now: int) -> None:
        self.values: dict[str, bytes] = {}
        self.batches: list[Any] = []
        self.set_now(now)

    def set_now(self, now: int) -> None:
        self.values[CONFIG_ADDRESS] = BlockInfoConfig(latest_block=9).SerializeToString()
        self.values[block_address(9)] = BlockInfo(block_num=9, timestamp=now).SerializeToString()

    async def state(self, address: str, head: str | None = None) -> bytes | None:
        return self.values.get(address)

    async def submit_batches(self, batches: Sequence[Any]) -> str:
        for batch in batches:
            for transaction in batch.transactions:
                payload = BlockPredictPayload.FromString(transaction.payload)
                outputs = TransactionHeader.FromString(transaction.header).outputs
                self.values[outputs[0]] = b"written"
                self.batches.append(payload.action)
        return ""

    async def wait_for_batches(self, ids: Sequence[str], timeout: float = 30) -> list[dict]:
        return [{"id": i, "status": "COMMITTED"} for i in ids]


class FlatWeather:
    def day(self, day_number: int) -> DayWeather:
        return DayWeather((7_500,) * 24, (5.0,) * 24)


@pytest.fixture
def predictor(tmp_path: Path) -> tuple[Predictor, Ledger, PredictState]:
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.ALL_DAYS,
        model="t",
    )
    table.curves.add(day_type=0).knots.add(temperature=0, energy=2_400)
    (tmp_path / "t.pb").write_bytes(baseline.canonical_bytes(table))
    config = PredictConfig(
        key=tmp_path / "unused",
        state=tmp_path / "s.sqlite",
        weather=WeatherConfig("csv", folder=tmp_path),
        meters=(MeterConfig("m", "demand", baseline=tmp_path / "t.pb"),),
    )
    ledger = Ledger(T0 - 3_600)
    ledger.values[meter_addr.meter_address("m")] = Meter(
        meter_id="m", site_id="s", unit=Unit.MILLIWATT_HOUR
    ).SerializeToString()
    state = PredictState(config.state)
    service = Predictor(config, Signer.generate(), state, cast(RestClient, ledger), FlatWeather())
    return service, ledger, state


async def test_posts_once_then_scores_once_the_head_passes_the_day(predictor):
    service, ledger, state = predictor
    state.add_block(block(1, "b0", T0 - 3_600), T0 - 3_600)
    assert (await service.on_block(1)).posted == 1
    assert state.status("m", T0) == ("posted", 1)
    assert (await service.on_block(1)).posted == 0  # the state file says so: nothing again
    assert len(ledger.batches) == 1
    # The day ends by ledger time; the head is not there yet, then it is.
    state.add_block(block(2, "b1", T0 + DAY + 60), T0 + DAY + 60)
    ledger.set_now(T0 + DAY + 60)
    outcome = await service.on_block(2)
    assert (outcome.scored, outcome.posted) == (0, 1)  # not scored yet; the next day posted
    head = meter_addr.meter_head_address("m")
    ledger.values[head] = MeterHead(meter_id="m", last_window_end=T0 + DAY).SerializeToString()
    state.add_block(block(3, "b2", T0 + DAY + 120), T0 + DAY + 120)
    assert (await service.on_block(3)).scored == 1
    assert state.status("m", T0) == ("scored", 3)
    assert ledger.batches[-1] == BlockPredictPayload.SCORE_FORECAST


async def test_a_forecast_already_on_the_ledger_is_found_and_a_started_day_missed(predictor):
    service, ledger, state = predictor
    issuer = service.signer.public_key
    ledger.values[predict_addr.forecast_address("m", T0, issuer)] = b"posted before"
    state.add_block(block(1, "b0", T0 - 3_600), T0 - 3_600)
    assert (await service.on_block(1)).found == 1 and not ledger.batches
    # Catching up on an old block while the chain is already in the next day: missed.
    ledger.set_now(T0 + 2 * DAY)
    state.add_block(block(2, "b1", T0 + 60), T0 + 60)
    assert (await service.on_block(2)).missed == 1 and not ledger.batches
    assert state.status("m", T0 + DAY) == ("missed", 2)


async def test_the_demand_forecast_blends_the_table_with_last_week_by_their_recent_errors(
    predictor,
):
    service, ledger, _ = predictor
    day = T0 // DAY
    # 28 days of rollups at 150 an hour, where the table says 100: last week was right every
    # day of the trailing 21, so the model keeps only the floor weight, 0.1.
    for d in range(day - 28, day):
        name = day_name(d)
        ledger.values[meter_addr.day_rollup_address("m", name)] = Rollup(
            meter_id="m",
            period=name,
            buckets=[Bucket(index=h, sum=150, count=4) for h in range(24)],
        ).SerializeToString()
    meter = service.config.meters[0]
    record = Meter(meter_id="m", site_id="s", unit=Unit.MILLIWATT_HOUR)
    assert await service.build(meter, record, day) == [145] * 24  # 0.1 x 100 + 0.9 x 150
