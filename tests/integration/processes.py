"""`smartblocks devnet` and `smartblocks tp` as real subprocesses, for end-to-end tests.

Each wrapper remembers the PID it started and stops only that process: SIGTERM, then SIGKILL
if it has not exited within the grace period. Logs go to files beside the data dir, so a
failing test can show what the process said.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from smartblocks.devnet.node import chain_exists

REPO = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "smartblocks.clients.cli.main"]
STOP_GRACE = 10.0
READY_TIMEOUT = 30.0


def subprocess_env() -> dict[str, str]:
    """The test's environment, with the repo on the path so `tests.*` handlers import."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def stop_pid(process: subprocess.Popen, sig: int = signal.SIGTERM) -> int:
    """Send `sig` to the process we started, SIGKILL it after STOP_GRACE; its exit code."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(STOP_GRACE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_GRACE)
    return process.returncode


def get_json(url: str, timeout: float = 5.0) -> tuple[int, Any]:
    """One GET with the standard library (usable from sync fixtures): status and JSON body."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def poll(
    check: Callable[[], Any], what: str, timeout: float = READY_TIMEOUT, interval: float = 0.05
) -> Any:
    """Call `check()` until it returns something truthy (a readiness check, not a fixed wait)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except (OSError, ValueError):
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready within {timeout:g} s")
        time.sleep(interval)


class DevnetServer:
    """`smartblocks devnet` with its REST API, on free ports (0) unless given.

    `start()` returns once the process printed "ready" and GET /status answers. A restart
    reuses the ports of the first start, so processors reconnect to the same endpoint.
    """

    def __init__(self, data_dir: Path, *extra_args: str) -> None:
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.component = "tcp://127.0.0.1:0"
        self.rest_address = "127.0.0.1:0"
        self.process: subprocess.Popen | None = None
        self.log_path = data_dir.parent / f"{data_dir.name}.log"
        self._log: TextIO | None = None

    @property
    def rest_url(self) -> str:
        return f"http://{self.rest_address}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def args(self) -> list[str]:
        """The extra arguments; genesis settings only for a new chain (devnet refuses them for
        an existing one, as Sawtooth refuses a genesis batch), so a restart resumes."""
        if not chain_exists(self.data_dir):
            return self.extra_args
        kept, skip = [], False
        for arg in self.extra_args:
            if skip:
                skip = False
            elif arg in ("--setting", "--settings"):
                skip = True
            else:
                kept.append(arg)
        return kept

    def start(self) -> None:
        self._log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                *CLI, "devnet", "--data-dir", str(self.data_dir),
                "--component", self.component, "--rest-api", self.rest_address,
                *self.args(),
            ],
            cwd=REPO,
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )  # fmt: skip
        try:
            self._read_endpoints()
            poll(lambda: get_json(self.rest_url + "/status")[0] == 200, "devnet REST API")
        except BaseException:
            self.stop(signal.SIGKILL)
            raise

    def _read_endpoints(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            label, _, value = line.strip().partition(": ")
            if label == "component endpoint":
                self.component = value
            elif label == "REST API":
                self.rest_address = value.removeprefix("http://")
            elif line.strip() == "ready":
                return
        code = self.process.wait()
        raise RuntimeError(f"devnet exited with {code} before ready; log: {self.log_text()}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        code = stop_pid(self.process, sig) if self.process is not None else 0
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def status(self) -> dict[str, Any]:
        code, body = get_json(self.rest_url + "/status")
        assert code == 200, body
        return dict(body["data"])

    def log_text(self) -> str:
        return self.log_path.read_text() if self.log_path.exists() else ""


class Processor:
    """`smartblocks tp SPEC --connect URL [ARGS]`: a family name or module.path:HandlerClass."""

    def __init__(self, spec: str, log_path: Path, *extra_args: str) -> None:
        self.spec = spec
        self.log_path = log_path
        self.extra_args = list(extra_args)
        self.process: subprocess.Popen | None = None

    def start(self, component: str) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [*CLI, "tp", self.spec, "--connect", component, *self.extra_args],
                cwd=REPO,
                env=subprocess_env(),
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    def stop(self, sig: int = signal.SIGTERM) -> int:
        return stop_pid(self.process, sig) if self.process is not None else 0


def wait_registered(devnet: DevnetServer, family: str) -> None:
    """Until /status lists a processor of `family`."""

    def registered() -> bool:
        return any(p["family"] == family for p in devnet.status()["processors"])

    poll(registered, f"processor for {family!r}")
