"""The capacity model's measured storage inputs, and the model itself (docs/scaling.md).

Measured here, in process (the BlockMeter handler on a dict, as bench_blockmeter_apply does):
one meter-year of readings at 15 minutes, 30 minutes and 1 minute, one window a day per
transaction, signed by a gateway and put in batches of 10 transactions:
- `block bytes per reading`: the batches' serialized bytes (what every validator's block store
  keeps for ever) over the readings;
- `receipt bytes per reading`: the state changes each transaction's receipt keeps (address +
  value of every record it wrote), over the readings;
- `state bytes per meter-year`: the meter's records in state after the year (meter, head, day
  and month rollups): what the Merkle state holds for a meter, without the tree's nodes.

The model then combines them with the throughput and CPU figures of the other benchmarks' result
files (the INPUTS table below names each figure it takes; a missing file or figure is reported,
not guessed) and writes per-fleet figures: readings/s, validator cores and storage per year for
1 M, 36 M and 300 M meters. Run the other benchmarks first (`make bench` runs them in name
order, and this one reads whatever results are on disk).
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass
from typing import Any

from bench import harness
from bench.bench_blockmeter_apply import DictContext, request
from smartblocks.ledger.keys import Signer
from smartblocks.ledger.transactions import make_batch
from smartblocks.processors.blockmeter import addressing, txn
from smartblocks.processors.blockmeter.handler import BlockMeterHandler
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from tests.support.ledger import LATER, Ledger

START = calendar.timegm((2025, 1, 1, 0, 0, 0))
DAY = 86_400
TXNS_PER_BATCH = 10
ADDRESS_BYTES = 70  # hex characters of a state address, as a receipt's StateChange keeps it
FLEETS = {"1 M meters (a utility)": 1_000_000, "36 M meters (GB)": 36_000_000,
          "300 M meters (EU)": 300_000_000}  # fmt: skip
READINGS_PER_DAY = 96  # 15-minute settlement data, the EU's and GB's smart-meter standard


@dataclass(frozen=True)
class Input:
    """One input of the model: a figure of a result file, or a stated assumption."""

    name: str
    source: str  # "file.json: figure name [parameter=value]", or "assumption"
    value: float | None


def _figure(results: str, name: str, **parameters: Any) -> float | None:
    path = harness.RESULTS / results
    if not path.exists():
        return None
    for figure in json.loads(path.read_text())["figures"]:
        params = figure.get("parameters", {})
        if figure["figure"] == name and all(params.get(k) == v for k, v in parameters.items()):
            return float(figure["value"])
    return None


def inputs() -> list[Input]:
    """The model's inputs: update this table (or the result files) and rerun."""
    devnet = "blockmeter_devnet.json"

    def from_devnet(name: str, values: int) -> Input:
        return Input(
            f"{name}, {values} values/txn",
            f"{devnet}: {name} [values_per_txn={values}]",
            _figure(devnet, name, values_per_txn=values),
        )

    return [
        from_devnet("readings committed per second", 96),
        from_devnet("devnet CPU per transaction", 96),
        from_devnet("processor CPU per transaction", 96),
        from_devnet("readings committed per second", 3600),
        from_devnet("devnet CPU per transaction", 3600),
        from_devnet("processor CPU per transaction", 3600),
        Input(
            "a PoET validator's rate as a share of the devnet's",
            "assumption (issue #15: the devnet commits several times what a Sawtooth "
            "validator does on the same machine); replace with `python -m bench "
            "blockmeter_devnet --url` against docker/",
            0.25,
        ),
        Input("peak to mean ingest ratio", "assumption (windows close together)", 3.0),
        Input("cores per validator", "assumption (this machine)", 2.0),
    ]


