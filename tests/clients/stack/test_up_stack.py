"""`smartblocks up --config stack.toml` without --demo: the listed components, supervised."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.clients.stack.processes import Up, alive, free_ports


def test_runs_the_listed_components_and_stops_them(tmp_path: Path) -> None:
    (port,) = free_ports(1)
    marker = tmp_path / "prepared"
    config = tmp_path / "stack.toml"
    config.write_text(
        f'[[components]]\nname = "prep"\noneshot = true\n'
        f'command = ["{sys.executable}", "-c", "open({str(marker)!r}, \'w\')"]\n'
        f'[[components]]\nname = "web"\nready = "http://127.0.0.1:{port}/"\n'
        f'command = ["{sys.executable}", "-m", "http.server", "--bind", "127.0.0.1", "{port}"]\n'
        f'env = {{ PYTHONDONTWRITEBYTECODE = "1" }}\n'
    )
    run = Up("--config", str(config))
    try:
        run.wait_for("web  | ready", 30)
        assert marker.exists()
        pid = run.child_pids()["web"]
        assert run.interrupt() == 0, run.output()
        assert not alive(pid)
        assert "web  | stopped" in run.output()
    finally:
        run.kill_leftovers()
