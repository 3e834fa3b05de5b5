"""BlockMeter processor apply time per `record readings` transaction, in-process.

The handler runs against an in-memory Context (a dict), so the figures are the processor's own
cost: payload decoding, rule checks, rollup arithmetic and record (de)serialization, without
ZMQ or validator time. Windows of 1, 96, 900 and 3,600 one-minute values follow each other on
one meter, so rollups fill as they would in service. Also: state bytes written per reading
(head and rollup records rewritten per transaction, divided by its values).
"""

from __future__ import annotations

import calendar
import statistics
import time
from typing import Any

from sawtooth_sdk.protobuf.processor_pb2 import TpProcessRequest
from sawtooth_sdk.protobuf.state_context_pb2 import TpStateEntry
from sawtooth_sdk.protobuf.transaction_pb2 import Transaction, TransactionHeader

from bench import harness
from smartblocks.ledger.keys import Signer
from smartblocks.processors.blockmeter import txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from tests.support.ledger import LATER, Ledger

INTERVAL_S = 60
START = calendar.timegm((2026, 1, 1, 0, 0, 0))


class DictContext:
    """The SDK Context's state calls over a dict."""

    def __init__(self) -> None:
        self.state: dict[str, bytes] = {}
        self.written = 0

    def get_state(self, addresses: list[str], timeout: float | None = None) -> list[TpStateEntry]:
        return [TpStateEntry(address=a, data=self.state[a]) for a in addresses if a in self.state]

    def set_state(self, entries: dict[str, bytes], timeout: float | None = None) -> list[str]:
        self.state.update(entries)
        self.written += sum(len(v) for v in entries.values())
        return list(entries)

    def add_event(self, *args: Any, **kwargs: Any) -> None:
        pass

    def add_receipt_data(self, *args: Any, **kwargs: Any) -> None:
        pass


def request(transaction: Transaction) -> TpProcessRequest:
    header = TransactionHeader()
    header.ParseFromString(transaction.header)
    return TpProcessRequest(header=header, payload=transaction.payload)


def setup(meter_id: str) -> tuple[BlockMeterHandler, DictContext, Signer]:
    handler, context = BlockMeterHandler(), DictContext()
    authority, device = Signer.generate(), Signer.generate()
    # What genesis and the BlockInfo injector leave in state: the authorities and ledger time.
    seed = Ledger(ledger_time=LATER)
    seed.set_setting(AUTHORITIES_SETTING, authority.public_key)
    context.state.update(seed.state)
    for transaction in [
        txn.create_site(
            authority, site_id="s", owner_public_key=authority.public_key, name="bench"
        ),
        txn.register_meter(
            authority,
            meter_id=meter_id,
            site_id="s",
            kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=INTERVAL_S,
            plausible_min=0,
            plausible_max=10**9,
        ),
        txn.bind_key(authority, meter_id=meter_id, site_id="s", public_key=device.public_key),
    ]:
        handler.apply(request(transaction), context)
    return handler, context, device


def measure(values_per_txn: int, transactions: int) -> list[dict[str, Any]]:
    meter_id = f"bench-{values_per_txn}"
    handler, context, device = setup(meter_id)
    requests = []
    start = START
    for n in range(transactions):
        values = [(n * 7 + i) % 5000 for i in range(values_per_txn)]
        requests.append(
            request(
                txn.record_readings(
                    device,
                    meter_id=meter_id,
                    window_start=start,
                    interval_s=INTERVAL_S,
                    values=values,
                )
            )
        )
        start += INTERVAL_S * values_per_txn
    times = []
    context.written = 0
    for req in requests:
        began = time.perf_counter()
        handler.apply(req, context)
        times.append(time.perf_counter() - began)
    median = statistics.median(times)
    params = {
        "values_per_txn": values_per_txn,
        "interval_s": INTERVAL_S,
        "transactions": transactions,
    }
    return [
        harness.figure("apply time per transaction (median)", median * 1000, "ms", **params),
        harness.figure(
            "readings applied per second", values_per_txn / median, "readings/s", **params
        ),
        harness.figure(
            "state bytes written per reading",
            context.written / (values_per_txn * transactions),
            "bytes/reading",
            **params,
        ),
    ]


def run(quick: bool) -> list[dict[str, Any]]:
    plan = {1: 300, 96: 100, 900: 30, 3600: 10}
    figures: list[dict[str, Any]] = []
    for size, count in plan.items():
        figures += measure(size, max(3, count // 10) if quick else count)
    return figures
