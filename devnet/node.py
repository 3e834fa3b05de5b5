"""Devnet: one process that is a single-node, Sawtooth-compatible validator.

Wires the component endpoint, the processor protocol, the executor, the dev-mode publisher,
events and the client request handlers around one ChainStore, on one asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

from smartblocks.devnet.state.merkle import EMPTY_ROOT
from smartblocks.ledger.endpoints import DEFAULT_COMPONENT
from smartblocks.ledger.events import NULL_BLOCK_ID

from .chainstore import BlockRecord, ChainStore
from .client_handlers import blocks, info, resources, state, submit
from .endpoint import ComponentEndpoint
from .events import block_events
from .executor import Executor
from .genesis import load_or_create_key, seal_genesis
from .ledger import Ledger
from .pending import DEFAULT_QUEUE_LIMIT, PendingQueue
from .processor_protocol import ProcessorProtocol
from .processors import ProcessorRegistry
from .publisher import Publisher, PublishingRules
from .subscriptions import EventHub

LOGGER = logging.getLogger(__name__)

DB_FILE = "chain.sqlite3"


@dataclass
class DevnetConfig:
    data_dir: Path
    component: str = DEFAULT_COMPONENT
    rules: PublishingRules = field(default_factory=PublishingRules)
    queue_limit: int = DEFAULT_QUEUE_LIMIT


class Devnet:
    def __init__(self, config: DevnetConfig) -> None:
        self.config = config
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        config = self.config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.signer = load_or_create_key(config.data_dir)
        self.store = ChainStore(config.data_dir / DB_FILE)
        if self.store.head() is None:
            self._create_genesis()
        self.ledger = Ledger(self.store, PendingQueue(config.queue_limit))
        self.endpoint = ComponentEndpoint(config.component)
        self.registry = ProcessorRegistry()
        self.executor = Executor(self.endpoint, self.registry)
        self.events = EventHub(self.endpoint, self.store)
        self.publisher = Publisher(
            self.ledger, self.registry, self.executor, self.events, self.signer, config.rules
        )
        self.protocol = ProcessorProtocol(self.endpoint, self.registry, self.publisher.wake)
        self.endpoint.on_unreachable = self._unreachable
        for module in (submit, state, blocks, resources, info):
            module.register(self)
        try:
            await self.endpoint.start()
        except OSError:
            await self.endpoint.stop()
            self.store.close()
            raise
        self._tasks = [
            asyncio.create_task(self._publish_blocks(), name="publisher"),
            asyncio.create_task(self.protocol.ping_forever(), name="pinger"),
        ]
        head = self.ledger.head
        LOGGER.info(
            "devnet at block %d %s, component endpoint %s", head.num, head.id[:16], self.url
        )

    @property
    def url(self) -> str:
        return self.endpoint.url

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.endpoint.stop()
        self.store.close()

    async def _publish_blocks(self) -> None:
        # Nothing awaits this task until stop(), so a crash is logged here, when it happens.
        try:
            await self.publisher.run()
        except Exception:
            LOGGER.exception("the block publisher stopped")
            raise

    def _unreachable(self, identity: bytes) -> None:
        self.protocol.lost(identity)
        self.events.drop(identity)

    def _create_genesis(self) -> None:
        def make_events(record: BlockRecord) -> bytes:
            return block_events(
                record.id, 0, record.state_root, NULL_BLOCK_ID, [], []
            ).SerializeToString()

        record = self.store.commit_block(
            0,
            EMPTY_ROOT,
            {},
            [],
            lambda root: seal_genesis(self.signer, root),
            [],
            [],
            make_events,
        )
        LOGGER.info("genesis block %s created", record.id[:16])
