"""`smartblocks up` as a subprocess for tests: its output collected, the PIDs of the children it
reported, Ctrl-C, and cleanup by PID only (never by name)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Any

from tests.integration.processes import REPO, poll, subprocess_env

STARTED = re.compile(r"^(\S+)\s+\| started \(pid (\d+)\)$")


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Up:
    """One `smartblocks up ARGS` run; its output collected by a thread, its children's PIDs
    taken from the supervisor's "started (pid N)" lines."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "smartblocks.clients.cli.main", "up", *args],
            cwd=REPO,
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def output(self) -> str:
        return "\n".join(self.lines)

    def child_pids(self) -> dict[str, int]:
        pids: dict[str, int] = {}
        for line in self.lines:
            if match := STARTED.match(line):
                pids[match.group(1)] = int(match.group(2))
        return pids

    def wait_for(self, text: str, timeout: float) -> None:
        def seen() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"up exited ({self.process.returncode}):\n{self.output()}")
            return any(text in line for line in self.lines)

        try:
            poll(seen, repr(text), timeout, interval=0.1)
        except TimeoutError:
            raise AssertionError(f"{text!r} not printed:\n{self.output()}") from None

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(60)
        self.reader.join(10)
        return code

    def kill_leftovers(self) -> None:
        """Only after a failure: the run we started and the children it reported."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        for pid in self.child_pids().values():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited but is not reaped yet: not running.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


class Portal:
    def __init__(self, url: str):
        self.url = url
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=10) as response:
            return json.loads(response.read())

    def get(self, path: str) -> Any:
        with self.opener.open(self.url + path, timeout=10) as response:
            return json.loads(response.read())
