"""What the demo's console shows: lifecycle lines, warnings, and the contract manager's
settlements; routine log records (the manager's reasons to wait change with every block of the
replay) go to the log file only."""

from __future__ import annotations

import calendar
import io
from pathlib import Path

from smartblocks.clients.cli.main import main
from smartblocks.clients.stack.demo import (
    QUIET_REPEAT_S,
    ConsoleAndLog,
    banner,
    start_over_command,
    worth_printing,
)
from smartblocks.clients.stack.progress import Progress, is_live
from smartblocks.clients.stack.stackfile import Ports

STAMP = "2026-12-06 17:17:18,837"


def test_console_keeps_settlements_and_drops_routine_records(tmp_path: Path) -> None:
    console = io.StringIO()
    out = ConsoleAndLog(console, tmp_path / "up.log")
    lines = [
        "manager | started (pid 12)\n",
        f"devnet  | {STAMP} INFO    smartblocks.devnet.publisher: block 7 published\n",
        f"manager | {STAMP} INFO    smartblocks.clients.contracts.manager: settling contract "
        "c period 0 (2026-10); expecting …\n",
        f"manager | {STAMP} INFO    smartblocks.clients.contracts.manager: settled contract "
        "c period 0 (2026-10): SETTLED: …\n",
        f"manager | {STAMP} INFO    smartblocks.clients.contracts.manager: contract c waits: "
        "period 2 (2026-12) ends at 2027-01-01T00:00Z\n",
        f"agent   | {STAMP} WARNING smartblocks.blockmeter.agent: something\n",
        f"predict | {STAMP} INFO    smartblocks.clients.predict.service: posted the forecast of "
        "lab-970.gas for 2026-12-07\n",
        f"predict | {STAMP} INFO    smartblocks.clients.predict.service: block #9: Outcome(…)\n",
        f"predict | {STAMP} INFO    smartblocks.clients.predict.service: scored the forecast of "
        "lab-970.gas for 2026-12-07\n",
    ]
    for line in lines:
        out.write(line)
    out.flush()
    out.close()
    assert console.getvalue() == "".join(lines[i] for i in (0, 3, 5, 6, 8))
    assert (tmp_path / "up.log").read_text() == "".join(lines)


def test_the_banner_names_the_admin_user_and_where_its_password_is(tmp_path: Path) -> None:
    first = banner(tmp_path, Ports())[0]
    assert "log in as demo / demo, or as admin with the password in " in first
    assert first.endswith(str(tmp_path / "admin-password.txt"))


def test_the_banner_says_when_forecasts_are_posted_and_scored(tmp_path: Path) -> None:
    """Ledger time is the wall clock: tomorrow's forecast is posted now (a line beyond the
    actuals) and scored once tomorrow is over."""
    evening = calendar.timegm((2026, 12, 6, 20, 0, 0))
    (line,) = [x for x in banner(tmp_path, Ports(), now=evening) if x.startswith("BlockPredict")]
    assert "(tomorrow's, 2026-12-07, now: a line beyond the actuals at " in line
    assert (
        "http://127.0.0.1:8080/#/meters/lab-970.incomer-import?zoom=week&end=2026-12-07"
        "&show=forecast" in line
    )
    assert line.endswith("the first scores come about a minute after 2026-12-08 00:00 UTC")


def test_the_demo_runs_blockpredict_and_the_prediction_service(tmp_path: Path) -> None:
    """The BlockPredict processor before the set-up (which grants the forecaster), the
    prediction service after it (it needs the baselines the set-up fits)."""
    from smartblocks.clients.stack import demo

    components = demo.components(tmp_path, Ports(component=14004))
    assert [c.name for c in components] == [
        "devnet",
        "tp",
        "tp-ec",
        "tp-bp",
        "setup",
        "agent",
        "manager",
        "predict",
        "portal",
    ]
    named = {c.name: c for c in components}
    assert named["tp-bp"].command()[-4:] == [
        "tp",
        "blockpredict",
        "--connect",
        "tcp://127.0.0.1:14004",
    ]
    assert named["tp-bp"].ready is not None
    assert named["predict"].command()[-3:] == [
        "predict",
        "--config",
        str(tmp_path / "predict.toml"),
    ]
    assert [c.name for c in demo.components(tmp_path, Ports(), markets=True)][-1] == "markets"


def test_an_unchanged_progress_line_is_repeated_only_while_replaying() -> None:
    """Live, the agent posts a window every 15 minutes: between two, the line stays the same
    and was printed again every minute."""
    assert worth_printing("block 2", "block 1", live=True, since_last_s=5)
    assert not worth_printing("block 2", "block 2", live=True, since_last_s=5)
    assert not worth_printing("block 2", "block 2", live=True, since_last_s=3600)
    assert not worth_printing("block 2", "block 2", live=False, since_last_s=QUIET_REPEAT_S - 1)
    assert worth_printing("block 2", "block 2", live=False, since_last_s=QUIET_REPEAT_S)


def test_is_live_follows_the_watched_meter() -> None:
    assert not is_live(Progress(1, 2, 0, None), now=1_000_000)
    assert is_live(Progress(1, 2, 0, 1_000_000 - 900), now=1_000_000)
    assert not is_live(Progress(1, 2, 0, 1_000_000 - 86_400), now=1_000_000)


def test_the_start_over_hint_keeps_the_options_given() -> None:
    assert start_over_command() == "make demo DEMO_ARGS=--fresh"
    assert (
        start_over_command(Path("stack.toml"), Path("/tmp/demo"))
        == "make demo DEMO_ARGS='--config stack.toml --data-dir /tmp/demo --fresh'"
    )


def test_up_stops_with_the_start_over_hint_as_started(monkeypatch, capsys, tmp_path) -> None:
    """`up --demo --config X --data-dir D`: the hints to start over keep --config and
    --data-dir (the supervisor itself is not run here)."""
    from smartblocks.clients.cli import up

    seen: dict[str, object] = {}

    async def fake_run_demo(stack, data_dir, fresh, config, start_over):
        seen.update(data_dir=data_dir, start_over=start_over)
        return 0

    monkeypatch.setattr(up, "_run_demo", fake_run_demo)
    config = tmp_path / "stack.toml"
    config.write_text("")
    assert main(["up", "--demo", "--config", str(config), "--data-dir", "d"]) == 0
    assert seen["data_dir"] == Path("d").absolute()
    assert seen["start_over"] == f"make demo DEMO_ARGS='--config {config} --data-dir d --fresh'"
    assert main(["up", "--demo"]) == 0
    assert seen["data_dir"] == up.DEFAULT_DATA_DIR.absolute()
    assert seen["start_over"] == "make demo DEMO_ARGS=--fresh"


def test_a_resumed_demo_says_how_to_start_over_as_started(monkeypatch, tmp_path) -> None:
    from smartblocks.clients.stack import demo, demo_files

    monkeypatch.setattr(demo_files, "prepare", lambda data_dir, fresh: True)
    for name in ("ensure_keys", "write_agent_config", "write_portal_config"):
        monkeypatch.setattr(demo_files, name, lambda *args: None)
    monkeypatch.setattr(demo_files, "write_manager_config", lambda *args: None)
    monkeypatch.setattr(demo_files, "write_predict_config", lambda *args: None)
    out = io.StringIO()
    hint = start_over_command(Path("stack.toml"))
    demo.prepare(tmp_path, Ports(), demo.DemoSettings(), False, out, hint)
    assert out.getvalue() == (
        f"resuming the demo in {tmp_path} (to start over: "
        "make demo DEMO_ARGS='--config stack.toml --fresh')\n"
    )
