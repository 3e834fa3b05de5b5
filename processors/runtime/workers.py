"""A fixed set of daemon threads that run `handler.apply`, which blocks on state calls.

Daemon threads, unlike ThreadPoolExecutor's, cannot keep the process alive at exit when a
handler hangs: after SIGTERM the processor must go.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

LOG = logging.getLogger(__name__)

Job = Callable[[], None]


class WorkerPool:
    def __init__(self, size: int, name: str = "apply") -> None:
        if size < 1:
            raise ValueError(f"a worker pool needs at least one thread, not {size}")
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True)
            for n in range(size)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def size(self) -> int:
        return len(self._threads)

    def submit(self, job: Job) -> None:
        self._jobs.put(job)

    def stop(self) -> None:
        """Let each thread finish its current job and end; does not wait for them."""
        for _ in self._threads:
            self._jobs.put(None)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job()
            except BaseException:  # a job must never end its thread
                LOG.exception("worker job failed")
