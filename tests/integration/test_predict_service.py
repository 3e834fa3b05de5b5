"""The prediction service (`smartblocks predict`) end to end on a real devnet (subprocesses,
ZMQ events and HTTP) whose ledger time the test sets (clocked_ledger.py): the service follows
the blocks, posts the next day's demand and wind forecasts before the day starts by ledger
time, a second service with an empty state file finds them on the ledger instead of posting
them again, the day's readings are recorded, and the service scores the day once the meter's
head passes its end."""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from smartblocks.clients.cli.main import main
from smartblocks.clients.predict.config import load_config
from smartblocks.clients.predict.service import PredictState, serve
from smartblocks.processors.blockpredict import addressing
from smartblocks.processors.kit import baseline
from smartblocks.protos.baseline_pb2 import BaselineTable, DayTypes, Resolution
from smartblocks.protos.blockmeter_pb2 import Unit
from tests.integration.clocked_ledger import ClockedLedger, clocked_ledger
from tests.support.service_thread import ServiceThread

DAY = 86_400
T0 = calendar.timegm((2026, 3, 1, 0, 0, 0))  # a Sunday: the table's weekend curve


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClockedLedger]:
    with clocked_ledger(
        tmp_path_factory.mktemp("predict"), T0 - 3_600, "blockmeter", "blockpredict"
    ) as clocked:
        yield clocked


class Service(ServiceThread):
    """`serve` in a thread with its own event loop, stopped by `stop()`."""

    def __init__(self, config_path: Path) -> None:
        super().__init__(serve, load_config(config_path))

    def days(self) -> dict[tuple[str, int], str]:
        state = PredictState(self.config.state)
        try:
            return {(d["meter_id"], d["start"]): d["status"] for d in state.days()}
        finally:
            state.close()


def wait_for(
    what: str, check: Callable[[], object], service: Service, timeout: float = 60.0
) -> None:
    service.wait_for(what, check, timeout)


def write_files(
    folder: Path, ledger: ClockedLedger, meter_id: str, turbine_id: str, state: str
) -> Path:
    table = BaselineTable(
        version=1,
        unit=Unit.MILLIWATT_HOUR,
        resolution=Resolution.PER_DAY,
        day_types=DayTypes.WEEKDAY_WEEKEND,
        model="hand-made",
    )
    for day_type, energy in ((0, 48_000_000), (1, 24_000_000)):
        curve = table.curves.add(day_type=day_type)
        curve.knots.add(temperature=0, energy=2 * energy)
        curve.knots.add(temperature=15_000, energy=energy)
    (folder / "baseline.pb").write_bytes(baseline.canonical_bytes(table))
    (folder / "weather").mkdir(exist_ok=True)
    rows = [f"2026-03-01T{h:02d}:00Z,7.5,5.0" for h in range(24)]
    (folder / "weather" / "2026-03-01.csv").write_text(
        "time,temperature_c,wind_speed_m_s\n" + "\n".join(rows) + "\n"
    )
    config = folder / f"{state}.toml"
    config.write_text(
        f'[service]\nrest_api = "{ledger.url}"\ncomponent = "{ledger.node.devnet.component}"\n'
        f'key = "{ledger.key_dir / "forecaster.priv"}"\nstate = "{state}.sqlite"\n\n'
        '[weather]\nkind = "csv"\nfolder = "weather"\n\n'
        f'[[meters]]\nmeter_id = "{meter_id}"\nkind = "demand"\nbaseline = "baseline.pb"\n\n'
        f'[[meters]]\nmeter_id = "{turbine_id}"\nkind = "wind"\nhub_height = 10.0\n'
        "power_curve = [[3.0, 0.0], [11.0, 8000.0], [25.0, 8000.0]]\n"
    )
    return config


def test_the_service_posts_before_the_day_and_scores_after_it(
    ledger: ClockedLedger, tmp_path: Path, capsys
):
    setup = ledger.new_meter("main")
    meter = setup.meter_id
    turbine = ledger.new_meter("turbine", kind="GENERATION")
    _, forecaster_pub, forecaster = ledger.key_file("forecaster")
    for site in (setup, turbine):
        grant = f"smartblocks forecast grant {site.site_id} {forecaster_pub} --key {site.owner_key}"
        assert ledger.sh(grant) == 0
    forecast_address = addressing.forecast_address(meter, T0, forecaster.public_key)

    # Ledger time is 2026-02-28 23:00: the service posts 2026-03-01 (weekend curve at 7.5 °C:
    # 36,000,000 mWh, split flat without history: 1,500,000 per hour).
    first = Service(write_files(tmp_path, ledger, meter, turbine.meter_id, "a"))
    try:
        wait_for("the forecast on the ledger", lambda: ledger.read(forecast_address), first)
        posted = {(meter, T0): "posted", (turbine.meter_id, T0): "posted"}
        wait_for("the posted status", lambda: first.days() == posted, first)
    finally:
        first.stop()

    # A second service with an empty state file finds the forecast instead of posting it.
    second = Service(write_files(tmp_path, ledger, meter, turbine.meter_id, "b"))
    try:
        found = {(meter, T0): "found", (turbine.meter_id, T0): "found"}
        wait_for("the found status", lambda: second.days() == found, second)
    finally:
        second.stop()

    # The day passes; its readings (1,200,000 mWh per hour) are recorded after it. The first
    # service resumes from its last block and scores the day once the head passes its end.
    again = Service(tmp_path / "a.toml")
    try:
        ledger.set_time(T0 + DAY + 60)
        values = ",".join(["300000"] * 96)
        record = (
            f"smartblocks meter record {meter} --start 2026-03-01T00:00Z --interval 900 "
            f"--values {values} --key {setup.device_key}"
        )
        assert ledger.sh(record) == 0
        wait_for("the scored status", lambda: again.days().get((meter, T0)) == "scored", again)
    finally:
        again.stop()
    days = again.days()
    assert days[(meter, T0)] == "scored"
    # The next day it would post (2026-03-03) has no weather file: failed, not posted.
    assert days[(meter, T0 + 2 * DAY)] == "failed"

    # The turbine's forecast: 5 m/s at hub height on the config's curve is 2,000 W all day.
    capsys.readouterr()
    shown = f"{turbine.meter_id} --start 2026-03-01T00:00Z --issuer {forecaster_pub} --json"
    assert ledger.sh(f"smartblocks forecast show {shown}") == 0
    wind = json.loads(capsys.readouterr().out)["forecast"]
    assert wind["values"] == [2_000_000] * 24 and wind["model_name"] == "windpowerlib-power-curve"

    shown = f"{meter} --start 2026-03-01T00:00Z --issuer {forecaster_pub} --json"
    assert ledger.sh(f"smartblocks forecast show {shown}") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["forecast"]["values"] == [1_500_000] * 24
    assert doc["forecast"]["model_name"] == "baseline-table-day-ahead"
    assert doc["score"]["coverage_ppm"] == 1_000_000
    assert doc["score"]["metrics"]["bias"] == 300_000
    assert doc["score"]["metrics"]["cv_rmse_ppm"] == 250_000

    assert main(["predict", "--config", str(tmp_path / "a.toml"), "--status"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert {(d["start"], d["status"]) for d in status["days"]} >= {(T0, "scored")}
