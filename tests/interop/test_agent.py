"""The BlockMeter edge agent against a real Sawtooth 1.0.6 node, with a fault: SIGKILLed three
times mid-run and started again, then stopped with SIGTERM. The ledger must end with exactly the
spool's windows and the simulator's values, none lost, none twice (tests/blockmeter/devnet_site)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smartblocks.blockmeter import config
from smartblocks.blockmeter.spool import Spool
from tests.blockmeter.devnet_site import check_ledger, settle, setup_site
from tests.integration.blockmeter_fixtures import BlockMeterLedger
from tests.interop.conftest import Interop

pytestmark = pytest.mark.slow


def test_sigkilled_agent_restarts_without_loss_or_duplicates(
    interop: Interop, tmp_path: Path
) -> None:
    ledger = BlockMeterLedger(
        interop.node,  # type: ignore[arg-type]
        interop.key_dir,
        (interop.authority_key, interop.authority_key, interop.authority),
    )
    path, meters = setup_site(ledger, tmp_path, speed=3600)
    spool_path = config.load(path).spool
    command = [sys.executable, "-m", "smartblocks.blockmeter.cli", "run", "--config", str(path)]

    def committed() -> int:
        if not spool_path.exists():
            return 0
        spool = Spool(spool_path)
        try:
            return min(int(r["committed"]) for r in spool.status())  # type: ignore[call-overload]
        except ValueError:
            return 0
        finally:
            spool.close()

    for round_, extra in enumerate([2, 1, 3, 4]):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            target = committed() + extra
            deadline = time.monotonic() + 90
            while committed() < target and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            last = round_ == 3
            process.send_signal(signal.SIGTERM if last else signal.SIGKILL)
            _, stderr = process.communicate(timeout=30)
        if last:
            assert process.returncode == 0, stderr.decode()[-2000:]
    settle(path)
    assert check_ledger(ledger, spool_path, meters) >= 30
