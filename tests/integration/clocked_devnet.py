"""`smartblocks devnet` whose BlockInfo injector reads the time from a file: tests set ledger
time the way `Ledger.set_ledger_time` does in memory, on a real devnet (ZMQ, REST, processors).

    python -m tests.integration.clocked_devnet --clock-file PATH devnet --data-dir ...

PATH holds Unix seconds; each new block records the number in it (the real clock while the file
is missing or unreadable). Everything else is the devnet as `smartblocks devnet` runs it; the
injector still keeps ledger time from going backwards.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from smartblocks.clients.cli.main import main
from smartblocks.devnet import injector


def file_clock(path: Path) -> float:
    try:
        return float(path.read_text())
    except (OSError, ValueError):
        return time.time()


def run(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "--clock-file":
        raise SystemExit("usage: clocked_devnet --clock-file PATH devnet [ARGS...]")
    path = Path(argv[1])
    # The publisher makes its injector with the default clock: the injector's default.
    injector.BlockInfoInjector.__init__.__defaults__ = (lambda: file_clock(path),)
    return main(argv[2:])


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
