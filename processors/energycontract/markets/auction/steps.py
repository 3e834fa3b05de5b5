"""A step's bounds and what its participants' meters say about it, from their day rollups
(a step is whole hours inside one UTC day, like a supplier's period: the same window and usage
functions). The settle action, its transaction builder and the previews all ask this module."""

from __future__ import annotations

from typing import Any

from smartblocks.processors.blockmeter import records as blockmeter
from smartblocks.processors.kit.periods import SECONDS_PER_HOUR
from smartblocks.processors.kit.store import RecordStore, Ref
from smartblocks.protos.market_auction_pb2 import AuctionOpen, StepBook, Subscriber

from ..common import require_data_until
from ..supplier.metering import Window, usage


def window(terms: AuctionOpen, step: int) -> Window:
    start = terms.start + step * terms.step_s
    return Window(start, start + terms.step_s)


def meters_of(participant: Subscriber) -> list[str]:
    return [m for m in (participant.import_meter, participant.export_meter) if m]


def meter_refs(book: StepBook) -> list[Ref[Any]]:
    """Every BlockMeter record settling `book` reads: each meter, its head, its day rollup."""
    day = Window(book.start, book.end).day
    return [
        ref
        for p in book.participants
        for m in meters_of(p)
        for ref in (blockmeter.meter(m), blockmeter.head(m), blockmeter.day_rollup(m, day))
    ]


def metered(
    store: RecordStore, terms: AuctionOpen, book: StepBook, now: int, doing: str
) -> dict[str, tuple[int, int, bool]]:
    """member -> (import mWh, export mWh, every hour covered). Before the data grace ends, every
    meter's head must reach the step's end."""
    span = Window(book.start, book.end)
    grace_end = book.end + terms.data_grace_s
    store.load(meter_refs(book))
    out = {}
    for p in book.participants:
        values = []
        for meter_id in (p.import_meter, p.export_meter):
            if not meter_id:
                values.append((0, True))
                continue
            require_data_until(store, meter_id, book.end, grace_end, now, doing, span="step")
            meter = store.get(blockmeter.meter(meter_id))
            interval = meter.nominal_interval_s if meter is not None else SECONDS_PER_HOUR
            total, complete = usage(
                store.get(blockmeter.day_rollup(meter_id, span.day)), span, interval
            )
            values.append((max(0, total), complete))
        (imported, c1), (exported, c2) = values
        out[p.member] = (imported, exported, c1 and c2)
    return out
