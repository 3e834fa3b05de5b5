"""What the demo's console shows: lifecycle lines, warnings, and the contract manager's
settlements; routine log records (the manager's reasons to wait change with every block of the
replay) go to the log file only."""

from __future__ import annotations

import io
from pathlib import Path

from smartblocks.clients.stack.demo import ConsoleAndLog

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
    ]
    for line in lines:
        out.write(line)
    out.flush()
    out.close()
    assert console.getvalue() == "".join(lines[i] for i in (0, 3, 5))
    assert (tmp_path / "up.log").read_text() == "".join(lines)
