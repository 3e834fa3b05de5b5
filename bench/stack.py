"""What the benchmarks that measure the whole path (REST API, validator, processor) run against:
a devnet and its transaction processors started as subprocesses on free ports, as an operator
runs them (`DevnetStack`), or an operator's own validator (`Target` with a URL: `ExternalStack`),
with our processors either already beside it or started by the benchmark.

Built on the integration tests' process helpers, so benchmarks and tests start and stop the
stack the same way (by PID, never by name).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from tests.integration.processes import DevnetServer, Processor, poll, wait_registered

DEVNET = "devnet (started)"
EXTERNAL = "external URL"
REGISTER_TIMEOUT = 60.0


@dataclass
class Target:
    """Where a whole-path benchmark runs: a devnet it starts (no `url`), or the validator at
    `url` (REST API) and `component` (its component endpoint, for events and processors).

    `start_processors`: the benchmark starts `smartblocks tp FAMILY --connect COMPONENT` itself
    (and then knows their CPU); otherwise the operator's processors must already run beside the
    validator. `authority_key`: a private key listed in smartblocks.blockmeter.authorities, for
    what only the metering authority may do. `skipped` collects what could not be measured.
    """

    url: str | None = None
    component: str | None = None
    start_processors: bool = False
    authority_key: Path | None = None
    skipped: list[dict[str, str]] = field(default_factory=list)

    @property
    def external(self) -> bool:
        return self.url is not None

    @property
    def label(self) -> str:
        return EXTERNAL if self.external else DEVNET

    def describe(self) -> dict[str, Any]:
        """The target as the results JSON names it."""
        if not self.external:
            return {"target": DEVNET}
        return {
            "target": EXTERNAL,
            "url": self.url,
            "component": self.component,
            "processors": "started by the benchmark" if self.start_processors else "the operator's",
            "validator_cpu": "not measured (the benchmark did not start the validator)",
        }

    def skip(self, what: str, why: str) -> None:
        """Record (and say) that `what` was not measured, and why."""
        self.skipped.append({"what": what, "why": why})
        print(f"   skipped: {what}: {why}", flush=True)


class Stack(Protocol):
    """What a whole-path benchmark needs of the node it measures."""

    @property
    def rest_url(self) -> str: ...

    @property
    def component(self) -> str: ...

    @property
    def pids(self) -> dict[str, int]:
        """Process ids by role of the processes this benchmark started, and this client's."""
        ...

    def __enter__(self) -> Stack: ...

    def __exit__(self, *exc_info: object) -> None: ...


def open_stack(
    target: Target,
    folder: Path,
    families: Sequence[str],
    tp_args: Sequence[str] = (),
    settings: Sequence[str] = (),
) -> Stack:
    """A `DevnetStack` with these genesis settings, or the external target (whose settings are
    the network's: a benchmark checks the ones it needs)."""
    if target.external:
        return ExternalStack(target, folder, families, tp_args)
    return DevnetStack(folder, families, tp_args, settings)


class DevnetStack:
    """`smartblocks devnet` plus one `smartblocks tp FAMILY` per family; a context manager."""

    def __init__(
        self,
        folder: Path,
        families: Sequence[str],
        tp_args: Sequence[str] = (),
        settings: Sequence[str] = (),
        devnet_args: Sequence[str] = (),
    ) -> None:
        """`settings`: genesis settings as KEY=VALUE (`smartblocks devnet --setting`);
        `devnet_args`: more options of `smartblocks devnet` (e.g. `--clock-file PATH`)."""
        folder.mkdir(parents=True, exist_ok=True)
        setting_args = [arg for setting in settings for arg in ("--setting", setting)]
        self.devnet = DevnetServer(folder / "devnet", *setting_args, *devnet_args)
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
    def component(self) -> str:
        return self.devnet.component

    @property
    def pids(self) -> dict[str, int]:
        """Process ids by role, for CPU accounting: devnet, each family, and this client."""
        pids = {"devnet": self.devnet.pid, "client": os.getpid()}
        for family, processor in self.processors.items():
            assert processor.process is not None
            pids[family] = processor.process.pid
        return pids


class ExternalStack:
    """An operator's validator; with `start_processors`, one `smartblocks tp FAMILY` per family
    connected to its component endpoint, started and stopped here (by pid)."""

    def __init__(
        self, target: Target, folder: Path, families: Sequence[str], tp_args: Sequence[str] = ()
    ) -> None:
        assert target.url is not None
        if target.start_processors and not target.component:
            raise ValueError("--start-processors needs --component (the validator's endpoint)")
        self.target = target
        folder.mkdir(parents=True, exist_ok=True)
        self.processors = (
            {f: Processor(f, folder / f"tp-{f}.log", *tp_args) for f in families}
            if target.start_processors
            else {}
        )

    def __enter__(self) -> ExternalStack:
        try:
            for processor in self.processors.values():
                assert self.target.component is not None
                processor.start(self.target.component)
            for family, processor in self.processors.items():
                poll(
                    lambda p=processor: _registered(p),  # type: ignore[misc]
                    f"processor for {family!r} at {self.target.component}",
                    timeout=REGISTER_TIMEOUT,
                    interval=0.2,
                )
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        for processor in self.processors.values():
            if processor.process is not None:
                processor.stop()

    @property
    def rest_url(self) -> str:
        assert self.target.url is not None
        return self.target.url.rstrip("/")

    @property
    def component(self) -> str:
        if not self.target.component:
            raise ValueError("this benchmark needs --component (the validator's endpoint)")
        return self.target.component

    @property
    def pids(self) -> dict[str, int]:
        pids = {"client": os.getpid()}
        for family, processor in self.processors.items():
            assert processor.process is not None
            pids[family] = processor.process.pid
        return pids


def _registered(processor: Processor) -> bool:
    """The processor logged its registration (1.0 and 1.2 REST APIs do not list processors)."""
    assert processor.process is not None
    if processor.process.poll() is not None:
        log = processor.log_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"smartblocks tp {processor.spec} exited: {log}")
    return " registered " in processor.log_path.read_text(errors="replace")
