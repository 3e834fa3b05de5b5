"""Keeps the index in step with the chain: follower events + REST block contents -> index."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar

from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.events import BlockEvents, EventFollower

from .blocksource import BlockContents, BlockUnavailable
from .index import Applied, ChainIndex, state_changes

LOG = logging.getLogger(__name__)
T = TypeVar("T")


def needs_genesis_state(block: BlockEvents, contents: BlockContents) -> bool:
    """Block 0 has transactions but its state-delta events report no change (Sawtooth 1.0)."""
    has_transactions = any(batch.transactions for batch in contents.batches)
    return block.block_num == 0 and has_transactions and not state_changes(block)


class BlockSource(Protocol):
    async def fetch(self, block_id: str) -> BlockContents: ...

    async def state_at(self, block_id: str) -> list[tuple[str, bytes]]: ...


class IndexFeeder:
    def __init__(
        self,
        index: ChainIndex,
        follower: EventFollower,
        source: BlockSource,
        on_block: Callable[[dict[str, Any]], None] = lambda _: None,
        *,
        retry_initial: float = 0.2,
        retry_max: float = 5.0,
        gone_after: int = 5,
    ) -> None:
        self.index = index
        self.follower = follower
        self.source = source
        self.on_block = on_block
        self._retry_initial = retry_initial
        self._retry_max = retry_max
        self._gone_after = gone_after
        self.last_error: str | None = None

    async def run(self) -> None:
        async for block in self.follower.blocks():
            contents = await self._fetch(block)
            if contents is None:
                # The REST API keeps saying 404: the block was most likely replaced by a fork
                # before we fetched it. Resubscribing makes the validator replay its chain from
                # our head, which brings the blocks that replaced it.
                LOG.warning(
                    "block #%d %s is gone; resubscribing", block.block_num, block.block_id[:16]
                )
                self.follower.resubscribe()
                continue
            state = None
            if needs_genesis_state(block, contents):
                # Sawtooth 1.0 keeps no receipts for genesis transactions, so block 0's
                # state-delta event is empty although its transactions set state (the genesis
                # settings): read that state from the REST API instead.
                state = await self._retrying(block, self.source.state_at)
                if state is None:
                    self.follower.resubscribe()
                    continue
                LOG.info("genesis state delta is empty; read %d entries from /state", len(state))
            applied = self.index.apply(block, contents, state=state)
            if applied.rewound:
                LOG.warning(
                    "fork: rewound %d block(s) from #%d", applied.rewound, applied.block_num
                )
            self.on_block(self._summary(applied))

    async def _fetch(self, block: BlockEvents) -> BlockContents | None:
        """The block's contents, retrying while the REST API is unreachable; None when it
        answered 404 `gone_after` times in a row."""
        return await self._retrying(block, self.source.fetch)

    async def _retrying(self, block: BlockEvents, get: Callable[[str], Awaitable[T]]) -> T | None:
        """`get(block_id)`, retrying while the REST API is unreachable; None when it answered
        404 `gone_after` times in a row."""
        backoff = Backoff(self._retry_initial, self._retry_max)
        not_found = 0
        while True:
            try:
                got = await get(block.block_id)
                self.last_error = None
                return got
            except BlockUnavailable as exc:
                self.last_error = str(exc)
                not_found = not_found + 1 if exc.status == 404 else 0
                if not_found >= self._gone_after:
                    return None
                delay = backoff.next()
                LOG.warning(
                    "block #%d not available yet (%s); retrying in %.1fs",
                    block.block_num,
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)

    def _summary(self, applied: Applied) -> dict[str, Any]:
        block = self.index.block(str(applied.block_num)) or {}
        block["rewound"] = applied.rewound
        return block
