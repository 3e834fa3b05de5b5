"""Start components as child processes, prefix their logs, restart the ones that crash.

A component is a long-running service (restarted with backoff when it exits) or a one-shot step
(run to completion before the components after it start; a failure stops the stack). Components
start in list order; each waits for the previous one's readiness check.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from smartblocks.ledger.backoff import Backoff

log = logging.getLogger(__name__)

ReadyCheck = Callable[[], Awaitable[bool]]
READY = "ready"


@dataclass
class Component:
    name: str
    argv: Sequence[str]
    oneshot: bool = False
    ready: ReadyCheck | None = None  # polled after start until True
    ready_timeout: float = 60.0
    env: dict[str, str] = field(default_factory=dict)
    # Arguments decided at each start, after `argv`: e.g. the demo devnet's genesis settings,
    # given only while its chain does not exist yet (a restart must not give them again).
    more_args: Callable[[], Sequence[str]] | None = None

    def command(self) -> list[str]:
        return [*self.argv, *(self.more_args() if self.more_args is not None else ())]


class StackError(Exception):
    """A component could not start or a one-shot step failed."""


class Supervisor:
    def __init__(
        self,
        components: Sequence[Component],
        *,
        out=None,
        max_backoff: float = 30.0,
        stop_timeout: float = 10.0,
    ):
        self.components = list(components)
        self.out = out or sys.stdout
        self.max_backoff = max_backoff
        self.stop_timeout = stop_timeout
        self.restarts: dict[str, int] = {c.name: 0 for c in components}
        self._procs: dict[str, asyncio.subprocess.Process] = {}
        self._tasks: list[asyncio.Task] = []
        self._stopping = asyncio.Event()
        self._width = max((len(c.name) for c in components), default=4)
        # Components whose readiness was announced: by the supervisor's check or by the
        # component itself printing "ready" (the devnet does); said once either way.
        self._announced_ready: set[str] = set()

    def emit(self, name: str, line: str) -> None:
        self.out.write(f"{name:<{self._width}} | {line}\n")
        self.out.flush()

    async def run(self) -> None:
        """Start everything, then supervise until stop() (or a signal) is called."""
        try:
            for component in self.components:
                if self._stopping.is_set():
                    return
                if component.oneshot:
                    code = await self._run_once(component)
                    if code is None:
                        return
                    if code != 0:
                        raise StackError(f"{component.name} failed with exit code {code}")
                    continue
                self._tasks.append(asyncio.create_task(self._keep_running(component)))
                await self._wait_ready(component)
            await self._stopping.wait()
        finally:
            await self._shutdown()

    def stop(self) -> None:
        self._stopping.set()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop)

    async def _spawn(self, component: Component) -> asyncio.subprocess.Process:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **component.env}
        proc = await asyncio.create_subprocess_exec(
            *component.command(),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
            # Ctrl-C reaches the supervisor only; it stops the children in order.
            start_new_session=True,
        )
        self._procs[component.name] = proc
        return proc

    async def _pump(self, name: str, proc: asyncio.subprocess.Process) -> int:
        assert proc.stdout is not None
        async for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip()
            if line == READY:
                if name in self._announced_ready:
                    continue
                self._announced_ready.add(name)
            self.emit(name, line)
        return await proc.wait()

    async def _run_once(self, component: Component) -> int | None:
        """Exit code of a one-shot step, or None when the stack was stopped meanwhile."""
        self.emit(component.name, "running: " + " ".join(component.command()))
        proc = await self._spawn(component)
        pump = asyncio.create_task(self._pump(component.name, proc))
        stopping = asyncio.create_task(self._stopping.wait())
        await asyncio.wait({pump, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not pump.done():
            self._tasks.append(pump)  # _shutdown stops the process and reaps the pump
            return None
        self._procs.pop(component.name, None)
        return pump.result()

    async def _keep_running(self, component: Component) -> None:
        backoff = Backoff(1.0, self.max_backoff)
        while not self._stopping.is_set():
            started = time.monotonic()
            proc = await self._spawn(component)
            self._announced_ready.discard(component.name)  # a restart gets ready again
            self.emit(component.name, f"started (pid {proc.pid})")
            code = await self._pump(component.name, proc)
            if self._stopping.is_set():
                return
            # A component that ran a while before dying gets a fresh, short backoff.
            if time.monotonic() - started > 60:
                backoff.reset()
            self.restarts[component.name] += 1
            delay = backoff.next()
            self.emit(component.name, f"exited with code {code}; restarting in {delay:.0f} s")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)

    async def _wait_ready(self, component: Component) -> None:
        if component.ready is None:
            return
        deadline = time.monotonic() + component.ready_timeout
        while time.monotonic() < deadline and not self._stopping.is_set():
            with contextlib.suppress(Exception):
                if await component.ready():
                    if component.name not in self._announced_ready:
                        self._announced_ready.add(component.name)
                        self.emit(component.name, READY)
                    return
            await asyncio.sleep(0.2)
        if not self._stopping.is_set():
            raise StackError(f"{component.name} not ready after {component.ready_timeout:.0f} s")

    async def _shutdown(self) -> None:
        self._stopping.set()
        # Reverse start order: the agent stops before the validator it submits to.
        for component in reversed(self.components):
            proc = self._procs.get(component.name)
            if proc is None or proc.returncode is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), self.stop_timeout)
            except TimeoutError:
                self.emit(component.name, f"did not stop in {self.stop_timeout:.0f} s; killing")
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
            self.emit(component.name, "stopped")
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def tcp_ready(host: str, port: int) -> bool:
    """A readiness check: something accepts connections on host:port."""
    try:
        _, writer = await asyncio.open_connection(host, port)
    except OSError:
        return False
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return True
