"""A block's contents (batches, transactions) from a Sawtooth REST API: GET /blocks/{id}, or a
run of consecutive blocks in one request (GET /blocks?head=ID&limit=N, the newest first); and
the whole state at a block (GET /state?head=ID), for a genesis block whose state delta is empty.

The event subscription tells which blocks committed; their contents come from here. The JSON is
Sawtooth 1.2's (protobuf field names, uint64 as strings, payload base64).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp


class BlockUnavailable(Exception):
    """The REST API could not give the block (down, or the block is not there)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # HTTP status, None when there was no answer


@dataclass(frozen=True)
class TransactionInfo:
    txn_id: str
    signer: str
    batcher: str
    family: str
    version: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    dependencies: tuple[str, ...]
    nonce: str
    payload: bytes


@dataclass(frozen=True)
class BatchInfo:
    batch_id: str
    signer: str
    transactions: tuple[TransactionInfo, ...]


@dataclass(frozen=True)
class BlockContents:
    block_id: str
    block_num: int
    previous_block_id: str
    signer: str
    state_root: str
    batches: tuple[BatchInfo, ...]
    consensus: bytes = b""  # the header's consensus field, as the engine wrote it


def parse_block(data: dict[str, Any]) -> BlockContents:
    header = data["header"]
    return BlockContents(
        block_id=data["header_signature"],
        block_num=int(header.get("block_num", 0)),
        previous_block_id=header.get("previous_block_id", ""),
        signer=header.get("signer_public_key", ""),
        state_root=header.get("state_root_hash", ""),
        batches=tuple(_parse_batch(b) for b in data.get("batches", [])),
        consensus=base64.b64decode(header.get("consensus", "")),
    )


def _parse_batch(data: dict[str, Any]) -> BatchInfo:
    return BatchInfo(
        batch_id=data["header_signature"],
        signer=data["header"].get("signer_public_key", ""),
        transactions=tuple(_parse_transaction(t) for t in data.get("transactions", [])),
    )


def _parse_transaction(data: dict[str, Any]) -> TransactionInfo:
    header = data["header"]
    return TransactionInfo(
        txn_id=data["header_signature"],
        signer=header.get("signer_public_key", ""),
        batcher=header.get("batcher_public_key", ""),
        family=header.get("family_name", ""),
        version=header.get("family_version", ""),
        inputs=tuple(header.get("inputs", [])),
        outputs=tuple(header.get("outputs", [])),
        dependencies=tuple(header.get("dependencies", [])),
        nonce=header.get("nonce", ""),
        payload=base64.b64decode(data.get("payload", "")),
    )


class RestBlockSource:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def fetch(self, block_id: str) -> BlockContents:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        url = f"{self.base_url}/blocks/{block_id}"
        try:
            async with self._session.get(url) as response:
                if response.status != 200:
                    raise BlockUnavailable(f"GET {url}: HTTP {response.status}", response.status)
                body = await response.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise BlockUnavailable(f"GET {url}: {exc}") from exc
        return parse_block(body["data"])

    async def fetch_many(self, block_ids: Sequence[str]) -> dict[str, BlockContents]:
        """Consecutive blocks of one chain (oldest first) in one request: the list of blocks
        ending at the last of them. Best effort: whichever of them the answer holds, by id
        (none when the request fails); the caller fetches the others one by one."""
        if not block_ids:
            return {}
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        url = f"{self.base_url}/blocks?head={block_ids[-1]}&limit={len(block_ids)}"
        try:
            async with self._session.get(url) as response:
                if response.status != 200:
                    return {}
                body = await response.json()
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return {}
        wanted = set(block_ids)
        blocks = (parse_block(b) for b in body.get("data", []) if b["header_signature"] in wanted)
        return {b.block_id: b for b in blocks}

    async def state_at(self, block_id: str) -> list[tuple[str, bytes]]:
        """Every state entry at the block: GET /state?head=ID, following the pages."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        url: str | None = f"{self.base_url}/state?head={block_id}&limit=1000"
        entries: list[tuple[str, bytes]] = []
        while url:
            try:
                async with self._session.get(url) as response:
                    if response.status != 200:
                        raise BlockUnavailable(
                            f"GET {url}: HTTP {response.status}", response.status
                        )
                    body = await response.json()
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise BlockUnavailable(f"GET {url}: {exc}") from exc
            entries += [(e["address"], base64.b64decode(e["data"])) for e in body["data"]]
            url = body.get("paging", {}).get("next")
        return entries

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
