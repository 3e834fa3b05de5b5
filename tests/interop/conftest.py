"""The interop suite: SmartBlocks against a real Sawtooth 1.0.6 validator (../shared/reference).

Marked slow (`make test-slow`, `.ci/run`); skipped, saying why, only where the reference is
absent. The reference is built once per run into build/sawtooth-1.0; one dev-mode node with
our genesis settings and our processors (blockmeter, block_info) serves the module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartblocks.ledger.keys import Signer, write_key_files
from smartblocks.ledger.settings import BATCH_INJECTORS
from smartblocks.processors.blockmeter.records import AUTHORITIES_SETTING
from smartblocks.processors.energycontract.records import issuers_setting
from tests.integration.processes import Processor
from tests.interop.sawtooth10 import (
    BLOCK_VALIDATION_RULES,
    Sawtooth10Node,
    build,
    reference_missing,
)

MISSING = reference_missing()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the slow tests, saying why, where the reference is absent (each module marks its
    own tests slow; the plugin's unit tests need no validator and always run)."""
    here = Path(__file__).parent
    for item in items:
        if MISSING and here in Path(item.fspath).parents and item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="session")
def sawtooth10_build() -> Path:
    return build()


@dataclass
class Interop:
    node: Sawtooth10Node
    key_dir: Path
    authority_key: Path
    authority: Signer
    processors: dict[str, Processor]

    def start_processor(self, family: str) -> Processor:
        log = self.node.data / "logs" / f"tp-{family}.out"
        processor = Processor(family, log)
        processor.start(self.node.component)
        self.processors[family] = processor
        return processor


@pytest.fixture(scope="module")
def interop(sawtooth10_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Interop]:
    data = tmp_path_factory.mktemp("sawtooth10")
    key_dir = data / "keys"
    authority_key, _, authority = write_key_files("authority", key_dir)
    settings = {
        "sawtooth.consensus.algorithm": "devmode",
        "sawtooth.consensus.min_wait_time": "0",
        "sawtooth.consensus.max_wait_time": "0",
        BATCH_INJECTORS: "block_info",
        "sawtooth.validator.block_validation_rules": BLOCK_VALIDATION_RULES,
        AUTHORITIES_SETTING: authority.public_key,
        issuers_setting("EUR"): authority.public_key,
    }
    node = Sawtooth10Node(sawtooth10_build, data, settings)
    ledger = Interop(node, key_dir, authority_key, authority, {})
    try:
        node.start()
        for family in ("block_info", "blockmeter"):
            ledger.start_processor(family)
        yield ledger
    finally:
        for processor in ledger.processors.values():
            processor.stop()
        node.stop()
