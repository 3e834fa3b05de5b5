"""A devnet and its transaction processors as subprocesses on free ports, as an operator runs
them, for benchmarks that measure the whole path (REST API, validator, processor).

Built on the integration tests' process helpers, so benchmarks and tests start and stop the
stack the same way (by PID, never by name).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from tests.integration.processes import DevnetServer, Processor, wait_registered


class DevnetStack:
    """`smartblocks devnet` plus one `smartblocks tp FAMILY` per family; a context manager."""

    def __init__(
        self,
        folder: Path,
        families: Sequence[str],
        tp_args: Sequence[str] = (),
        settings: Sequence[str] = (),
    ) -> None:
        """`settings`: genesis settings as KEY=VALUE (`smartblocks devnet --setting`)."""
        folder.mkdir(parents=True, exist_ok=True)
        setting_args = [arg for setting in settings for arg in ("--setting", setting)]
        self.devnet = DevnetServer(folder / "devnet", *setting_args)
        self.processors = {f: Processor(f, folder / f"tp-{f}.log", *tp_args) for f in families}

    def __enter__(self) -> DevnetStack:
        try:
            self.devnet.start()
            for family, processor in self.processors.items():
                processor.start(self.devnet.component)
                wait_registered(self.devnet, family)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            for processor in self.processors.values():
                if processor.process is not None:
                    processor.stop()
        finally:
            self.devnet.stop()

    @property
    def rest_url(self) -> str:
        return self.devnet.rest_url

    @property
    def pids(self) -> dict[str, int]:
        """Process ids by role, for CPU accounting: devnet, each family, and this client."""
        pids = {"devnet": self.devnet.pid, "client": os.getpid()}
        for family, processor in self.processors.items():
            assert processor.process is not None
            pids[family] = processor.process.pid
        return pids