def _meter_year(interval_s: int) -> dict[str, float]:
    """Apply a year of one meter's readings at `interval_s`, a day per transaction."""
    handler, context = BlockMeterHandler(), DictContext()
    authority, device = Signer.generate(), Signer.generate()
    seed = Ledger(ledger_time=LATER)
    seed.set_setting(AUTHORITIES_SETTING, authority.public_key)
    context.state.update(seed.state)
    meter_id = "capacity.meter"
    for transaction in [
        txn.create_site(authority, site_id="s", owner_public_key=authority.public_key, name="s"),
        txn.register_meter(
            authority,
            meter_id=meter_id,
            site_id="s",
            kind="ELECTRICITY_IMPORT",
            unit="MILLIWATT_HOUR",
            nominal_interval_s=interval_s,
            plausible_min=0,
            plausible_max=10**9,
        ),
        txn.bind_key(authority, meter_id=meter_id, site_id="s", public_key=device.public_key),
    ]:
        handler.apply(request(transaction), context)
    before = set(context.state)
    per_day = DAY // interval_s
    transactions, receipt_bytes = [], 0
    for day in range(365):
        values = []
        for slot in range(per_day):
            # A building's load: 2-40 kW with a daily shape, as mWh per interval (an INTERVAL
            # meter: a register's values would be as long in bytes).
            kw = 2 + 38 * (1 + (slot * 24 // per_day - 12 + day) ** 2 % 7) // 7
            values.append(kw * 1_000_000 * interval_s // 3600)
        transactions.append(
            txn.record_readings(
                device,
                meter_id=meter_id,
                window_start=START + day * DAY,
                interval_s=interval_s,
                values=values,
            )
        )
        written = context.written
        entries = len(context.state)
        handler.apply(request(transactions[-1]), context)
        receipt_bytes += (
            context.written - written + ADDRESS_BYTES * max(1, len(context.state) - entries)
        )
    readings = 365 * per_day
    batches = [
        make_batch(device, transactions[i : i + TXNS_PER_BATCH])
        for i in range(0, len(transactions), TXNS_PER_BATCH)
    ]
    meter_records = {
        a: v
        for a, v in context.state.items()
        if a not in before or a == addressing.meter_address(meter_id)
    }
    return {
        "readings": readings,
        "block_bytes_per_reading": sum(b.ByteSize() for b in batches) / readings,
        "receipt_bytes_per_reading": receipt_bytes / readings,
        "state_bytes_per_meter_year": sum(
            len(v) + ADDRESS_BYTES // 2 for v in meter_records.values()
        ),
        "state_records_per_meter_year": len(meter_records),
    }


def model(values: dict[str, float | None], storage: dict[str, float]) -> list[dict[str, Any]]:
    """Per fleet: mean and peak readings/s, validator cores, storage per year."""
    rate = values["readings committed per second, 96 values/txn"]
    cpu_ms = [values["devnet CPU per transaction, 96 values/txn"],
              values["processor CPU per transaction, 96 values/txn"]]  # fmt: skip
    if rate is None or None in cpu_ms:
        return []
    share = values["a PoET validator's rate as a share of the devnet's"] or 1.0
    peak = values["peak to mean ingest ratio"] or 1.0
    cores = values["cores per validator"] or 2.0
    cpu_per_reading_ms = sum(c for c in cpu_ms if c is not None) / 96
    cpu_rate = cores * 1000 / cpu_per_reading_ms  # readings/s if the cores were the only bound
    per_validator = rate * share  # readings/s one PoET validator (2 cores) keeps up with
    figures = []
    for fleet, meters in FLEETS.items():
        mean = meters * READINGS_PER_DAY / DAY
        needed = mean * peak
        readings_year = meters * READINGS_PER_DAY * 365
        common = {"meters": meters, "readings_per_day": READINGS_PER_DAY, "peak_to_mean": peak}
        figures += [
            harness.figure(f"{fleet}: mean ingest", mean, "readings/s", **common),
            harness.figure(
                f"{fleet}: partitions needed at peak (each its own validator network)",
                needed / per_validator,
                "partitions",
                readings_per_s_per_network=round(per_validator),
                devnet_cpu_bound_readings_per_s=round(cpu_rate),
                poet_share_of_devnet=share,
                **common,
            ),
            harness.figure(
                f"{fleet}: validator CPU per year of readings (every validator)",
                readings_year * cpu_per_reading_ms / 1000 / (365 * DAY),
                "cores busy on average",
                cpu_ms_per_reading=round(cpu_per_reading_ms, 4),
                **common,
            ),
            harness.figure(
                f"{fleet}: block store growth per validator",
                readings_year
                * (storage["block_bytes_per_reading"] + storage["receipt_bytes_per_reading"])
                / 1e12,
                "TB/year",
                **common,
            ),
            harness.figure(
                f"{fleet}: state size per validator",
                meters * storage["state_bytes_per_meter_year"] / 1e9,
                "GB after a year (records only, no Merkle nodes)",
                **common,
            ),
        ]
    return figures


def run(quick: bool) -> list[dict[str, Any]]:
    figures = []
    storage_15 = {}
    for interval_s in (900,) if quick else (900, 1800, 60):
        measured = _meter_year(interval_s)
        if interval_s == 900:
            storage_15 = measured
        params = {
            "interval_s": interval_s,
            "values_per_txn": DAY // interval_s,
            "txns_per_batch": TXNS_PER_BATCH,
            "readings": int(measured["readings"]),
        }
        figures += [
            harness.figure("block bytes per reading", measured["block_bytes_per_reading"],
                           "bytes/reading", **params),
            harness.figure("receipt bytes per reading", measured["receipt_bytes_per_reading"],
                           "bytes/reading", **params),
            harness.figure("state bytes per meter-year", measured["state_bytes_per_meter_year"],
                           "bytes", records=measured["state_records_per_meter_year"], **params),
        ]  # fmt: skip
    table = inputs()
    values = {i.name: i.value for i in table}
    for one in table:
        if one.value is None:
            missing = "missing: run that benchmark"
            figures.append(
                {"figure": f"model input: {one.name}", "value": None, "unit": missing,
                 "parameters": {"source": one.source}}
            )  # fmt: skip
            continue
        figures.append(
            harness.figure(
                f"model input: {one.name}", one.value, "as in the source", source=one.source
            )
        )
    return figures + model(values, storage_15)
