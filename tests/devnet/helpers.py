"""Helpers for devnet tests: a ZMQ client of the component endpoint, processors in subprocesses,
kv transactions."""

from __future__ import annotations

import asyncio
import itertools
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import zmq
import zmq.asyncio
from sawtooth_sdk.protobuf.batch_pb2 import Batch
from sawtooth_sdk.protobuf.client_batch_submit_pb2 import (
    ClientBatchStatus,
    ClientBatchStatusRequest,
    ClientBatchStatusResponse,
    ClientBatchSubmitRequest,
    ClientBatchSubmitResponse,
)
from sawtooth_sdk.protobuf.events_pb2 import EventList
from sawtooth_sdk.protobuf.validator_pb2 import Message

# One copy of these for the devnet and the end-to-end tests.
from tests.integration.processes import REPO, subprocess_env
from tests.integration.processes import stop_pid as stop_process
from tests.integration.txns import kv_batch, kv_txn

__all__ = ["kv_batch", "kv_txn", "stop_process"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ZmqClient:
    """A DEALER on the component endpoint: requests by correlation id, events in a queue."""

    def __init__(self, url: str) -> None:
        self._context = zmq.asyncio.Context()
        self._socket = self._context.socket(zmq.DEALER)
        self._socket.setsockopt(zmq.LINGER, 0)
        self._socket.connect(url)
        self._ids = itertools.count(1)
        self._replies: dict[str, asyncio.Future[Message]] = {}
        self.events: asyncio.Queue[EventList] = asyncio.Queue()
        # Requests the validator sends to this connection (as a processor).
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            raw = await self._socket.recv()
            message = Message.FromString(raw)
            future = self._replies.pop(message.correlation_id, None)
            if future is not None and not future.done():
                future.set_result(message)
            elif message.message_type == Message.CLIENT_EVENTS:
                self.events.put_nowait(EventList.FromString(message.content))
            else:
                self.inbox.put_nowait(message)

    async def reply(self, request: Message, message_type: int, content: Any) -> None:
        body = content if isinstance(content, bytes) else content.SerializeToString()
        message = Message(
            message_type=message_type, correlation_id=request.correlation_id, content=body
        )
        await self._socket.send(message.SerializeToString())

    async def next_request(self, message_type: int, timeout: float = 10) -> Message:
        """The next request of this type from the validator (pings and others skipped)."""
        while True:
            message = await asyncio.wait_for(self.inbox.get(), timeout)
            if message.message_type == message_type:
                return message

    async def request(self, message_type: int, content: Any, timeout: float = 30) -> Message:
        correlation_id = f"test-{next(self._ids)}"
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._replies[correlation_id] = future
        body = content if isinstance(content, bytes) else content.SerializeToString()
        message = Message(message_type=message_type, correlation_id=correlation_id, content=body)
        await self._socket.send(message.SerializeToString())
        return await asyncio.wait_for(future, timeout)

    async def ask(self, message_type: int, content: Any, response_cls: Any) -> Any:
        reply = await self.request(message_type, content)
        return response_cls.FromString(reply.content)

    async def submit(self, *batches: Batch) -> int:
        response = await self.ask(
            Message.CLIENT_BATCH_SUBMIT_REQUEST,
            ClientBatchSubmitRequest(batches=list(batches)),
            ClientBatchSubmitResponse,
        )
        return response.status

    async def statuses(
        self, *batch_ids: str, wait: bool = True, timeout: int = 20
    ) -> list[ClientBatchStatus]:
        response = await self.ask(
            Message.CLIENT_BATCH_STATUS_REQUEST,
            ClientBatchStatusRequest(batch_ids=list(batch_ids), wait=wait, timeout=timeout),
            ClientBatchStatusResponse,
        )
        return list(response.batch_statuses)

    async def commit(self, *batches: Batch) -> list[ClientBatchStatus]:
        assert await self.submit(*batches) == ClientBatchSubmitResponse.OK
        return await self.statuses(*[b.header_signature for b in batches])

    async def close(self) -> None:
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)
        self._socket.close(linger=0)
        self._context.term()


def start_processor(url: str, *families: str) -> subprocess.Popen:
    """`smartblocks tp FAMILY... --connect URL` in a subprocess (stopped by stop_process)."""
    return subprocess.Popen(
        [sys.executable, "-m", "smartblocks.clients.cli.main", "tp", *families, "--connect", url],
        cwd=REPO,
        env=subprocess_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


class DevnetProcess:
    """`smartblocks devnet` in a subprocess, on a free port, REST API off."""

    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "smartblocks.clients.cli.main", "devnet",
                "--data-dir", str(self.data_dir), "--component", self.url,
                "--rest-api", "off", "--max-wait", "0.02",
            ],
            cwd=REPO,
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip() == "ready":
                return
        raise RuntimeError(f"devnet exited with {self.process.wait()} before it was ready")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        stop_process(self.process, sig)
        return self.process.returncode
