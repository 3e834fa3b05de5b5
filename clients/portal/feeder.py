"""Keeps the index in step with the chain: follower events + REST block contents -> index.

Three stages run side by side, so that a catch-up is bound by the slowest of them rather than
their sum: reading the follower's blocks, fetching their contents from the REST API (a group of
consecutive blocks in one request when the source can) and storing them (a group in one SQLite
transaction). While the index stores one group, the validator already serves the next.

A block the REST API no longer has (replaced by a fork before it was fetched) makes the feeder
resubscribe; every block read or fetched before that belongs to the old subscription and is
dropped (each carries the subscription's generation), so the index never skips a height.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from smartblocks.ledger.backoff import Backoff
from smartblocks.ledger.events import BlockEvents, EventFollower

from .blocksource import BlockContents, BlockUnavailable
from .index import Applied, ChainIndex, Stored, state_changes

LOG = logging.getLogger(__name__)
T = TypeVar("T")
GROUP = 100  # blocks per REST request and per SQLite transaction, at most
GROUPS_AHEAD = 2  # groups fetched (or being fetched) while one is stored


def needs_genesis_state(block: BlockEvents, contents: BlockContents) -> bool:
    """Block 0 has transactions but its state-delta events report no change (Sawtooth 1.0)."""
    has_transactions = any(batch.transactions for batch in contents.batches)
    return block.block_num == 0 and has_transactions and not state_changes(block)


class BlockSource(Protocol):
    async def fetch(self, block_id: str) -> BlockContents: ...

    async def state_at(self, block_id: str) -> list[tuple[str, bytes]]: ...


@dataclass
class _Group:
    generation: int
    blocks: list[BlockEvents]
    contents: asyncio.Task[list[BlockContents | None]]


_END = object()  # the follower stopped


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
        group: int = GROUP,
    ) -> None:
        self.index = index
        self.follower = follower
        self.source = source
        self.on_block = on_block
        self._retry_initial = retry_initial
        self._retry_max = retry_max
        self._gone_after = gone_after
        self._group = group
        self._generation = 0  # bumped at each resubscription the feeder asks for
        self.last_error: str | None = None

    async def run(self) -> None:
        blocks: asyncio.Queue[Any] = asyncio.Queue(self._group * GROUPS_AHEAD)
        groups: asyncio.Queue[Any] = asyncio.Queue(GROUPS_AHEAD)
        stages = [
            asyncio.create_task(self._read(blocks), name="feeder read"),
            asyncio.create_task(self._fetch_groups(blocks, groups), name="feeder fetch"),
        ]
        try:
            await self._store(groups)
        finally:
            for task in stages:
                task.cancel()
            await asyncio.gather(*stages, return_exceptions=True)
            while not groups.empty():
                item = groups.get_nowait()
                if isinstance(item, _Group):
                    item.contents.cancel()

    async def _read(self, blocks: asyncio.Queue[Any]) -> None:
        try:
            iterator = self.follower.blocks().__aiter__()
            while True:
                # The generation when we asked: a block that answers an earlier ask belongs to
                # the subscription before a resubscription requested meanwhile.
                generation = self._generation
                try:
                    block = await iterator.__anext__()
                except StopAsyncIteration:
                    break
                await blocks.put((generation, block))
            await blocks.put(_END)
        except Exception as exc:
            await blocks.put(exc)
            raise

    async def _fetch_groups(self, blocks: asyncio.Queue[Any], groups: asyncio.Queue[Any]) -> None:
        while True:
            item = await blocks.get()
            group: list[BlockEvents] = []
            generation = self._generation
            while True:
                if not isinstance(item, tuple):  # the end, or the follower's error
                    if group:
                        await self._put_group(groups, generation, group)
                    await groups.put(item)
                    return
                read_in, block = item
                if read_in == generation:  # else read before a resubscription: stale
                    group.append(block)
                if len(group) >= self._group or blocks.empty():
                    break
                item = blocks.get_nowait()
            if group:
                await self._put_group(groups, generation, group)

    async def _put_group(
        self, groups: asyncio.Queue[Any], generation: int, blocks: list[BlockEvents]
    ) -> None:
        """Start fetching the group's contents, and queue it for storing."""
        task = asyncio.create_task(self._fetch_contents(blocks), name="feeder fetch group")
        try:
            await groups.put(_Group(generation, blocks, task))
        except asyncio.CancelledError:
            task.cancel()  # the feeder stops: nobody will store this group
            raise

    async def _store(self, groups: asyncio.Queue[Any]) -> None:
        while True:
            item = await groups.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            group: _Group = item
            if group.generation != self._generation:
                group.contents.cancel()
                continue
            fetched = await group.contents
            ready: list[Stored] = []
            for block, contents in zip(group.blocks, fetched, strict=True):
                if contents is None:
                    # The REST API keeps saying 404: the block was most likely replaced by a
                    # fork before we fetched it. Resubscribing makes the validator replay its
                    # chain from our head, which brings the blocks that replaced it.
                    LOG.warning(
                        "block #%d %s is gone; resubscribing", block.block_num, block.block_id[:16]
                    )
                    break
                state = None
                if needs_genesis_state(block, contents):
                    # Sawtooth 1.0 keeps no receipts for genesis transactions, so block 0's
                    # state-delta event is empty although its transactions set state (the
                    # genesis settings): read that state from the REST API instead.
                    state = await self._retrying(block, self.source.state_at)
                    if state is None:
                        break
                    LOG.info(
                        "genesis state delta is empty; read %d entries from /state", len(state)
                    )
                ready.append(Stored(block, contents, state))
            self._publish(self.index.apply_many(ready))
            if len(ready) < len(group.blocks):
                self._generation += 1
                self.follower.resubscribe()

    def _publish(self, applied: Sequence[Applied]) -> None:
        if not applied:
            return
        newest = max(one.block_num for one in applied)
        stored = self.index.blocks(limit=len(applied), before=newest + 1)  # one query a group
        rows = {row["block_num"]: row for row in stored}
        for one in applied:
            if one.rewound:
                LOG.warning("fork: rewound %d block(s) from #%d", one.rewound, one.block_num)
            row = rows.get(one.block_num) or self.index.block(str(one.block_num)) or {}
            self.on_block({**row, "rewound": one.rewound})

    async def _fetch_contents(self, blocks: list[BlockEvents]) -> list[BlockContents | None]:
        """Each block's contents, in order, up to the first one the REST API says is gone
        (None there and after it)."""
        fetch_many = getattr(self.source, "fetch_many", None)
        got: dict[str, BlockContents] = {}
        if fetch_many is not None and len(blocks) > 1:
            got = await fetch_many([b.block_id for b in blocks])
        contents: list[BlockContents | None] = []
        for block in blocks:
            one = got.get(block.block_id) or await self._retrying(block, self.source.fetch)
            contents.append(one)
            if one is None:
                break
        return contents + [None] * (len(blocks) - len(contents))

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
