"""A devnet whose ledger time the test sets (`smartblocks devnet --clock-file`), with BlockMeter
shortcuts: for tests whose periods must start and end without waiting for the wall clock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from smartblocks.ledger.keys import Signer, write_key_files
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract.records import issuers_setting
from tests.integration.blockmeter_fixtures import BlockMeterLedger
from tests.integration.conftest import Node


class ClockedLedger(BlockMeterLedger):
    def __init__(
        self, node: Node, key_dir: Path, authority: tuple[Path, Path, Signer], clock_file: Path
    ) -> None:
        super().__init__(node, key_dir, authority)
        self.clock_file = clock_file

    def set_time(self, timestamp: int) -> None:
        """Ledger time of the next blocks."""
        self.clock_file.write_text(str(timestamp))


@contextlib.contextmanager
def clocked_ledger(
    base: Path, start_time: int, *processors: str, settings: Sequence[str] = ()
) -> Iterator[ClockedLedger]:
    """A devnet under `base` with BlockMeter's authority set (and genesis `settings`, each
    "KEY=VALUE"), ledger time `start_time` until `set_time`, and `processors` (e.g.
    "blockmeter", "blockpredict") beside it."""
    clock_file = base / "clock"
    clock_file.write_text(str(start_time))
    authority = write_key_files("authority", base / "keys")
    node = Node(
        base / "devnet",
        "--setting",
        f"{AUTHORITIES_SETTING}={authority[2].public_key}",
        "--clock-file",
        str(clock_file),
        *(arg for setting in settings for arg in ("--setting", setting)),
    )
    try:
        node.start(*processors)
        yield ClockedLedger(node, base / "keys", authority, clock_file)
    finally:
        node.stop()


@contextlib.contextmanager
def market_ledger(
    base: Path, start_time: int, settings: Sequence[str] = ()
) -> Iterator[ClockedLedger]:
    """What every market's test starts from: a clocked ledger with BlockMeter and EnergyContract
    where the key "bank" (written to base/keys) issues EUR, plus the market's `settings`."""
    _, _, bank = write_key_files("bank", base / "keys")
    with clocked_ledger(
        base,
        start_time,
        "blockmeter",
        "energycontract",
        settings=[f"{issuers_setting('EUR')}={bank.public_key}", *settings],
    ) as clocked:
        yield clocked
