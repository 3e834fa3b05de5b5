"""Fixtures: `smartblocks devnet` and `smartblocks tp` as subprocesses on free ports, and a REST
client. The shared devnet serves the whole session (tests use fresh keys and names, so they do
not see each other's data); tests that restart or kill a devnet start their own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from smartblocks.ledger.keys import Signer
from smartblocks.ledger.rest import RestClient
from tests.integration.processes import DevnetServer, Processor, wait_registered

KV = "kv"
PROBE = "tests.integration.handlers:ProbeHandler"
LATE = "tests.integration.handlers:LateHandler"


class Node:
    """A devnet and the processors started beside it, stopped together (processors first)."""

    def __init__(self, data_dir: Path, *devnet_args: str) -> None:
        self.devnet = DevnetServer(data_dir, *devnet_args)
        self.processors: list[Processor] = []

    def start(self, *specs: str) -> Node:
        self.devnet.start()
        for spec in specs:
            self.add_processor(spec)
        return self

    def add_processor(self, spec: str) -> Processor:
        family = {KV: "kv", PROBE: "probe", LATE: "late"}.get(spec, spec)
        log = self.devnet.data_dir.parent / f"tp-{family}-{len(self.processors)}.log"
        processor = Processor(spec, log)
        self.processors.append(processor)
        processor.start(self.devnet.component)
        wait_registered(self.devnet, family)
        return processor

    def stop(self) -> None:
        try:
            for processor in self.processors:
                processor.stop()
        finally:
            self.devnet.stop()

    @property
    def rest_url(self) -> str:
        return self.devnet.rest_url


@pytest.fixture(scope="session")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """The shared devnet with kv and probe processors."""
    shared = Node(tmp_path_factory.mktemp("shared") / "devnet")
    try:
        shared.start(KV, PROBE)
        yield shared
    finally:
        shared.stop()


@pytest.fixture
def make_node(tmp_path: Path) -> Iterator[Callable[..., Node]]:
    """Start a devnet of this test's own (stopped when the test ends): make_node(*tp_specs)."""
    started: list[Node] = []

    def make(*specs: str, devnet_args: tuple[str, ...] = ()) -> Node:
        own = Node(tmp_path / f"devnet{len(started)}", *devnet_args)
        started.append(own)
        return own.start(*specs)

    try:
        yield make
    finally:
        for own in started:
            own.stop()


@pytest.fixture
async def rest(node: Node) -> AsyncIterator[RestClient]:
    async with RestClient(node.rest_url, timeout=30) as client:
        yield client


@pytest.fixture
def signer() -> Signer:
    return Signer.generate()
