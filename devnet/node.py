"""Devnet: one process that is a single-node, Sawtooth-compatible validator.

Wires the component endpoint, the processor protocol, the executor, the dev-mode publisher,
events and the client request handlers around one ChainStore, on one asyncio loop.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
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
from .genesis import (
    GenesisError,
    check_chain_key,
    execute_genesis,
    load_or_create_key,
    needed_families,
    parse_genesis_batches,
    seal_genesis,
    wait_for_processors,
)
from .ledger import Ledger
from .pending import PendingLimits, PendingQueue
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
    # Limits on pending batches (counts, bytes, per signer and family, waiting ones).
    pending: PendingLimits = field(default_factory=PendingLimits)
    # Serialized `Batch`es for block 0 of a new chain (Sawtooth's genesis.batch), e.g. settings
    # proposals; given for an existing chain they are refused (GenesisError), as Sawtooth does.
    genesis_batches: list[bytes] = field(default_factory=list)
    # What the BlockInfo injector stamps each block with (Unix seconds): the clock, or a
    # FileClock for demos and tests that need ledger time to jump (`--clock-file`).
    clock: Callable[[], float] = time.time


def chain_exists(data_dir: Path) -> bool:
    """Whether `data_dir` holds a chain with at least its genesis block (read only: safe while
    a devnet runs on it)."""
    path = data_dir / DB_FILE
    if not path.exists():
        return False
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT 1 FROM blocks LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # no blocks table: created, never written
        return False
    finally:
        conn.close()


class Devnet:
    """`await start()` serves until `await stop()`. A caller that must connect processors
    before genesis (the genesis batches need them) calls `await bind()` first: it opens the
    chain, the key and the component endpoint (processors can register from then on), and
    `start()` then writes the genesis block and starts publishing."""

    def __init__(self, config: DevnetConfig) -> None:
        self.config = config
        self._tasks: list[asyncio.Task[None]] = []
        self._bound = False
        self._started = False
        self._processors_changed = asyncio.Event()

    async def bind(self) -> str:
        """Open the chain and the validator key, bind the component endpoint (processors may
        register from now on); returns the endpoint's URL. Idempotent."""
        if self._bound:
            return self.url
        config = self.config
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = ChainStore(config.data_dir / DB_FILE)
        try:
            genesis = self.store.block_by_num(0)
            self.signer = load_or_create_key(config.data_dir, chain_exists=genesis is not None)
            if genesis is not None:
                check_chain_key(self.signer, genesis, config.data_dir)
                if config.genesis_batches:
                    raise GenesisError(
                        f"the chain in {config.data_dir} already has its genesis block, so "
                        "genesis batches cannot be added to it"
                    )
            self._genesis_batches = parse_genesis_batches(config.genesis_batches)
        except BaseException:
            self.store.close()
            raise
        self.endpoint = ComponentEndpoint(config.component)
        self.registry = ProcessorRegistry()
        self.executor = Executor(self.endpoint, self.registry)
        self.protocol = ProcessorProtocol(self.endpoint, self.registry, self._on_processors)
        self.endpoint.on_unreachable = self._unreachable
        try:
            await self.endpoint.start()
        except OSError:
            await self.endpoint.stop()
            self.store.close()
            raise
        self._tasks.append(asyncio.create_task(self.protocol.ping_forever(), name="pinger"))
        self._bound = True
        return self.url

    async def start(self) -> None:
        await self.bind()
        config = self.config
        try:
            if self.store.head() is None:
                await self._create_genesis()
        except BaseException:
            await self.stop()
            raise
        self.ledger = Ledger(self.store, PendingQueue(config.pending))
        self.events = EventHub(self.endpoint, self.store)
        self.publisher = Publisher(
            self.ledger,
            self.registry,
            self.executor,
            self.events,
            self.signer,
            config.rules,
            clock=config.clock,
        )
        for module in (submit, state, blocks, resources, info):
            module.register(self)
        self._tasks.append(asyncio.create_task(self._publish_blocks(), name="publisher"))
        self._tasks.append(asyncio.create_task(self._expire_waiting(), name="expiry"))
        self._started = True
        head = self.ledger.head
        LOGGER.info(
            "devnet at block %d %s, component endpoint %s", head.num, head.id[:16], self.url
        )

    @property
    def url(self) -> str:
        return self.endpoint.url

    async def stop(self) -> None:
        if not self._bound:
            return
        self._bound = False
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        await self.endpoint.stop()
        self.store.close()

    async def _publish_blocks(self) -> None:
        # Nothing awaits this task until stop(), so a crash is logged here, when it happens.
        try:
            await self.publisher.run()
        except Exception:
            LOGGER.exception("the block publisher stopped")
            raise

    async def _expire_waiting(self) -> None:
        """Batches waiting too long for a processor or a dependency become INVALID."""
        period = min(1.0, self.config.pending.wait_timeout / 4)
        while True:
            await asyncio.sleep(period)
            try:
                expired = self.ledger.expire_waiting()
            except Exception:  # e.g. the disk is full: log it and keep serving
                LOGGER.exception("expiring waiting batches failed; trying again")
                continue
            if expired:
                if self.publisher is not None:
                    self.publisher.wake()  # so its list of missing families is current again
                LOGGER.info(
                    "%d batch(es) waited %g s for a processor or a dependency: INVALID",
                    len(expired),
                    self.config.pending.wait_timeout,
                )

    def _on_processors(self) -> None:
        """A processor registered or went away."""
        self._processors_changed.set()
        if self._started:
            self.publisher.wake()

    def _unreachable(self, identity: bytes) -> None:
        self.protocol.lost(identity)
        if self._started:
            self.events.drop(identity)

    async def _create_genesis(self) -> None:
        batches = self._genesis_batches
        if batches:
            await wait_for_processors(
                needed_families(batches), self.registry.has, self._processors_changed
            )
            record = await execute_genesis(batches, self.executor.execute, self.store, self.signer)
            LOGGER.info("genesis block %s created with %d batch(es)", record.id[:16], len(batches))
            return

        def make_events(record: BlockRecord) -> bytes:
            return block_events(record.id, 0, record.state_root, NULL_BLOCK_ID, [], [])

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
